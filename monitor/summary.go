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
// that joins before the end of that order (a late one) makes the sums and
// the flight start over, from the observations the summary keeps in that
// order (the events, largest caliber and count and the attributions do
// not depend on the order: the late observation is added to them).
type summary struct {
	n    int            // the incident's first n reports are summarised
	last fusion.Ref     // the n-th, to tell that they are still the first n
	obs  []*Observation // the observations of those n reports (nil: none kept)

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
	s.addSum(o)
	s.addSet(o, left, right)
}

// addSum adds an observation's shot to the sums, which depend on the order.
func (s *summary) addSum(o *Observation) {
	if org, has := o.Origin(); has && shot(o.Event) {
		wi := 1 / (o.AccuracyM * o.AccuracyM)
		s.sx += org[0] * wi
		s.sy += org[1] * wi
		s.w += wi
	}
}

// addSet adds what does not depend on the order: the event, the largest
// caliber and count, the attribution.
func (s *summary) addSet(o *Observation, left, right string) {
	if !s.events[o.Event] {
		s.events[o.Event] = true
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
func (p *Pipeline) summarise(in *fusion.Incident) *summary { return p.summariseFrom(in, nil) }

// summariseFrom is summarise given the incident's summary when the caller
// has it at hand (else nil).
func (p *Pipeline) summariseFrom(in *fusion.Incident, s *summary) *summary {
	if s == nil {
		s = p.sums[in]
	}
	if s == nil {
		s = newSummary()
		p.sums[in] = s
	}
	if (s.n > len(in.Reports) || s.n > 0 && in.Reports[s.n-1] != s.last) && !p.insert(s, in) {
		ns := newSummary()
		ns.fresh = s.fresh
		s = ns
		p.sums[in] = s
	}
	for _, r := range in.Reports[s.n:] {
		o := p.observation(s.fresh, r)
		s.obs = append(s.obs, o)
		if o != nil {
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

// insert brings a summary up to date with reports that joined inside the
// incident's order (late ones), when its n reports are still there, in the
// same order, with their observations kept: the new observations are added
// to what does not depend on the order, and the sums and the flight are
// made again over all of them in order, as a full pass would. It reports
// false, having changed nothing, when it cannot (a report gone, one
// without an observation, or, once an observation came again as its first
// incident closed, ever: then a report's observation may be gone from the
// pipeline, which a start over skips; see Pipeline.dup).
func (p *Pipeline) insert(s *summary, in *fusion.Incident) bool {
	if p.dup || s.n > len(in.Reports) {
		return false
	}
	all := make([]*Observation, 0, len(in.Reports))
	j := 0
	for _, r := range in.Reports {
		if j < len(s.obs) {
			o := s.obs[j]
			if o == nil {
				return false
			}
			if o.ID == r.ID && o.Source.ID == r.Source {
				all = append(all, o)
				j++
				continue
			}
		}
		all = append(all, nil) // a new one, looked up below
	}
	if j < len(s.obs) {
		return false
	}
	for i, r := range in.Reports {
		if all[i] == nil {
			o := p.observation(s.fresh, r)
			if o == nil {
				return false
			}
			all[i] = o
		}
	}
	j = 0
	for _, o := range all {
		if j < len(s.obs) && o == s.obs[j] {
			j++
			continue
		}
		s.addSet(o, p.m.Sides.Left, p.m.Sides.Right)
	}
	s.sx, s.sy, s.w, s.flight = 0, 0, 0, nil
	for _, o := range all {
		s.addSum(o)
		p.noteFlight(s, o)
		p.summarised++
	}
	s.obs = all
	s.n = len(all)
	s.last = in.Reports[s.n-1]
	return true
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
// joined the incident in the batch being observed (see summary.fresh). It
// returns the incident's summary, given as s when the caller has it at hand
// (else nil).
func (p *Pipeline) joined(in *fusion.Incident, s *summary, o *Observation) *summary {
	if s == nil {
		s = p.sums[in]
	}
	if s == nil {
		s = newSummary()
		p.sums[in] = s
	}
	s.fresh = append(s.fresh, o)
	return s
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
