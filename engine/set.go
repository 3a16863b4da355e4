package engine

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
)

// Set runs several agreements side by side over one ordered log: each with
// its own parties, provisions, phases, consultation and enforcement, signed
// and in force on its own, and each one's conditions may read the others'
// state (package cond: AGREEMENT/NAME, agreement=ID, agreement(ID)).
//
// Every entry is for one agreement (Event.Agreement, "" the first); every
// other agreement takes it as a tick at the same sequence number and time,
// so the time-based conditions of each stay timely and every state carries
// the set's sequence number and clock. After an entry the agreements settle
// in dependency order: an agreement after those its conditions read (ties
// in the order given), so that it sees their state after this entry. At a
// deadline of its own that falls between the previous entry and this one
// (a provision overdue, a consultation's stage missed), an agreement's
// conditions see the others as they stood after the previous entry:
// nothing an entry brings to one agreement is seen by another before the
// entry's time. A refused entry leaves every agreement as it was.
//
// Cost: an entry costs one engine application per agreement (the entry for
// its agreement, a tick for each other one), that is N times a lone
// engine's per-entry cost for N agreements — copying the short lists
// (provisions, phases, tranches), the deadlines due and the conditions.
// A condition that counts another agreement's violations or findings
// builds that agreement's lists once per entry, not once per condition.
type Set struct {
	engines []*Engine
	ids     []string
	index   map[string]int
	order   []int // settling order, dependencies first
	// During an entry: the state each agreement settled to (nil: not yet,
	// read the committed one) and the item lists of it, built for the
	// conditions of the agreements that read it.
	pending []*State
	items   []*items
	// before are the item lists of the states before the entry, read at
	// an agreement's deadlines that fall before the entry's time; runs the
	// runs prepared so far, stood the states before the entry as they
	// stood (stoodBefore).
	before []*items
	runs   []*run
	stood  []*State
	// owner maps a violation's (and its consultation's) id to its
	// agreement: ids are unique across the set.
	owner map[string]int
	// derived lists the derived events of every agreement in the order
	// derived: agreement and index in its state.
	derived []derivedRef
}

type derivedRef struct{ agreement, i int }

// NewSet runs agreements side by side; the first is the one an event
// without an agreement concerns. It refuses duplicate ids, a condition
// naming an unknown agreement, and cycles between agreements
// (agreement.CheckSet).
func NewSet(as ...*agreement.Agreement) (*Set, error) {
	if len(as) == 0 {
		return nil, accord.Errorf(accord.EINVALID, "a set needs at least one agreement")
	}
	if err := agreement.CheckSet(as); err != nil {
		return nil, err
	}
	order, err := agreement.SetOrder(as)
	if err != nil {
		return nil, err
	}
	s := &Set{index: map[string]int{}, order: order, pending: make([]*State, len(as)), items: make([]*items, len(as)), before: make([]*items, len(as)),
		runs: make([]*run, len(as)), stood: make([]*State, len(as)), owner: map[string]int{}}
	for i, a := range as {
		e := New(a)
		e.set = s
		s.engines = append(s.engines, e)
		s.ids = append(s.ids, a.ID)
		s.index[a.ID] = i
	}
	return s, nil
}

// IDs lists the agreements' ids in the order given.
func (s *Set) IDs() []string { return slices.Clone(s.ids) }

// find is the index of an agreement ("" the first), false if unknown.
func (s *Set) find(id string) (int, bool) {
	if id == "" {
		return 0, true
	}
	i, ok := s.index[id]
	return i, ok
}

// State returns a copy of an agreement's state ("" the first), nil if the
// set has no such agreement.
func (s *Set) State(id string) *State {
	i, ok := s.find(id)
	if !ok {
		return nil
	}
	return s.engines[i].State()
}

// Engine returns an agreement's engine ("" the first), nil if unknown: for
// reading it (RuleInForce, Consultation), never for applying entries, which
// go through the set.
func (s *Set) Engine(id string) *Engine {
	i, ok := s.find(id)
	if !ok {
		return nil
	}
	return s.engines[i]
}

// Consultation returns a consultation of any agreement, with the
// agreement's id: consultation ids are unique across the set.
func (s *Set) Consultation(id string) (string, ConsultationState, bool) {
	i, ok := s.owner[id]
	if !ok {
		return "", ConsultationState{}, false
	}
	c, ok := s.engines[i].Consultation(id)
	return s.ids[i], c, ok
}

// DerivedSince returns the derived events of every agreement from the n-th
// on, in the order derived, each with its agreement.
func (s *Set) DerivedSince(n int) []Derived {
	if n >= len(s.derived) {
		return nil
	}
	out := make([]Derived, 0, len(s.derived)-n)
	for _, r := range s.derived[n:] {
		d := s.engines[r.agreement].state.Derived[r.i]
		d.Agreement = s.ids[r.agreement]
		out = append(out, d)
	}
	return out
}

// ReplaySet applies a whole log to agreements run side by side and returns
// their final states, in the order given; the first bad entry stops it with
// an error naming the entry.
func ReplaySet(as []*agreement.Agreement, log []Event) ([]*State, error) {
	s, err := NewSet(as...)
	if err != nil {
		return nil, err
	}
	for _, ev := range log {
		if err := s.Apply(ev); err != nil {
			return nil, err
		}
	}
	return s.States(), nil
}

// States are copies of every agreement's state, in the set's order.
func (s *Set) States() []*State {
	out := make([]*State, len(s.engines))
	for i, e := range s.engines {
		out[i] = e.State()
	}
	return out
}

// Apply applies one log entry: to its agreement, and as a tick to every
// other one, settling them in dependency order. A refused entry is an
// *accord.Error with code EINVALID naming it, and leaves every agreement
// unchanged.
func (s *Set) Apply(ev Event) error {
	ev.At = ev.At.UTC() // as Engine.prepare has it
	if err := checkOrder(ev, &s.engines[0].state); err != nil {
		return entryError(ev, err)
	}
	target, ok := s.find(ev.Agreement)
	if !ok {
		return entryError(ev, fmt.Errorf("no agreement %q in the set (%s)", ev.Agreement, strings.Join(s.ids, ", ")))
	}
	switch ev.Type {
	case ViolationEv:
		if i, ok := s.owner[ev.ID]; ok && i != target {
			return entryError(ev, fmt.Errorf("violation %s is already recorded, in agreement %s: violation ids are unique across the set", ev.ID, s.ids[i]))
		}
	case Response, Finding:
		if i, ok := s.owner[ev.Consultation]; ok && i != target {
			return entryError(ev, fmt.Errorf("consultation %s is agreement %s's: give \"agreement\": %q", ev.Consultation, s.ids[i], s.ids[i]))
		}
	}
	defer s.clearEntry()
	runs, err := s.prepare(ev, target)
	if err != nil {
		return err
	}
	for _, i := range s.order {
		e := s.engines[i]
		n := len(e.state.Derived)
		x := ev
		if i != target {
			x = Event{Seq: ev.Seq, At: ev.At, Type: Tick}
		}
		e.commit(runs[i], x)
		for k := n; k < len(e.state.Derived); k++ {
			s.derived = append(s.derived, derivedRef{i, k})
		}
	}
	if ev.Type == ViolationEv {
		s.owner[ev.ID] = target
	}
	return nil
}

// prepare applies an entry to a copy of every agreement's state, in
// settling order: to its target, as a tick to every other one. A refused
// entry is undone in every agreement already prepared. The caller clears
// the entry's scratch (clearEntry) after committing or undoing the runs.
func (s *Set) prepare(ev Event, target int) ([]*run, error) {
	runs := s.runs
	for _, i := range s.order {
		x := ev
		if i != target {
			x = Event{Seq: ev.Seq, At: ev.At, Type: Tick}
		}
		r, err := s.engines[i].prepare(x)
		if err != nil {
			for j, done := range runs {
				if done != nil {
					s.engines[j].undo(done)
				}
			}
			return nil, err
		}
		runs[i], s.pending[i], s.items[i] = r, r.s, nil
	}
	return runs, nil
}

// clearEntry drops what an entry's application kept while it ran.
func (s *Set) clearEntry() {
	clear(s.pending)
	clear(s.items)
	clear(s.before)
	clear(s.runs)
	clear(s.stood)
}

// StatesAt returns copies of every agreement's state, in the set's order,
// as a tick at at would leave them — every deadline up to at processed
// (missed strictly after it), the conditions settled at it — without
// applying the tick: the set stays as it was, and its next entry is the
// one it expected. A time no later than the set's clock gives the states
// as they are. It is for a reader of the record that needs what the
// engine derives by an instant no entry has reached yet (the daily report
// of a day over after the record's last entry); nothing is recorded.
func (s *Set) StatesAt(at time.Time) ([]*State, error) {
	at = at.UTC()
	st := &s.engines[0].state
	if !at.After(st.Now) {
		return s.States(), nil
	}
	defer s.clearEntry()
	runs, err := s.prepare(Event{Seq: st.Seq + 1, At: at, Type: Tick}, 0)
	if err != nil {
		return nil, err
	}
	out := make([]*State, len(runs))
	for i, r := range runs {
		out[i] = copyState(r.s) // before undo: the runs share arrays with the states
	}
	for i, r := range runs {
		s.engines[i].undo(r)
	}
	return out, nil
}

// DerivesAt returns how many events a tick at at would derive, every
// agreement's — what StatesAt would show new — without applying it nor
// copying a state: the set stays as it was. A time no later than the
// set's clock derives none. It is for a caller deciding whether a tick is
// worth recording (a server ticking to its wall clock now and then).
func (s *Set) DerivesAt(at time.Time) (int, error) {
	at = at.UTC()
	st := &s.engines[0].state
	if !at.After(st.Now) {
		return 0, nil
	}
	defer s.clearEntry()
	runs, err := s.prepare(Event{Seq: st.Seq + 1, At: at, Type: Tick}, 0)
	if err != nil {
		return 0, err
	}
	n := 0
	for i, r := range runs {
		n += len(r.s.Derived) - len(s.engines[i].state.Derived)
	}
	for i, r := range runs {
		s.engines[i].undo(r)
	}
	return n, nil
}

// record is agreement i's record as the conditions of another read it at
// a time of that other's clock: at the entry's time, its state after the
// entry (it settled first); at a deadline of the other's before the
// entry's time, its state before the entry, so that nothing an entry
// brings is seen before the entry's time. The item lists of each are built
// once per entry.
func (s *Set) record(i int, at time.Time) record {
	st, cache := s.pending[i], &s.items[i]
	if st == nil || st.Now.After(at) {
		st, cache = s.stoodBefore(i), &s.before[i]
	}
	if *cache == nil {
		*cache = &items{}
	}
	return record{a: s.engines[i].a, s: st, items: *cache, set: s}
}

// stoodBefore is agreement i's state as it stood before the entry: its
// committed state, but for the consultations and violations its prepared
// run changed in place (they share their arrays with the committed
// state: clone), put back as they were — without it a deadline of another
// agreement before the entry's time saw a finding the entry brought.
func (s *Set) stoodBefore(i int) *State {
	st, r := &s.engines[i].state, s.runs[i]
	if r == nil || len(r.oldConsultations) == 0 && len(r.oldViolations) == 0 {
		return st
	}
	if s.stood[i] == nil {
		c := *st
		c.Consultations = restored(st.Consultations, r.oldConsultations)
		c.Violations = restored(st.Violations, r.oldViolations)
		s.stood[i] = &c
	}
	return s.stood[i]
}

// restored is a copy of a list with the elements kept in old put back (a
// list it has none of is the list itself).
func restored[T any](list []T, old map[int]T) []T {
	if len(old) == 0 {
		return list
	}
	out := slices.Clone(list)
	for k, v := range old {
		if k < len(out) {
			out[k] = v
		}
	}
	return out
}
