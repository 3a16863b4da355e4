package fusion

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"

	"github.com/accord-peace/accord"
)

// States of an incident as its reports make it. The consultation's findings
// (disputed, dismissed) are applied above fusion, by package mission.
const (
	Reported     = accord.IncidentReported
	Corroborated = accord.IncidentCorroborated
	Confirmed    = accord.IncidentConfirmed
	Disputed     = accord.IncidentDisputed
	Dismissed    = accord.IncidentDismissed
	// Merged is the state of an incident merged into another (MergedInto,
	// revise.go).
	Merged = accord.IncidentMerged
)

// Report is one observation as fusion sees it.
type Report struct {
	Source, ID    string // the idempotency key
	Owner, Kind   string // who operates the source, and what it is
	Event         string
	Equipment     string
	Lat, Lon      float64 // where (the impact, for a shot)
	AccuracyM     float64
	ObservedAt    time.Time
	TimeAccuracyS float64
	Confidence    float64
	AttributedTo  string
	// Clock, when after ObservedAt, is the front's latest observation
	// time when the report came, which the engine's clock takes as
	// ObservedAt's (ConfirmedAt, OpenedAt, what closes): a sector's worker
	// sees a part of the front, and its ingest node says how far the
	// whole had come (package stream). Zero: none.
	Clock time.Time
}

// Ref names a report: its observation's key.
type Ref = accord.ObservationKey

// Incident is one real event as the reports describe it.
type Incident struct {
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
	// ConfirmedAt is when the incident was first confirmed (zero until
	// then), on the observations' clock: the latest observation time the
	// engine had seen when the report that confirmed it came. It depends
	// on the order reports come in, not on how they were batched, and it
	// is never before the time of a report that came earlier. A confirmed
	// incident stays confirmed (confidence only grows). SeenConfirmed is
	// the incident's own latest observation time then (at most
	// ConfirmedAt: a late report confirms an incident seen before the
	// engine's latest observation).
	ConfirmedAt, SeenConfirmed time.Time
	// OpenedAt is the latest observation time the engine had seen when the
	// report that opened the incident came: of the first incident, the
	// first report's time, whatever batches the reports came in.
	OpenedAt time.Time
	// ClosedAt is when the incident closed (zero while it is open): the
	// latest observation time seen when it had gone a horizon without a
	// report. ClosedReason says why. A closed incident takes no more
	// reports; it is handed out once by TakeClosed and leaves the engine.
	ClosedAt     time.Time
	ClosedReason string
	// Ambiguous says that the report that opened the incident fitted
	// other incidents too, none clearly likelier (Assignment).
	Ambiguous bool
	// MergedInto is the incident this one merged into (State Merged), when
	// revision found its report to be of that incident's event (revise.go).
	MergedInto string

	members []kept  // by observation time, then key
	family  string  // group() of its kind
	maxTA   float64 // largest time accuracy of a member (s)
	minTA   float64 // least time accuracy of a member (s)
	widest  float64 // largest reach 2·Gate·accuracy of a member (m)
	stamp   int     // last candidates() call that met it
	filed   cellKey // where it is filed (hour: its first bucket)
	lastB   int64   // its last bucket
	indexed bool

	// Summaries that let a report be judged and joined without a visit to
	// every member (see score.go, join.go).
	ownerConf []float64                  // per owner (as Owners), its highest confidence
	neutral   bool                       // some owner is not a party
	attrib    map[string]map[string]bool // party → owners attributing to it
	eventBy   Report                     // the member whose kind Event is
	// sum holds the summaries that judge reports, kept from summaryMin
	// members on; slow says a member lies outside their domain (see
	// plain). Until then, or once slow, reports are judged against every
	// member, as score does.
	sum  *summaries
	slow bool

	// The inverse-variance weighted mean time of the members: t0 + tsum/twsum
	// (Unix seconds; see likelihood.go).
	t0          int64
	tsum, twsum float64
	mean        s2.Point    // the unit vector of Lat, Lon
	sources     uint64      // the union of the members' sourceBit
	revisions   int         // times assigned again (revise.go)
	rivals      []*Incident // of an ambiguous incident: those its report fitted
	alone       *member     // of an ambiguous incident: its report, whole (revise.go)
	pos         int         // its index in the engine's incidents, while open
}

// summaries are an incident's members as far as judging reports needs.
type summaries struct {
	times timeBound
	space spaceBound
}

// member is a report as fusion judges it: the report, its position as a
// unit vector and its source's bit (sourceBit of r.Source).
type member struct {
	r   Report
	p   s2.Point
	src uint64
}

// kept is a member of an incident, as much of its report as judging others
// needs (its key, time, accuracies and position), with the
// accuracy-weighted sums of the positions up to and including it in the
// members' order (so that an insertion refolds only the members after it,
// in the same order).
type kept struct {
	Source, ID string
	at         time.Time // ObservedAt
	acc, ta    float64   // AccuracyM, TimeAccuracyS
	p          s2.Point
	sum        s2.Point
	wsum       float64
}

// Config tunes the engine.
type Config struct {
	// Parties are the parties to the conflict: their reports alone never
	// confirm an incident.
	Parties []string
	// ConfirmAt is the combined confidence that confirms a corroborated
	// incident; 0.9 when 0.
	ConfirmAt float64
	// Horizon is how long an incident stays open to new reports after its
	// last observation; 24 h when 0.
	Horizon time.Duration
	// Gate scales the spatial test: two positions match when their distance
	// is within Gate × sqrt(a1² + a2²). accuracy_m is read as a radius of
	// about two standard deviations, so the default 2 is four standard
	// deviations of the difference: a true pair fails it with probability
	// e^-8 ≈ 0.03 % (2-D Gaussian errors), while two shells 300 m apart seen
	// by sensors good to 50 m stay two events.
	Gate float64
	// Assign is how a report chooses among the incidents that admit it;
	// Likelihood when 0.
	Assign Assignment
	// AttachAt is the posterior a report's likeliest incident needs, among
	// those that admit it, for the report to join it (Likelihood); 0.5 when
	// 0.
	AttachAt float64
	// IDPrefix is put before every incident id ("inc-N" becomes
	// IDPrefix+"inc-N"): a sector's worker keeps its ids apart from the
	// other sectors' (package sector). "" keeps the ids as they are.
	IDPrefix string
}

// Engine fuses reports incrementally.
type Engine struct {
	cfg       Config
	parties   map[string]bool
	incidents []*Incident // open ones, by creation; nil where one left since the last compaction (expire)
	lasts     []lastSeen  // of incidents, one for one
	dead      int         // nils in incidents
	closed    []*Incident // closed since the last TakeClosed
	seen      seenKeys
	next      int
	latest    time.Time
	expired   time.Time // latest when expire last ran
	cells     map[placeKey][]hourEntries
	stamp     int
	scratch   []*Incident

	cellScratch []s2.CellID
	nbrs        *[1 << nbrBits]nbrEntry // a cache of neighbourhoods (neighbours)
	filedAt     [14]int                 // incidents filed at each index level
	// occupied lists, per index level and family, the cells incidents are
	// filed under (whatever their hours), sorted, each once with the
	// number of incidents: a report asks the index only about the cells it
	// could meet that hold one (coverOccupied, and the neighbourhoods).
	occupied   [14][8]occupiedCells
	minB, maxB int64 // the least and greatest bucket ever filed under
	fits       []fit
	liks       []lik
	amb        []*Incident // ambiguous incidents that admitted the last report
	revised    []*Incident // changed by revision, for TakeRevised
	nMerged    int

	// work counts the members judged one by one (by score or by the
	// summaries), and moved counts the members an insertion moved or
	// refolded: the cost of Add in the size of an incident, for tests.
	work, moved int
	scans       int // incidents scored member by member to choose between
	ends        int // persistent reports at an end of a span judged member by member
}

// cellKey files incidents by place (an S2 cell, 0 for the wide ones) and
// kind family, so a report meets only the incidents it could join.
type cellKey struct {
	cell   s2.CellID
	family uint8 // familyID of the kind family
	hour   int64 // bucket of the span of times it takes reports in, or anyTime
}

// placeKey files incidents by place and kind family; under it, the
// incidents are filed by bucket of hours (hourEntries, sorted by hour,
// anyTime first), so that a report asks the map once per cell. It is the
// cell's id with the family in its lowest bits (place): the id of a cell
// of an index level (12 at the finest) has its lowest 36 bits zero, and
// the wide key's cell is 0, so the pair is the key, one word, which the
// map hashes fastest.
type placeKey uint64

// place is the placeKey of a cell and a family.
func place(cell s2.CellID, family uint8) placeKey { return placeKey(uint64(cell) | uint64(family)) }

// hourEntries are the incidents filed under a place and a bucket (cellKey's
// hour).
type hourEntries struct {
	hour int64
	list []entry
}

// hourAt finds the bucket hour among hs.
func hourAt(hs []hourEntries, hour int64) (int, bool) {
	return slices.BinarySearchFunc(hs, hour, func(h hourEntries, hour int64) int { return cmp.Compare(h.hour, hour) })
}

// The index files an incident under each bucket of bucketS seconds of
// observation time its span (entry.lo..hi) meets, so that a report meets
// only the incidents of its hours, not those of the whole horizon; an
// incident whose span meets more than maxBuckets buckets (a thing that
// stays put: its span is the horizon's) is filed once, under anyTime,
// which every report meets.
const (
	bucketS    = 3600
	maxBuckets = 8
	anyTime    = math.MinInt64
)

// bucket is the bucket of an instant (Unix seconds).
func bucket(t int64) int64 {
	b := t / bucketS
	if t%bucketS < 0 {
		b--
	}
	return b
}

// entry is an incident filed under a key, with the span of observation
// times (Unix seconds) a report may have and still join it, so the time
// test needs no visit to the incident.
type entry struct {
	lo, hi int64
	in     *Incident
}

// The spatial index files each incident under one S2 cell, at the finest
// of indexLevels whose neighbourhood (the cell and its eight neighbours)
// holds every report that could join it: an incident all of whose reports
// have a reach 2·Gate·accuracy of at most levelReach(ℓ) is filed at level ℓ.
// Incidents with a wider report go under the wide key (cell 0), which every
// report meets. A report looks at every level: at the neighbourhood of its
// cell there when its own reach fits, else at the cells covering a cap of
// its reach plus the level's.
var indexLevels = []int{12, 10, 8, 6, 4}

// levelReach is the widest reach the neighbourhood of a cell of level ℓ
// covers: the least edge of any S2 cell of that level (S2's MinEdgeMetric),
// 5.9 km at level 10, 1.5 km at level 12.
func levelReach(level int) float64 { return s2.MinEdgeMetric.Value(level) * earthRadiusM }

// New returns an engine.
func New(cfg Config) *Engine {
	if cfg.ConfirmAt == 0 {
		cfg.ConfirmAt = 0.9
	}
	if cfg.Horizon == 0 {
		cfg.Horizon = 24 * time.Hour
	}
	if cfg.Gate == 0 {
		cfg.Gate = 2
	}
	if cfg.AttachAt == 0 {
		cfg.AttachAt = 0.5
	}
	e := &Engine{cfg: cfg, parties: map[string]bool{}, seen: newSeenKeys(), cells: map[placeKey][]hourEntries{}, minB: 1, maxB: 0, nbrs: new([1 << nbrBits]nbrEntry)}
	for _, p := range cfg.Parties {
		e.parties[p] = true
	}
	return e
}

// group is the family of event kinds that can describe one event.
func group(event string) string {
	switch event {
	case "firing", "explosion", "impact", "strike":
		return "fire"
	case "aircraft", "drone":
		return "air"
	}
	return event
}

// familyID numbers the families for the index keys.
func familyID(g string) uint8 {
	switch g {
	case "fire":
		return 1
	case "air":
		return 2
	case "heavy_weapon":
		return 3
	case "troop_concentration":
		return 4
	case "mine":
		return 5
	case "movement_restriction":
		return 6
	}
	return 7
}

// persistent reports whether the family is of things that stay put:
// heavy weapons, troop concentrations, mines, movement restrictions. They
// are one incident however long apart their sightings (see timeWindow).
func persistent(g string) bool {
	switch g {
	case "heavy_weapon", "troop_concentration", "mine", "movement_restriction":
		return true
	}
	return false
}

// timeWindow is the time window of the engine's rule for a family. A report of
// an event that does not stay put must be within window(g) of every member
// (plus both time accuracies); a report of a persistent thing within the
// horizon of some member, the nearest in time: |t − t_x| ≤ horizon + ta_x
// + ta for some member x. So a gun re-sighted every few hours is one
// incident for as long as it stays within its accuracy, as it stays open
// (an incident closes a horizon after its last report).
func (e *Engine) timeWindow(g string) time.Duration {
	if persistent(g) {
		return e.cfg.Horizon
	}
	return window(g)
}

// window is how far apart in time two reports of one event of this family
// may be; for the persistent families, the window of presence that
// ceilings count a sighting for (fusion's rule for them is timeWindow).
func window(g string) time.Duration {
	switch g {
	case "fire":
		return 20 * time.Second
	case "air":
		return 5 * time.Minute
	case "heavy_weapon", "troop_concentration", "mine", "movement_restriction":
		return 6 * time.Hour
	}
	return 10 * time.Minute
}

// Add fuses one report and returns the incident it joined or opened. A
// report already seen returns its incident unchanged.
func (e *Engine) Add(r Report) *Incident {
	key := Ref{Source: r.Source, ID: r.ID}
	if in, ok := e.seen.get(key); ok {
		return in
	}
	if r.ObservedAt.After(e.latest) {
		e.latest = r.ObservedAt
	}
	if r.Clock.After(e.latest) {
		e.latest = r.Clock
	}
	m := member{r: r, p: s2.PointFromLatLng(s2.LatLngFromDegrees(r.Lat, r.Lon)), src: sourceBit(r.Source)}
	best, ambiguous := e.assign(m)
	if best == nil {
		e.next++
		best = &Incident{ID: e.cfg.IDPrefix + "inc-" + strconv.Itoa(e.next), Attributions: map[string]int{}, Ambiguous: ambiguous, OpenedAt: e.latest}
		if ambiguous {
			alone := m
			best.alone = &alone
			for _, l := range e.liks {
				best.rivals = append(best.rivals, l.in)
			}
		}
		best.pos = len(e.incidents)
		e.incidents = append(e.incidents, best)
		e.lasts = append(e.lasts, lastSeen{})
	}
	e.seen.add(key, best)
	e.join(best, m)
	e.lasts[best.pos].at = best.LastObserved
	e.reindex(best)
	if len(e.amb) > 0 {
		e.revise(e.amb, best)
	}
	if e.latest.Sub(e.expired) > e.cfg.Horizon/96 {
		e.expire()
	}
	return best
}

// Tick moves the engine's clock to the front's at a point where no
// report of the engine's came (zero or earlier: nothing): a sector's
// worker is told the front's clock where one pipeline over the whole
// front looks for incidents to close (package stream), and closes there
// what that pipeline closes, as Add would (TakeClosed).
func (e *Engine) Tick(clock time.Time) {
	if clock.After(e.latest) {
		e.latest = clock
	}
	if e.latest.Sub(e.expired) > e.cfg.Horizon/96 {
		e.expire()
	}
}

// candidates are the open incidents a report could join: those filed under
// its cell or a neighbour (or the wide key), its kind family, and the hours
// of its time uncertainty.
func (e *Engine) candidates(m member) []*Incident {
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
		occ := &e.occupied[level][fam]
		if len(occ.ids) == 0 {
			continue // no incident of the family is filed at this level
		}
		c := leaf.Parent(level)
		if gateReach <= levelReach(level) {
			cells = append(cells, c)
			cells = e.neighbours(cells, c)
			continue
		}
		capr := s1.Angle((gateReach + levelReach(level)) / earthRadiusM)
		cells = coverOccupied(cells, s2.CapFromCenterAngle(m.p, capr), level, occ)
	}
	e.cellScratch = cells
	// The buckets of the report's span (either way round, as entries are
	// tested), within those ever filed under.
	qb0, qb1 := bucket(min(lo, hi)), bucket(max(lo, hi))
	qb0, qb1 = max(qb0, e.minB), min(qb1, e.maxB)
	// An incident filed under several hours is met once (stamp); the order is
	// the same for the same history, so results are deterministic.
	e.stamp++
	out := e.scratch[:0]
	// Under each place, anyTime first, then the buckets qb0..qb1 in order.
	for _, c := range cells {
		for _, h := range e.cells[place(c, fam)] {
			if h.hour > qb1 {
				break
			}
			if h.hour != anyTime && h.hour < qb0 {
				continue
			}
			for _, en := range h.list {
				if en.hi >= lo && en.lo <= hi && en.in.stamp != e.stamp {
					en.in.stamp = e.stamp
					out = append(out, en.in)
				}
			}
		}
	}
	e.scratch = out
	return out
}

// coverOccupied appends the cells of a level that S2's covering of the cap
// at that level holds (a RegionCoverer with MinLevel and MaxLevel the
// level, MaxCells unbounded) and that are among the occupied cells (sorted),
// in the covering's order — without making the covering, whose cells are
// mostly empty. The coverer starts from the cells of the cap's
// FastCovering at that level and divides each cell that intersects the cap
// down to the level: its covering holds a cell of the level when the cell
// and every ancestor of it up to one of those first cells intersect the
// cap, and lists them sorted. So does this, asking it of the occupied cells
// only; a cell whose centre is farther from the cap than the cells'
// largest diameter, or nearer its centre, by a margin of 1 mm, is out, or
// in with its ancestors, without asking (TestCoverOccupiedIsCovering); so
// is a cell whose centre is farther from the cap than the cell's own radius
// (its farthest vertex from its centre: the cell is within that of its
// centre), or nearer its centre, by the margin: the cell is then outside
// the cap, or inside it, as the first rule says.
// The occupied cells being sorted, those of one ancestor are consecutive:
// an ancestor's answer is kept for the next (asked of the same cell, the
// cap answers the same). A cap under a hemisphere, not empty, intersects a
// cell that contains its centre whatever the cell's vertices (the last of
// IntersectsCell's answers but one): that, cheaper, is asked first.
func coverOccupied(cells []s2.CellID, c s2.Cap, level int, occ *occupiedCells) []s2.CellID {
	occupied := occ.ids
	const margin = 1e-3 / earthRadiusM
	r, diam := c.Radius(), s1.Angle(s2.MaxDiagMetric.Value(level))
	out := s1.ChordAngleFromAngle(min(r+diam+margin, math.Pi))
	in := s1.ChordAngle(-1)
	if r > diam+margin {
		in = s1.ChordAngleFromAngle(r - diam - margin)
	}
	first := (&s2.RegionCoverer{MaxLevel: level, LevelMod: 1, MaxCells: 4}).FastCovering(c)
	var asked [s2.MaxLevel + 1]struct {
		cell  s2.CellID
		meets bool
	}
	small := c.Height() < 1 && !c.IsEmpty() // radius under a right angle (IntersectsCell)
	intersects := func(p s2.CellID) bool {
		cell := s2.CellFromCellID(p)
		return small && cell.ContainsPoint(c.Center()) || c.IntersectsCell(cell)
	}
	for _, f := range first {
		lo, hi := f.RangeMin(), f.RangeMax()
		i, _ := slices.BinarySearch(occupied, lo)
		for ; i < len(occupied) && occupied[i] <= hi; i++ {
			x := occupied[i]
			d := s2.ChordAngleBetweenPoints(c.Center(), occ.more[i].centre)
			switch {
			case d > out:
				continue
			case d < in:
				cells = append(cells, x)
				continue
			}
			switch da, rx := d.Angle(), occ.more[i].radius; {
			case da > r+rx+margin:
				continue
			case da+rx < r-margin:
				cells = append(cells, x)
				continue
			}
			meets := true
			for l := f.Level(); l <= level && meets; l++ {
				a := &asked[l]
				if p := x.Parent(l); a.cell != p {
					a.cell, a.meets = p, intersects(p)
				}
				meets = a.meets
			}
			if meets {
				cells = append(cells, x)
			}
		}
	}
	return cells
}

// key is where an incident is filed: its place at the finest level its
// reports' reach allows, and its family; and the span of observation times
// a joining report may have: |t − t_x| ≤ reach + ta_x + ta for every
// member x (some member, for a persistent thing), so within its span
// widened by reach + its largest time accuracy (the report's own accuracy
// is added by candidates).
func (e *Engine) key(in *Incident) (cellKey, int64, int64) {
	cell := s2.CellID(0)
	for _, level := range indexLevels {
		if in.widest <= levelReach(level) {
			cell = s2.CellIDFromLatLng(s2.LatLngFromDegrees(in.Lat, in.Lon)).Parent(level)
			break
		}
	}
	reach := int64(math.Ceil(e.timeWindow(in.family).Seconds() + in.maxTA))
	return cellKey{cell, familyID(in.family), 0}, in.FirstObserved.Unix() - reach, in.LastObserved.Unix() + reach
}

// index files an incident: under its place (and the occupied cells of its
// level) and under each bucket of its span.
func (e *Engine) index(in *Incident) {
	k, lo, hi := e.key(in)
	k.hour, in.lastB = e.buckets(lo, hi)
	in.filed, in.indexed = k, true
	e.occupy(k, true)
	e.file(in, entry{lo: lo, hi: hi, in: in})
}

// unindex takes an incident out of the index.
func (e *Engine) unindex(in *Incident) {
	if !in.indexed {
		return
	}
	e.occupy(in.filed, false)
	e.unfile(in)
	in.indexed = false
}

// reindex files an incident that changed (it joined a report) anew, as
// unindex then index would. Most often its place and buckets are the same:
// then its entry is updated in each bucket's list where unindex and index
// would leave it (the list's last entry takes its place, and it goes to
// the end), and the occupied cells, the same, are not touched.
func (e *Engine) reindex(in *Incident) {
	if !in.indexed {
		e.index(in)
		return
	}
	k, lo, hi := e.key(in)
	b0, b1 := e.buckets(lo, hi)
	k.hour = b0
	en := entry{lo: lo, hi: hi, in: in}
	old := in.filed
	if k != old || b1 != in.lastB {
		moved := k.cell != old.cell || k.family != old.family
		if moved {
			e.occupy(old, false)
		}
		e.unfile(in)
		in.filed, in.lastB = k, b1
		if moved {
			e.occupy(k, true)
		}
		e.file(in, en)
		return
	}
	hs := e.cells[place(k.cell, k.family)]
	for b := b0; ; b++ {
		j, _ := hourAt(hs, b)
		list := hs[j].list
		last := len(list) - 1
		for i := range list {
			if list[i].in == in {
				list[i] = list[last]
				break
			}
		}
		list[last] = en
		if b == b1 {
			break
		}
	}
}

// buckets are the first and last buckets of a span lo..hi, or anyTime for
// both when it meets more than maxBuckets; the least and greatest buckets
// ever filed under take them in.
func (e *Engine) buckets(lo, hi int64) (int64, int64) {
	b0, b1 := bucket(lo), bucket(hi)
	if b1-b0 >= maxBuckets || b1 < b0 {
		return anyTime, anyTime
	}
	if e.maxB < e.minB {
		e.minB, e.maxB = b0, b1
	} else {
		e.minB, e.maxB = min(e.minB, b0), max(e.maxB, b1)
	}
	return b0, b1
}

// occupy counts an incident filed under a place (in) or no longer (!in)
// among the incidents filed at its level and the occupied cells.
func (e *Engine) occupy(k cellKey, in bool) {
	if k.cell == 0 {
		return
	}
	occ := &e.occupied[k.cell.Level()][k.family]
	if in {
		e.filedAt[k.cell.Level()]++
		occ.insert(k.cell)
		return
	}
	e.filedAt[k.cell.Level()]--
	occ.remove(k.cell)
}

// occupiedCells are the cells incidents are filed under at one level and
// of one family, sorted, each once, with their centres and the number of
// incidents filed under each.
type occupiedCells struct {
	ids  []s2.CellID
	more []occupant // of ids, one for one
}

type occupant struct {
	centre s2.Point
	radius s1.Angle // the largest distance of a vertex from the centre
	n      int
}

// insert counts an incident filed under c.
func (o *occupiedCells) insert(c s2.CellID) {
	i, ok := slices.BinarySearch(o.ids, c)
	if ok {
		o.more[i].n++
		return
	}
	o.ids = slices.Insert(o.ids, i, c)
	x := occupant{centre: c.Point(), n: 1}
	cell := s2.CellFromCellID(c)
	for k := range 4 {
		x.radius = max(x.radius, x.centre.Distance(cell.Vertex(k)))
	}
	o.more = slices.Insert(o.more, i, x)
}

// remove counts an incident no longer filed under c.
func (o *occupiedCells) remove(c s2.CellID) {
	if i, ok := slices.BinarySearch(o.ids, c); ok {
		if o.more[i].n--; o.more[i].n == 0 {
			o.ids = slices.Delete(o.ids, i, i+1)
			o.more = slices.Delete(o.more, i, i+1)
		}
	}
}

// neighbours appends the eight neighbours of a cell at its level, in the
// order of S2's AllNeighbors, from a cache of the cells asked of lately
// (direct-mapped: a cell asked again is mostly found).
func (e *Engine) neighbours(cells []s2.CellID, c s2.CellID) []s2.CellID {
	slot := &e.nbrs[(uint64(c)*0x9e3779b97f4a7c15)>>(64-nbrBits)]
	if slot.cell != c {
		ns := c.AllNeighbors(c.Level())
		if len(ns) != len(slot.n) {
			return append(cells, ns...)
		}
		slot.cell = c
		copy(slot.n[:], ns)
	}
	return append(cells, slot.n[:]...)
}

// nbrBits is the log2 of the entries of the neighbours' cache.
const nbrBits = 10

// nbrEntry is a cell of the neighbours' cache and its neighbours.
type nbrEntry struct {
	cell s2.CellID
	n    [8]s2.CellID
}

// file puts an incident's entry at the end of the list of each bucket of
// its place (in.filed) from its first to its last (in.lastB).
func (e *Engine) file(in *Incident, en entry) {
	pk := place(in.filed.cell, in.filed.family)
	hs := e.cells[pk]
	for b := in.filed.hour; ; b++ {
		i, ok := hourAt(hs, b)
		if !ok {
			hs = slices.Insert(hs, i, hourEntries{hour: b})
		}
		hs[i].list = append(hs[i].list, en)
		if b == in.lastB {
			break
		}
	}
	e.cells[pk] = hs
}

// unfile takes an incident's entry out of the lists file put it in, the
// last entry of each taking its place.
func (e *Engine) unfile(in *Incident) {
	pk := place(in.filed.cell, in.filed.family)
	hs := e.cells[pk]
	for b := in.filed.hour; ; b++ {
		if j, ok := hourAt(hs, b); ok {
			list := hs[j].list
			for i, x := range list {
				if x.in == in {
					list[i] = list[len(list)-1]
					list[len(list)-1] = entry{}
					list = list[:len(list)-1]
					break
				}
			}
			if len(list) == 0 {
				hs = slices.Delete(hs, j, j+1)
			} else {
				hs[j].list = list
			}
		}
		if b == in.lastB {
			break
		}
	}
	if len(hs) == 0 {
		delete(e.cells, pk)
	} else {
		e.cells[pk] = hs
	}
}

func equipmentCompatible(a, b string) bool { return a == "" || b == "" || a == b }

const earthRadiusM = 6371008.8

// expire closes incidents whose last observation is older than the horizon
// before the latest observation seen: they leave the index and the engine's
// memory (their reports are remembered by the caller's store, which keeps
// each observation once for the record's whole life) and wait in closed
// for TakeClosed.
//
// It reads the incidents' last observations and merges from lasts, which
// lie together, and visits only the incidents that leave; their places in
// incidents are left nil until they are half of it.
func (e *Engine) expire() {
	e.expired = e.latest
	cut := e.latest.Add(-e.cfg.Horizon)
	for i, in := range e.incidents {
		if in == nil {
			continue
		}
		if l := &e.lasts[i]; l.merged {
			// Handed out by TakeRevised when it merged.
			e.incidents[i] = nil
			e.dead++
		} else if l.at.Before(cut) {
			e.incidents[i] = nil
			e.dead++
			e.unindex(in)
			for i := range in.members {
				m := &in.members[i]
				e.seen.remove(Ref{Source: m.Source, ID: m.ID}, in)
			}
			in.ClosedAt = e.latest
			in.ClosedReason = "no report for " + e.cfg.Horizon.String() + " after its last observation"
			in.members, in.ownerConf, in.attrib = nil, nil, nil
			in.sum, in.eventBy, in.rivals, in.alone = nil, Report{}, nil, nil
			e.closed = append(e.closed, in)
		}
	}
	if e.dead > len(e.incidents)/2 {
		kept, lasts := e.incidents[:0], e.lasts[:0]
		for i, in := range e.incidents {
			if in != nil {
				in.pos = len(kept)
				kept, lasts = append(kept, in), append(lasts, e.lasts[i])
			}
		}
		clear(e.incidents[len(kept):])
		clear(e.lasts[len(lasts):])
		e.incidents, e.lasts, e.dead = kept, lasts, 0
	}
}

// lastSeen is an open incident's last observation (LastObserved), and
// whether it merged (State Merged), as expire reads them.
type lastSeen struct {
	at     time.Time
	merged bool
}

// TakeClosed returns the incidents closed since the last call, in the order
// they closed, and forgets them.
func (e *Engine) TakeClosed() []*Incident {
	out := e.closed
	e.closed = nil
	return out
}

// Opened is the number of incidents the engine has opened: N of the last
// "inc-N" it gave. A report that opened an incident moved it by one.
func (e *Engine) Opened() int { return e.next }

// Incidents returns the open incidents, oldest first.
func (e *Engine) Incidents() []*Incident {
	out := make([]*Incident, 0, len(e.incidents))
	for _, in := range e.incidents {
		if in != nil && in.State != Merged {
			out = append(out, in)
		}
	}
	return out
}
