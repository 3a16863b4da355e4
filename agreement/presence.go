package agreement

import (
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/accord-peace/accord/geo"
)

// Presence is a duty to report presence: a monitor's team (the sources
// owned by SourceOwner) reports, with an observation of event kind
// presence inside Zone, at least once in every period of length Every;
// a period that ends Grace ago on the observations' clock without such a
// report is a missing report, a violation of the rule presence:ID
// attributed to Party (the party controlling the site, whose obligation
// is to let the team work and report). docs/monitoring.md, **Presence**.
type Presence struct {
	ID          string `yaml:"id"`
	Zone        string `yaml:"zone"`
	SourceOwner string `yaml:"source_owner"`
	// Every is the period (24h, 1d, 12h); periods are counted from the
	// Unix epoch, so 24h periods are UTC days.
	Every string `yaml:"every"`
	// Grace is how long after a period's end its report may still come.
	Grace string `yaml:"grace"`
	// Start (RFC 3339 date or instant), when set, is the first instant
	// judged: periods that end before it are not. Without it the first
	// period judged is the one holding the first observation seen.
	Start     string `yaml:"start"`
	Party     string `yaml:"party"`
	Provision string `yaml:"provision"`
	Source    string `yaml:"source"`
	InForce   `yaml:",inline"`

	every, grace time.Duration
	start        time.Time
}

// PresenceEvent is the event kind of a presence report.
const PresenceEvent = "presence"

// Rule is the presence rule's name: presence:ID.
func (p *Presence) Rule() string { return "presence:" + p.ID }

// Period is the length of a reporting period.
func (p *Presence) Period() time.Duration { return p.every }

// GraceTime is how late after its period a report may come.
func (p *Presence) GraceTime() time.Duration { return p.grace }

// StartTime is the first instant judged (zero: from the first
// observation's period).
func (p *Presence) StartTime() time.Time { return p.start }

var presenceID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// checkPresence checks the presence section: ids, durations, the party
// (one of the agreement's parties) and the provision; the zone is checked
// with the geometry (bindPresence).
func (a *Agreement) checkPresence() []string {
	m := a.Monitoring
	var probs []string
	add := func(f string, args ...any) { probs = append(probs, fmt.Sprintf(f, args...)) }
	provisions := a.ruleProvisions()
	ids := map[string]bool{}
	for i := range m.Presence {
		p := &m.Presence[i]
		at := fmt.Sprintf("monitoring.presence[%d]", i)
		if !presenceID.MatchString(p.ID) || ids[p.ID] {
			add("%s.id: missing, repeated or not [a-z0-9-]: %q", at, p.ID)
		}
		ids[p.ID] = true
		if p.Zone == "" {
			add("%s.zone: missing (the zone the team reports from)", at)
		}
		if p.SourceOwner == "" {
			add("%s.source_owner: missing (the owner of the team's sources)", at)
		}
		var err error
		if p.every, err = ParseDuration(p.Every); err != nil || p.every <= 0 {
			add("%s.every: want a positive duration such as 24h or 1d, got %q", at, p.Every)
		}
		if p.Grace != "" {
			if p.grace, err = ParseDuration(p.Grace); err != nil {
				add("%s.grace: %v", at, err)
			}
		}
		if p.Start != "" {
			if p.start, err = time.Parse(time.RFC3339, p.Start); err != nil {
				if p.start, err = time.Parse("2006-01-02", p.Start); err != nil {
					add("%s.start: want an RFC 3339 date or instant, got %q", at, p.Start)
				}
			}
		}
		if !slices.Contains(a.Parties, p.Party) {
			add("%s.party: %q is not among the parties %v", at, p.Party, a.Parties)
		}
		if p.Provision == "" {
			add("%s.provision: missing", at)
		} else if !provisions[p.Provision] {
			add("%s.provision: no provision or point %q in the agreement", at, p.Provision)
		}
		a.checkInForce(at, p.InForce, add)
	}
	return probs
}

// bindPresence checks that the zones the presence section names exist.
func (m *Monitoring) bindPresence(g *geo.Geometry) []string {
	var probs []string
	for i, p := range m.Presence {
		if g.Zone(p.Zone) == nil {
			probs = append(probs, fmt.Sprintf("monitoring.presence[%d].zone: no zone %q in %s", i, p.Zone, m.GeometryFile))
		}
	}
	return probs
}
