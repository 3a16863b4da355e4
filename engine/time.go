package engine

import (
	"slices"
	"strings"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/cond"
)

// deadline is a time-driven transition.
type deadline struct {
	at   time.Time
	kind int // order of kinds at the same instant
	idx  int
}

const (
	dConsultation = iota
	dSnapback
	dDue // a provision's deadline: the conditions settled, the provision still in time
	dProvision
	dQuota
)

// advance processes, in time order, every deadline up to and including at
// — but a provision is overdue, and a consultation's stage missed, only
// strictly after its due time: an act at the deadline itself (a response
// "due by" it, a finding, a provision done) is in time —, settling the
// conditions after each. A provision's overdue is dated at the first
// instant it is late, its deadline's next (1 ns after), as the rules from
// provision:ID start then, and the conditions are settled at the deadline
// too, the provision in time; a consultation's missed stage is dated at
// the deadline itself (its outcome closes the consultation there: no rule
// starts at a consultation's deadline).
func (r *run) advance(at time.Time) {
	// The consultations' deadlines missed by at, in order, gathered once:
	// only missed changes a consultation here, and it puts back the next
	// stage's deadline if missed too. (Gathered at each step, many notices
	// expiring between two entries cost the square of their number.)
	var missed []deadline
	// Unless this entry changed or added a consultation, none has a
	// deadline before the earliest the engine knows of.
	if r.oldConsultations != nil || len(r.s.Consultations) > r.committed || !r.due.before(at) {
		for i := r.firstOpen; i < len(r.s.Consultations); i++ {
			if c := &r.s.Consultations[i]; c.Deadline != nil && c.Deadline.Before(at) {
				missed = append(missed, deadline{*c.Deadline, dConsultation, i})
			}
		}
		slices.SortFunc(missed, byTime)
	}
	for {
		var ds []deadline
		if len(missed) > 0 {
			ds = append(ds, missed[0])
		}
		if sb := r.s.Snapback; sb != nil && !sb.Effective && !sb.EffectiveAt.After(at) {
			ds = append(ds, deadline{sb.EffectiveAt, dSnapback, 0})
		}
		// A provision is overdue at the first instant it is late, the
		// instant after its deadline (State.starts): the event, and what
		// the conditions settle on it, are dated then, as the rules from
		// provision:ID are in force from then. At the deadline itself,
		// the last instant in time, the conditions are settled as they
		// stand (once: the clock is then at it).
		for i, p := range r.s.Provisions {
			if p.Status == Pending && p.Due != nil && p.Due.Before(at) {
				if p.Due.After(r.s.Now) {
					ds = append(ds, deadline{*p.Due, dDue, i})
				}
				ds = append(ds, deadline{p.Due.Add(time.Nanosecond), dProvision, i})
			}
		}
		ds = append(ds, r.quotaDeadlines(at)...)
		if len(ds) == 0 {
			break
		}
		slices.SortFunc(ds, byTime)
		d := ds[0]
		r.s.Now = d.at
		switch d.kind {
		case dConsultation:
			missed = missed[1:]
			c := r.touchConsultation(d.idx)
			r.missed(c, d.at)
			if c.Deadline != nil && c.Deadline.Before(at) {
				next := deadline{*c.Deadline, dConsultation, d.idx}
				i, _ := slices.BinarySearchFunc(missed, next, byTime)
				missed = slices.Insert(missed, i, next)
			}
		case dSnapback:
			r.snapback(d.at)
		case dDue:
		case dProvision:
			p := &r.s.Provisions[d.idx]
			p.Status = Overdue
			r.derive(d.at, "provision %s overdue (due %s)", p.ID, p.Due.Format(time.RFC3339Nano))
		case dQuota:
			r.quotaEnd(d.idx, d.at)
		}
		r.settle(d.at)
	}
	r.s.Now = at
}

// byTime orders deadlines by time, then kind, then index.
func byTime(a, b deadline) int {
	if c := a.at.Compare(b.at); c != 0 {
		return c
	}
	if a.kind != b.kind {
		return a.kind - b.kind
	}
	return a.idx - b.idx
}

// missed applies the outcome of a missed consultation deadline.
func (r *run) missed(c *ConsultationState, at time.Time) {
	switch c.Stage {
	case StageNotice:
		r.deriveOn(c.ID, at, "%s did not answer the notice on violation %s in time: upheld by default", c.Party, c.Violation)
		r.close(c, at, Upheld, nil)
	case StageJoint:
		c.Stage, c.Deadline = StageMinisters, tp(at.Add(r.days(StageMinisters)))
		r.deriveOn(c.ID, at, "no finding on violation %s from the joint consultation: to the ministers, due by %s", c.Violation, c.Deadline.Format(time.RFC3339Nano))
	case StageMinisters:
		c.Stage, c.Deadline = StageAdvisory, tp(at.Add(r.days(StageAdvisory)))
		r.deriveOn(c.ID, at, "no finding on violation %s from the ministers: to the advisory board, due by %s", c.Violation, c.Deadline.Format(time.RFC3339Nano))
	case StageAdvisory:
		r.deriveOn(c.ID, at, "no finding on violation %s at any stage: unresolved", c.Violation)
		r.close(c, at, Unresolved, nil)
	}
}

// snapback takes effect: released relief is re-imposed, pending relief
// blocked, the named phase suspended.
func (r *run) snapback(at time.Time) {
	r.s.Snapback.Effective = true
	r.derive(at, "snapback: relief re-imposed")
	for i := range r.s.Tranches {
		t := &r.s.Tranches[i]
		switch t.Status {
		case Released:
			t.Status, t.At = Reimposed, tp(at)
			r.derive(at, "tranche %s re-imposed", t.ID)
		case Pending:
			t.Status, t.At = Blocked, tp(at)
		}
	}
	if en := r.a.Enforcement; en != nil && en.SuspendPhase != "" {
		for i := range r.s.Phases {
			if p := &r.s.Phases[i]; p.ID == en.SuspendPhase && p.Status != Suspended {
				p.Status = Suspended
				r.derive(at, "phase %s suspended", p.ID)
			}
		}
	}
}

// settle brings deadlines of provisions up to date and opens the phases and
// releases the tranches whose conditions hold, until nothing changes.
func (r *run) settle(at time.Time) {
	rec := record{a: r.a, s: r.s, items: &items{}, set: r.set}
	for changed := true; changed; {
		changed = false
		for i, p := range r.a.Provisions {
			ps := &r.s.Provisions[i]
			if ps.Due == nil {
				if due, ok := dueOf(p, rec); ok {
					ps.Due = tp(due)
				}
			}
		}
		if r.s.InForce == nil {
			return
		}
		if lift := r.a.SnapbackLift(); lift != nil && r.s.Snapback.InForce() && cond.Eval(lift, rec) {
			r.lift(at)
			changed = true
		}
		for i := range r.a.Phases {
			ps := &r.s.Phases[i]
			if ps.Status == Suspended {
				break // later phases wait for a suspended one
			}
			if ps.Status == Open {
				continue
			}
			if i > 0 && r.s.Phases[i-1].Status != Open {
				break
			}
			if cond.Eval(r.a.PhaseEntry(i), rec) {
				ps.Status, ps.OpenedAt = Open, tp(at)
				r.derive(at, "phase %s opens", ps.ID)
				changed = true
			}
			break
		}
		for i := range r.s.Tranches {
			t := &r.s.Tranches[i]
			if t.Status == Pending && !liftedAt(t, at) && cond.Eval(r.a.TrancheRelease(i), rec) {
				t.Status, t.At = Released, tp(at)
				r.derive(at, "tranche %s released", t.ID)
				changed = true
			}
		}
	}
}

// lift ends the snapback in effect, its lift condition holding: the
// suspended phase resumes (open again, or pending if it had not opened), and
// the re-imposed and blocked tranches are pending again, to be released by
// their own conditions from the next event or tick on (a lift is not a
// release).
func (r *run) lift(at time.Time) {
	en, sb := r.a.Enforcement, r.s.Snapback
	sb.LiftedAt = tp(at)
	r.derive(at, "snapback lifted: %s holds (violation %s, effective since %s)", strings.TrimSpace(en.Lift), sb.Cause, sb.EffectiveAt.Format(time.RFC3339Nano))
	for i := range r.s.Tranches {
		if t := &r.s.Tranches[i]; t.Status == Reimposed || t.Status == Blocked {
			t.Status, t.At = Pending, tp(at)
			r.derive(at, "tranche %s pending again", t.ID)
		}
	}
	if en.SuspendPhase != "" {
		for i := range r.s.Phases {
			if p := &r.s.Phases[i]; p.ID == en.SuspendPhase && p.Status == Suspended {
				p.Status = Open
				if p.OpenedAt == nil {
					p.Status = Pending
				}
				r.derive(at, "phase %s resumes (%s)", p.ID, p.Status)
			}
		}
	}
}

// liftedAt reports whether a pending tranche was made pending by a lift at
// this instant: it is released at a later one, if its condition holds.
func liftedAt(t *TrancheState, at time.Time) bool {
	return t.At != nil && t.At.Equal(at)
}

// dueOf is a provision's deadline, once the event it counts from happened.
func dueOf(p agreement.Provision, rec record) (time.Time, bool) {
	if p.DueDate != "" {
		return dueDate(p)
	}
	if p.Within == "" || p.After == "" {
		return time.Time{}, false
	}
	from, ok := rec.EventTime(p.After)
	if !ok {
		return time.Time{}, false
	}
	d, err := agreement.ParseDuration(p.Within)
	return from.Add(d), err == nil
}

// dueDate is the deadline of a provision with a due_date: the last instant
// of that day (UTC), 23:59:59.999999999, so that the provision is done in
// time on the day itself and late from the next day's first instant, as
// every deadline is met at itself and missed strictly after it. It is
// known from the start, and the engine sets it then (New): a due date that
// passed before the first entries is overdue from the instant after it,
// before them, and not after an entry later than it.
func dueDate(p agreement.Provision) (time.Time, bool) {
	d, err := time.Parse("2006-01-02", p.DueDate)
	return d.AddDate(0, 0, 1).Add(-time.Nanosecond), err == nil
}

// record is the state as the condition language sees it. A record lives
// for one settling, during which violations and consultations do not
// change: their item lists are built once, at the first condition that
// counts them, not for every condition (they grow with the record).
type record struct {
	a     *agreement.Agreement
	s     *State
	items *items
	set   *Set // the agreement's set, nil alone: Other answers nil
}

// Other is another agreement's record in the set, nil when unknown or when
// the engine runs alone (cond.Linked).
func (r record) Other(id string) cond.Record {
	if r.set == nil {
		return nil
	}
	i, ok := r.set.index[id]
	if !ok {
		return nil
	}
	return r.set.record(i, r.s.Now)
}

// AgreementStatus is another agreement's status: pending, in_force or
// snapback; "" when unknown (cond.Linked).
func (r record) AgreementStatus(id string) string {
	if r.set == nil {
		return ""
	}
	i, ok := r.set.index[id]
	if !ok {
		return ""
	}
	return status(r.set.record(i, r.s.Now).s)
}

// status is an agreement's status in the condition language.
func status(s *State) string {
	switch {
	case s.InForce == nil:
		return "pending"
	case s.Snapback.InForce():
		return "snapback"
	}
	return "in_force"
}

type items struct {
	violations, findings []cond.Item
	built                bool
}

func (r record) Now() time.Time { return r.s.Now }

func (r record) build() *items {
	if r.items.built {
		return r.items
	}
	for _, v := range r.s.Violations {
		if v.Status != "dismissed" {
			r.items.violations = append(r.items.violations, cond.Item{At: v.At, Party: v.Party, Rule: v.Rule, Severity: v.Severity})
		}
	}
	for _, c := range r.s.Consultations {
		if c.Stage == StageClosed && c.Outcome != Unresolved {
			r.items.findings = append(r.items.findings, cond.Item{At: *c.ClosedAt, Party: c.Party, Outcome: c.Outcome})
		}
	}
	r.items.built = true
	return r.items
}

func (r record) Violations() []cond.Item { return r.build().violations }

func (r record) Findings() []cond.Item { return r.build().findings }

func (r record) EventTime(ev string) (time.Time, bool) {
	if id, rest, ok := cond.Qualified(ev); ok { // a provision's after
		if o := r.Other(id); o != nil {
			return o.EventTime(rest)
		}
		return time.Time{}, false
	}
	if ev == "signature" {
		if r.s.InForce == nil {
			return time.Time{}, false
		}
		return *r.s.InForce, true
	}
	if ev == "snapback" {
		if sb := r.s.Snapback; sb != nil && sb.Effective {
			return sb.EffectiveAt, true // the last snapback's, lifted or not
		}
		return time.Time{}, false
	}
	if id, ok := strings.CutPrefix(ev, "phase:"); ok {
		for _, p := range r.s.Phases {
			if p.ID == id && p.OpenedAt != nil {
				return *p.OpenedAt, true
			}
		}
	}
	if id, ok := strings.CutPrefix(ev, "provision:"); ok {
		for _, p := range r.s.Provisions {
			if p.ID == id && p.DoneAt != nil {
				return *p.DoneAt, true
			}
		}
	}
	return time.Time{}, false
}

func (r record) ProvisionStatus(id string) string {
	for _, p := range r.s.Provisions {
		if p.ID == id {
			return p.Status
		}
	}
	return ""
}

func (r record) PhaseStatus(id string) string {
	for _, p := range r.s.Phases {
		if p.ID == id {
			return p.Status
		}
	}
	return ""
}
