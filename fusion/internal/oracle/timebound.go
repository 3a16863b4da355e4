package oracle

import (
	"math"
	"time"
)

// timeBound answers the time test of score exactly without a visit to
// every member. A member x admits a report m when
//
//	|t_m − t_x| ≤ window + ta_x + ta_m,
//
// that is when t_x + ta_x ≥ t_m − window − ta_m and t_x − ta_x ≤ t_m +
// window + ta_m. Each side is a threshold on one key of the member, so the
// members that could refuse m are those whose key is past the threshold
// or within floating-point reach of it (slack): a min-heap on t + ta and
// one on −(t − ta) hand them out cheapest first, and each is judged by the
// test exactly as score computes it. A member whose key clears the
// threshold by the slack passes that test in exact arithmetic by more than
// any rounding of score's, so it cannot refuse m. Members with the same
// instant and time accuracy test alike and are kept once.
type timeBound struct {
	origin time.Time // offsets are seconds from it
	early  tHeap     // keyed by t + ta: the members m may be too late for
	late   tHeap     // keyed by −(t − ta): those m may be too early for
	seen   map[tKey]bool
	absTA  float64 // the largest |ta| kept
	// first and last are the least t − ta and the largest t + ta over the
	// members (offsets): the ends of a persistent thing's span (admitsAny).
	first, last float64
}

type tKey struct {
	sec  int64
	nsec int
	ta   float64
}

type tPoint struct {
	key float64
	at  time.Time
	ta  float64
}

// offset is t in seconds from the origin, computed without time.Duration
// (which saturates at 292 years).
func (b *timeBound) offset(t time.Time) float64 {
	return float64(t.Unix()-b.origin.Unix()) + float64(t.Nanosecond()-b.origin.Nanosecond())*1e-9
}

// add keeps a member's time and time accuracy.
func (b *timeBound) add(at time.Time, ta float64) {
	k := tKey{at.Unix(), at.Nanosecond(), ta}
	if b.seen == nil {
		b.seen, b.origin = map[tKey]bool{}, at
		b.first, b.last = math.Inf(1), math.Inf(-1)
	}
	if b.seen[k] {
		return
	}
	b.seen[k] = true
	b.absTA = math.Max(b.absTA, math.Abs(ta))
	o := b.offset(at)
	b.first, b.last = math.Min(b.first, o-ta), math.Max(b.last, o+ta)
	b.early.push(tPoint{key: o + ta, at: at, ta: ta})
	b.late.push(tPoint{key: -(o - ta), at: at, ta: ta})
}

// admits reports whether every member passes the time test against a
// report of family window w observed at with accuracy ta; work counts the
// members judged.
func (b *timeBound) admits(w time.Duration, at time.Time, ta float64, work *int) bool {
	ws := w.Seconds()
	o := b.offset(at)
	slack := 1e-6 + 1e-12*(math.Abs(o)+ws+math.Abs(ta)+b.absTA)
	refuses := func(x tPoint) bool {
		*work++
		dt := math.Abs(x.at.Sub(at).Seconds())
		tw := ws + x.ta + ta
		return dt > tw
	}
	// Too late for a member: t_x + ta_x < o − ws − ta.
	if b.early.any(o-ws-ta+slack, refuses) {
		return false
	}
	// Too early for a member: −(t_x − ta_x) < −(o + ws + ta).
	return !b.late.any(-(o+ws+ta)+slack, refuses)
}

// admitsAny reports whether some member passes the time test of a
// persistent thing against a report observed at with accuracy ta, within
// w: |t_m − t_x| ≤ w + ta_x + ta_m. Each member joined within w + both
// accuracies of another (and every ta ≥ 0), so the intervals [t_x − ta_x −
// w − ta_m, t_x + ta_x + w + ta_m] of the members overlap in a chain and
// their union is one interval, [first − w − ta_m, last + w + ta_m]; a point
// of it is inside some member's interval by at least the lesser of w/2 and
// its distance to the union's ends. So a report clear of those ends by the
// slack is admitted, and one beyond them by the slack refused, as score's
// arithmetic would; only a report within the slack of an end (or a window
// under a second) is judged by exact, member by member.
func (b *timeBound) admitsAny(w time.Duration, at time.Time, ta float64, exact func() bool) bool {
	ws := w.Seconds()
	o := b.offset(at)
	slack := 1e-6 + 1e-12*(math.Abs(o)+ws+math.Abs(ta)+b.absTA+math.Abs(b.first)+math.Abs(b.last))
	lo, hi := b.first-ws-ta, b.last+ws+ta
	switch {
	case ws < 1:
		return exact()
	case o < lo-slack || o > hi+slack:
		return false
	case o > lo+slack && o < hi-slack:
		return true
	}
	return exact()
}

// tHeap is a binary min-heap of points by key.
type tHeap []tPoint

func (h *tHeap) push(p tPoint) {
	*h = append(*h, p)
	s := *h
	for i := len(s) - 1; i > 0; {
		up := (i - 1) / 2
		if s[up].key <= s[i].key {
			break
		}
		s[up], s[i] = s[i], s[up]
		i = up
	}
}

// any reports whether f holds for a point with key below bound, visiting
// only such points (a heap's subtree holds no key below its root's).
func (h tHeap) any(bound float64, f func(tPoint) bool) bool {
	var walk func(i int) bool
	walk = func(i int) bool {
		if i >= len(h) || !(h[i].key < bound) {
			return false
		}
		return f(h[i]) || walk(2*i+1) || walk(2*i+2)
	}
	return walk(0)
}
