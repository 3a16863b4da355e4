package monitor

import (
	"strings"
	"time"
)

// A tick of the agreement's clock (mission.Tick: POST /v1/clock, serve
// --tick-every) moves the presence duties' clock without an observation:
// a monitor that stops reporting while every other source is silent too —
// a site cut off, the case the duty is for — is judged missing when the
// deadline passes, not at the next observation of any source. Fusion's
// clock does not move: what closes an incident stays a function of the
// observations.

// TickPresence moves the presence duties' clock to at (a tick of the
// agreement's clock; no later than the clock: nothing) and returns the
// missing reports of the periods whose deadline it now passes, in order,
// as a batch would hand them out at its first line (Order 3 each). Before
// the pipeline has seen an observation, or been told the front's clock,
// it judges nothing: periods are counted from the first observation.
func (p *Pipeline) TickPresence(at time.Time) []Incident {
	clear(p.openings)
	p.openings = p.openings[:0]
	p.order = p.order[:0]
	if !p.presence.started {
		return nil
	}
	out := p.presence.tick(at)
	for range out {
		p.order = append(p.order, 3)
	}
	return out
}

// PresenceDueAt reports whether TickPresence(at) would judge a period
// missing: a deadline passed by at with no report for its period.
func (p *Pipeline) PresenceDueAt(at time.Time) bool {
	s := p.presence
	if !s.started {
		return false
	}
	clock := s.clock
	if at.After(clock) {
		clock = at
	}
	for _, d := range s.duties {
		next := d.next
		for judged := 0; judged < maxJudged; judged++ {
			end := next.Add(d.p.Period())
			if !clock.After(end.Add(d.p.GraceTime())) {
				break
			}
			if !d.reported[next.Unix()] {
				return true
			}
			next = end
		}
	}
	return false
}

// RestorePresence takes the id of an incident the record holds: a
// missing report of a duty (presence:ID:PERIOD) makes the duty judge from
// the period after it on, should the stored observations replayed have
// judged less — a tick judged it, and a tick's time is not among the
// observations. Other ids, and a duty's periods judged already, change
// nothing; before the first observation it does nothing.
func (p *Pipeline) RestorePresence(id string) {
	s := p.presence
	if !s.started || !strings.HasPrefix(id, "presence:") {
		return
	}
	for _, d := range s.duties {
		label, ok := strings.CutPrefix(id, d.p.Rule()+":")
		if !ok {
			continue
		}
		start, err := time.Parse(time.DateOnly, label)
		if err != nil {
			if start, err = time.Parse("2006-01-02T15:04:05Z", label); err != nil {
				continue
			}
		}
		end := start.Add(d.p.Period())
		if !end.After(d.next) {
			continue
		}
		for per := range d.reported {
			if per < end.Unix() {
				delete(d.reported, per)
			}
		}
		d.next = end
	}
}
