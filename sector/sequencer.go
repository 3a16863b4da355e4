package sector

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
)

// Sequencer maps the sectors' local incidents to global ones, in the one
// order of the ordered stage (the recorder): a local incident gets the
// next global id "inc-N" when its first version arrives, and every
// version of it is handed out under that id, MergedInto rewritten too.
// With one sector, the first versions arrive in fusion's creation order,
// so the global ids are the pipeline's own: the sequencer is the
// identity. With several, ApplyBatch, taking a batch's parts together,
// numbers a batch's new incidents in one pipeline's order; Apply, one
// part at a time, in the order the parts come.
//
// Claims. The sequencer keeps, for every open global incident, its
// members' keys. A version whose members are another global incident's
// too is a second claim on them (two sectors whose views differ); the
// claim with the more precise anchor (Anchor.Less) wins. When the winner
// lists every member of the loser (the loser was a partial view of the
// winner's incident), the loser is merged into the winner if the
// sequencer recorded it — state merged, MergedInto the winner, handed out
// after the winner's version, as fusion hands out its own merges — and is
// not recorded at all if it never was (its later versions are claims
// again). A claim not recorded yet that beats recorded incidents goes on
// under the oldest one's id (the others merge into it): so when ownership
// moves (a more precise report in another sector) the new owner's
// incident keeps the id the old owner's was recorded with, as one
// pipeline's incident keeps its id.
// When the loser has members the winner lacks, the two sectors' fusion
// made two incidents that share a report: both stand, and the report is
// listed by both (a residual the tests count). A global incident whose
// sector released it (Version.Released) keeps its members until a claim
// takes them, and loses to any claim; one no claim takes merges or
// closes with its sector's incident, or closes a Horizon after its last
// observation. Where a sector's own fusion merged two of its incidents in
// one batch, the survivor's taking the merged one's members is no
// conflict: the sector's merged version follows.
//
// Fallbacks. A sector hands out, marked Fallback, the incidents it does
// not own that hold some of its own observations. They wait, unrecorded;
// one is recorded (a new global id, taking no member another holds) once
// its anchor is an open global incident's — its owner has recorded where
// the anchor went — while some of its members are no open incident's:
// the owner's fusion left them out, and without the fallback they would
// be in no incident. A waiting fallback that merges or closes is dropped.
//
// Closed incidents are forgotten once handed out (their members' keys
// too): memory holds the open incidents — and, by local id, the global
// ids of the closed heavy weapons a ceiling may still mark, which a
// sector then hands out again (Version.Late): the same global incident,
// closed as it was, with the mark. Those are kept LateKept after their
// last observation on the sequencer's clock; a late version that comes
// after that (a sector lagging that far behind the others) is not
// handed out, and counted (LateUnplaced). The sequencer is a function of
// the sequence of Apply calls: replaying the ordered log through a new
// one restores it, as does replaying it from the position where a
// Snapshot was taken through the sequencer RestoreSequencer returns.
//
// A Sequencer is not safe for concurrent use: the ordered stage feeds it.
type Sequencer struct {
	next   int
	local  map[string]*global      // local id → the global incident it claims
	global map[string]*global      // open global incidents by id
	byKey  map[monitor.Key]*global // member key → its open global incident
	handed map[string]string       // local id → global id handed out in this Apply
	// pending are the fallbacks not recorded (Version.Fallback), by local
	// id; byAnchor the local ids of those with an anchor, by its key;
	// check those to look at once the batch is through.
	pending  map[string]*Version
	byAnchor map[monitor.Key][]string
	check    []string

	// Horizon is how long a global incident no sector claims (released,
	// or merged by its sector into one that is not recorded) stays open
	// after its last observation, on the clock of the versions applied
	// (their latest last_observed), before it closes: fusion's horizon,
	// 24 h, by default.
	Horizon time.Duration
	// Duties are the presence duties' rules (presence:ID) in the
	// monitoring section's order: the missing reports due at one place
	// of a batch (several duties' deadlines passed at one line, or by a
	// tick), which each duty's sector hands out, are handed out duty by
	// duty in that order, as one pipeline judges them (ApplyBatch); nil:
	// in the parts' order.
	Duties  []string
	clock   time.Time // the latest last_observed of a version applied
	expired time.Time // clock when the unclaimed were last looked at

	// closed are the closed global incidents a ceiling may still mark, by
	// the local id whose closed version was handed out; unplaced counts
	// the late versions that found none.
	closed   map[string]*closedGlobal
	unplaced int

	// batch is the batch ApplyBatch takes, nil outside it.
	batch *batchIDs
}

// closedGlobal is a closed global incident that a sector may still hand
// out again (Version.Late): its id and its last observation.
type closedGlobal struct {
	ID           string    `json:"id"`
	LastObserved time.Time `json:"last_observed"`
}

// LateKept is how long after its last observation, on the sequencer's
// clock, a closed heavy weapon's global id is kept for a late version: the
// span the pipeline's ceilings may still count it (6 h of presence and
// two horizons, 48 h) and a horizon more for sectors whose clocks lag —
// with fusion's default horizon; a longer Horizon keeps them longer.
const LateKept = 78 * time.Hour

// lateKept is LateKept for the sequencer's Horizon: a weapon seen with a
// closed one stays open a horizon after its last report, so the span is
// the ceilings' 54 h and a horizon (LateKept with fusion's default, 24 h).
func (s *Sequencer) lateKept() time.Duration {
	return LateKept - 24*time.Hour + max(s.Horizon, 24*time.Hour)
}

// LateUnplaced is the number of late versions (Version.Late) that came
// after their global incident was let go (LateKept), and were not handed
// out.
func (s *Sequencer) LateUnplaced() int { return s.unplaced }

// global is an open global incident.
type global struct {
	id     string
	owner  string // the local id whose versions it records; "" when released
	anchor Anchor
	n      int              // members its last version lists
	keys   []monitor.Key    // the members it holds (some perhaps since taken)
	last   monitor.Incident // the last version handed out (global id)
}

// NewSequencer returns a sequencer that has handed out no id yet.
func NewSequencer() *Sequencer {
	return &Sequencer{local: map[string]*global{}, global: map[string]*global{}, byKey: map[monitor.Key]*global{}, handed: map[string]string{},
		pending: map[string]*Version{}, byAnchor: map[monitor.Key][]string{}, Horizon: 24 * time.Hour, closed: map[string]*closedGlobal{}}
}

// Open is the number of open global incidents.
func (s *Sequencer) Open() int { return len(s.global) }

// Waiting is the number of fallbacks not recorded (Version.Fallback).
func (s *Sequencer) Waiting() int { return len(s.pending) }

// Apply takes the versions a sector handed out for one batch, in order,
// and returns the versions to record, with global ids. A local id names
// its sector (Prefix), so versions are told apart by their ids; sector
// names the worker for the reader.
func (s *Sequencer) Apply(sector int, versions []Version) []monitor.Incident {
	return s.apply(sector, versions, nil)
}

// apply is Apply, appending to out (the batch's versions so far, in
// ApplyBatch).
func (s *Sequencer) apply(sector int, versions []Version, out []monitor.Incident) []monitor.Incident {
	// The sector's own merges in this batch: the survivor's version (first,
	// as fusion hands them out) lists the merged incident's members.
	var mergedInto map[string]string
	for i := range versions {
		if in := &versions[i].Incident; in.State == fusion.Merged && IsLocal(in.ID) {
			if mergedInto == nil {
				mergedInto = map[string]string{}
			}
			mergedInto[in.ID] = in.MergedInto
		}
	}
	var fix []fixup
	clear(s.handed)
	for i := range versions {
		v := &versions[i]
		if !IsLocal(v.Incident.ID) {
			out = append(out, v.Incident) // a global id already
			s.batch.place(len(out), v.At)
			continue
		}
		if v.Incident.LastObserved.After(s.clock) {
			s.clock = v.Incident.LastObserved
		}
		switch {
		case v.Late:
			out = s.late(v, out)
		case v.Fallback:
			out = s.fallback(v, out, &fix)
		case v.Released:
			out = s.release(v, out)
		case v.Incident.State == fusion.Merged:
			out = s.merged(v, out, &fix)
		default:
			out = s.claim(v, mergedInto, out)
		}
		s.batch.place(len(out), v.At)
	}
	out = s.promote(out)
	s.batch.place(len(out), 0) // after the version before
	out = s.fixups(fix, out)
	out = s.expire(out)
	s.batch.place(len(out), math.MaxInt)
	return out
}

// fixups names the survivors of the merged versions of the batch: the
// survivor's global incident, or else the one that holds a member of the
// merged one now. A merged incident recorded before whose members no
// recorded incident holds stays open, unclaimed (expire closes it); one
// never recorded is not handed out.
func (s *Sequencer) fixups(fix []fixup, out []monitor.Incident) []monitor.Incident {
	if len(fix) == 0 {
		return out
	}
	drop := map[int]bool{}
	for _, f := range fix {
		into, ok := s.handed[f.local]
		if !ok {
			if g := s.local[f.local]; g != nil && g.owner == f.local {
				into, ok = g.id, true
			}
		}
		for _, k := range f.keys {
			if h := s.byKey[k]; !ok && h != nil {
				into, ok = h.id, true
			}
		}
		if !ok {
			drop[f.at] = true
			if f.keys != nil { // recorded before: open again, unclaimed
				g := f.g
				s.global[g.id] = g
				for _, k := range f.keys {
					if s.byKey[k] == nil {
						s.byKey[k] = g
						g.keys = append(g.keys, k)
					}
				}
			}
			continue
		}
		out[f.at].MergedInto = into
	}
	if len(drop) == 0 {
		return out
	}
	kept := out[:0]
	for i, in := range out {
		if !drop[i] {
			kept = append(kept, in)
		}
	}
	s.batch.drop(drop)
	return kept
}

// expire closes the global incidents no sector claims whose last
// observation is more than a horizon older than the clock, in the order
// of their ids, every 1/96 of a horizon of the clock.
func (s *Sequencer) expire(out []monitor.Incident) []monitor.Incident {
	if s.clock.Sub(s.expired) <= s.Horizon/96 {
		return out
	}
	s.expired = s.clock
	for id, c := range s.closed {
		if c.LastObserved.Add(s.lateKept()).Before(s.clock) {
			delete(s.closed, id)
		}
	}
	cut := s.clock.Add(-s.Horizon)
	var old []*global
	for _, g := range s.global {
		if g.owner == "" && g.last.LastObserved.Before(cut) {
			old = append(old, g)
		}
	}
	slices.SortFunc(old, func(a, b *global) int { return idNumber(a.id) - idNumber(b.id) })
	for _, g := range old {
		in := g.last
		at := s.clock
		in.ClosedAt, in.ClosedReason = &at, "no report for "+s.Horizon.String()+" after its last observation (no sector claims it)"
		s.forget(g)
		out = append(out, in)
	}
	return out
}

// release ends a local incident's claim: its global incident stays open,
// with its members, until a claim takes them. When the released incident
// merges or closes in its sector, the sequencer lets go of its local id,
// and a global incident no claim took follows it: merged into the
// survivor's global incident, or closed with its last version.
func (s *Sequencer) release(v *Version, out []monitor.Incident) []monitor.Incident {
	id := v.Incident.ID
	g := s.local[id]
	if g != nil && g.owner == id {
		g.owner = ""
	}
	final := v.Incident.ClosedAt != nil || v.Incident.State == fusion.Merged
	if !final {
		return out
	}
	delete(s.local, id)
	if g == nil || s.global[g.id] != g || g.owner != "" {
		return out // taken by a claim, or claimed again by another local id
	}
	if v.Incident.State == fusion.Merged {
		into, ok := s.handed[v.Incident.MergedInto]
		if !ok {
			if h := s.local[v.Incident.MergedInto]; h != nil && h.owner == v.Incident.MergedInto {
				into, ok = h.id, true
			}
		}
		if !ok {
			return out // the survivor is not recorded: a claim may take the members
		}
		in := mergedVersion(g.last, into)
		s.forget(g)
		return append(out, in)
	}
	in := g.last
	in.ClosedAt, in.ClosedReason = v.Incident.ClosedAt, v.Incident.ClosedReason
	s.forget(g)
	return append(out, in)
}

// merged hands out a sector's own merge of one of its incidents into
// another. The survivor may be handed out later in the batch (fix).
func (s *Sequencer) merged(v *Version, out []monitor.Incident, fix *[]fixup) []monitor.Incident {
	id := v.Incident.ID
	g := s.local[id]
	delete(s.local, id)
	switch {
	case g == nil:
		// Opened and merged in one batch: its first version.
		g = &global{id: s.newID(v.Opened)}
	case g.owner != id:
		return out // recorded as another's
	}
	var keys []monitor.Key
	if g.keys != nil {
		keys = []monitor.Key{}
		for _, k := range g.keys {
			if s.byKey[k] == g {
				keys = append(keys, k)
			}
		}
		s.forget(g)
	}
	in := v.Incident
	in.ID = g.id
	*fix = append(*fix, fixup{at: len(out), local: in.MergedInto, g: g, keys: keys})
	return append(out, in)
}

// fixup is a merged version whose MergedInto is set once the batch is
// through: out[at] merged into local's global incident.
type fixup struct {
	at    int
	local string
	g     *global
	keys  []monitor.Key // the members it held, when it was recorded before
}

// claim hands out a version of a local incident the sector claims,
// settling conflicts with other global incidents on its members.
func (s *Sequencer) claim(v *Version, mergedInto map[string]string, out []monitor.Incident) []monitor.Incident {
	id := v.Incident.ID
	delete(s.pending, id)
	g := s.local[id]
	if g != nil && g.owner != id {
		// It lost its global incident to another claim, or released it
		// and claims again.
		if s.global[g.id] == g && g.owner == "" {
			g.owner = id
		} else {
			delete(s.local, id)
			g = nil
		}
	}
	// Its members only grow: when their count has not changed, they are
	// the ones it held, and settled, before.
	if g != nil && len(mergedInto) == 0 && len(v.Incident.Observations) == g.n {
		return s.hand(g, v, id, nil, nil, out)
	}
	// The other global incidents holding its members.
	var rivals []*global
	for _, k := range v.Incident.Observations {
		h := s.byKey[k]
		if h == nil || h == g || contains(rivals, h) {
			continue
		}
		if h.owner != "" && mergedInto[h.owner] == id {
			continue // the sector's own merge: its merged version follows
		}
		rivals = append(rivals, h)
	}
	// Settle each: the more precise anchor wins; the loser is merged into
	// the winner when the winner lists every member of it (a partial view
	// of the winner's incident), else both stand, and the members they
	// share stay the winner's (two sectors' fusion put one report in two
	// incidents: it is listed by both).
	var beaten, kept []*global
	for _, h := range rivals {
		switch {
		case h.owner == "":
			beaten = append(beaten, h) // released: the new owner takes it
		case h.anchor.Less(v.Anchor):
			if !subset(v.Incident.Observations, h.last.Observations) {
				kept = append(kept, h)
				continue
			}
			if g == nil {
				return out // never recorded: the winner holds it all
			}
			in := mergedVersion(g.last, h.id)
			s.dissolve(g.id, h.id)
			s.forget(g)
			delete(s.local, id)
			return append(out, in)
		case subset(h.last.Observations, v.Incident.Observations):
			beaten = append(beaten, h)
		}
	}
	if g == nil && len(beaten) > 0 {
		// The incident the beaten were partial or earlier views of (its
		// ownership moved here): the oldest of them goes on, under its id,
		// as one pipeline's incident does.
		old := beaten[0]
		for _, h := range beaten[1:] {
			if idNumber(h.id) < idNumber(old.id) {
				old = h
			}
		}
		beaten = slices.DeleteFunc(beaten, func(h *global) bool { return h == old })
		g = old
		g.owner = id
		s.local[id] = g
		// It holds the claim's members from now on, as a new one would
		// (a released incident beaten may have held others).
		for _, k := range g.keys {
			if s.byKey[k] == g && !slices.Contains(v.Incident.Observations, k) {
				delete(s.byKey, k)
			}
		}
		g.keys, g.n = slices.DeleteFunc(g.keys, func(k monitor.Key) bool { return s.byKey[k] != g }), -1
		out = s.adopted(g, v, out)
	}
	if g == nil {
		g = &global{id: s.newID(v.Opened), owner: id}
		s.global[g.id] = g
		s.local[id] = g
	}
	return s.hand(g, v, id, beaten, kept, out)
}

// subset reports whether every key of a is in b.
func subset(a, b []monitor.Key) bool {
	if len(a) > len(b) {
		return false
	}
	if len(b) <= 16 {
		for _, k := range a {
			if !slices.Contains(b, k) {
				return false
			}
		}
		return true
	}
	in := make(map[monitor.Key]bool, len(b))
	for _, k := range b {
		in[k] = true
	}
	for _, k := range a {
		if !in[k] {
			return false
		}
	}
	return true
}

// hand hands out a claim's version as g's, merges the rivals it beat into
// g, and leaves the members the kept ones (winners) hold theirs.
func (s *Sequencer) hand(g *global, v *Version, id string, beaten, kept []*global, out []monitor.Incident) []monitor.Incident {
	return s.handAs(g, v, id, beaten, kept, false, out)
}

// handAs is hand; a weak version (a fallback's) takes no member another
// global incident holds.
func (s *Sequencer) handAs(g *global, v *Version, id string, beaten, kept []*global, weak bool, out []monitor.Incident) []monitor.Incident {
	in := v.Incident
	in.ID = g.id
	if in.MergedInto != "" {
		if into := s.local[in.MergedInto]; into != nil {
			in.MergedInto = into.id
		}
	}
	g.anchor, g.last = v.Anchor, in
	if s.batch != nil {
		s.batch.touched[g] = true
	}
	if len(in.Observations) != g.n {
		g.n = len(in.Observations)
		for _, k := range in.Observations {
			h := s.byKey[k]
			switch {
			case h == g:
			case h != nil && (weak || contains(kept, h) && h.anchor.Less(g.anchor)):
				// The winner's; g lists it too.
			default:
				s.byKey[k] = g
				g.keys = append(g.keys, k)
				for _, f := range s.byAnchor[k] {
					s.check = append(s.check, f)
				}
			}
		}
	}
	out = append(out, in)
	s.handed[id] = g.id
	for _, h := range beaten {
		out = append(out, mergedVersion(h.last, g.id))
		s.dissolve(h.id, g.id)
		s.forget(h)
	}
	if in.ClosedAt != nil {
		s.forget(g)
		delete(s.local, id)
		if in.Event == "heavy_weapon" && !weak {
			s.closed[id] = &closedGlobal{ID: g.id, LastObserved: in.LastObserved}
			if s.batch != nil {
				s.batch.closed = append(s.batch.closed, s.closed[id])
			}
		}
	}
	return out
}

// late hands out a sector's late version of a closed incident (a ceiling's
// mark added since) as the global incident it closed as.
func (s *Sequencer) late(v *Version, out []monitor.Incident) []monitor.Incident {
	c := s.closed[v.Incident.ID]
	if c == nil {
		s.unplaced++
		return out
	}
	in := v.Incident
	in.ID = c.ID
	return append(out, in)
}

// forget drops a global incident that closed or merged, with its members'
// keys and its owner's claim.
func (s *Sequencer) forget(g *global) {
	for _, k := range g.keys {
		if s.byKey[k] == g {
			delete(s.byKey, k)
		}
	}
	g.keys = nil
	delete(s.global, g.id)
	if g.owner != "" && s.local[g.owner] == g {
		delete(s.local, g.owner)
	}
	g.owner = ""
}

func contains(gs []*global, g *global) bool {
	for _, x := range gs {
		if x == g {
			return true
		}
	}
	return false
}

// mergedVersion is the version of a global incident merged into another
// by the sequencer, shaped as the pipeline shapes fusion's merged
// versions: where and when it was, the survivor, no observation (they are
// the survivor's now) and no violation of its own.
func mergedVersion(last monitor.Incident, into string) monitor.Incident {
	return monitor.Incident{
		ID: last.ID, State: fusion.Merged, Event: last.Event, Equipment: last.Equipment,
		Location: last.Location, FirstObserved: last.FirstObserved, LastObserved: last.LastObserved,
		Zones: []string{}, Violations: []monitor.Violation{}, Ambiguous: last.Ambiguous, MergedInto: into,
	}
}

// IsLocal reports whether an incident id is a worker's local id
// (Prefix(i) + the pipeline's id), to be given a global one.
func IsLocal(id string) bool {
	if len(id) < 3 || id[0] != 's' {
		return false
	}
	for i := 1; i < len(id); i++ {
		switch c := id[i]; {
		case c == '/':
			return i > 1
		case c < '0' || c > '9':
			return false
		}
	}
	return false
}

// snapshot is a sequencer's state as Snapshot writes it.
type snapshot struct {
	Next    int            `json:"next"`
	Globals []globalRecord `json:"globals"`
	Pending []Version      `json:"pending,omitempty"` // fallbacks not recorded
	// Closed are the closed heavy weapons' global ids kept for a late
	// version, by local id; Unplaced the late versions that found none.
	Closed   map[string]*closedGlobal `json:"closed,omitempty"`
	Unplaced int                      `json:"unplaced,omitempty"`
	Clock    time.Time                `json:"clock"`
	Expired  time.Time                `json:"expired"`
	Horizon  time.Duration            `json:"horizon"`
}

type globalRecord struct {
	ID     string           `json:"id"`
	Owner  string           `json:"owner,omitempty"`
	Anchor Anchor           `json:"anchor"`
	N      int              `json:"n"`
	Keys   []monitor.Key    `json:"keys"` // the members it holds
	Last   monitor.Incident `json:"last"`
	// The agreement engine's times of Last, which the incident's JSON
	// leaves out (see Version's wire form).
	ConfirmedAt   time.Time `json:"confirmed_at,omitzero"`
	SeenConfirmed time.Time `json:"seen_confirmed,omitzero"`
	OpenedAt      time.Time `json:"opened_at,omitzero"`
	// Released are the local ids that released it and may still merge or
	// close it.
	Released []string `json:"released,omitempty"`
}

// Snapshot encodes the sequencer's state (JSON): the next id and the open
// global incidents. The ordered stage keeps it with its position in the
// log, so that a restart replays the log from there, not from its start
// (RestoreSequencer).
func (s *Sequencer) Snapshot() ([]byte, error) {
	st := snapshot{Next: s.next, Globals: make([]globalRecord, 0, len(s.global)), Clock: s.clock, Expired: s.expired, Horizon: s.Horizon,
		Closed: s.closed, Unplaced: s.unplaced}
	released := map[*global][]string{}
	for id, g := range s.local {
		if s.global[g.id] == g && g.owner != id {
			released[g] = append(released[g], id)
		}
	}
	for _, g := range s.global {
		r := globalRecord{ID: g.id, Owner: g.owner, Anchor: g.anchor, N: g.n, Last: g.last, Keys: []monitor.Key{}, Released: released[g],
			ConfirmedAt: g.last.ConfirmedAt, SeenConfirmed: g.last.SeenConfirmed, OpenedAt: g.last.OpenedAt}
		slices.Sort(r.Released)
		for _, k := range g.keys {
			if s.byKey[k] == g && !slices.Contains(r.Keys, k) {
				r.Keys = append(r.Keys, k)
			}
		}
		st.Globals = append(st.Globals, r)
	}
	slices.SortFunc(st.Globals, func(a, b globalRecord) int { return idNumber(a.ID) - idNumber(b.ID) })
	for _, v := range s.pending {
		st.Pending = append(st.Pending, *v)
	}
	slices.SortFunc(st.Pending, func(a, b Version) int { return strings.Compare(a.Incident.ID, b.Incident.ID) })
	return json.Marshal(st)
}

// RestoreSequencer returns the sequencer a Snapshot encoded.
func RestoreSequencer(data []byte) (*Sequencer, error) {
	var st snapshot
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, accord.Errorf(accord.EINVALID, "sector: sequencer snapshot: %v", err)
	}
	s := NewSequencer()
	s.next, s.clock, s.expired, s.unplaced = st.Next, st.Clock, st.Expired, st.Unplaced
	for id, c := range st.Closed {
		if c == nil || !IsLocal(id) || idNumber(c.ID) <= 0 || idNumber(c.ID) > st.Next {
			return nil, accord.Errorf(accord.EINVALID, "sector: sequencer snapshot: closed %q is no sector's incident of inc-1 to inc-%d", id, st.Next)
		}
		s.closed[id] = c
	}
	if st.Horizon > 0 {
		s.Horizon = st.Horizon
	}
	for _, r := range st.Globals {
		if n := idNumber(r.ID); n <= 0 || n > s.next {
			return nil, accord.Errorf(accord.EINVALID, "sector: sequencer snapshot: incident %q is not one of inc-1 to inc-%d", r.ID, s.next)
		}
		g := &global{id: r.ID, owner: r.Owner, anchor: r.Anchor, n: r.N, keys: r.Keys, last: r.Last}
		g.last.ConfirmedAt, g.last.SeenConfirmed, g.last.OpenedAt = r.ConfirmedAt, r.SeenConfirmed, r.OpenedAt
		s.global[g.id] = g
		if g.owner != "" {
			s.local[g.owner] = g
		}
		for _, id := range r.Released {
			s.local[id] = g
		}
		for _, k := range g.keys {
			s.byKey[k] = g
		}
	}
	for i := range st.Pending {
		v := &st.Pending[i]
		if !v.Fallback || !IsLocal(v.Incident.ID) {
			return nil, accord.Errorf(accord.EINVALID, "sector: sequencer snapshot: pending %q is no sector's fallback", v.Incident.ID)
		}
		s.pending[v.Incident.ID] = v
		s.byAnchor[v.Anchor.Key] = append(s.byAnchor[v.Anchor.Key], v.Incident.ID)
	}
	return s, nil
}

// idNumber is N of "inc-N", 0 for any other id.
func idNumber(id string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(id, "inc-"))
	if err != nil || !strings.HasPrefix(id, "inc-") {
		return 0
	}
	return n
}

// fallback takes a fallback's version: one recorded already (promote) is
// handed out as such, taking no member another holds; the others wait.
func (s *Sequencer) fallback(v *Version, out []monitor.Incident, fix *[]fixup) []monitor.Incident {
	id := v.Incident.ID
	final := v.Incident.ClosedAt != nil || v.Incident.State == fusion.Merged
	if g := s.local[id]; g != nil && g.owner == id {
		if v.Incident.State == fusion.Merged {
			return s.merged(v, out, fix)
		}
		return s.handAs(g, v, id, nil, nil, true, out)
	}
	if p := s.pending[id]; p != nil && !p.Anchor.IsZero() && p.Anchor.Key != v.Anchor.Key {
		s.unanchor(id, p.Anchor.Key)
	}
	if final {
		if p := s.pending[id]; p != nil {
			s.unanchor(id, p.Anchor.Key)
		}
		delete(s.pending, id)
		return out
	}
	if s.pending[id] == nil || s.pending[id].Anchor.Key != v.Anchor.Key {
		s.byAnchor[v.Anchor.Key] = append(s.byAnchor[v.Anchor.Key], id)
	}
	c := *v
	s.pending[id] = &c
	s.check = append(s.check, id)
	return out
}

func (s *Sequencer) unanchor(id string, k monitor.Key) {
	ids := slices.DeleteFunc(s.byAnchor[k], func(x string) bool { return x == id })
	if len(ids) == 0 {
		delete(s.byAnchor, k)
	} else {
		s.byAnchor[k] = ids
	}
}

// promote records the fallbacks to check whose anchor an open global
// incident holds (its owner has recorded where the anchor went) and some
// of whose members none does (the owner left them out): those members
// would otherwise be in no incident.
func (s *Sequencer) promote(out []monitor.Incident) []monitor.Incident {
	for len(s.check) > 0 {
		slices.Sort(s.check)
		ids := slices.Clone(slices.Compact(s.check))
		s.check = s.check[:0]
		out = s.promoteAll(ids, out)
	}
	return out
}

// promoteAll is promote for some fallbacks, in order.
func (s *Sequencer) promoteAll(ids []string, out []monitor.Incident) []monitor.Incident {
	for _, id := range ids {
		v := s.pending[id]
		if v == nil || s.byKey[v.Anchor.Key] == nil {
			continue
		}
		free := false
		for _, k := range v.Incident.Observations {
			if s.byKey[k] == nil {
				free = true
				break
			}
		}
		if !free {
			continue
		}
		delete(s.pending, id)
		s.unanchor(id, v.Anchor.Key)
		g := &global{id: s.newID(v.Opened), owner: id}
		s.global[g.id] = g
		s.local[id] = g
		out = s.handAs(g, v, id, nil, nil, true, out)
	}
	return out
}
