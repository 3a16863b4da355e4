package reconstruction

import (
	"math"
	"slices"
	"time"

	"github.com/accord-peace/accord/cond"
)

// Apply validates an event against the registry and, only if it is valid,
// applies it. A refused event changes nothing; the error is an *Error.
func (r *Registry) Apply(ev Event) error {
	if err := r.validate(ev); err != nil {
		return err
	}
	r.Seq, r.Now = ev.Seq, ev.At
	switch ev.Type {
	case FundEv:
		r.Funds = append(r.Funds, *ev.Fund)
	case ProjectEv:
		if i := slices.IndexFunc(r.Projects, func(p Project) bool { return p.ID == ev.Project.ID }); i >= 0 {
			r.Projects[i] = *ev.Project
		} else {
			r.Projects = append(r.Projects, *ev.Project)
		}
	case CommitmentEv:
		r.Commitments = append(r.Commitments, *ev.Commitment)
	case DisbursementEv:
		r.Disbursements = append(r.Disbursements, *ev.Disbursement)
	case RefusalEv:
		r.Refusals = append(r.Refusals, *ev.Refusal)
	case ConfirmationEv:
		r.Confirmations = append(r.Confirmations, *ev.Confirmation)
	}
	r.Log = append(r.Log, ev)
	return nil
}

// validate checks an event against the registry without changing it.
func (r *Registry) validate(ev Event) error {
	id := ev.Subject()
	what := ev.Type
	if what == "" {
		what = "event"
	}
	if ev.Seq != r.Seq+1 {
		return refuse(what, id, "sequence number %d, want %d", ev.Seq, r.Seq+1)
	}
	if ev.At.IsZero() {
		return refuse(what, id, "no time")
	}
	if ev.At.Before(r.Now) {
		return refuse(what, id, "time goes backwards: %s is before %s", ev.At.Format(time.RFC3339), r.Now.Format(time.RFC3339))
	}
	if ev.payloads() != 1 {
		return refuse(what, id, "want exactly one payload, the one the type names")
	}
	switch ev.Type {
	case FundEv:
		if ev.Fund == nil {
			return refuse(what, id, "no fund")
		}
		return r.checkFund(*ev.Fund)
	case ProjectEv:
		if ev.Project == nil {
			return refuse(what, id, "no project")
		}
		return r.checkProject(*ev.Project)
	case CommitmentEv:
		if ev.Commitment == nil {
			return refuse(what, id, "no commitment")
		}
		return r.checkCommitment(*ev.Commitment)
	case DisbursementEv:
		if ev.Disbursement == nil {
			return refuse(what, id, "no disbursement")
		}
		return r.checkDisbursement(*ev.Disbursement)
	case RefusalEv:
		if ev.Refusal == nil || ev.Refusal.Reason == "" || ev.Refusal.Type == "" {
			return refuse(what, id, "a refusal needs the refused type and a reason")
		}
		return nil
	case ConfirmationEv:
		if ev.Confirmation == nil {
			return refuse(what, id, "no confirmation")
		}
		return r.checkConfirmation(*ev.Confirmation)
	}
	return refuse("event", id, "unknown type %q (want %s, %s, %s, %s, %s or %s)", ev.Type, FundEv, ProjectEv, CommitmentEv, DisbursementEv, ConfirmationEv, RefusalEv)
}

func (r *Registry) checkFund(f Fund) error {
	switch {
	case f.ID == "":
		return refuse("fund", "", "no id")
	case !slices.Contains(Sources, f.Source):
		return refuse("fund", f.ID, "source %q: want one of %v", f.Source, Sources)
	case f.Owner == "":
		return refuse("fund", f.ID, "no owner")
	}
	if _, ok := r.Fund(f.ID); ok {
		return refuse("fund", f.ID, "already registered")
	}
	if err := f.Amount.check(); err != nil {
		return refuse("fund", f.ID, "%v", err)
	}
	// Every sum of a currency's money (by oblast, by sector, over time)
	// is at most the sum of its funds: kept within int64, it never wraps.
	var total int64
	for _, g := range r.Funds {
		if g.Amount.Currency == f.Amount.Currency {
			total += g.Amount.Amount
		}
	}
	if f.Amount.Amount > math.MaxInt64-total {
		return refuse("fund", f.ID, "%s would take the funds in %s past %s, the most the registry sums exactly", f.Amount, f.Amount.Currency, Money{math.MaxInt64, f.Amount.Currency})
	}
	return nil
}

// checkProject accepts a new project or an update of one (its status);
// an update keeps the currency and never lowers the cost below the money
// committed.
func (r *Registry) checkProject(p Project) error {
	switch {
	case p.ID == "":
		return refuse("project", "", "no id")
	case p.Sector == "":
		return refuse("project", p.ID, "no sector")
	case p.Oblast == "":
		return refuse("project", p.ID, "no oblast")
	case p.Implementer == "":
		return refuse("project", p.ID, "no implementer")
	case !slices.Contains(Statuses, p.Status):
		return refuse("project", p.ID, "status %q: want one of %v", p.Status, Statuses)
	}
	if err := p.Cost.check(); err != nil {
		return refuse("project", p.ID, "cost: %v", err)
	}
	if old, ok := r.Project(p.ID); ok {
		if old.Cost.Currency != p.Cost.Currency {
			return refuse("project", p.ID, "cost currency %s: the project is costed in %s", p.Cost.Currency, old.Cost.Currency)
		}
		if f := r.Funded(p.ID); p.Cost.Amount < f {
			return refuse("project", p.ID, "cost %s is below the %s already committed", p.Cost, Money{f, p.Cost.Currency})
		}
	}
	return nil
}

func (r *Registry) checkCommitment(c Commitment) error {
	if c.ID == "" {
		return refuse("commitment", "", "no id")
	}
	if _, ok := r.Commitment(c.ID); ok {
		return refuse("commitment", c.ID, "already recorded")
	}
	if err := c.Amount.check(); err != nil {
		return refuse("commitment", c.ID, "%v", err)
	}
	f, ok := r.Fund(c.Fund)
	if !ok {
		return refuse("commitment", c.ID, "unknown fund %q", c.Fund)
	}
	p, ok := r.Project(c.Project)
	if !ok {
		return refuse("commitment", c.ID, "unknown project %q", c.Project)
	}
	if c.Amount.Currency != f.Amount.Currency {
		return refuse("commitment", c.ID, "currency %s: fund %s is in %s", c.Amount.Currency, f.ID, f.Amount.Currency)
	}
	if c.Amount.Currency != p.Cost.Currency {
		return refuse("commitment", c.ID, "currency %s: project %s is costed in %s (no conversion)", c.Amount.Currency, p.ID, p.Cost.Currency)
	}
	if p.Status == Cancelled || p.Status == Complete {
		return refuse("commitment", c.ID, "project %s is %s", p.ID, p.Status)
	}
	if left := r.Uncommitted(f.ID); c.Amount.Amount > left {
		return refuse("commitment", c.ID, "%s exceeds fund %s's uncommitted balance of %s", c.Amount, f.ID, Money{left, f.Amount.Currency})
	}
	if left := r.Unfunded(p.ID); c.Amount.Amount > left {
		return refuse("commitment", c.ID, "%s exceeds project %s's unfunded cost of %s", c.Amount, p.ID, Money{left, p.Cost.Currency})
	}
	if c.Condition != "" {
		if _, err := cond.Parse(c.Condition); err != nil {
			return refuse("commitment", c.ID, "condition %q: %v", c.Condition, err)
		}
	}
	for i, g := range c.ConfirmBy {
		if g == "" {
			return refuse("commitment", c.ID, "confirm_by[%d] names no guarantor", i)
		}
		if slices.Contains(c.ConfirmBy[:i], g) {
			return refuse("commitment", c.ID, "confirm_by names %s twice", g)
		}
	}
	return nil
}

// checkConfirmation accepts a guarantor's confirmation of a disbursement
// not yet made, of a commitment that names the guarantor, for an amount
// the commitment can still pay.
func (r *Registry) checkConfirmation(x Confirmation) error {
	switch {
	case x.ID == "":
		return refuse("confirmation", "", "no id")
	case x.Guarantor == "":
		return refuse("confirmation", x.ID, "no guarantor")
	case x.Disbursement == "":
		return refuse("confirmation", x.ID, "no disbursement: a confirmation names the disbursement it confirms")
	}
	if slices.ContainsFunc(r.Confirmations, func(y Confirmation) bool { return y.ID == x.ID }) {
		return refuse("confirmation", x.ID, "already recorded")
	}
	if err := x.Amount.check(); err != nil {
		return refuse("confirmation", x.ID, "%v", err)
	}
	c, ok := r.Commitment(x.Commitment)
	if !ok {
		return refuse("confirmation", x.ID, "unknown commitment %q", x.Commitment)
	}
	if !slices.Contains(c.ConfirmBy, x.Guarantor) {
		if len(c.ConfirmBy) == 0 {
			return refuse("confirmation", x.ID, "commitment %s needs no confirmation (no confirm_by)", c.ID)
		}
		return refuse("confirmation", x.ID, "%s is not among commitment %s's confirm_by %v", x.Guarantor, c.ID, c.ConfirmBy)
	}
	if slices.ContainsFunc(r.Disbursements, func(d Disbursement) bool { return d.ID == x.Disbursement }) {
		return refuse("confirmation", x.ID, "disbursement %s is already made", x.Disbursement)
	}
	if slices.ContainsFunc(r.Confirmations, func(y Confirmation) bool { return y.Guarantor == x.Guarantor && y.Disbursement == x.Disbursement }) {
		return refuse("confirmation", x.ID, "%s already confirmed disbursement %s", x.Guarantor, x.Disbursement)
	}
	if x.Amount.Currency != c.Amount.Currency {
		return refuse("confirmation", x.ID, "currency %s: commitment %s is in %s", x.Amount.Currency, c.ID, c.Amount.Currency)
	}
	if left := r.Undisbursed(c.ID); x.Amount.Amount > left {
		return refuse("confirmation", x.ID, "%s exceeds commitment %s's undisbursed %s", x.Amount, c.ID, Money{left, c.Amount.Currency})
	}
	return nil
}

func (r *Registry) checkDisbursement(d Disbursement) error {
	if d.ID == "" {
		return refuse("disbursement", "", "no id")
	}
	if slices.ContainsFunc(r.Disbursements, func(x Disbursement) bool { return x.ID == d.ID }) {
		return refuse("disbursement", d.ID, "already recorded")
	}
	if d.At.IsZero() {
		return refuse("disbursement", d.ID, "no time")
	}
	if err := d.Amount.check(); err != nil {
		return refuse("disbursement", d.ID, "%v", err)
	}
	c, ok := r.Commitment(d.Commitment)
	if !ok {
		return refuse("disbursement", d.ID, "unknown commitment %q", d.Commitment)
	}
	if d.Amount.Currency != c.Amount.Currency {
		return refuse("disbursement", d.ID, "currency %s: commitment %s is in %s", d.Amount.Currency, c.ID, c.Amount.Currency)
	}
	if left := r.Undisbursed(c.ID); d.Amount.Amount > left {
		return refuse("disbursement", d.ID, "%s exceeds commitment %s's undisbursed %s", d.Amount, c.ID, Money{left, c.Amount.Currency})
	}
	return nil
}
