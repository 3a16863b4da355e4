package monitor

import "slices"

// flight is what the overflight rule read of a flight path: the party
// whose side it started on, when it reached the other side, and how sure
// the two placements are.
type flight struct {
	party string
	conf  float64
}

// noteFlight keeps, in the summary, the first flight path among an
// incident's observations that has positions on both sides of the line
// (flown over it), when the agreement forbids overflight.
func (p *Pipeline) noteFlight(s *summary, o *Observation) {
	ov := p.m.Overflight
	if ov == nil || s.flight != nil || len(o.Path) < 2 || !slices.Contains(ov.Kinds(), o.Event) {
		return
	}
	start := p.k.Place(o.Path[0][0], o.Path[0][1])
	if start.Side == 0 {
		return
	}
	for _, q := range o.Path[1:] {
		pl := p.k.Place(q[0], q[1])
		if pl.Side != 0 && pl.Side != start.Side {
			conf := p.sideConfidenceAt(o.Path[0][0], o.Path[0][1], o.AccuracyM) * p.sideConfidenceAt(q[0], q[1], o.AccuracyM)
			s.flight = &flight{party: p.m.Sides.Party(start.Side), conf: conf}
			return
		}
	}
}
