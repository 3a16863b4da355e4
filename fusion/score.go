package fusion

import (
	"math"
	"time"
)

// A report fits an incident when it passes the tests of score against
// every member. score is the rule, judged member by member; admits gives
// the same verdict from the incident's summaries, with work bounded in the
// incident's size; refutes is a cheap look for a verdict against.

// plain reports whether a report is in the summaries' domain: finite
// position, positive finite accuracy, non-negative finite time accuracy,
// a time within a few centuries of now. Then every distance, gate, window
// and ratio of score is finite and positive where divided by.
func plain(r Report) bool {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	y := r.ObservedAt.Year()
	return finite(r.Lat) && finite(r.Lon) && finite(r.AccuracyM) && r.AccuracyM > 0 &&
		finite(r.TimeAccuracyS) && r.TimeAccuracyS >= 0 && r.TimeAccuracyS < 1e9 && y > 1800 && y < 2200
}

// summarised reports whether admits may judge m against in.
func (e *Engine) summarised(in *Incident, m member) bool {
	g := e.cfg.Gate
	return in.sum != nil && !in.slow && plain(m.r) && g > 0 && !math.IsInf(g, 0) && in.sum.space.near(m.p)
}

// admits is score's verdict, from the summaries: the family, the span of
// times, the one equipment the members name, the members that may be
// farthest in time (timeBound) and in space (spaceBound).
func (e *Engine) admits(in *Incident, m member) bool {
	g := group(m.r.Event)
	if in.family != g {
		return false
	}
	w := e.timeWindow(g)
	slack := time.Duration((w.Seconds() + in.maxTA + m.r.TimeAccuracyS) * float64(time.Second))
	if m.r.ObservedAt.Before(in.FirstObserved.Add(-slack)) || m.r.ObservedAt.After(in.LastObserved.Add(slack)) {
		return false
	}
	// Members are pairwise compatible, so they name one equipment at most:
	// Equipment.
	if !equipmentCompatible(in.Equipment, m.r.Equipment) {
		return false
	}
	if persistent(g) {
		if !in.sum.times.admitsAny(w, m.r.ObservedAt, m.r.TimeAccuracyS, func() bool { return e.anyInTime(in, m, w) }) {
			return false
		}
	} else if !in.sum.times.admits(w, m.r.ObservedAt, m.r.TimeAccuracyS, &e.work) {
		return false
	}
	return in.sum.space.admits(e.cfg.Gate, m.p, m.r.AccuracyM, &e.work)
}

// anyInTime is the time test of a persistent thing judged member by
// member: whether m is within w of some member, as score computes it.
func (e *Engine) anyInTime(in *Incident, m member, w time.Duration) bool {
	e.ends++
	for i := range in.members {
		e.work++
		if x := &in.members[i]; inTime(x.at, x.ta, &m.r, w) {
			return true
		}
	}
	return false
}

// inTime is the time test of score for one member x (observed at, with
// time accuracy ta) and a report m: |t_m − t_x| ≤ w + ta_x + ta_m.
func inTime(at time.Time, ta float64, m *Report, w time.Duration) bool {
	dt := math.Abs(at.Sub(m.ObservedAt).Seconds())
	return !(dt > w.Seconds()+ta+m.TimeAccuracyS)
}

// refutes reports whether a cheap look shows that m does not fit: score's
// rejections before its loop over the members, then its test against the
// first member. False says nothing.
func (e *Engine) refutes(in *Incident, m member) bool {
	g := group(m.r.Event)
	if in.family != g || !equipmentCompatible(in.Equipment, m.r.Equipment) {
		return true
	}
	w := e.timeWindow(g)
	slack := time.Duration((w.Seconds() + in.maxTA + m.r.TimeAccuracyS) * float64(time.Second))
	if m.r.ObservedAt.Before(in.FirstObserved.Add(-slack)) || m.r.ObservedAt.After(in.LastObserved.Add(slack)) {
		return true
	}
	x := &in.members[0]
	e.work++
	gate := e.cfg.Gate * math.Hypot(x.acc, m.r.AccuracyM)
	if float64(x.p.Distance(m.p))*earthRadiusM > gate {
		return true
	}
	// A persistent thing need fit only some member in time.
	return !persistent(g) && !inTime(x.at, x.ta, &m.r, w)
}

// score is how well m fits the incident (lower is better), and whether it
// fits at all: it must fit every member already there.
func (e *Engine) score(in *Incident, m member) (float64, bool) {
	g := group(m.r.Event)
	// Cheap rejections first: another family, or too far in time from the
	// incident's whole span.
	if in.family != g {
		return 0, false
	}
	w := e.timeWindow(g)
	slack := time.Duration((w.Seconds() + in.maxTA + m.r.TimeAccuracyS) * float64(time.Second))
	if m.r.ObservedAt.Before(in.FirstObserved.Add(-slack)) || m.r.ObservedAt.After(in.LastObserved.Add(slack)) {
		return 0, false
	}
	// Every member's kind is of the incident's family, and the members
	// name one equipment at most, Equipment (each was compatible with all):
	// the test of kind and equipment against every member is the test
	// against the incident.
	if !equipmentCompatible(in.Equipment, m.r.Equipment) {
		return 0, false
	}
	// A persistent thing must be within w of some member in time, anything
	// else within w of every member; both within the gate of every member.
	stays := persistent(g)
	inTimeOfSome := false
	worst := 0.0
	for i := range in.members {
		x := &in.members[i]
		e.work++
		gate := e.cfg.Gate * math.Hypot(x.acc, m.r.AccuracyM)
		d := float64(x.p.Distance(m.p)) * earthRadiusM
		if d > gate {
			return 0, false
		}
		dt := math.Abs(x.at.Sub(m.r.ObservedAt).Seconds())
		tw := w.Seconds() + x.ta + m.r.TimeAccuracyS
		if dt > tw {
			if !stays {
				return 0, false
			}
		} else {
			inTimeOfSome = true
		}
		worst = math.Max(worst, d/gate+dt/tw)
	}
	if stays && !inTimeOfSome {
		return 0, false
	}
	return worst, true
}
