package monitor

import (
	"math"

	"github.com/accord-peace/accord/fusion"
)

// summary is what the rules read of an incident's observations: the
// events reported, the accuracy-weighted sums of the shots' origins (not
// of flight paths' starts), the
// largest caliber and count, and who the sources say fired. It is kept up
// to date as observations join, so that evaluating an incident after a
// report costs the new observations, not all of them: a long-lived
// incident re-sighted batch after batch would otherwise be re-read whole
// each time. Its sums run over the observations in the incident's order,
// as a full pass would, so the answers are the same to the bit; a report
// that joins before the end of that order (a late one) makes it start
// over.
type summary struct {
	n    int        // the incident's first n reports are summarised
	last fusion.Ref // the n-th, to tell that they are still the first n

	events     map[string]bool
	sx, sy, w  float64 // Σ origin·wi and Σ wi, wi = 1/accuracy²
	caliber    float64
	count      int
	attributed map[string]map[string]float64 // attributed party → owner → confidence (nil until one)
	flight     *flight                       // the first path flown over the line

	// fresh holds observations that joined the incident in the batch being
	// observed, each the one the pipeline keeps under its key: summarise
	// finds them here before it looks them up by key.
	fresh []*Observation
}

func newSummary() *summary {
	return &summary{events: map[string]bool{}, count: 1}
}

// add summarises one more observation, the next in the incident's order.
func (s *summary) add(o *Observation, left, right string) {
	if !s.events[o.Event] {
		s.events[o.Event] = true
	}
	if org, has := o.Origin(); has && shot(o.Event) {
		wi := 1 / (o.AccuracyM * o.AccuracyM)
		s.sx += org[0] * wi
		s.sy += org[1] * wi
		s.w += wi
	}
	s.caliber = math.Max(s.caliber, o.CaliberMM)
	s.count = max(s.count, o.Count)
	if o.AttributedTo != "" && o.AttributedTo != Unknown {
		c := o.Confidence
		if o.Source.Owner == left || o.Source.Owner == right {
			c /= 2
		}
		if s.attributed == nil {
			s.attributed = map[string]map[string]float64{}
		}
		if s.attributed[o.AttributedTo] == nil {
			s.attributed[o.AttributedTo] = map[string]float64{}
		}
		s.attributed[o.AttributedTo][o.Source.Owner] = math.Max(s.attributed[o.AttributedTo][o.Source.Owner], c)
	}
}

// shot reports whether an observation of this kind with a LineString is a
// shot, [origin, impact]: the kinds of fire. Any other kind's LineString is
// a path (a drone's or an aircraft's flight): where it began is no origin
// of fire, for the crossing rule, a band or the firer.
func shot(event string) bool {
	switch event {
	case "firing", "explosion", "impact", "strike":
		return true
	}
	return false
}

// origin is the accuracy-weighted mean origin of the shots, when any
// observation has one (a flight path's start is none).
func (s *summary) origin() (lonlat [2]float64, accuracy float64, ok bool) {
	if s.w == 0 {
		return lonlat, 0, false
	}
	return [2]float64{s.sx / s.w, s.sy / s.w}, 1 / math.Sqrt(s.w), true
}

// summarise returns an incident's summary, brought up to date with the
// reports that joined since it was last asked.
func (p *Pipeline) summarise(in *fusion.Incident) *summary {
	s := p.sums[in]
	if s == nil || s.n > len(in.Reports) || s.n > 0 && in.Reports[s.n-1] != s.last {
		ns := newSummary()
		if s != nil {
			ns.fresh = s.fresh
		}
		s = ns
		p.sums[in] = s
	}
	for _, r := range in.Reports[s.n:] {
		if o := p.observation(s.fresh, r); o != nil {
			s.add(o, p.m.Sides.Left, p.m.Sides.Right)
			p.noteFlight(s, o)
			p.summarised++
		}
	}
	clear(s.fresh)
	s.fresh = s.fresh[:0]
	s.n = len(in.Reports)
	if s.n > 0 {
		s.last = in.Reports[s.n-1]
	}
	return s
}

// observation is the observation the pipeline keeps for a report: one of
// fresh when it is there, else looked up by key.
func (p *Pipeline) observation(fresh []*Observation, r fusion.Ref) *Observation {
	for _, o := range fresh {
		if o.ID == r.ID && o.Source.ID == r.Source {
			return o
		}
	}
	return p.obs[Key{Source: r.Source, ID: r.ID}]
}

// joined notes that o, the observation the pipeline keeps under its key,
// joined the incident in the batch being observed (see summary.fresh).
func (p *Pipeline) joined(in *fusion.Incident, o *Observation) {
	s := p.sums[in]
	if s == nil {
		s = newSummary()
		p.sums[in] = s
	}
	s.fresh = append(s.fresh, o)
}

// summaryOf summarises observations given whole (Judge).
func (p *Pipeline) summaryOf(ms []*Observation) *summary {
	s := newSummary()
	for _, o := range ms {
		s.add(o, p.m.Sides.Left, p.m.Sides.Right)
		p.noteFlight(s, o)
	}
	return s
}
