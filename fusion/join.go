package fusion

import (
	"math"
	"slices"
	"sort"

	"github.com/golang/geo/s2"
)

// join adds a member to an incident and brings the incident up to date,
// with the results a recomputation over all its members in order would
// give: the member is inserted in order (time, then source/id, after any
// equal), the position sums are refolded from there on in the same order,
// and the rest (owners, confidence, attributions, kind, equipment, the
// spans and the summaries) is updated from the one member. The cost is
// O(log n) plus the members observed after the new one (none for a report
// that arrives in time order).
func (e *Engine) join(in *Incident, m member) {
	i := sort.Search(len(in.members), func(j int) bool { return precedes(&m.r, &in.members[j]) })
	if in.members == nil {
		// Most incidents grow to a few reports: room for them at once.
		in.members, in.Reports = make([]kept, 0, 4), make([]Ref, 0, 4)
	}
	k := kept{Source: m.r.Source, ID: m.r.ID, at: m.r.ObservedAt, acc: m.r.AccuracyM, ta: m.r.TimeAccuracyS, p: m.p}
	in.members = slices.Insert(in.members, i, k)
	in.Reports = slices.Insert(in.Reports, i, Ref{Source: m.r.Source, ID: m.r.ID})
	var sum s2.Point
	wsum := 0.0
	if i > 0 {
		sum, wsum = in.members[i-1].sum, in.members[i-1].wsum
	}
	for j := i; j < len(in.members); j++ {
		x := &in.members[j]
		w := 1 / (x.acc * x.acc)
		sum = s2.Point{Vector: sum.Add(x.p.Mul(w))}
		wsum += w
		x.sum, x.wsum = sum, wsum
	}
	e.moved += len(in.members) - i
	in.mean = s2.Point{Vector: sum.Normalize()}
	ll := s2.LatLngFromPoint(in.mean)
	in.Lat, in.Lon = ll.Lat.Degrees(), ll.Lng.Degrees()
	in.AccuracyM = 1 / math.Sqrt(wsum)
	in.FirstObserved = in.members[0].at
	in.LastObserved = in.members[len(in.members)-1].at

	first := len(in.members) == 1
	if first {
		in.family = group(m.r.Event)
	}
	in.addTime(m.r)
	in.sources |= m.src
	in.maxTA = math.Max(in.maxTA, m.r.TimeAccuracyS)
	if first || m.r.TimeAccuracyS < in.minTA {
		in.minTA = m.r.TimeAccuracyS
	}
	in.widest = max(in.widest, 2*e.cfg.Gate*m.r.AccuracyM)
	// Members name one equipment at most (each was compatible with all).
	if in.Equipment == "" {
		in.Equipment = m.r.Equipment
	}
	// The kind is the first member, in order, of the most telling rank.
	if first || rank(m.r.Event) > rank(in.eventBy.Event) ||
		rank(m.r.Event) == rank(in.eventBy.Event) && before(&m.r, &in.eventBy) {
		in.eventBy, in.Event = m.r, m.r.Event
	}
	if !plain(m.r) {
		in.slow = true
	}
	switch {
	case in.slow:
	case in.sum != nil:
		in.summarise(&k)
	case len(in.members) >= summaryMin:
		in.sum = &summaries{}
		for i := range in.members {
			in.summarise(&in.members[i])
		}
	}
	e.attribute(in, m.r)
	e.own(in, m.r)
}

// rank orders the kinds of one event by how much they tell: a strike over
// an impact over an explosion over a firing; other kinds rank alike.
func rank(event string) int {
	switch event {
	case "firing":
		return 1
	case "explosion":
		return 2
	case "impact":
		return 3
	case "strike":
		return 4
	}
	return 0
}

// summaryMin is the size from which an incident keeps the summaries that
// judge reports: below it, judging every member costs less.
const summaryMin = 32

// summarise adds a member to the summaries.
func (in *Incident) summarise(x *kept) {
	in.sum.times.add(x.at, x.ta)
	if !in.sum.space.add(x.p, x.acc, x.at, x.ta) {
		in.slow = true
	}
}

// before is the members' order: observation time, then source/id (the
// string Source+"/"+ID, compared without being made: joinedLess).
func before(a, b *Report) bool {
	if !a.ObservedAt.Equal(b.ObservedAt) {
		return a.ObservedAt.Before(b.ObservedAt)
	}
	return joinedLess(a.Source, a.ID, b.Source, b.ID)
}

// precedes is before for a report and a member.
func precedes(a *Report, x *kept) bool {
	if !a.ObservedAt.Equal(x.at) {
		return a.ObservedAt.Before(x.at)
	}
	return joinedLess(a.Source, a.ID, x.Source, x.ID)
}

// joinedLess reports whether a1+"/"+a2 < b1+"/"+b2, byte by byte as Go
// compares strings.
func joinedLess(a1, a2, b1, b2 string) bool {
	if a1 == b1 {
		return a2 < b2
	}
	at := func(s1, s2 string, i int) byte {
		switch {
		case i < len(s1):
			return s1[i]
		case i == len(s1):
			return '/'
		}
		return s2[i-len(s1)-1]
	}
	la, lb := len(a1)+1+len(a2), len(b1)+1+len(b2)
	for i := 0; i < la && i < lb; i++ {
		if x, y := at(a1, a2, i), at(b1, b2, i); x != y {
			return x < y
		}
	}
	return la < lb
}

// attribute counts the owners attributing the incident to each party;
// Attributions is a new map when a count changes, as it was when rebuilt.
func (e *Engine) attribute(in *Incident, r Report) {
	if r.AttributedTo == "" || r.AttributedTo == "unknown" || in.attrib[r.AttributedTo][r.Owner] {
		return
	}
	if in.attrib == nil {
		in.attrib = map[string]map[string]bool{}
	}
	if in.attrib[r.AttributedTo] == nil {
		in.attrib[r.AttributedTo] = map[string]bool{}
	}
	in.attrib[r.AttributedTo][r.Owner] = true
	in.Attributions = make(map[string]int, len(in.attrib))
	for p, os := range in.attrib {
		in.Attributions[p] = len(os)
	}
}

// own counts the member's owner once, at its highest confidence, and
// recomputes the confidence and the state when that changes: noisy-OR
// over the owners in sorted order (the old recomputation took them in map
// order, so its last bit varied from run to run with three owners or more).
func (e *Engine) own(in *Incident, r Report) {
	at, had := slices.BinarySearch(in.Owners, r.Owner)
	c := 0.0 // for a new owner, as it was
	if had {
		c = in.ownerConf[at]
	}
	nc := math.Max(c, r.Confidence)
	if had && (nc == c || math.IsNaN(c)) {
		return
	}
	if had {
		in.ownerConf[at] = nc
	} else {
		if in.Owners == nil {
			in.Owners, in.ownerConf = make([]string, 0, 2), make([]float64, 0, 2)
		}
		in.Owners = slices.Insert(in.Owners, at, r.Owner)
		in.ownerConf = slices.Insert(in.ownerConf, at, nc)
		in.neutral = in.neutral || !e.parties[r.Owner]
	}
	miss := 1.0
	for _, c := range in.ownerConf {
		miss *= 1 - c
	}
	in.Confidence = 1 - miss
	switch {
	case len(in.Owners) >= 2 && in.neutral && in.Confidence >= e.cfg.ConfirmAt:
		in.State = Confirmed
		if in.ConfirmedAt.IsZero() {
			in.ConfirmedAt, in.SeenConfirmed = e.latest, in.LastObserved
		}
	case len(in.Owners) >= 2:
		in.State = Corroborated
	default:
		in.State = Reported
	}
}
