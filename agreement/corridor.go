package agreement

import (
	"fmt"
	"slices"

	"github.com/accord-peace/accord/geo"
)

// Corridor is a maritime corridor whose merchant vessels are tracked (the
// Black Sea Grain Initiative's, scenarios/ukraine-2025/grain-corridor.yaml):
// vessels report their positions (observations of kind "vessel") and are
// inspected (kind "inspection") in an inspection area; monitor.Vessels
// follows each vessel's voyages and judges the two rules below. Attacks
// on the corridor are ordinary zone rules on a zone of the geometry.
type Corridor struct {
	// Zone is the lane a vessel under way must keep to.
	Zone string `yaml:"zone"`
	// Ends are the corridor's two ends (zones): a voyage runs from one to
	// the other; a vessel is under way from when it enters the lane from
	// one end until it reaches the other.
	Ends []string `yaml:"ends"`
	// Inspection lists the inspection areas: an inspection counts when its
	// observation lies inside one.
	Inspection []string `yaml:"inspection"`
	// Allowed lists zones outside the lane that a vessel under way may
	// enter without leaving the corridor (a waiting area).
	Allowed []string `yaml:"allowed,omitempty"`
	// Outside: a vessel under way reported outside the lane, its ends and
	// the allowed zones at Reports consecutive instants or more.
	Outside *CorridorRule `yaml:"outside"`
	// Uninspected: a vessel that leaves an inspection area (past it, or
	// into the lane) with no inspection observed there during its stay.
	Uninspected *CorridorRule `yaml:"uninspected"`

	parties []string // the agreement's parties (owners that are not neutral)
}

// CorridorRule is one of the corridor's rules: the provision it enforces,
// the party a violation is attributed to (who answers for the vessels
// under the agreement) and, for the outside rule, its tolerance.
type CorridorRule struct {
	Provision   string `yaml:"provision"`
	Responsible string `yaml:"responsible"`
	// Reports is how many consecutive report instants outside make a
	// violation (outside rule only; default 2: one stray position, a
	// glitch of the receiver or a bad fix, is not a deviation).
	Reports int    `yaml:"reports,omitempty"`
	Source  string `yaml:"source,omitempty"`
	InForce `yaml:",inline"`
}

// The corridor's rule names.
const (
	RuleCorridorOutside     = "corridor:outside"
	RuleCorridorUninspected = "corridor:uninspected"
)

// DefaultOutsideReports is the outside rule's default tolerance.
const DefaultOutsideReports = 2

// OutsideReports is the outside rule's tolerance in report instants.
func (c *Corridor) OutsideReports() int {
	if c.Outside != nil && c.Outside.Reports > 0 {
		return c.Outside.Reports
	}
	return DefaultOutsideReports
}

// Parties are the agreement's parties: their sources are not neutral.
func (c *Corridor) Parties() []string { return c.parties }

// NeedsLine reports whether the section has rules measured from a contact
// line (sides, bands, crossing, overflight): only then must its geometry
// hold one. A functional agreement's (a maritime corridor) may hold zones
// only.
func (m *Monitoring) NeedsLine() bool {
	return len(m.Bands) > 0 || m.Crossing != nil || m.Overflight != nil || m.Sides.Left != "" || m.Sides.Right != ""
}

// checkCorridor checks the corridor section against the agreement.
func (a *Agreement) checkCorridor() []string {
	c := a.Monitoring.Corridor
	if c == nil {
		return nil
	}
	c.parties = slices.Clone(a.Parties)
	var probs []string
	add := func(f string, args ...any) { probs = append(probs, fmt.Sprintf(f, args...)) }
	if c.Zone == "" {
		add("monitoring.corridor.zone: missing (the lane vessels keep to)")
	}
	if len(c.Ends) != 2 || len(c.Ends) == 2 && c.Ends[0] == c.Ends[1] {
		add("monitoring.corridor.ends: name the corridor's two ends, two different zones (got %v)", c.Ends)
	}
	if len(c.Inspection) == 0 {
		add("monitoring.corridor.inspection: name at least one inspection area")
	}
	if c.Outside == nil && c.Uninspected == nil {
		add("monitoring.corridor: no rule (outside, uninspected)")
	}
	provisions := a.ruleProvisions()
	for _, r := range []struct {
		at string
		r  *CorridorRule
	}{{"monitoring.corridor.outside", c.Outside}, {"monitoring.corridor.uninspected", c.Uninspected}} {
		if r.r == nil {
			continue
		}
		switch {
		case r.r.Provision == "":
			add("%s.provision: missing", r.at)
		case !provisions[r.r.Provision]:
			add("%s.provision: no provision or point %q in the agreement", r.at, r.r.Provision)
		}
		if r.r.Responsible == "" || !slices.Contains(a.Parties, r.r.Responsible) {
			add("%s.responsible: %q: name the party a violation is attributed to, one of the parties %v", r.at, r.r.Responsible, a.Parties)
		}
		if r.r.Reports < 0 {
			add("%s.reports: must be ≥ 1, got %d", r.at, r.r.Reports)
		}
		a.checkInForce(r.at, r.r.InForce, add)
	}
	return probs
}

// bindCorridor checks the zones the corridor names against the geometry.
func (m *Monitoring) bindCorridor(g *geo.Geometry) []string {
	c := m.Corridor
	if c == nil {
		return nil
	}
	var probs []string
	check := func(at, id string) {
		if id != "" && g.Zone(id) == nil {
			probs = append(probs, fmt.Sprintf("%s: no zone %q in %s", at, id, m.GeometryFile))
		}
	}
	check("monitoring.corridor.zone", c.Zone)
	for i, id := range c.Ends {
		check(fmt.Sprintf("monitoring.corridor.ends[%d]", i), id)
	}
	for i, id := range c.Inspection {
		check(fmt.Sprintf("monitoring.corridor.inspection[%d]", i), id)
	}
	for i, id := range c.Allowed {
		check(fmt.Sprintf("monitoring.corridor.allowed[%d]", i), id)
	}
	return probs
}

// rules are the corridor's rule names.
func (c *Corridor) rules() []string {
	var out []string
	if c.Outside != nil {
		out = append(out, RuleCorridorOutside)
	}
	if c.Uninspected != nil {
		out = append(out, RuleCorridorUninspected)
	}
	return out
}

// windows adds the corridor's timed rules to a Windows map.
func (c *Corridor) windows(out map[string]InForce) {
	if c == nil {
		return
	}
	if c.Outside != nil && c.Outside.Timed() {
		out[RuleCorridorOutside] = c.Outside.InForce
	}
	if c.Uninspected != nil && c.Uninspected.Timed() {
		out[RuleCorridorUninspected] = c.Uninspected.InForce
	}
}
