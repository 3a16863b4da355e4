package oracle

import (
	"math"
	"time"
)

// A report joins the incident it fits of least score, the first such
// among the candidates: choose finds it with as little scoring as the
// bounds of the scores allow.

// fit is a candidate that admits a report, with bounds of its score (equal
// when the score is known).
type fit struct {
	in     *Incident
	lo, hi float64
	maxD   float64 // the largest d/gate over the members (see bounds)
	known  bool
}

// choose returns the incident a report joins, nil when none admits it:
// the first of least score, as the rule says. When several admit it, the
// bounds of their scores settle most choices; only incidents whose bounds
// leave them in the running are scored (scoreFromEnds).
func (e *Engine) choose(m member) *Incident {
	fits := e.admitting(m)
	// Report, members and gate plain, the score of an incident that admits
	// the report is finite: the only one is the one score would choose.
	if len(fits) == 1 && !fits[0].known {
		return fits[0].in
	}
	least := math.Inf(1)
	for i := range fits {
		f := &fits[i]
		if !f.known {
			f.lo, f.hi, f.maxD = e.bounds(f.in, m)
		}
		if f.hi < least {
			least = f.hi
		}
	}
	// An incident whose score is surely above another's is out, and so is
	// one whose score is not below +Inf (or NaN: score never chose those);
	// when one is left it is the choice, else the scores decide.
	inRunning := func(f fit) bool { return f.lo <= least && !math.IsInf(f.lo, 1) }
	running := 0
	var last *Incident
	for _, f := range fits {
		if inRunning(f) {
			running++
			last = f.in
		}
	}
	if running == 1 {
		return last
	}
	var best *Incident
	bestScore := math.Inf(1)
	for _, f := range fits {
		if !inRunning(f) {
			continue
		}
		s := f.lo
		if !f.known {
			e.scans++
			s = e.scoreFromEnds(f.in, m, f.lo, f.maxD)
		}
		if s < bestScore {
			best, bestScore = f.in, s
		}
	}
	return best
}

// admitting returns the candidates that admit m (the rule of score), with
// the score where it was computed on the way. The slice is the engine's
// scratch, valid until the next call.
func (e *Engine) admitting(m member) []fit {
	fits := e.fits[:0]
	for _, in := range e.candidates(m) {
		if e.summarised(in, m) {
			if e.admits(in, m) {
				fits = append(fits, fit{in: in})
			}
		} else if len(in.members) >= summaryMin && e.refutes(in, m) {
			continue // a big incident spared a visit to every member
		} else if s, ok := e.score(in, m); ok {
			fits = append(fits, fit{in: in, lo: s, hi: s, known: true})
		}
	}
	clear(fits[len(fits):cap(fits)]) // no stale incidents held
	e.fits = fits
	return fits
}

// bounds brackets the score of an incident that admits m (summarised): it
// is the largest over the members of d/gate + dt/tw. The largest d/gate is
// at a member spaceBound keeps, and dt/tw is at most the largest dt (at an
// end of the span) over the least tw, so their sum is above the score, in
// floating point too, rounding being monotone; the score at the members
// kept and at the ends of the span is below it. maxD is the largest d/gate.
func (e *Engine) bounds(in *Incident, m member) (lo, hi, maxD float64) {
	w := e.timeWindow(group(m.r.Event)).Seconds()
	term := func(at time.Time, ta, d, gate float64) float64 {
		e.work++
		dt := math.Abs(at.Sub(m.r.ObservedAt).Seconds())
		return d/gate + dt/(w+ta+m.r.TimeAccuracyS)
	}
	for _, a := range in.sum.space.order {
		gate := e.cfg.Gate * math.Hypot(a, m.r.AccuracyM)
		for _, k := range in.sum.space.classes[a].keep {
			d := float64(k.p.Distance(m.p)) * earthRadiusM
			maxD = math.Max(maxD, d/gate)
			lo = math.Max(lo, term(k.at, k.ta, d, gate))
		}
	}
	for _, x := range []member{in.members[0], in.members[len(in.members)-1]} {
		gate := e.cfg.Gate * math.Hypot(x.r.AccuracyM, m.r.AccuracyM)
		lo = math.Max(lo, term(x.r.ObservedAt, x.r.TimeAccuracyS, float64(x.p.Distance(m.p))*earthRadiusM, gate))
	}
	maxDT := math.Max(math.Abs(in.FirstObserved.Sub(m.r.ObservedAt).Seconds()), math.Abs(in.LastObserved.Sub(m.r.ObservedAt).Seconds()))
	hi = maxD + maxDT/(w+in.minTA+m.r.TimeAccuracyS)
	return lo, hi, maxD
}

// scoreFromEnds is score's value for an incident that admits m
// (summarised), given lo, its value at some members, and maxD, the largest
// d/gate over the members. A member's d/gate + dt/tw is at most maxD +
// dt/tw_min, which falls as dt does: walking in from both ends of the span
// towards m's time, the walk on a side stops at the first member that
// cannot raise lo, and so cannot any further in. The visits are the
// members far enough in time from m to matter; all of them at worst.
func (e *Engine) scoreFromEnds(in *Incident, m member, lo, maxD float64) float64 {
	w := e.timeWindow(group(m.r.Event)).Seconds()
	twMin := w + in.minTA + m.r.TimeAccuracyS
	visit := func(x member) bool {
		dt := math.Abs(x.r.ObservedAt.Sub(m.r.ObservedAt).Seconds())
		if maxD+dt/twMin <= lo {
			return false
		}
		e.work++
		gate := e.cfg.Gate * math.Hypot(x.r.AccuracyM, m.r.AccuracyM)
		d := float64(x.p.Distance(m.p)) * earthRadiusM
		tw := w + x.r.TimeAccuracyS + m.r.TimeAccuracyS
		lo = math.Max(lo, d/gate+dt/tw)
		return true
	}
	ms, at := in.members, m.r.ObservedAt
	i := 0
	for i < len(ms) && !ms[i].r.ObservedAt.After(at) && visit(ms[i]) {
		i++
	}
	for j := len(ms) - 1; j >= i && ms[j].r.ObservedAt.After(at) && visit(ms[j]); j-- {
	}
	return lo
}
