package sector

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/monitor"
)

// Anchor is the most precise member of an incident — least accuracy_m,
// then earliest observed_at, then source id, then id — the member whose
// sector owns the incident and sees every member of it.
type Anchor struct {
	Key        monitor.Key `json:"key"`
	AccuracyM  float64     `json:"accuracy_m"`
	ObservedAt time.Time   `json:"observed_at"`
}

// IsZero reports whether a is no anchor (a version that is not a fusion
// incident's, or a merged one's, which has no member).
func (a Anchor) IsZero() bool { return a.Key == (monitor.Key{}) }

// Less reports whether a is more precise than b: the anchor order. A zero
// anchor is less precise than any other.
func (a Anchor) Less(b Anchor) bool {
	switch {
	case a.IsZero() || b.IsZero():
		return !a.IsZero() && b.IsZero()
	case a.AccuracyM != b.AccuracyM:
		return a.AccuracyM < b.AccuracyM
	case !a.ObservedAt.Equal(b.ObservedAt):
		return a.ObservedAt.Before(b.ObservedAt)
	case a.Key.Source != b.Key.Source:
		return a.Key.Source < b.Key.Source
	}
	return a.Key.ID < b.Key.ID
}

// Version is one incident version a sector worker hands the sequencer:
// the version its pipeline made, with the worker's local id (Prefix(i) +
// "inc-N") for a fusion incident, or the pipeline's own id for the others
// (a presence duty's missing report, a vessel's incident), which are
// global already.
type Version struct {
	Incident monitor.Incident `json:"incident"`
	// Anchor is the incident's anchor as the worker sees it (zero for a
	// version that is not a fusion incident's, or a merged one's): the
	// sequencer settles two sectors' claims on one member by it.
	Anchor Anchor `json:"anchor"`
	// Released says that the worker emitted this incident's versions
	// before but owns it no longer: its anchor is now an observation of
	// another sector (a more precise report that arrived there). The
	// version is the incident as the worker last saw it; the sequencer
	// takes it as the end of the worker's claim, not as a version to
	// record.
	Released bool `json:"released,omitempty"`
	// Fallback says that the worker does not own the incident (its anchor
	// is another sector's observation) but some of its members are the
	// sector's own: should the owner's fusion leave those out of every
	// incident it records, the sequencer records this one instead.
	Fallback bool `json:"fallback,omitempty"`
	// Late says that the incident closed before, its closed version
	// handed out as the sector's own, and that the pipeline has since
	// marked it over a ceiling (monitor.Pipeline.CeilingKeeps): the
	// sequencer hands it out as the closed global incident it was.
	Late bool `json:"late,omitempty"`
	// Opened is, for a version of a fusion incident the sector's pipeline
	// opened in this batch, 1 + the line of the whole batch whose
	// observation opened it (Worker.ObserveLines); for one opened before
	// (not a released or late version), 1 + the line of its first member
	// this batch brought, should the sequencer record it first now (a
	// claim handed out first, or whose global incident another took, a
	// fallback); 0 when none is in the batch. The sequencer numbers the
	// incidents it records first in a batch in the order of these lines,
	// across sectors, as one pipeline numbers them (Sequencer.ApplyBatch).
	Opened int `json:"opened,omitempty"`
	// At is 1 + where in the whole batch the sector's pipeline first
	// changed the incident (monitor.Pipeline.Order, its line that of the
	// whole batch: Worker.ObserveLines given lines), 0 when not told: the
	// sequencer hands a batch's versions out in this order, across
	// sectors, as one pipeline hands them out (Sequencer.ApplyBatch).
	At int `json:"at,omitempty"`
}

// Prefix is the prefix of the local incident ids of sector i: "s<i>/".
func Prefix(i int) string { return "s" + strconv.Itoa(i) + "/" }

// Worker is the fusion of one sector: a monitor.Pipeline over the
// sector's own observations and its halo (the neighbours' observations
// that may belong to one of its incidents), which hands out the versions
// of the incidents the sector owns.
//
// Ownership. An incident is the sector's when its anchor (Anchor) is one
// of the sector's own observations: the halo guarantees that the anchor's
// sector sees every member, so its pipeline builds the incident whole,
// as one pipeline over the whole front would. The other sectors that see
// part of it (as halo, or as their own observations without the anchor)
// stay silent about it, unless their view lacks the anchor: then each may
// claim the part it sees, and the sequencer settles the claims by anchor
// (the more precise wins; Sequencer).
//
// What Observe hands out, in the pipeline's order:
//   - every version of an incident whose anchor is the sector's own;
//   - once, marked Released, the version of an incident the sector
//     handed out before but whose anchor is now another sector's (a more
//     precise report arrived there and reached this sector as halo): the
//     ownership moved, and the sequencer merges the incident it recorded
//     into the new owner's; and, marked Released too, its merged or closed
//     version when it comes, so that the sequencer lets go of it;
//   - the merged version of an incident the sector handed out and that
//     its fusion merged into another (fusion's revision), or that opened
//     and merged within the batch into one the sector hands out; and the
//     closed version of one it handed out;
//   - marked Fallback, every version of an incident the sector does not
//     own but that holds some of its own observations: the sequencer
//     records it only if the owner's fusion left those out (Sequencer);
//   - a presence duty's missing report when the duty's zone's centre lies
//     in the sector; every vessel incident (the vessels' sector, 0, is the
//     only one that sees vessel observations, see Plan.Route).
//
// Versions of incidents the sector never handed out and does not own are
// dropped: their owner hands them out.
//
// Redelivery. An observation already taken in (by key), whose incident
// is open or closed less than a fusion horizon ago on the sector's clock,
// is skipped: the same batch given twice changes nothing and hands out
// nothing. The store keeps each observation once for the record's whole
// life; this window covers a stream's redelivery, which comes within
// seconds or minutes.
//
// A Worker is not safe for concurrent use: one goroutine feeds it, in
// the sector's stream order.
type Worker struct {
	plan    *Plan
	sector  int
	prefix  string
	p       *monitor.Pipeline
	horizon time.Duration
	// seen holds the observations taken in whose incidents are open (the
	// ones the anchors are chosen from); done the keys of closed incidents
	// with the sector's clock when they closed, kept a horizon for
	// redelivery.
	seen   map[monitor.Key]member
	done   map[monitor.Key]time.Time
	locals map[string]*local // the open local incidents met, by local id
	// closed holds the anchors of the closed incidents handed out as the
	// sector's own that the ceilings still count (Version.Late).
	closed map[string]Anchor
	clock  time.Time              // the latest observed_at taken in
	pruned time.Time              // clock when done was last pruned
	buf    []*monitor.Observation // the batch handed to the pipeline, reused
	lines  []int                  // its lines in the whole batch, reused
}

// local is what the worker knows of one of its pipeline's incidents: its
// anchor as of its members' count, and whether the sector handed it out
// (and has not released it).
type local struct {
	n        int
	anchor   Anchor
	own      bool
	claimed  bool
	released bool // handed out, then released (Version.Released)
	mixed    bool // not own, but with own members
	fallback bool // handed out as a fallback (Version.Fallback)
}

// member is what the anchor rule needs of an observation.
type member struct {
	accuracyM float64
	at        time.Time
	own       bool
}

// NewWorker returns the worker of sector i of a plan over a monitoring
// section and its kernel, with fusion's configuration (its Gate must not
// exceed the plan's, its IDPrefix is set to Prefix(i)).
func NewWorker(p *Plan, i int, m *agreement.Monitoring, k *geo.Kernel, cfg fusion.Config) (*Worker, error) {
	if p == nil {
		return nil, accord.Errorf(accord.EINVALID, "sector: worker %d: no plan", i)
	}
	if i < 0 || i >= p.n {
		return nil, accord.Errorf(accord.EINVALID, "sector: worker %d: the plan has sectors 0 to %d", i, p.n-1)
	}
	if cfg.Gate > Gate {
		return nil, accord.Errorf(accord.EINVALID, "sector: worker %d: fusion gate %v is wider than the halo's %v: members of one incident could be missed", i, cfg.Gate, float64(Gate))
	}
	if cfg.IDPrefix != "" {
		return nil, accord.Errorf(accord.EINVALID, "sector: worker %d: fusion.Config.IDPrefix %q is the worker's to set", i, cfg.IDPrefix)
	}
	cfg.IDPrefix = Prefix(i)
	h := cfg.Horizon
	if h == 0 {
		h = 24 * time.Hour
	}
	return &Worker{
		plan: p, sector: i, prefix: cfg.IDPrefix, p: monitor.NewPipeline(m, k, cfg), horizon: h,
		seen: map[monitor.Key]member{}, done: map[monitor.Key]time.Time{}, locals: map[string]*local{}, closed: map[string]Anchor{},
	}, nil
}

// Sector is the worker's sector.
func (w *Worker) Sector() int { return w.sector }

// Pipeline is the worker's pipeline (its vessel tracker, its open count).
func (w *Worker) Pipeline() *monitor.Pipeline { return w.p }

// Observe takes a batch of the sector: its own observations (those the
// plan routes to it as owner) and its halo, each in the batch's order,
// and returns the versions the sector hands out (see Worker). Fusion's
// choices depend on the order, and one pipeline takes the batch in its
// order: Observe interleaves the two as that order most likely was,
// keeping each one's order and taking the earlier reported_at first (own
// first on a tie), which is the batch's order when the batch is in the
// order of reporting. Where the stream carries the batch's order,
// ObserveBatch keeps it whatever it is.
func (w *Worker) Observe(own, halo []*monitor.Observation) []Version {
	batch := make([]*monitor.Observation, 0, len(own)+len(halo))
	mine := make([]bool, 0, len(own)+len(halo))
	i, j := 0, 0
	for i < len(own) || j < len(halo) {
		if j == len(halo) || (i < len(own) && !halo[j].ReportedAt.Before(own[i].ReportedAt)) {
			batch, mine = append(batch, own[i]), append(mine, true)
			i++
		} else {
			batch, mine = append(batch, halo[j]), append(mine, false)
			j++
		}
	}
	return w.ObserveBatch(batch, mine)
}

// ObserveBatch takes the sector's part of a batch in the batch's order:
// obs[i] is one of the sector's own observations when own[i], else of its
// halo. It returns the versions the sector hands out (see Worker).
func (w *Worker) ObserveBatch(obs []*monitor.Observation, own []bool) []Version {
	return w.ObserveBatchAt(obs, own, nil)
}

// ObserveBatchAt is ObserveBatch with the front's clock when each
// observation came (clocks[i] for obs[i], or nil: package stream's
// HeaderClock), so that the sector's clock — when its incidents are
// confirmed, open and close, when its presence duties fall due — is the
// front's, as one pipeline's is, not the latest time the sector saw.
func (w *Worker) ObserveBatchAt(obs []*monitor.Observation, own []bool, clocks []time.Time) []Version {
	return w.ObserveLines(obs, own, clocks, nil)
}

// ObserveLines is ObserveBatchAt with each observation's line in the
// whole batch (lines[i] for obs[i], 0-based; or nil: its index in obs):
// the versions of the incidents the batch opened say where the
// observation that opened each was (Version.Opened), so that the
// sequencer, taking the sectors' parts of the batch together
// (Sequencer.ApplyBatch), numbers them in one pipeline's order.
func (w *Worker) ObserveLines(obs []*monitor.Observation, own []bool, clocks []time.Time, lines []int) []Version {
	return w.ObserveTicks(obs, own, clocks, lines, nil)
}

// A Tick is the front's clock at a line of the whole batch that is not
// in the sector's part, where one pipeline over the whole front looks
// for incidents to close (package stream's HeaderTicks).
type Tick struct {
	Line  int // 0-based, of the whole batch
	Clock time.Time
	// Presence says that the tick moves the presence duties' clock
	// alone (a vessel's report in another sector: one pipeline's
	// presence duties take its time, fusion does not), not fusion's.
	Presence bool
}

// ObserveTicks is ObserveLines with the ticks of the front's clock
// between the part's lines (in the order of their lines): at each, the
// sector's fusion moves its clock and closes what one pipeline closes
// there (monitor.Pipeline.ObserveAt, fusion.Engine.Tick), and the
// presence duties judge the periods whose deadline the clock passed, so
// that its incidents close, and its missing reports come, at the same
// time and in the same batch as one pipeline's, not at the sector's next
// line. A batch with ticks and no
// line of the sector's is taken for its ticks.
func (w *Worker) ObserveTicks(obs []*monitor.Observation, own []bool, clocks []time.Time, lines []int, ticks []Tick) []Version {
	batch := w.buf[:0]
	var at []time.Time  // the clocks of batch's observations
	line := w.lines[:0] // the lines of batch's observations
	// Told the lines of the whole batch: the versions say where in it.
	told := lines != nil || len(ticks) > 0
	if len(ticks) > 0 && clocks == nil {
		clocks = make([]time.Time, len(obs)) // at, for the ticks' clocks
	}
	var presence []bool        // presence[j]: batch[j] a tick of the presence duties' clock alone
	tick := func(before int) { // the ticks before line before
		for len(ticks) > 0 && ticks[0].Line < before {
			if ticks[0].Clock.After(w.clock) && !ticks[0].Presence {
				w.clock = ticks[0].Clock
			}
			if ticks[0].Presence {
				presence = append(presence, make([]bool, len(batch)+1-len(presence))...)
				presence[len(batch)] = true
			}
			batch, line, at = append(batch, nil), append(line, ticks[0].Line), append(at, ticks[0].Clock)
			ticks = ticks[1:]
		}
	}
	for i, o := range obs {
		l := i
		if i < len(lines) {
			l = lines[i]
		}
		tick(l)
		var clock time.Time
		if i < len(clocks) {
			clock = clocks[i]
		}
		if clock.After(w.clock) {
			w.clock = clock
		}
		if monitor.IsVesselEvent(o.Event) {
			batch, line = append(batch, o), append(line, l) // the vessel tracker dedupes by key
			if clocks != nil {
				at = append(at, clock)
			}
			continue
		}
		k := o.Key()
		if _, ok := w.seen[k]; ok {
			continue
		}
		if _, ok := w.done[k]; ok {
			continue
		}
		w.seen[k] = member{accuracyM: o.AccuracyM, at: o.ObservedAt, own: i < len(own) && own[i]}
		if o.ObservedAt.After(w.clock) {
			w.clock = o.ObservedAt
		}
		batch, line = append(batch, o), append(line, l)
		if clocks != nil {
			at = append(at, clock)
		}
	}
	tick(math.MaxInt)
	w.lines = line[:0]
	if len(batch) == 0 {
		return nil
	}
	ins := w.p.ObservePresenceAt(batch, at, presence)
	var lineOf map[monitor.Key]int // the batch's observations' lines, when asked
	firstLine := func(keys []monitor.Key) int {
		if lineOf == nil {
			lineOf = make(map[monitor.Key]int, len(batch))
			for j, o := range batch {
				if o != nil { // a tick
					lineOf[o.Key()] = 1 + line[j]
				}
			}
		}
		least := 0
		for _, k := range keys {
			if l := lineOf[k]; l > 0 && (least == 0 || l < least) {
				least = l
			}
		}
		return least
	}
	defer func() {
		clear(batch)
		w.buf = batch[:0]
	}()
	var opened map[string]int // local id → 1 + the line that opened it
	if ops := w.p.Openings(); len(ops) > 0 {
		opened = make(map[string]int, len(ops))
		for _, o := range ops {
			opened[o.ID] = 1 + line[o.At]
		}
	}
	var order []int // each version's At, when told the lines
	if told {
		order = w.p.Order()
	}
	place := func(i int) int {
		if i >= len(order) {
			return 0
		}
		if o := order[i]; o < monitor.OrderCeiling {
			return 1 + 4*line[o/4] + o%4
		}
		return 1 + order[i]
	}
	vs := make([]Version, len(ins))
	keep := make([]bool, len(ins))
	var handed map[string]bool // local ids handed out as the owner's in this batch
	var pending []int          // merged versions of incidents never handed out
	for i, in := range ins {
		if in.State == fusion.Merged && strings.HasPrefix(in.ID, w.prefix) && !w.handedOut(in.ID) {
			vs[i] = Version{Incident: in, Opened: opened[in.ID], At: place(i)}
			pending = append(pending, i)
			delete(w.locals, in.ID)
			continue
		}
		vs[i], keep[i] = w.version(in)
		vs[i].Opened, vs[i].At = opened[in.ID], place(i)
		if keep[i] && vs[i].Opened == 0 && !vs[i].Released && !vs[i].Late && strings.HasPrefix(in.ID, w.prefix) {
			// Opened before: the sequencer, should it record it first now,
			// numbers it from its first member this batch brought.
			vs[i].Opened = firstLine(in.Observations)
		}
		if keep[i] && !vs[i].Released && !vs[i].Fallback && strings.HasPrefix(in.ID, w.prefix) {
			if handed == nil {
				handed = map[string]bool{}
			}
			handed[in.ID] = true
		}
		if in.ClosedAt != nil && strings.HasPrefix(in.ID, w.prefix) {
			for _, k := range in.Observations {
				if _, ok := w.seen[k]; ok {
					delete(w.seen, k)
					w.done[k] = w.clock
				}
			}
		}
	}
	// An incident opened and merged in one batch was never handed out: it
	// is the sector's when the incident it merged into is (the one
	// pipeline hands it out, merged, in this batch).
	for _, i := range pending {
		keep[i] = handed[ins[i].MergedInto]
	}
	out := vs[:0]
	for i := range vs {
		if keep[i] {
			out = append(out, vs[i])
		}
	}
	clear(vs[len(out):])
	w.prune()
	if len(out) == 0 {
		return nil
	}
	return out
}

// version decides whether the sector hands out a version, and how.
func (w *Worker) version(in monitor.Incident) (Version, bool) {
	if !strings.HasPrefix(in.ID, w.prefix) {
		// Not fusion's: global ids already.
		if in.Event == monitor.MissingReport && w.plan.n > 1 {
			return Version{Incident: in}, w.plan.Of(in.Location[0], in.Location[1]) == w.sector
		}
		return Version{Incident: in}, true
	}
	l := w.locals[in.ID]
	if l == nil && in.ClosedAt != nil {
		if a, ok := w.closed[in.ID]; ok {
			return Version{Incident: in, Anchor: a, Late: true}, true
		}
	}
	if l == nil {
		l = &local{}
		w.locals[in.ID] = l
	}
	claimed := l.claimed
	if in.State == fusion.Merged {
		delete(w.locals, in.ID)
		switch {
		case claimed:
			return Version{Incident: in}, true
		case l.released:
			return Version{Incident: in, Released: true}, true
		case l.fallback:
			return Version{Incident: in, Fallback: true}, true
		}
		return Version{}, false
	}
	// Members only join: the anchor changes only when their count does.
	if len(in.Observations) != l.n {
		l.n = len(in.Observations)
		l.anchor, l.own, l.mixed = w.anchor(in.Observations)
	}
	a, own := l.anchor, l.own
	if in.ClosedAt != nil {
		delete(w.locals, in.ID)
		switch {
		case own:
			if w.p.CeilingKeeps(in.ID) {
				w.closed[in.ID] = a
			}
			return Version{Incident: in, Anchor: a}, true
		case claimed || l.released:
			return Version{Incident: in, Anchor: a, Released: true}, true
		case l.fallback:
			return Version{Incident: in, Anchor: a, Fallback: true}, true
		}
		return Version{}, false
	}
	switch {
	case own:
		l.claimed, l.released = true, false
		return Version{Incident: in, Anchor: a}, true
	case claimed:
		l.claimed, l.released = false, true
		return Version{Incident: in, Anchor: a, Released: true}, true
	case l.mixed && !l.released:
		l.fallback = true
		return Version{Incident: in, Anchor: a, Fallback: true}, true
	}
	return Version{}, false
}

// handedOut reports whether the sector handed a local incident out,
// whether it still claims it or released it.
func (w *Worker) handedOut(id string) bool {
	l := w.locals[id]
	return l != nil && (l.claimed || l.released || l.fallback)
}

// anchor is the anchor of the members (those the worker knows), whether
// it is the sector's own, and, when it is not, whether some member is.
func (w *Worker) anchor(keys []monitor.Key) (Anchor, bool, bool) {
	var best Anchor
	own, some := false, false
	for _, k := range keys {
		m, ok := w.seen[k]
		if !ok {
			continue
		}
		some = some || m.own
		a := Anchor{Key: k, AccuracyM: m.accuracyM, ObservedAt: m.at}
		if best.IsZero() || a.Less(best) {
			best, own = a, m.own
		}
	}
	return best, own, some && !own
}

// prune forgets the keys of incidents closed more than a horizon ago on
// the sector's clock, and the closed incidents the ceilings no longer
// count, every 1/96 of a horizon.
func (w *Worker) prune() {
	if w.clock.Sub(w.pruned) < w.horizon/96 {
		return
	}
	w.pruned = w.clock
	for id := range w.closed {
		if !w.p.CeilingKeeps(id) {
			delete(w.closed, id)
		}
	}
	cut := w.clock.Add(-w.horizon)
	for k, at := range w.done {
		if at.Before(cut) {
			delete(w.done, k)
		}
	}
}

// Restore rebuilds the worker's state after a restart: it takes the
// sector's stored observations again, batch by batch in their first
// order, and discards what they hand out (it was handed out and recorded
// before the restart). Observations the worker has already taken in are
// skipped, as in Observe. (A stream's worker restores by ObserveBatch,
// its messages in their order, discarding the output.)
func (w *Worker) Restore(own, halo []*monitor.Observation) { w.Observe(own, halo) }

// String names the worker in logs.
func (w *Worker) String() string { return fmt.Sprintf("sector %d of %d", w.sector, w.plan.n) }

// TickPresence is a tick of the agreement's clock at the sector
// (monitor.Pipeline.TickPresence): the presence duties' clock moves to at
// and the missing reports of the duties whose zone's centre lies in the
// sector are handed out, placed as at a batch's first line — as one
// pipeline judges them at the tick. Fusion's clock does not move.
func (w *Worker) TickPresence(at time.Time) []Version {
	var vs []Version
	for _, in := range w.p.TickPresence(at) {
		if v, ok := w.version(in); ok {
			v.At = 1 + 3 // monitor.Pipeline.Order's 3, at line 0 (place in ObserveTicks)
			vs = append(vs, v)
		}
	}
	return vs
}
