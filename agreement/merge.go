package agreement

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/geo"
)

// Merge combines the monitoring sections of several agreements run side by
// side on one record into one, so that one kernel and one pipeline judge
// each observation once: the first agreement's contact line and sides (the
// first that has a monitoring section: the comprehensive ceasefire), its
// bands, crossing and overflight rules; every agreement's zones, zone
// rules and ceilings; and the corridor section of the one agreement that
// has it. Owner returns the id of the agreement that holds the rule a
// violation names ("zone:ID", "zone-from:ID", "band:ID", "ceiling:...",
// "crossing", "overflight", "corridor:outside", "corridor:uninspected"),
// "" for a rule none holds; that agreement's engine runs the consultation.
//
// An agreement without a monitoring section contributes nothing. When one
// agreement only has one, Merge returns its section itself, unchanged.
// Otherwise a zone rule given by role is spelt out as one rule per zone of
// that role in its own agreement's geometry, so that it never reaches
// another agreement's zones (a corridor is not the ceasefire's protected
// site), in the same order.
//
// Merge refuses, naming the agreements and their files: the same agreement
// twice; a zone id two geometries define; a band id two agreements define;
// any rule name two agreements would both produce; a later agreement with
// bands, a crossing or an overflight rule (they are measured from the
// first agreement's contact line, which is not its own: its own line, if
// its geometry has one, is not judged) or with sides other than the first
// one's; and two corridor sections.
func Merge(as []*Agreement) (m *Monitoring, owner func(rule string) string, err error) {
	var with []*Agreement
	for _, a := range as {
		if a != nil && a.Monitoring != nil {
			with = append(with, a)
		}
	}
	if len(with) == 0 {
		return nil, nil, &accord.Error{Code: accord.EINVALID, Message: "merge: no agreement has a monitoring section"}
	}
	var probs []string
	add := func(f string, args ...any) { probs = append(probs, fmt.Sprintf(f, args...)) }
	owners := map[string]string{} // rule → agreement id
	ruleOf := map[string]*Agreement{}
	ids := map[string]*Agreement{}
	for _, a := range with {
		if b := ids[a.ID]; b != nil {
			add("agreement %q is given twice (%s and %s)", a.ID, describe(b), describe(a))
			continue
		}
		ids[a.ID] = a
		for _, r := range a.Monitoring.Rules() {
			if b := ruleOf[r]; b != nil {
				add("rule %q is produced by both %s and %s", r, describe(b), describe(a))
				continue
			}
			ruleOf[r], owners[r] = a, a.ID
		}
	}
	owner = func(rule string) string { return owners[rule] }
	if len(with) == 1 && len(probs) == 0 {
		return with[0].Monitoring, owner, nil
	}

	first := with[0].Monitoring
	out := &Monitoring{GeometryFile: first.GeometryFile, Sides: first.Sides,
		Bands: slices.Clone(first.Bands), Crossing: first.Crossing, Overflight: first.Overflight}
	g := &geo.Geometry{}
	if first.Geometry != nil {
		g.LineID, g.LineName, g.Parts = first.Geometry.LineID, first.Geometry.LineName, first.Geometry.Parts
	}
	zoneOf := map[string]*Agreement{}
	bandOf := map[string]*Agreement{}
	var corridorOf *Agreement
	for i, a := range with {
		am := a.Monitoring
		if i > 0 {
			line := "its geometry has no contact line"
			if am.Geometry != nil && len(am.Geometry.Parts) > 0 {
				line = "its own contact line is not judged"
			}
			if len(am.Bands) > 0 {
				add("%s: bands %s are measured from the contact line of %s, which it does not hold (%s)", describe(a), bandIDs(am.Bands), describe(with[0]), line)
			}
			if am.Crossing != nil {
				add("%s: a crossing rule is measured from the contact line of %s, which it does not hold (%s)", describe(a), describe(with[0]), line)
			}
			if am.Overflight != nil {
				add("%s: an overflight rule is measured from the contact line of %s, which it does not hold (%s)", describe(a), describe(with[0]), line)
			}
			if (am.Sides != Sides{}) && am.Sides != first.Sides {
				add("%s: sides %s/%s differ from those of %s (%s/%s), the only ones judged", describe(a), am.Sides.Left, am.Sides.Right, describe(with[0]), first.Sides.Left, first.Sides.Right)
			}
		}
		for _, b := range am.Bands {
			if o := bandOf[b.ID]; o != nil {
				add("band %q is defined by both %s and %s", b.ID, describe(o), describe(a))
			}
			bandOf[b.ID] = a
		}
		if am.Geometry != nil {
			for _, z := range am.Geometry.Zones {
				if o := zoneOf[z.ID]; o != nil {
					add("zone %q is defined by both %s and %s", z.ID, describe(o), describe(a))
					continue
				}
				zoneOf[z.ID] = a
				g.Zones = append(g.Zones, z)
			}
		}
		for _, r := range am.Zones {
			if r.Role == "" {
				out.Zones = append(out.Zones, r)
				continue
			}
			if am.Geometry == nil {
				continue
			}
			for _, z := range am.Geometry.Zones {
				if z.Role == r.Role {
					e := r
					e.Zone, e.Role = z.ID, ""
					out.Zones = append(out.Zones, e)
				}
			}
		}
		out.Ceilings = append(out.Ceilings, am.Ceilings...)
		if am.Corridor != nil {
			if corridorOf != nil {
				add("two corridor sections: %s and %s (the vessel rules are one per record)", describe(corridorOf), describe(a))
			}
			corridorOf, out.Corridor = a, am.Corridor
		}
	}
	if len(g.Zones) > geo.MaxZones {
		add("%d zones in all; one geometry holds at most %d", len(g.Zones), geo.MaxZones)
	}
	if len(probs) > 0 {
		return nil, nil, &accord.Error{Code: accord.EINVALID, Message: "merge", Err: errors.New(strings.Join(probs, "\n"))}
	}
	out.Geometry = g
	return out, owner, nil
}

// Rules lists the rule names the section can produce, in a fixed order:
// bands, zone rules (one name per zone a rule covers), ceilings, crossing,
// overflight, the corridor's rules.
func (m *Monitoring) Rules() []string {
	var out []string
	seen := map[string]bool{}
	add := func(r string) {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	for _, b := range m.Bands {
		add("band:" + b.ID)
	}
	for _, r := range m.Zones {
		prefix := "zone:"
		if r.Fire == FireFrom {
			prefix = "zone-from:"
		}
		if r.Zone != "" {
			add(prefix + r.Zone)
			continue
		}
		if m.Geometry != nil {
			for _, z := range m.Geometry.Zones {
				if z.Role == r.Role {
					add(prefix + z.ID)
				}
			}
		}
	}
	for _, c := range m.Ceilings {
		add(c.Rule())
	}
	if m.Crossing != nil {
		add("crossing")
	}
	if m.Overflight != nil {
		add("overflight")
	}
	if m.Corridor != nil {
		for _, r := range m.Corridor.rules() {
			add(r)
		}
	}
	return out
}

// describe names an agreement and its files for an error.
func describe(a *Agreement) string {
	s := fmt.Sprintf("agreement %q", a.ID)
	var files []string
	if a.path != "" {
		files = append(files, a.path)
	}
	if a.Monitoring != nil && a.Monitoring.GeometryFile != "" {
		files = append(files, "geometry "+a.Monitoring.GeometryFile)
	}
	if len(files) > 0 {
		s += " (" + strings.Join(files, ", ") + ")"
	}
	return s
}

func bandIDs(bs []Band) string {
	ids := make([]string, len(bs))
	for i, b := range bs {
		ids[i] = b.ID
	}
	return strings.Join(ids, ", ")
}
