package agreement

import (
	"fmt"
	"slices"
	"strings"
)

// InForce says when a monitoring rule takes effect and when it stops, on
// the agreement's clock: From and Until each name "provision:ID" (the
// provision's deadline, once the engine has set it) or "phase:ID" (when the
// phase opens). Empty: from the start, and for good. A rule is in force at
// a time from From (included) until Until (excluded); a From the engine
// has not reached yet keeps it out of force, an Until it has not reached
// keeps it in.
type InForce struct {
	From  string `yaml:"from"`
	Until string `yaml:"until"`
}

// Timed reports whether the rule is tied to the agreement's clock.
func (f InForce) Timed() bool { return f.From != "" || f.Until != "" }

// checkInForce checks the references of a rule's from and until.
func (a *Agreement) checkInForce(at string, f InForce, add func(string, ...any)) {
	for _, x := range []struct{ field, ref string }{{"from", f.From}, {"until", f.Until}} {
		if x.ref == "" {
			continue
		}
		kind, id, _ := strings.Cut(x.ref, ":")
		switch kind {
		case "provision":
			if !slices.ContainsFunc(a.Provisions, func(p Provision) bool { return p.ID == id }) {
				add("%s.%s: no provision %q in the agreement", at, x.field, id)
			}
		case "phase":
			if !slices.ContainsFunc(a.Phases, func(p Phase) bool { return p.ID == id }) {
				add("%s.%s: no phase %q in the agreement (its phases: %s)", at, x.field, id, phaseIDs(a.Phases))
			}
		default:
			add("%s.%s: %q: want provision:ID (from its deadline) or phase:ID (from its opening)", at, x.field, x.ref)
		}
	}
}

func phaseIDs(ps []Phase) string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}

// Windows maps each timed rule's name to when it is in force; zones of a
// role give one name per zone of the geometry. Rules not tied to the
// clock are left out.
func (m *Monitoring) Windows() map[string]InForce {
	out := map[string]InForce{}
	for _, b := range m.Bands {
		if b.Timed() {
			out["band:"+b.ID] = b.InForce
		}
	}
	if c := m.Crossing; c != nil && c.Timed() {
		out["crossing"] = c.InForce
	}
	if o := m.Overflight; o != nil && o.Timed() {
		out["overflight"] = o.InForce
	}
	for _, c := range m.Ceilings {
		if c.Timed() {
			out[c.Rule()] = c.InForce
		}
	}
	m.Corridor.windows(out)
	for _, z := range m.Zones {
		if !z.Timed() || m.Geometry == nil {
			continue
		}
		prefix := "zone:"
		if z.Fire == FireFrom {
			prefix = "zone-from:"
		}
		for _, g := range m.Geometry.Zones {
			if g.ID == z.Zone || g.Role == z.Role && z.Role != "" {
				if _, ok := out[prefix+g.ID]; !ok {
					out[prefix+g.ID] = z.InForce
				}
			}
		}
	}
	return out
}

func (f InForce) String() string {
	return fmt.Sprintf("from %q until %q", f.From, f.Until)
}
