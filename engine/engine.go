package engine

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/cond"
)

// Engine applies a log to an agreement.
type Engine struct {
	a     *agreement.Agreement
	state State
	// Indexes of the record, kept after each accepted entry so that an
	// entry costs little however long the record: the violations' ids, the
	// first consultation not closed (every one before it is, and has no
	// deadline), each consultation's index by id, and the earliest deadline
	// of a consultation (see due).
	violationIDs  map[string]bool
	firstOpen     int
	consultations map[string]int
	due           due
	// set is the set the engine runs in (nil alone): its conditions may
	// read the other agreements'.
	set *Set
}

// New returns an engine at the start of the agreement's life: nothing
// signed, every provision and phase pending.
func New(a *agreement.Agreement) *Engine {
	s := State{Agreement: a.ID, Signed: []Signature{}, Provisions: []ProvisionState{}, Phases: []PhaseState{},
		Violations: []ViolationState{}, Consultations: []ConsultationState{}, Tranches: []TrancheState{}, Derived: []Derived{}}
	for _, p := range a.Provisions {
		ps := ProvisionState{ID: p.ID, Status: Pending}
		if due, ok := dueDate(p); ok && p.DueDate != "" {
			ps.Due = tp(due)
		}
		s.Provisions = append(s.Provisions, ps)
	}
	for _, p := range a.Phases {
		s.Phases = append(s.Phases, PhaseState{ID: p.ID, Status: Pending})
	}
	if a.Enforcement != nil {
		for _, t := range a.Enforcement.Tranches {
			s.Tranches = append(s.Tranches, TrancheState{ID: t.ID, Status: Pending})
		}
	}
	return &Engine{a: a, state: s, violationIDs: map[string]bool{}, consultations: map[string]int{}}
}

// due is the earliest deadline of the consultations of a state, if any
// has one: an entry before it misses no consultation's deadline, so the
// engine need not look at each consultation for every entry.
type due struct {
	at  time.Time
	any bool // at least one consultation has a deadline
}

// before reports whether at comes no later than every consultation's
// deadline: a deadline is missed only strictly after it.
func (d due) before(at time.Time) bool { return !d.any || !at.After(d.at) }

// add takes one more deadline (nil: none) into account.
func (d *due) add(t *time.Time) {
	if t != nil && (!d.any || t.Before(d.at)) {
		d.at, d.any = *t, true
	}
}

// State returns a copy of the current state.
func (e *Engine) State() *State { return copyState(&e.state) }

// copyState is a deep copy of a state, through its JSON form.
func copyState(s *State) *State {
	b, _ := json.Marshal(s)
	var c State
	_ = json.Unmarshal(b, &c)
	return &c
}

// DerivedSince returns the derived events from the n-th on (a copy).
func (e *Engine) DerivedSince(n int) []Derived {
	if n >= len(e.state.Derived) {
		return nil
	}
	return slices.Clone(e.state.Derived[n:])
}

// Replay applies a whole log and returns the final state; the first bad
// entry stops it with an error naming the entry.
func Replay(a *agreement.Agreement, log []Event) (*State, error) {
	e := New(a)
	for _, ev := range log {
		if err := e.Apply(ev); err != nil {
			return nil, err
		}
	}
	return e.State(), nil
}

// Apply applies one log entry. A refused entry is an *accord.Error with code
// EINVALID naming it, and leaves the state unchanged.
func (e *Engine) Apply(ev Event) error {
	r, err := e.prepare(ev)
	if err != nil {
		return err
	}
	e.commit(r, ev)
	return nil
}

// prepare applies an entry to a copy of the state, which commit makes the
// state and undo drops. A refused entry is undone already.
func (e *Engine) prepare(ev Event) (*run, error) {
	ev.At = ev.At.UTC() // the state is one of instants, in UTC whatever the log's offsets
	r := &run{a: e.a, s: clone(&e.state), seq: ev.Seq, violationIDs: e.violationIDs, firstOpen: e.firstOpen,
		consultations: e.consultations, committed: len(e.state.Consultations), due: e.due, set: e.set}
	if err := r.apply(ev); err != nil {
		e.undo(r)
		return nil, entryError(ev, err)
	}
	return r, nil
}

// entryError is the error of a refused entry.
func entryError(ev Event, err error) error {
	return accord.Errorf(accord.EINVALID, "log entry %d (%s at %s): %v", ev.Seq, ev.Type, ev.At.Format(time.RFC3339Nano), err)
}

// undo puts back the consultations and violations a prepared run changed
// in place: the state is as it was before.
func (e *Engine) undo(r *run) {
	for i, c := range r.oldConsultations {
		e.state.Consultations[i] = c
	}
	for i, v := range r.oldViolations {
		e.state.Violations[i] = v
	}
}

// commit makes a prepared run's state the engine's, and brings the
// indexes up to date.
func (e *Engine) commit(r *run, ev Event) {
	e.state = *r.s
	if ev.Type == ViolationEv {
		e.violationIDs[ev.ID] = true
	}
	for e.firstOpen < len(e.state.Consultations) && e.state.Consultations[e.firstOpen].Stage == StageClosed {
		e.firstOpen++
	}
	cs := e.state.Consultations
	if len(r.oldConsultations) > 0 {
		// A deadline changed (or went): look at every open one again.
		e.due = due{}
		for i := e.firstOpen; i < len(cs); i++ {
			e.due.add(cs[i].Deadline)
		}
	} else {
		for i := r.committed; i < len(cs); i++ {
			e.due.add(cs[i].Deadline)
		}
	}
	for i := r.committed; i < len(cs); i++ {
		if _, ok := e.consultations[cs[i].ID]; !ok { // the first of an id, as a scan finds it
			e.consultations[cs[i].ID] = i
		}
	}
}

// Consultation returns the consultation with an id.
func (e *Engine) Consultation(id string) (ConsultationState, bool) {
	if i, ok := e.consultations[id]; ok {
		return e.state.Consultations[i], true
	}
	return ConsultationState{}, false
}

// clone copies a state so that applying an entry to the copy leaves the
// original as it was, or can put it back. Times are never changed in place
// (a new pointer is set), so struct copies suffice. The short lists changed
// in place are copied. Consultations and violations grow with the record:
// copying them for every entry made a day of monitoring quadratic, so they
// share the original's backing arrays, the run keeps each element it
// changes in place before changing it (touchConsultation, touchViolation),
// and Apply puts those back when it refuses the entry. Appends past the
// original's length never change what the original holds (signatures,
// violations, consultations, derived events). The engine's indexes of the
// consultations (by id, the earliest deadline) describe the committed
// state alone: a run reads them, never changes them, and commit brings
// them up to date from what the run appended and touched; a refused entry
// leaves them as they were, as it leaves the state
// (TestIndexesFollowTheState).
func clone(s *State) *State {
	c := *s
	c.Provisions = slices.Clone(s.Provisions)
	c.Phases = slices.Clone(s.Phases)
	c.Tranches = slices.Clone(s.Tranches)
	if s.Snapback != nil {
		sb := *s.Snapback
		c.Snapback = &sb
	}
	return &c
}

// run is one application of an entry to a copy of the state.
type run struct {
	a   *agreement.Agreement
	s   *State
	seq int
	// The elements of the shared lists as they were before this run
	// changed them, by index.
	oldConsultations map[int]ConsultationState
	oldViolations    map[int]ViolationState
	// The engine's indexes as of the state before this entry (read only):
	// the consultations' indexes cover the first committed ones, those
	// the state had before this entry.
	violationIDs  map[string]bool
	firstOpen     int
	consultations map[string]int
	committed     int
	due           due
	set           *Set // nil alone
}

// touchConsultation returns consultation i to change in place, keeping it
// as it was first.
func (r *run) touchConsultation(i int) *ConsultationState {
	return keep(&r.oldConsultations, r.s.Consultations, i)
}

// touchViolation returns violation i to change in place, keeping it as it
// was first.
func (r *run) touchViolation(i int) *ViolationState {
	return keep(&r.oldViolations, r.s.Violations, i)
}

// keep records list[i] in *old, once, and returns it to change in place.
func keep[T any](old *map[int]T, list []T, i int) *T {
	if *old == nil {
		*old = map[int]T{}
	}
	if _, ok := (*old)[i]; !ok {
		(*old)[i] = list[i]
	}
	return &list[i]
}

func (r *run) derive(at time.Time, format string, args ...any) {
	r.s.Derived = append(r.s.Derived, Derived{Seq: r.seq, At: at, What: fmt.Sprintf(format, args...)})
}

// deriveOn derives an event concerning a consultation.
func (r *run) deriveOn(consultation string, at time.Time, format string, args ...any) {
	r.derive(at, format, args...)
	r.s.Derived[len(r.s.Derived)-1].Consultation = consultation
}

// checkOrder refuses an entry out of sequence or back in time after a
// state.
func checkOrder(ev Event, s *State) error {
	if ev.Seq != s.Seq+1 {
		return fmt.Errorf("sequence number %d, want %d: an entry is missing, repeated or out of order", ev.Seq, s.Seq+1)
	}
	if ev.At.IsZero() {
		return fmt.Errorf("no time")
	}
	if ev.At.Before(s.Now) {
		return fmt.Errorf("time goes backwards: %s is before the previous entry's %s", ev.At.Format(time.RFC3339Nano), s.Now.Format(time.RFC3339Nano))
	}
	return nil
}

func (r *run) apply(ev Event) error {
	if err := checkOrder(ev, r.s); err != nil {
		return err
	}
	if ev.Agreement != "" && ev.Agreement != r.a.ID {
		return fmt.Errorf("the entry is for agreement %q, not %s: run the agreements side by side, as a set", ev.Agreement, r.a.ID)
	}
	r.s.Seq = ev.Seq
	r.advance(ev.At)
	var err error
	switch ev.Type {
	case Tick:
	case Sign:
		err = r.sign(ev)
	case ViolationEv:
		err = r.violation(ev)
	case Response:
		err = r.response(ev)
	case Finding:
		err = r.finding(ev)
	case ProvisionDone:
		err = r.provisionDone(ev)
	case Exchange:
		err = r.exchange(ev)
	default:
		err = fmt.Errorf("unknown type %q (want %s, %s, %s, %s, %s, %s or %s)", ev.Type, Sign, Tick, ViolationEv, Response, Finding, ProvisionDone, Exchange)
	}
	if err != nil {
		return err
	}
	r.settle(ev.At)
	// A snapback the entry notified that takes effect at once (snapback_at:
	// elapsed, snapback_days: 0) takes it now, as a tick at this instant
	// would have it take (advance).
	if sb := r.s.Snapback; sb != nil && !sb.Effective && !sb.EffectiveAt.After(ev.At) {
		r.snapback(sb.EffectiveAt)
		r.settle(ev.At)
	}
	return nil
}

func (r *run) sign(ev Event) error {
	if !slices.Contains(r.a.Parties, ev.Party) {
		return fmt.Errorf("%q is not a party to the agreement (%v)", ev.Party, r.a.Parties)
	}
	for _, s := range r.s.Signed {
		if s.Party == ev.Party {
			return fmt.Errorf("%s signed already, at %s", ev.Party, s.At.Format(time.RFC3339Nano))
		}
	}
	r.s.Signed = append(r.s.Signed, Signature{Party: ev.Party, At: ev.At})
	r.derive(ev.At, "%s signs", ev.Party)
	if len(r.s.Signed) == len(r.a.Parties) {
		r.s.InForce = tp(ev.At)
		r.derive(ev.At, "the agreement enters into force")
	}
	return nil
}

func (r *run) violation(ev Event) error {
	if r.s.InForce == nil {
		return fmt.Errorf("the agreement is not in force")
	}
	if ev.ID == "" {
		return fmt.Errorf("a violation needs an id")
	}
	if r.violationIDs[ev.ID] {
		return fmt.Errorf("violation %s is already recorded", ev.ID)
	}
	if !slices.Contains(r.a.Parties, ev.Party) {
		return fmt.Errorf("the violation is attributed to %q, not a party (%v)", ev.Party, r.a.Parties)
	}
	if ev.Rule == "" {
		return fmt.Errorf("a violation needs the rule it breaks")
	}
	sev := ev.Severity
	if sev == "" {
		sev = r.a.SeverityOf(ev.Rule)
	}
	if !slices.Contains(cond.Severities, sev) {
		return fmt.Errorf("severity %q: want one of %v", sev, cond.Severities)
	}
	r.s.Violations = append(r.s.Violations, ViolationState{ID: ev.ID, At: ev.At, Rule: ev.Rule, Party: ev.Party, Severity: sev, Incident: ev.Incident, Status: "confirmed"})
	days := 3
	if r.a.Consultation != nil {
		days = r.a.Consultation.ResponseDays
	}
	deadline := ev.At.Add(time.Duration(days) * 24 * time.Hour)
	r.s.Consultations = append(r.s.Consultations, ConsultationState{ID: ev.ID, Violation: ev.ID, Party: ev.Party, Severity: sev, Stage: StageNotice, Deadline: tp(deadline)})
	r.deriveOn(ev.ID, ev.At, "violation %s (%s, %s) confirmed: notice to %s, response due by %s", ev.ID, ev.Rule, sev, ev.Party, deadline.Format(time.RFC3339Nano))
	return nil
}

func (r *run) consultation(id string) (*ConsultationState, error) {
	if i, ok := r.consultations[id]; ok {
		return r.touchConsultation(i), nil
	}
	for i := r.committed; i < len(r.s.Consultations); i++ {
		if r.s.Consultations[i].ID == id {
			return r.touchConsultation(i), nil
		}
	}
	return nil, fmt.Errorf("no consultation %q", id)
}

func (r *run) response(ev Event) error {
	c, err := r.consultation(ev.Consultation)
	if err != nil {
		return err
	}
	if c.Stage != StageNotice {
		return fmt.Errorf("consultation %s is at stage %s, not awaiting a response", c.ID, c.Stage)
	}
	if ev.Party != c.Party {
		return fmt.Errorf("the notice went to %s; %q cannot answer it", c.Party, ev.Party)
	}
	c.Answer, c.Evidence = ev.Answer, ev.Evidence
	switch ev.Answer {
	case "accept":
		r.close(c, ev.At, Upheld, nil)
		r.deriveOn(c.ID, ev.At, "%s accepts violation %s: upheld", c.Party, c.Violation)
	case "dispute":
		if ev.Evidence == "" {
			return fmt.Errorf("a dispute needs evidence")
		}
		c.Stage = StageJoint
		c.Deadline = tp(ev.At.Add(r.days(StageJoint)))
		r.deriveOn(c.ID, ev.At, "%s disputes violation %s: joint consultation with the guarantors, finding due by %s", c.Party, c.Violation, c.Deadline.Format(time.RFC3339Nano))
	default:
		return fmt.Errorf("answer %q: want accept or dispute", ev.Answer)
	}
	return nil
}

func (r *run) days(stage string) time.Duration {
	c := r.a.Consultation
	if c == nil {
		return 15 * 24 * time.Hour
	}
	d := map[string]int{StageJoint: c.JointDays, StageMinisters: c.MinistersDays, StageAdvisory: c.AdvisoryDays}[stage]
	return time.Duration(d) * 24 * time.Hour
}

func (r *run) finding(ev Event) error {
	c, err := r.consultation(ev.Consultation)
	if err != nil {
		return err
	}
	if c.Stage == StageClosed || c.Stage == StageNotice {
		return fmt.Errorf("consultation %s is at stage %s: a finding comes after a dispute", c.ID, c.Stage)
	}
	guarantors := r.a.Guarantors()
	seen := map[string]bool{}
	for _, g := range ev.SignedBy {
		if !slices.Contains(guarantors, g) {
			return fmt.Errorf("the finding is signed by %q, not a guarantor (%v)", g, guarantors)
		}
		if seen[g] {
			return fmt.Errorf("%s signed the finding twice", g)
		}
		seen[g] = true
	}
	quorum := 1
	if r.a.Consultation != nil {
		quorum = r.a.Consultation.Quorum
	}
	if len(seen) < quorum {
		return fmt.Errorf("the finding has %d guarantor signature(s); the quorum is %d", len(seen), quorum)
	}
	if ev.Outcome != Upheld && ev.Outcome != Dismissed && ev.Outcome != Inconclusive {
		return fmt.Errorf("outcome %q: want upheld, dismissed or inconclusive", ev.Outcome)
	}
	r.close(c, ev.At, ev.Outcome, ev.SignedBy)
	r.deriveOn(c.ID, ev.At, "finding on violation %s: %s (signed by %v)", c.Violation, ev.Outcome, ev.SignedBy)
	return nil
}

// close ends a consultation and applies its outcome.
func (r *run) close(c *ConsultationState, at time.Time, outcome string, signedBy []string) {
	c.Stage, c.Outcome, c.ClosedAt, c.Deadline, c.SignedBy = StageClosed, outcome, tp(at), nil, signedBy
	if outcome == Dismissed {
		for i := range r.s.Violations {
			if r.s.Violations[i].ID == c.Violation {
				r.touchViolation(i).Status = "dismissed"
			}
		}
	}
	if (outcome == Upheld || outcome == Unresolved) && c.Severity != "minor" {
		r.notifySnapback(c, at)
	}
}

func (r *run) notifySnapback(c *ConsultationState, at time.Time) {
	en := r.a.Enforcement
	if en == nil || !slices.Contains(en.SnapbackOn, c.Party) {
		return
	}
	if prev := r.s.Snapback; prev != nil {
		if prev.LiftedAt == nil {
			return // one snapback at a time
		}
		// The previous snapback was lifted: it goes to the history. The
		// append never changes what a refused run's original holds.
		r.s.Snapbacks = append(r.s.Snapbacks, *prev)
	}
	eff := en.SnapbackEffective(at)
	r.s.Snapback = &SnapbackState{Cause: c.Violation, NotifiedAt: at, EffectiveAt: eff}
	r.derive(at, "snapback notified (violation %s, %s): relief re-imposed on %s unless settled", c.Violation, c.Outcome, eff.Format(time.RFC3339Nano))
}

func (r *run) provisionDone(ev Event) error {
	for i, p := range r.a.Provisions {
		if p.ID != ev.Provision {
			continue
		}
		ps := &r.s.Provisions[i]
		if ps.Status == Done {
			return fmt.Errorf("provision %s is done already", p.ID)
		}
		if err := mayRecordDone(p, ev.Party); err != nil {
			return err
		}
		if r.s.InForce == nil {
			return fmt.Errorf("the agreement is not in force")
		}
		late := ps.Status == Overdue
		ps.Status, ps.DoneAt = Done, tp(ev.At)
		if late {
			r.derive(ev.At, "provision %s done, late", p.ID)
		} else {
			r.derive(ev.At, "provision %s done", p.ID)
		}
		return nil
	}
	return fmt.Errorf("no provision %q", ev.Provision)
}

// RuleInForce is State.RuleInForce on the engine's current state, without
// copying it.
func (e *Engine) RuleInForce(from, until string, at time.Time) bool {
	return e.state.RuleInForce(from, until, at)
}
