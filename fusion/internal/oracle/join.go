package oracle

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
	i := sort.Search(len(in.members), func(j int) bool { return before(m.r, in.members[j].r) })
	in.members = slices.Insert(in.members, i, m)
	in.Reports = slices.Insert(in.Reports, i, Ref{Source: m.r.Source, ID: m.r.ID})
	var sum s2.Point
	wsum := 0.0
	if i > 0 {
		sum, wsum = in.members[i-1].sum, in.members[i-1].wsum
	}
	for j := i; j < len(in.members); j++ {
		x := &in.members[j]
		w := 1 / (x.r.AccuracyM * x.r.AccuracyM)
		sum = s2.Point{Vector: sum.Add(x.p.Mul(w))}
		wsum += w
		x.sum, x.wsum = sum, wsum
	}
	e.moved += len(in.members) - i
	in.mean = s2.Point{Vector: sum.Normalize()}
	ll := s2.LatLngFromPoint(in.mean)
	in.Lat, in.Lon = ll.Lat.Degrees(), ll.Lng.Degrees()
	in.AccuracyM = 1 / math.Sqrt(wsum)
	in.FirstObserved = in.members[0].r.ObservedAt
	in.LastObserved = in.members[len(in.members)-1].r.ObservedAt

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
		rank(m.r.Event) == rank(in.eventBy.Event) && before(m.r, *in.eventBy) {
		r := m.r
		in.eventBy, in.Event = &r, m.r.Event
	}
	if !plain(m.r) {
		in.slow = true
	}
	switch {
	case in.slow:
	case in.sum != nil:
		in.summarise(m)
	case len(in.members) >= summaryMin:
		in.sum = &summaries{}
		for _, x := range in.members {
			in.summarise(x)
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
func (in *Incident) summarise(x member) {
	in.sum.times.add(x.r.ObservedAt, x.r.TimeAccuracyS)
	if !in.sum.space.add(x.p, x.r.AccuracyM, x.r.ObservedAt, x.r.TimeAccuracyS) {
		in.slow = true
	}
}

// before is the members' order: observation time, then source/id.
func before(a, b Report) bool {
	if !a.ObservedAt.Equal(b.ObservedAt) {
		return a.ObservedAt.Before(b.ObservedAt)
	}
	return a.Source+"/"+a.ID < b.Source+"/"+b.ID
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
		in.Owners = slices.Insert(in.Owners, at, r.Owner)
		in.ownerConf = slices.Insert(in.ownerConf, at, nc)
	}
	miss := 1.0
	neutral := false
	for i, o := range in.Owners {
		miss *= 1 - in.ownerConf[i]
		neutral = neutral || !e.parties[o]
	}
	in.Confidence = 1 - miss
	switch {
	case len(in.Owners) >= 2 && neutral && in.Confidence >= e.cfg.ConfirmAt:
		in.State = Confirmed
	case len(in.Owners) >= 2:
		in.State = Corroborated
	default:
		in.State = Reported
	}
}
