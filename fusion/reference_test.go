package fusion

// The engine as it was before issue 12 (item 3), kept verbatim but for the
// names as the reference the differential test holds the engine to: every
// add compares the report with every member of each candidate and re-sorts
// the members. Shared helpers (group, window, persistent, the index
// levels, specific) are the engine's own, unchanged. One rule changed
// since, in both (issue 13): a persistent thing's report must be within
// the horizon of some member in time, not within window of every member
// (timeWindow, score).

import (
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// refIncident is the old Incident: one real event as the reports describe it.
type refIncident struct {
	ID            string
	State         string
	Event         string // the most specific kind reported
	Equipment     string
	Lat, Lon      float64 // accuracy-weighted mean position
	AccuracyM     float64 // of the mean
	FirstObserved time.Time
	LastObserved  time.Time
	Reports       []Ref
	Owners        []string // independent owners, sorted
	Confidence    float64
	// Attributions counts, per party, the owners that attribute it to them.
	Attributions map[string]int
	// ClosedAt is when the incident closed (zero while it is open): the
	// latest observation time seen when it had gone a horizon without a
	// report. ClosedReason says why. A closed incident takes no more
	// reports; it is handed out once by TakeClosed and leaves the engine.
	ClosedAt     time.Time
	ClosedReason string

	members []refMember
	family  string  // group() of its kind
	maxTA   float64 // largest time accuracy of a member (s)
	stamp   int     // last candidates() call that met it
	filed   cellKey // where it is filed
	indexed bool
}

type refMember struct {
	r Report
	p s2.Point
}

// refEngine is the old Engine: it fuses reports incrementally.
type refEngine struct {
	cfg       Config
	parties   map[string]bool
	incidents []*refIncident // open ones, by creation
	closed    []*refIncident // closed since the last TakeClosed
	seen      map[Ref]*refIncident
	next      int
	latest    time.Time
	expired   time.Time // latest when expire last ran
	cells     map[cellKey][]refEntry
	stamp     int
	scratch   []*refIncident

	cellScratch []s2.CellID
	filedAt     [14]int // incidents filed at each index level
}

// refEntry is an incident filed under a key, with the span of observation
// times (Unix seconds) a report may have and still join it, so the time
// test needs no visit to the incident.
type refEntry struct {
	lo, hi int64
	in     *refIncident
}

// newRef returns an old engine.
func newRef(cfg Config) *refEngine {
	if cfg.ConfirmAt == 0 {
		cfg.ConfirmAt = 0.9
	}
	if cfg.Horizon == 0 {
		cfg.Horizon = 24 * time.Hour
	}
	if cfg.Gate == 0 {
		cfg.Gate = 2
	}
	e := &refEngine{cfg: cfg, parties: map[string]bool{}, seen: map[Ref]*refIncident{}, cells: map[cellKey][]refEntry{}}
	for _, p := range cfg.Parties {
		e.parties[p] = true
	}
	return e
}

// Add fuses one report and returns the incident it joined or opened. A
// report already seen returns its incident unchanged.
func (e *refEngine) Add(r Report) *refIncident {
	key := Ref{Source: r.Source, ID: r.ID}
	if in, ok := e.seen[key]; ok {
		return in
	}
	if r.ObservedAt.After(e.latest) {
		e.latest = r.ObservedAt
	}
	m := refMember{r: r, p: s2.PointFromLatLng(s2.LatLngFromDegrees(r.Lat, r.Lon))}
	var best *refIncident
	bestScore := math.Inf(1)
	for _, in := range e.candidates(m) {
		if s, ok := e.score(in, m); ok && s < bestScore {
			best, bestScore = in, s
		}
	}
	if best == nil {
		e.next++
		best = &refIncident{ID: "inc-" + strconv.Itoa(e.next), Attributions: map[string]int{}}
		e.incidents = append(e.incidents, best)
	} else {
		e.unindex(best)
	}
	best.members = append(best.members, m)
	e.seen[key] = best
	e.update(best)
	e.index(best)
	if e.latest.Sub(e.expired) > e.cfg.Horizon/96 {
		e.expire()
	}
	return best
}

// candidates are the open incidents a report could join: those filed under
// its cell or a neighbour (or the wide key), its kind family, and the hours
// of its time uncertainty.
func (e *refEngine) candidates(m refMember) []*refIncident {
	g := group(m.r.Event)
	// An incident accepts reports observed within its span widened by its
	// window and time accuracies (entry.lo..hi); widen the report's instant
	// by its own time accuracy.
	reach := int64(math.Ceil(m.r.TimeAccuracyS))
	lo, hi := m.r.ObservedAt.Unix()-reach-1, m.r.ObservedAt.Unix()+reach+1
	fam := familyID(g)
	cells := append(e.cellScratch[:0], 0)
	gateReach := 2 * e.cfg.Gate * m.r.AccuracyM
	leaf := s2.CellFromPoint(m.p).ID()
	for _, level := range indexLevels {
		if e.filedAt[level] == 0 {
			continue // no incident is filed at this level
		}
		c := leaf.Parent(level)
		if gateReach <= levelReach(level) {
			cells = append(cells, c)
			cells = append(cells, c.AllNeighbors(level)...)
			continue
		}
		rc := &s2.RegionCoverer{MinLevel: level, MaxLevel: level, MaxCells: 1 << 20}
		capr := s1.Angle((gateReach + levelReach(level)) / earthRadiusM)
		cells = append(cells, rc.Covering(s2.CapFromCenterAngle(m.p, capr))...)
	}
	e.cellScratch = cells
	// An incident filed under several hours is met once (stamp); the order is
	// the same for the same history, so results are deterministic.
	e.stamp++
	out := e.scratch[:0]
	for _, c := range cells {
		for _, en := range e.cells[cellKey{c, fam, 0}] {
			if en.hi >= lo && en.lo <= hi && en.in.stamp != e.stamp {
				en.in.stamp = e.stamp
				out = append(out, en.in)
			}
		}
	}
	e.scratch = out
	return out
}

// key is where an incident is filed: its place at the finest level its
// reports' reach allows, and its family; and the span of observation times
// a joining report may have: |t − t_x| ≤ window + ta_x + ta for every
// member x, so within its span widened by window + its largest time
// accuracy (the report's own accuracy is added by candidates).
func (e *refEngine) key(in *refIncident) (cellKey, int64, int64) {
	widest := 0.0
	for _, m := range in.members {
		widest = max(widest, 2*e.cfg.Gate*m.r.AccuracyM)
	}
	cell := s2.CellID(0)
	for _, level := range indexLevels {
		if widest <= levelReach(level) {
			cell = s2.CellIDFromLatLng(s2.LatLngFromDegrees(in.Lat, in.Lon)).Parent(level)
			break
		}
	}
	reach := int64(math.Ceil(e.timeWindow(in.family).Seconds() + in.maxTA))
	return cellKey{cell, familyID(in.family), 0}, in.FirstObserved.Unix() - reach, in.LastObserved.Unix() + reach
}

func (e *refEngine) index(in *refIncident) {
	k, lo, hi := e.key(in)
	in.filed, in.indexed = k, true
	if k.cell != 0 {
		e.filedAt[k.cell.Level()]++
	}
	e.cells[k] = append(e.cells[k], refEntry{lo: lo, hi: hi, in: in})
}

func (e *refEngine) unindex(in *refIncident) {
	if !in.indexed {
		return
	}
	k := in.filed
	if k.cell != 0 {
		e.filedAt[k.cell.Level()]--
	}
	list := e.cells[k]
	for i, x := range list {
		if x.in == in {
			list[i] = list[len(list)-1]
			list = list[:len(list)-1]
			break
		}
	}
	if len(list) == 0 {
		delete(e.cells, k)
	} else {
		e.cells[k] = list
	}
	in.indexed = false
}

// score is how well m fits the incident (lower is better), and whether it
// fits at all: it must fit every member already there.
func (e *refEngine) score(in *refIncident, m refMember) (float64, bool) {
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
	someInTime := false
	worst := 0.0
	for _, x := range in.members {
		if group(x.r.Event) != g || !equipmentCompatible(x.r.Equipment, m.r.Equipment) {
			return 0, false
		}
		gate := e.cfg.Gate * math.Hypot(x.r.AccuracyM, m.r.AccuracyM)
		d := float64(x.p.Distance(m.p)) * earthRadiusM
		if d > gate {
			return 0, false
		}
		dt := math.Abs(x.r.ObservedAt.Sub(m.r.ObservedAt).Seconds())
		tw := w.Seconds() + x.r.TimeAccuracyS + m.r.TimeAccuracyS
		if dt > tw && !persistent(g) {
			return 0, false
		}
		someInTime = someInTime || !(dt > tw)
		worst = math.Max(worst, d/gate+dt/tw)
	}
	if !someInTime {
		return 0, false
	}
	return worst, true
}

// timeWindow is the engine's: the horizon for a persistent thing (from
// some member), window(g) for anything else (from every member).
func (e *refEngine) timeWindow(g string) time.Duration {
	if persistent(g) {
		return e.cfg.Horizon
	}
	return window(g)
}

// update recomputes an incident from its members.
func (e *refEngine) update(in *refIncident) {
	sort.SliceStable(in.members, func(a, b int) bool {
		ra, rb := in.members[a].r, in.members[b].r
		if !ra.ObservedAt.Equal(rb.ObservedAt) {
			return ra.ObservedAt.Before(rb.ObservedAt)
		}
		return ra.Source+"/"+ra.ID < rb.Source+"/"+rb.ID
	})
	var sum s2.Point
	wsum := 0.0
	owners := map[string]float64{}
	attrib := map[string]map[string]bool{}
	in.Reports = in.Reports[:0]
	in.Equipment, in.Event = "", ""
	in.family, in.maxTA = group(in.members[0].r.Event), 0
	for i, m := range in.members {
		w := 1 / (m.r.AccuracyM * m.r.AccuracyM)
		sum = s2.Point{Vector: sum.Add(m.p.Mul(w))}
		wsum += w
		owners[m.r.Owner] = math.Max(owners[m.r.Owner], m.r.Confidence)
		in.maxTA = math.Max(in.maxTA, m.r.TimeAccuracyS)
		if m.r.AttributedTo != "" && m.r.AttributedTo != "unknown" {
			if attrib[m.r.AttributedTo] == nil {
				attrib[m.r.AttributedTo] = map[string]bool{}
			}
			attrib[m.r.AttributedTo][m.r.Owner] = true
		}
		if i == 0 {
			in.FirstObserved = m.r.ObservedAt
		}
		in.LastObserved = m.r.ObservedAt
		in.Reports = append(in.Reports, Ref{Source: m.r.Source, ID: m.r.ID})
		if in.Equipment == "" {
			in.Equipment = m.r.Equipment
		}
		in.Event = specific(in.Event, m.r.Event)
	}
	ll := s2.LatLngFromPoint(s2.Point{Vector: sum.Normalize()})
	in.Lat, in.Lon = ll.Lat.Degrees(), ll.Lng.Degrees()
	in.AccuracyM = 1 / math.Sqrt(wsum)
	in.Owners = in.Owners[:0]
	miss := 1.0
	neutral := false
	for o, c := range owners {
		in.Owners = append(in.Owners, o)
		miss *= 1 - c
		neutral = neutral || !e.parties[o]
	}
	sort.Strings(in.Owners)
	in.Confidence = 1 - miss
	in.Attributions = map[string]int{}
	for p, os := range attrib {
		in.Attributions[p] = len(os)
	}
	switch {
	case len(owners) >= 2 && neutral && in.Confidence >= e.cfg.ConfirmAt:
		in.State = Confirmed
	case len(owners) >= 2:
		in.State = Corroborated
	default:
		in.State = Reported
	}
}

// expire closes incidents whose last observation is older than the horizon
// before the latest observation seen: they leave the index and the engine's
// memory (their reports are remembered by the caller's store, which keeps
// each observation once for the record's whole life) and wait in closed
// for TakeClosed.
func (e *refEngine) expire() {
	e.expired = e.latest
	cut := e.latest.Add(-e.cfg.Horizon)
	kept := e.incidents[:0]
	for _, in := range e.incidents {
		if in.LastObserved.Before(cut) {
			e.unindex(in)
			for _, m := range in.members {
				delete(e.seen, Ref{Source: m.r.Source, ID: m.r.ID})
			}
			in.ClosedAt = e.latest
			in.ClosedReason = "no report for " + e.cfg.Horizon.String() + " after its last observation"
			in.members = nil
			e.closed = append(e.closed, in)
			continue
		}
		kept = append(kept, in)
	}
	clear(e.incidents[len(kept):])
	e.incidents = kept
}

// TakeClosed returns the incidents closed since the last call, in the order
// they closed, and forgets them.
func (e *refEngine) TakeClosed() []*refIncident {
	out := e.closed
	e.closed = nil
	return out
}

// Incidents returns the open incidents, oldest first.
func (e *refEngine) Incidents() []*refIncident { return append([]*refIncident(nil), e.incidents...) }

// specific keeps the more telling of two kinds of one event: a strike over
// an impact over an explosion over a firing.
func specific(a, b string) string {
	rank := map[string]int{"firing": 1, "explosion": 2, "impact": 3, "strike": 4}
	if a == "" || rank[b] > rank[a] {
		return b
	}
	return a
}
