package monitor

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/golang/geo/s2"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/geo"
)

// MissingReport is the event of the incident a missing presence report
// makes.
const MissingReport = "missing_report"

// presenceState judges the monitoring section's presence duties
// (agreement.Presence): a function of the observations in the order the
// pipeline takes them, so replaying them in that order restores it.
//
// Its clock is the latest observed_at seen, of any observation. Periods
// are counted from the Unix epoch (24h periods are UTC days); the first
// judged is the duty's start's, or the first observation's. A period
// counts as reported when an observation of kind presence, by a source of
// the duty's owner, placed inside its zone, observed within the period
// and reported (reported_at) by the period's deadline (its end plus the
// grace), reaches the pipeline before the clock passes that deadline.
// When the clock passes it without one, the period is judged: a missing
// report. A report that comes later changes nothing: the incident stands
// (the record is append-only, and the duty was to report in time).
type presenceState struct {
	duties  []*presenceDuty
	clock   time.Time
	started bool
}

type presenceDuty struct {
	p        *agreement.Presence
	zone     int // index of the zone in the geometry
	centre   [2]float64
	inZones  []string // the zones the centre lies in
	side     string
	distM    float64
	next     time.Time      // start of the first period not yet judged
	reported map[int64]bool // periods not yet judged that have a report, by start (Unix seconds)
}

func newPresenceState(m *agreement.Monitoring, k *geo.Kernel) *presenceState {
	s := &presenceState{}
	for i := range m.Presence {
		p := &m.Presence[i]
		zi := slices.IndexFunc(m.Geometry.Zones, func(z geo.Zone) bool { return z.ID == p.Zone })
		if zi < 0 || p.Period() <= 0 {
			continue // agreement.Load refuses both
		}
		c := zoneCentre(&m.Geometry.Zones[zi])
		pl := k.Place(c[0], c[1])
		d := &presenceDuty{p: p, zone: zi, centre: c, side: m.Sides.Party(pl.Side),
			distM: math.Round(k.DistanceM(c[0], c[1])), reported: map[int64]bool{}}
		for _, z := range pl.Zones.Indices() {
			d.inZones = append(d.inZones, m.Geometry.Zones[z].ID)
		}
		s.duties = append(s.duties, d)
	}
	return s
}

// zoneCentre is the centre of a zone's first ring: the normalised sum of
// its vertices on the sphere, rounded to 1e-6°.
func zoneCentre(z *geo.Zone) [2]float64 {
	ring := z.Polygons[0][0]
	var sum s2.Point
	for _, c := range ring[:len(ring)-1] {
		sum = s2.Point{Vector: sum.Add(geo.Point(c[0], c[1]).Vector)}
	}
	ll := s2.LatLngFromPoint(s2.Point{Vector: sum.Normalize()})
	return [2]float64{round(ll.Lng.Degrees(), 1e-6), round(ll.Lat.Degrees(), 1e-6)}
}

// A PresenceDeadline is what an ingest node splitting the front needs of
// a presence duty (package stream): where its missing reports are placed
// (the centre of its zone), and its periods and grace, whose deadlines
// the front's clock passes.
type PresenceDeadline struct {
	Centre        [2]float64 // [lon, lat]
	Period, Grace time.Duration
}

// PresenceDeadlines lists the monitoring section's presence duties as
// PresenceDeadline, in the section's order.
func PresenceDeadlines(m *agreement.Monitoring) []PresenceDeadline {
	var out []PresenceDeadline
	for i := range m.Presence {
		p := &m.Presence[i]
		zi := slices.IndexFunc(m.Geometry.Zones, func(z geo.Zone) bool { return z.ID == p.Zone })
		if zi < 0 || p.Period() <= 0 {
			continue // agreement.Load refuses both
		}
		out = append(out, PresenceDeadline{Centre: zoneCentre(&m.Geometry.Zones[zi]), Period: p.Period(), Grace: p.GraceTime()})
	}
	return out
}

// Judged is the start of the last period of the duty whose deadline a
// clock at t has passed: it changes where the clock passes a deadline.
func (d PresenceDeadline) Judged(t time.Time) time.Time {
	return periodStart(t.Add(-d.Period-d.Grace-time.Nanosecond), d.Period)
}

// periodStart is the start of the period of length d holding t.
func periodStart(t time.Time, d time.Duration) time.Time {
	return time.Unix(0, 0).UTC().Add(t.Sub(time.Unix(0, 0)).Truncate(d))
}

// maxJudged bounds the periods one observation may judge per duty: a
// clock thrown years ahead by one bad observed_at judges the rest of the
// periods it passed, in order, at the observations that follow, instead of
// making millions of incidents at once.
const maxJudged = 1000

// observe takes one observation (inZone tells whether it lies in a zone
// of the geometry) and returns the missing reports of the periods the
// clock has now passed, in order.
func (s *presenceState) observe(o *Observation, clock time.Time, inZone func(o *Observation, zone int) bool) []Incident {
	if len(s.duties) == 0 {
		return nil
	}
	s.start(o.ObservedAt)
	if o.Event == agreement.PresenceEvent {
		for _, d := range s.duties {
			per := periodStart(o.ObservedAt, d.p.Period())
			deadline := per.Add(d.p.Period() + d.p.GraceTime())
			if o.Source.Owner != d.p.SourceOwner || per.Before(d.next) || o.ReportedAt.After(deadline) || !inZone(o, d.zone) {
				continue
			}
			d.reported[per.Unix()] = true
		}
	}
	if o.ObservedAt.After(s.clock) {
		s.clock = o.ObservedAt
	}
	return s.tick(clock)
}

// start judges each duty from its start, or the period of first (the
// first observation's time), once.
func (s *presenceState) start(first time.Time) {
	if s.started {
		return
	}
	s.started = true
	for _, d := range s.duties {
		at := first
		if st := d.p.StartTime(); !st.IsZero() {
			at = st
		}
		d.next = periodStart(at, d.p.Period())
	}
}

// tick moves the clock to the front's (a worker sees a part of it; zero:
// none) and returns the missing reports of the periods it has now passed,
// in order. A worker told the front's clock before its own first
// observation starts there, as one pipeline at the front's first.
func (s *presenceState) tick(clock time.Time) []Incident {
	if !s.started {
		if clock.IsZero() || len(s.duties) == 0 {
			return nil
		}
		// The front's first observation came in another sector.
		s.start(clock)
	}
	if clock.After(s.clock) {
		s.clock = clock // the front's, when a worker sees a part of it
	}
	var out []Incident
	for _, d := range s.duties {
		for judged := 0; judged < maxJudged; judged++ {
			end := d.next.Add(d.p.Period())
			deadline := end.Add(d.p.GraceTime())
			if !s.clock.After(deadline) {
				break
			}
			if !d.reported[d.next.Unix()] {
				out = append(out, d.missing(d.next, end, deadline))
			}
			delete(d.reported, d.next.Unix())
			d.next = end
		}
	}
	return out
}

// missing is the incident of a period without a report: confirmed (the
// absence is a fact of the record, not a sensor's reading), placed at the
// zone's centre, from the period's end to its deadline, closed at the
// deadline, with the violation of the rule presence:ID attributed to the
// duty's party.
func (d *presenceDuty) missing(start, end, deadline time.Time) Incident {
	label := start.Format(time.DateOnly)
	if d.p.Period()%(24*time.Hour) != 0 {
		label = start.Format("2006-01-02T15:04:05Z")
	}
	closed := deadline
	return Incident{
		ID: d.p.Rule() + ":" + label, State: accord.IncidentConfirmed, Event: MissingReport,
		Location: d.centre, FirstObserved: end, LastObserved: deadline,
		Confidence: 1, Side: d.side, DistanceToLineM: d.distM, Zones: append([]string{}, d.inZones...),
		Violations: []Violation{violation(d.p.Rule(), d.p.Provision, d.p.Party, 1)},
		ClosedAt:   &closed,
		ClosedReason: fmt.Sprintf("no presence report by %s in %s from %s to %s, due by %s",
			d.p.SourceOwner, d.p.Zone, start.Format(time.RFC3339), end.Format(time.RFC3339), deadline.Format(time.RFC3339)),
	}
}

// inZone reports whether an observation's position lies in zone i.
func (p *Pipeline) inZone(o *Observation, i int) bool {
	pl := p.k.Place(o.Position[0], o.Position[1])
	return pl.Zones.Has(i)
}

// interleave puts each missing report after the incidents the batch
// touched before the observation that made it (at[i] of them), so a batch
// hands out the incidents in the order its observations one at a time
// would have.
func interleave(out, missing []Incident, at []int) []Incident {
	if len(missing) == 0 {
		return out
	}
	all := make([]Incident, 0, len(out)+len(missing))
	j := 0
	for i := range out {
		for ; j < len(missing) && at[j] <= i; j++ {
			all = append(all, missing[j])
		}
		all = append(all, out[i])
	}
	return append(all, missing[j:]...)
}

// interleaveOrder is interleave of the incidents' places (Order).
func interleaveOrder(order, missing, at []int) []int {
	all := make([]int, 0, len(order)+len(missing))
	j := 0
	for i := range order {
		for ; j < len(missing) && at[j] <= i; j++ {
			all = append(all, missing[j])
		}
		all = append(all, order[i])
	}
	return append(all, missing[j:]...)
}
