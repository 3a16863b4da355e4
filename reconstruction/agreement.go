package reconstruction

import (
	"errors"

	"strings"
	"time"
)

// Agreement is the agreement's state now, as the registry needs it.
type Agreement interface {
	// Holds evaluates a condition in the agreement's condition language;
	// an error is a condition that does not parse or names what the
	// agreement does not have.
	Holds(condition string) (bool, error)
	// Snapback reports whether snapback is in force.
	Snapback() bool
	// Seq is the sequence number of the agreement's last log entry.
	Seq() int
	// Guarantor reports whether actor is a guarantor of the agreement.
	Guarantor(actor string) bool
}

// Submit records an event: applied if valid, otherwise a refusal event
// with the reason is recorded in its place. It returns the event recorded
// and, for a refusal, the *Error. Seq is assigned by the registry.
// An event whose own shape is broken (no id, no payload) is refused
// without a record: there is nothing to name.
func (r *Registry) Submit(ev Event) (Event, error) {
	ev.Seq = r.Seq + 1
	err := r.Apply(ev)
	if err == nil {
		return ev, nil
	}
	return r.record(ev, err)
}

// Disburse decides a disbursement against the agreement's state and
// records the decision: the disbursement, or a refusal with its reason
// (snapback in force, the commitment's condition does not hold, an
// amount rule).
func (r *Registry) Disburse(d Disbursement, at time.Time, a Agreement) (Event, error) {
	ev := Event{Seq: r.Seq + 1, At: at, Type: DisbursementEv, Disbursement: &d}
	d.AgreementSeq = a.Seq()
	if err := r.validate(ev); err != nil {
		return r.record(ev, err)
	}
	c, _ := r.Commitment(d.Commitment)
	if err := r.checkNotCancelled("disbursement", d.ID, c); err != nil {
		return r.record(ev, err)
	}
	if a.Snapback() {
		return r.record(ev, refuse("disbursement", d.ID, "blocked: snapback is in force (agreement entry %d)", d.AgreementSeq))
	}
	if c.Condition != "" {
		ok, err := a.Holds(c.Condition)
		if err != nil {
			return r.record(ev, refuse("disbursement", d.ID, "commitment %s's condition %q: %v", c.ID, c.Condition, err))
		}
		if !ok {
			return r.record(ev, refuse("disbursement", d.ID, "commitment %s's condition %q does not hold (agreement entry %d)", c.ID, c.Condition, d.AgreementSeq))
		}
	}
	for _, g := range c.ConfirmBy {
		if !r.Confirmed(g, c.ID, d.ID, d.Amount) {
			return r.record(ev, refuse("disbursement", d.ID, "awaits guarantor %s's confirmation of %s (commitment %s is released only on the confirmation of %s)", g, d.Amount, c.ID, strings.Join(c.ConfirmBy, ", ")))
		}
	}
	if err := r.Apply(ev); err != nil {
		return r.record(ev, err)
	}
	return ev, nil
}

// record records the refusal of ev for err.
func (r *Registry) record(ev Event, err error) (Event, error) {
	var e *Error
	if !errors.As(err, &e) || e.ID == "" || ev.At.IsZero() || ev.At.Before(r.Now) {
		return Event{}, err
	}
	ref := Event{Seq: r.Seq + 1, At: ev.At, Type: RefusalEv, Refusal: &Refusal{Type: e.What, ID: e.ID, Reason: e.Why, Project: r.projectOf(ev)}}
	if aerr := r.Apply(ref); aerr != nil {
		return Event{}, err
	}
	return ref, err
}

// Confirm records a guarantor's confirmation of a disbursement, made on
// the agreement's state now: the confirmation, or a refusal saying why
// (the guarantor is not one of the agreement's, the commitment does not
// name it, an amount rule).
func (r *Registry) Confirm(x Confirmation, at time.Time, a Agreement) (Event, error) {
	x.AgreementSeq = a.Seq()
	ev := Event{Seq: r.Seq + 1, At: at, Type: ConfirmationEv, Confirmation: &x}
	if x.ID != "" && x.Guarantor != "" && !a.Guarantor(x.Guarantor) {
		return r.record(ev, refuse("confirmation", x.ID, "%s is not a guarantor of the agreement", x.Guarantor))
	}
	if err := r.validate(ev); err != nil {
		return r.record(ev, err)
	}
	c, _ := r.Commitment(x.Commitment)
	if err := r.checkNotCancelled("confirmation", x.ID, c); err != nil {
		return r.record(ev, err)
	}
	if err := r.Apply(ev); err != nil {
		return r.record(ev, err)
	}
	return ev, nil
}

// checkNotCancelled refuses a disbursement or a confirmation of one (what,
// id) of commitment c when c's project is cancelled, naming when it was.
// It is part of the decision, as the agreement's state is, not a rule of
// Apply: a record made before the rule still replays.
func (r *Registry) checkNotCancelled(what, id string, c Commitment) error {
	p, ok := r.Project(c.Project)
	if !ok || p.Status != Cancelled {
		return nil
	}
	return refuse(what, id, "project %s was cancelled on %s: no money is paid to a cancelled project", p.ID, r.cancelledAt(p.ID).Format(time.RFC3339))
}

// cancelledAt is when project id, cancelled now, was cancelled: the event
// that set its status to cancelled last (the first of the updates since
// that kept it so).
func (r *Registry) cancelledAt(id string) time.Time {
	var at time.Time
	for i := len(r.Log) - 1; i >= 0; i-- {
		p := r.Log[i].Project
		if r.Log[i].Type != ProjectEv || p == nil || p.ID != id {
			continue
		}
		if p.Status != Cancelled {
			break
		}
		at = r.Log[i].At
	}
	return at
}

// CheckGuarantors refuses, and records the refusal of, a commitment
// whose confirm_by names someone who is not a guarantor of the agreement.
// It returns the refusal recorded, or a zero Event and nil when all are.
func (r *Registry) CheckGuarantors(c Commitment, at time.Time, a Agreement) (Event, error) {
	for _, g := range c.ConfirmBy {
		if g != "" && !a.Guarantor(g) {
			ev := Event{Seq: r.Seq + 1, At: at, Type: CommitmentEv, Commitment: &c}
			return r.record(ev, refuse("commitment", c.ID, "confirm_by names %s, not a guarantor of the agreement", g))
		}
	}
	return Event{}, nil
}

// projectOf is the registered project an event is about, or "".
func (r *Registry) projectOf(ev Event) string {
	id, commitment := "", ""
	switch {
	case ev.Project != nil:
		id = ev.Project.ID
	case ev.Commitment != nil:
		id = ev.Commitment.Project
	case ev.Disbursement != nil:
		commitment = ev.Disbursement.Commitment
	case ev.Confirmation != nil:
		commitment = ev.Confirmation.Commitment
	}
	if c, ok := r.Commitment(commitment); ok {
		id = c.Project
	}
	if _, ok := r.Project(id); !ok {
		return ""
	}
	return id
}
