package agreement

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// checkRules checks the monitoring rules against the rest of the agreement:
// the caliber ranges of bands, the parties rules name, the classes and
// fire places of zone rules, and that every rule's provision is one of the
// agreement's provisions or one of their points.
func (a *Agreement) checkRules() []string {
	m := a.Monitoring
	var probs []string
	add := func(f string, args ...any) { probs = append(probs, fmt.Sprintf(f, args...)) }
	seen := map[string]bool{}
	for _, p := range a.Provisions {
		seen[p.ID] = true
	}
	for i, p := range a.Provisions {
		for _, pt := range p.Points {
			if pt == "" || seen[pt] {
				add("provisions[%d].points: %q is empty or names another provision or point", i, pt)
			}
			seen[pt] = true
		}
	}
	provisions := a.ruleProvisions()
	provision := func(at, p string) {
		if p == "" {
			return // "missing" is said where the rule is checked
		}
		if !provisions[p] {
			add("%s.provision: no provision or point %q in the agreement (provisions and points: %s)", at, p, strings.Join(slices.Sorted(maps.Keys(provisions)), ", "))
		}
	}
	parties := func(at string, ps []string) {
		for _, p := range ps {
			if !m.NeedsLine() {
				if !slices.Contains(a.Parties, p) {
					add("%s.parties: %q is not among the parties %v", at, p, a.Parties)
				}
				continue
			}
			if p != m.Sides.Left && p != m.Sides.Right {
				add("%s.parties: %q holds no side of the line (the sides are %s and %s)", at, p, m.Sides.Left, m.Sides.Right)
			}
		}
	}
	for i, b := range m.Bands {
		at := fmt.Sprintf("monitoring.bands[%d]", i)
		checkRange(at, "", CaliberRange{MinMM: b.MinCaliberMM, MaxMM: b.MaxCaliberMM, BelowMM: b.BelowCaliberMM}, add)
		for _, e := range slices.Sorted(maps.Keys(b.Calibers)) {
			if !slices.Contains(b.Equipment, e) {
				add("%s.calibers.%s: %q is not among the band's classes %v", at, e, e, b.Equipment)
			}
			checkRange(at, ".calibers."+e, b.Calibers[e], add)
		}
		parties(at, b.Parties)
		provision(at, b.Provision)
		a.checkInForce(at, b.InForce, add)
	}
	for i, z := range m.Zones {
		at := fmt.Sprintf("monitoring.zone_rules[%d]", i)
		for _, e := range z.Equipment {
			if !slices.Contains(Equipments, e) {
				add("%s.equipment: unknown class %q (want one of %s)", at, e, strings.Join(Equipments, ", "))
			}
		}
		if z.Fire != "" && z.Fire != FireOn && z.Fire != FireFrom {
			add("%s.fire: %q: want %q (fire landing in the zone) or %q (fire from it)", at, z.Fire, FireOn, FireFrom)
		}
		parties(at, z.Parties)
		provision(at, z.Provision)
		a.checkInForce(at, z.InForce, add)
	}
	if c := m.Crossing; c != nil {
		kinds("monitoring.crossing", c.Equipment, c.Events, add)
		provision("monitoring.crossing", c.Provision)
		a.checkInForce("monitoring.crossing", c.InForce, add)
	}
	if o := m.Overflight; o != nil {
		kinds("monitoring.overflight", nil, o.Events, add)
		if o.Provision == "" {
			add("monitoring.overflight.provision: missing")
		}
		provision("monitoring.overflight", o.Provision)
		a.checkInForce("monitoring.overflight", o.InForce, add)
	}
	for i, c := range m.Ceilings {
		at := fmt.Sprintf("monitoring.ceilings[%d]", i)
		parties(at, c.Parties)
		provision(at, c.Provision)
		a.checkInForce(at, c.InForce, add)
	}
	return probs
}

// kinds checks the classes and event kinds a rule names.
func kinds(at string, equipment, events []string, add func(string, ...any)) {
	for _, e := range equipment {
		if !slices.Contains(Equipments, e) {
			add("%s.equipment: unknown class %q (want one of %s)", at, e, strings.Join(Equipments, ", "))
		}
	}
	for _, e := range events {
		if !slices.Contains(Events, e) {
			add("%s.events: unknown event kind %q (want one of %s)", at, e, strings.Join(Events, ", "))
		}
	}
}

// checkRange checks a range of calibers.
func checkRange(at, field string, r CaliberRange, add func(string, ...any)) {
	min, max, below := "min_caliber_mm", "max_caliber_mm", "below_caliber_mm"
	if field != "" {
		min, max, below = field[1:]+".min_mm", field[1:]+".max_mm", field[1:]+".below_mm"
	}
	switch {
	case r.MinMM < 0 || r.MaxMM < 0 || r.BelowMM < 0:
		add("%s: calibers must be ≥ 0 (%s %v, %s %v, %s %v)", at, min, r.MinMM, max, r.MaxMM, below, r.BelowMM)
	case r.MaxMM > 0 && r.BelowMM > 0:
		add("%s: give %s (at most, included) or %s (below, excluded), not both", at, max, below)
	case r.MaxMM > 0 && r.MinMM > r.MaxMM:
		add("%s.%s: the minimum caliber %v exceeds the maximum %v (%s)", at, min, r.MinMM, r.MaxMM, max)
	case r.BelowMM > 0 && r.MinMM >= r.BelowMM:
		add("%s.%s: the minimum caliber %v is not below %v (%s): the band governs no caliber", at, min, r.MinMM, r.BelowMM, below)
	}
}

// ruleProvisions is the set of names a monitoring rule may give as its
// provision: the provisions' ids and their points.
func (a *Agreement) ruleProvisions() map[string]bool {
	out := map[string]bool{}
	for _, p := range a.Provisions {
		out[p.ID] = true
		for _, pt := range p.Points {
			out[pt] = true
		}
	}
	return out
}
