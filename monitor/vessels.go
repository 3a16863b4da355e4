package monitor

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/geo"
)

// Vessels follows merchant vessels through a maritime corridor (the
// monitoring section's corridor, agreement.Corridor): it keeps, per
// vessel, its positions over time, its voyages (from entering the lane at
// one end to reaching the other), its cargo and whether it was inspected,
// and judges the corridor's rules on them. Vessel and inspection
// observations (accord.IsVesselEvent) come to it instead of fusion: a
// vessel is not a ceasefire incident.
//
// It is a pure function of the observations in the order given: the same
// observations in the same order give the same tracks, incidents and
// throughput, however they are cut into batches, so replaying the stored
// observations in order restores it. Observations are taken in that order,
// not sorted by time (a late report is judged where it arrives).
//
// Its memory is bounded by the horizon (fusion's, 24 h by default), as
// fusion's is, so that a month of reports does not accumulate: a vessel
// incident that no report joined for the horizon before the tracker's
// clock (the latest observed_at taken) closes — it is handed out once more
// with ClosedAt and ClosedReason, as fusion closes its incidents, and
// forgotten (the incident store and the record keep it); a track keeps the
// fixes of the horizon before its latest (older positions are in the
// observation store) and the voyages; an observation taken is remembered
// (and a second delivery of it ignored) for the horizon after it was
// taken, as a sector worker remembers the keys of closed incidents.
type Vessels struct {
	m         *agreement.Monitoring
	k         *geo.Kernel
	c         *agreement.Corridor // nil: tracks only, no voyage and no rule
	lane      int
	ends      [2]int
	insp      []int
	allowed   []int
	parties   map[string]bool
	confirmAt float64

	tracks    map[string]*Track
	order     []string // vessel ids, first seen first
	incidents map[string]*vesselIncident
	seen      map[Key]time.Time // the observations taken, by the clock when taken, for the horizon

	horizon time.Duration
	clock   time.Time // the latest observed_at taken
	next    time.Time // no incident closes before the clock passes it (zero: none open)
	pruned  time.Time // the clock when seen was last pruned
}

// DefaultVesselHorizon is the horizon when none is given: fusion's default.
const DefaultVesselHorizon = 24 * time.Hour

// Track is one vessel's track.
type Track struct {
	Vessel accord.Vessel // as its latest observation names it
	// Fixes are its positions in the order taken: at least those of the
	// horizon before its latest report; older ones are let go in steps
	// (they are in the observation store).
	Fixes   []Fix
	Voyages []Voyage

	cur        int // index of the voyage under way in Voyages, -1 none
	lastEnd    int // the end (0, 1) it was last in, -1 none since
	inInsp     bool
	inspected  bool // inspected during its current (or last) stay in an inspection area
	outRun     int  // consecutive report instants outside, in the voyage under way
	outAt      time.Time
	outKeys    []*Observation // the observations of the current run outside, until they make an incident
	outNum     int            // excursions that became incidents, in the voyage under way
	outID      string         // the incident of the current run, "" none yet
	lastUninsp string         // the last uninspected incident and when it was found
	lastUninAt time.Time
	lastOut    string      // the last outside incident of the voyage under way
	lastOutAt  time.Time   // when its run began
	lastAt     time.Time   // the latest observed_at taken in order
	uninsp     map[int]int // uninspected departures by voyage number: their incidents' ids
}

// Fix is one position of a vessel: where and when, which observation, and
// where that is for the corridor.
type Fix struct {
	At       time.Time  `json:"at"`
	Position [2]float64 `json:"position"`
	Key      Key        `json:"observation"`
	Event    string     `json:"event"`
	// Where is "lane", "end:ZONE", "allowed:ZONE" or "outside" (every
	// position is "outside" when the section has no corridor).
	Where string `json:"where"`
}

// Voyage is one passage of the corridor: from entering the lane at one
// end (From; "" when the vessel was first seen in the lane) to reaching
// the other end (To, End; Completed). A vessel that turns back to the end
// it came from leaves its voyage not completed, with To that end.
type Voyage struct {
	N         int       `json:"n"`
	From      string    `json:"from"`
	To        string    `json:"to,omitempty"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end,omitzero"`
	CargoT    float64   `json:"cargo_t"`
	Completed bool      `json:"completed"`
	// Inspected says that an inspection was observed in an inspection
	// area during the stay there that began or ended the voyage.
	Inspected bool `json:"inspected"`
}

// UnderWay reports whether the vessel is on a voyage it has not finished.
func (t *Track) UnderWay() bool { return t.cur >= 0 }

// Inspected reports whether the vessel was inspected during its current
// (or last) voyage's stay in an inspection area.
func (t *Track) Inspected() bool {
	if len(t.Voyages) == 0 {
		return t.inspected
	}
	return t.Voyages[len(t.Voyages)-1].Inspected
}

type vesselIncident struct {
	id, rule, provision, party string
	obs                        []*Observation
	last                       time.Time // the latest observed_at of obs
}

// add joins an observation to the incident.
func (vi *vesselIncident) add(o *Observation) {
	vi.obs = append(vi.obs, o)
	if o.ObservedAt.After(vi.last) {
		vi.last = o.ObservedAt
	}
}

// NewVessels returns the vessel tracker of a monitoring section, placing
// positions with its kernel; parties are the parties to the conflict
// (their sources are not neutral), confirmAt the confidence that
// confirms a corroborated incident and horizon how long an incident stays
// open with no report joining it, as fusion's (0: the defaults).
func NewVessels(m *agreement.Monitoring, k *geo.Kernel, parties []string, confirmAt float64, horizon time.Duration) *Vessels {
	if confirmAt == 0 {
		confirmAt = 0.9
	}
	if horizon <= 0 {
		horizon = DefaultVesselHorizon
	}
	v := &Vessels{m: m, k: k, c: m.Corridor, parties: map[string]bool{}, confirmAt: confirmAt,
		tracks: map[string]*Track{}, incidents: map[string]*vesselIncident{}, seen: map[Key]time.Time{}, horizon: horizon}
	for _, p := range parties {
		v.parties[p] = true
	}
	if v.c != nil {
		for _, p := range v.c.Parties() {
			v.parties[p] = true
		}
	}
	idx := func(id string) int {
		for i := range m.Geometry.Zones {
			if m.Geometry.Zones[i].ID == id {
				return i
			}
		}
		return -1
	}
	if c := v.c; c != nil {
		v.lane = idx(c.Zone)
		v.ends = [2]int{idx(c.Ends[0]), idx(c.Ends[1])}
		for _, z := range c.Inspection {
			v.insp = append(v.insp, idx(z))
		}
		for _, z := range c.Allowed {
			v.allowed = append(v.allowed, idx(z))
		}
	}
	return v
}

// Track returns a vessel's track, nil if it was never seen.
func (v *Vessels) Track(id string) *Track { return v.tracks[id] }

// IDs lists the vessels seen, first seen first.
func (v *Vessels) IDs() []string { return slices.Clone(v.order) }

// Observe takes vessel and inspection observations in order (others are
// ignored; one already taken changes nothing) and returns the incidents
// they opened or changed, in the order first changed, and those that
// closed (ClosedAt set), each once as it last stood.
func (v *Vessels) Observe(batch []*Observation) []Incident {
	var changed []string
	closed := map[string]Incident{}
	touch := func(id string) {
		if id != "" && !slices.Contains(changed, id) {
			changed = append(changed, id)
		}
	}
	for _, o := range batch {
		if !accord.IsVesselEvent(o.Event) || o.Vessel == nil {
			continue
		}
		if _, ok := v.seen[o.Key()]; ok {
			continue
		}
		// The clock moves first: what was quiet for the horizon before
		// this report closes before the report could join it.
		if o.ObservedAt.After(v.clock) {
			v.clock = o.ObservedAt
			for _, in := range v.closeQuiet() {
				touch(in.ID)
				closed[in.ID] = in
			}
		}
		// Remembered a horizon from when it was taken (a redelivery of an
		// old report soon after is still known).
		v.seen[o.Key()] = v.clock
		for _, id := range v.observe(o) {
			touch(id)
		}
	}
	out := make([]Incident, len(changed))
	for i, id := range changed {
		if in, ok := closed[id]; ok {
			out[i] = in
			continue
		}
		out[i] = v.incident(v.incidents[id])
	}
	return out
}

// open keeps a new incident; the earliest an incident may close is kept
// (next), so that a sweep is made only when one is due. A report joining
// an incident only moves its own time on: next stays at or before the
// earliest, and a sweep that finds none due sets it again.
func (v *Vessels) open(vi *vesselIncident) {
	v.incidents[vi.id] = vi
	if due := vi.last.Add(v.horizon); v.next.IsZero() || due.Before(v.next) {
		v.next = due
	}
}

// closeQuiet closes the incidents no report joined for the horizon before
// the clock, in the order of their ids (deterministic), and forgets them;
// it prunes the observations remembered once per horizon.
func (v *Vessels) closeQuiet() []Incident {
	cut := v.clock.Add(-v.horizon)
	if v.clock.Sub(v.pruned) >= v.horizon {
		for k, at := range v.seen {
			if at.Before(cut) {
				delete(v.seen, k)
			}
		}
		v.pruned = v.clock
	}
	if v.next.IsZero() || v.clock.Before(v.next) {
		return nil // none open, or none due
	}
	var ids []string
	v.next = time.Time{}
	for id, vi := range v.incidents {
		if vi.last.Before(cut) {
			ids = append(ids, id)
		} else if due := vi.last.Add(v.horizon); v.next.IsZero() || due.Before(v.next) {
			v.next = due
		}
	}
	sort.Strings(ids)
	out := make([]Incident, 0, len(ids))
	for _, id := range ids {
		in := v.incident(v.incidents[id])
		at := v.clock
		in.ClosedAt, in.ClosedReason = &at, "no report for "+v.horizon.String()+" after its last observation"
		out = append(out, in)
		delete(v.incidents, id)
		for _, t := range v.tracks {
			if t.outID == id {
				t.endRunKeep()
			}
			if t.lastOut == id {
				t.lastOut = ""
			}
			if t.lastUninsp == id {
				t.lastUninsp = ""
			}
		}
	}
	return out
}

func (v *Vessels) observe(o *Observation) []string {
	t := v.tracks[o.Vessel.ID]
	if t == nil {
		t = &Track{cur: -1, lastEnd: -1}
		v.tracks[o.Vessel.ID] = t
		v.order = append(v.order, o.Vessel.ID)
	}
	t.Vessel = *o.Vessel
	fix := Fix{At: o.ObservedAt, Position: o.Position, Key: o.Key(), Event: o.Event, Where: "outside"}
	if v.c == nil {
		t.addFix(fix, v.horizon)
		return nil
	}
	pl := v.k.Place(o.Position[0], o.Position[1])
	in := func(i int) bool { return i >= 0 && pl.Zones.Has(i) }
	end := -1
	for e, zi := range v.ends {
		if in(zi) {
			end = e
			break
		}
	}
	inInsp, allowed := false, ""
	for _, zi := range v.insp {
		inInsp = inInsp || in(zi)
	}
	for i, zi := range v.allowed {
		if in(zi) && allowed == "" {
			allowed = v.c.Allowed[i]
		}
	}
	switch {
	case end >= 0:
		fix.Where = "end:" + v.c.Ends[end]
	case in(v.lane):
		fix.Where = "lane"
	case allowed != "":
		fix.Where = "allowed:" + allowed
	}
	t.addFix(fix, v.horizon)
	if o.ObservedAt.Before(t.lastAt) {
		return v.late(t, o, fix.Where, inInsp)
	}
	t.lastAt = o.ObservedAt
	var changed []string

	// A stay in an inspection area begins; an inspection there counts.
	if inInsp && !t.inInsp {
		t.inInsp, t.inspected = true, false
	}
	if inInsp && o.Event == accord.EventInspection {
		t.inspected = true
		if n := len(t.Voyages); n > 0 && (t.cur >= 0 || t.Voyages[n-1].Completed && slices.Contains(v.c.Inspection, t.Voyages[n-1].To)) {
			t.Voyages[n-1].Inspected = true
		}
	}
	left := t.inInsp && !inInsp

	switch {
	case end >= 0:
		v.endRun(t)
		if t.cur >= 0 {
			vy := &t.Voyages[t.cur]
			vy.To, vy.End = v.c.Ends[end], o.ObservedAt
			vy.Completed = vy.From != v.c.Ends[end]
			vy.Inspected = vy.Inspected || inInsp && t.inspected
			t.cur = -1
		}
		t.lastEnd = end
	case fix.Where == "lane":
		v.endRun(t)
		if t.cur < 0 {
			from := ""
			if t.lastEnd >= 0 {
				from = v.c.Ends[t.lastEnd]
			}
			t.Voyages = append(t.Voyages, Voyage{N: len(t.Voyages) + 1, From: from, Start: o.ObservedAt,
				CargoT: o.Vessel.CargoT, Inspected: left && t.inspected})
			t.cur = len(t.Voyages) - 1
			t.outNum, t.lastOut = 0, ""
		}
	case allowed != "":
		v.endRun(t)
	default: // outside
		if t.cur < 0 {
			t.lastEnd = -1
			break
		}
		if t.outRun == 0 || o.ObservedAt.After(t.outAt) {
			t.outRun++
			t.outAt = o.ObservedAt
		}
		r := v.c.Outside
		switch {
		case r == nil:
			// No rule against it: nothing to keep.
		case t.outID != "":
			v.incidents[t.outID].add(o)
			changed = append(changed, t.outID)
		default:
			// The run's reports are kept until they make an incident
			// (then they are its own), so that a run outside of any
			// length holds no more than OutsideReports instants.
			t.outKeys = append(t.outKeys, o)
			if t.outRun < v.c.OutsideReports() {
				break
			}
			t.lastOut, t.lastOutAt = "", t.outKeys[0].ObservedAt
			t.outNum++
			t.outID = fmt.Sprintf("vessel:%s:v%d:outside", o.Vessel.ID, t.Voyages[t.cur].N)
			if t.outNum > 1 {
				t.outID += fmt.Sprintf("-%d", t.outNum)
			}
			vi := &vesselIncident{id: t.outID, rule: agreement.RuleCorridorOutside, provision: r.Provision, party: r.Responsible}
			for _, k := range t.outKeys {
				vi.add(k)
			}
			v.open(vi)
			t.lastOut, t.outKeys = t.outID, nil
			changed = append(changed, t.outID)
		}
	}

	// Leaving an inspection area, past it or into the lane, with no
	// inspection observed during the stay.
	if left {
		t.inInsp = false
		if r := v.c.Uninspected; r != nil && !t.inspected {
			n := 0
			if len(t.Voyages) > 0 {
				n = t.Voyages[len(t.Voyages)-1].N
			}
			// The voyage's first such incident, then -2, -3...: counted on
			// the track, since a closed one is no longer among the
			// incidents and its id must not be given again.
			if t.uninsp == nil {
				t.uninsp = map[int]int{}
			}
			t.uninsp[n]++
			id := fmt.Sprintf("vessel:%s:v%d:uninspected", o.Vessel.ID, n)
			if k := t.uninsp[n]; k > 1 {
				id = fmt.Sprintf("vessel:%s:v%d:uninspected-%d", o.Vessel.ID, n, k)
			}
			vi := &vesselIncident{id: id, rule: agreement.RuleCorridorUninspected, provision: r.Provision, party: r.Responsible}
			vi.add(o)
			v.open(vi)
			t.lastUninsp, t.lastUninAt = id, o.ObservedAt
			changed = append(changed, id)
		}
	} else if t.lastUninsp != "" && !inInsp && absDur(o.ObservedAt.Sub(t.lastUninAt)) <= UninspectedCorroboration {
		// The vessel's reports of the next hour, still out of the area,
		// corroborate it (another source's among them).
		v.incidents[t.lastUninsp].add(o)
		changed = append(changed, t.lastUninsp)
	}
	if inInsp {
		t.lastUninsp = ""
	}
	return changed
}

// late takes a report older than the vessel's latest (a source with a
// longer delay: the simulator's SAR detections arrive 30 to 90 minutes
// late). It changes no state, voyage or stay: the track's state follows
// the reports in time order, so a late position in the lane does not end
// an excursion, nor one in the lane "leave" the inspection area the vessel
// is now in. It corroborates what it shows: a position outside during the
// voyage's last excursion joins that incident, one out of the inspection
// area within UninspectedCorroboration after an uninspected departure
// joins that one, and an inspection reported late counts if the vessel
// is still in the inspection area (one reported after the vessel left is
// too late: the departure was judged on what was known).
func (v *Vessels) late(t *Track, o *Observation, where string, inInsp bool) []string {
	switch {
	case o.Event == accord.EventInspection:
		if inInsp && t.inInsp {
			t.inspected = true
			if n := len(t.Voyages); n > 0 {
				t.Voyages[n-1].Inspected = true
			}
		}
	case where == "outside" && t.cur >= 0 && t.lastOut != "" && !o.ObservedAt.Before(t.lastOutAt):
		v.incidents[t.lastOut].add(o)
		return []string{t.lastOut}
	case !inInsp && t.lastUninsp != "" && !o.ObservedAt.Before(t.lastUninAt) && o.ObservedAt.Sub(t.lastUninAt) <= UninspectedCorroboration:
		v.incidents[t.lastUninsp].add(o)
		return []string{t.lastUninsp}
	}
	return nil
}

// UninspectedCorroboration is how long after a vessel left an inspection
// area uninspected its reports (out of any inspection area) join the
// incident: a second source sees it within the hour (a judgement: the
// simulator's SAR detections are hourly).
const UninspectedCorroboration = time.Hour

// endRun ends a run of reports outside the lane.
func (v *Vessels) endRun(t *Track) {
	t.outRun, t.outKeys, t.outID = 0, nil, ""
}

// endRunKeep ends the incident of a run outside the lane that closed while
// the vessel is still outside: the run goes on, and a report of it opens
// the voyage's next excursion incident.
func (t *Track) endRunKeep() {
	t.outKeys, t.outID = nil, ""
}

// addFix keeps a fix, and those of the horizon before the track's latest.
func (t *Track) addFix(f Fix, horizon time.Duration) {
	t.Fixes = append(t.Fixes, f)
	latest := t.lastAt
	if f.At.After(latest) {
		latest = f.At
	}
	cut := latest.Add(-horizon)
	// Pruned once the track holds twice what it must, so that each fix
	// is moved O(1) times.
	if len(t.Fixes) < 64 || !t.Fixes[0].At.Before(cut) {
		return
	}
	kept := 0
	for _, x := range t.Fixes {
		if !x.At.Before(cut) {
			kept++
		}
	}
	if kept*2 > len(t.Fixes) {
		return
	}
	out := t.Fixes[:0]
	for _, x := range t.Fixes {
		if !x.At.Before(cut) {
			out = append(out, x)
		}
	}
	clear(t.Fixes[len(out):])
	t.Fixes = out
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// incident is the incident of a vessel's violation: its observations, the
// confidence of their owners combined as fusion combines them (noisy-OR
// over owners, each at the highest confidence its sources gave), its state
// (reported, corroborated, confirmed by two owners with a neutral one at
// confirmAt), placed at its last observation.
func (v *Vessels) incident(vi *vesselIncident) Incident {
	owners := map[string]float64{}
	var keys []Key
	first, last := vi.obs[0].ObservedAt, vi.obs[0].ObservedAt
	for _, o := range vi.obs {
		owners[o.Source.Owner] = math.Max(owners[o.Source.Owner], o.Confidence)
		keys = append(keys, o.Key())
		if o.ObservedAt.Before(first) {
			first = o.ObservedAt
		}
		if o.ObservedAt.After(last) {
			last = o.ObservedAt
		}
	}
	miss, neutral := 1.0, false
	names := make([]string, 0, len(owners))
	for o := range owners {
		names = append(names, o)
	}
	sort.Strings(names)
	for _, o := range names {
		miss *= 1 - owners[o]
		neutral = neutral || !v.parties[o]
	}
	conf := 1 - miss
	state := fusion.Reported
	switch {
	case len(owners) >= 2 && neutral && conf >= v.confirmAt:
		state = fusion.Confirmed
	case len(owners) >= 2:
		state = fusion.Corroborated
	}
	at := vi.obs[len(vi.obs)-1].Position
	pl := v.k.Place(at[0], at[1])
	zones := []string{}
	for _, zi := range pl.Zones.Indices() {
		zones = append(zones, v.m.Geometry.Zones[zi].ID)
	}
	return Incident{
		ID: vi.id, State: state, Event: accord.EventVessel,
		Location:      [2]float64{round(at[0], 1e-6), round(at[1], 1e-6)},
		FirstObserved: first, LastObserved: last, Observations: keys, IndependentSources: len(owners),
		Confidence: round(conf, 1e-4), Side: v.m.Sides.Party(pl.Side),
		DistanceToLineM: math.Round(v.k.DistanceM(at[0], at[1])), Zones: zones,
		Violations: []Violation{violation(vi.rule, vi.provision, vi.party, 1)},
	}
}

// DayThroughput is what the corridor carried on one UTC day: the voyages
// completed that day (reaching the far end) and the tonnage they carried.
type DayThroughput struct {
	Day     string  `json:"day"` // YYYY-MM-DD, UTC
	Voyages int     `json:"voyages"`
	Tonnage float64 `json:"tonnage_t"`
}

// Throughput lists, per UTC day with a voyage completed, in order of day,
// the voyages completed and the cargo they carried (tonnes, as the
// vessel's report declared when it entered the lane), outbound and
// inbound alike (a vessel inbound in ballast carries 0).
func (v *Vessels) Throughput() []DayThroughput {
	return v.ThroughputBefore(time.Time{})
}

// ThroughputBefore is Throughput of the voyages completed before end
// (every one when end is zero): the throughput as it stood at end, for a
// report as of an instant within a day.
func (v *Vessels) ThroughputBefore(end time.Time) []DayThroughput {
	days := map[string]*DayThroughput{}
	for _, id := range v.order {
		for _, vy := range v.tracks[id].Voyages {
			if !vy.Completed || !end.IsZero() && !vy.End.Before(end) {
				continue
			}
			d := vy.End.UTC().Format(time.DateOnly)
			if days[d] == nil {
				days[d] = &DayThroughput{Day: d}
			}
			days[d].Voyages++
			days[d].Tonnage += vy.CargoT
		}
	}
	out := make([]DayThroughput, 0, len(days))
	for _, d := range days {
		out = append(out, *d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Day < out[j].Day })
	return out
}
