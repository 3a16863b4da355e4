// Package funding runs the reconstruction registry (package
// reconstruction) on the server: every fund, project, commitment,
// disbursement and refusal is a derived entry of the mission's record
// (type reconstruction_<event type>), appended durably before the registry
// keeps it, and the registry is restored from the record at Open. A
// disbursement is decided on the agreement's state as the mission holds
// it. Who may do what is the caller's business (package api): Funding
// takes the actor as given and checks that a funder registers, commits and
// pays out its own money, and that only a guarantor of the agreement whom
// a commitment names confirms its disbursements. When the agreement
// registers authors' keys, funds, commitments, disbursements and
// confirmations come as submissions signed by their authors, recorded
// just before the registry's entry; unsigned or wrongly signed, nothing is
// recorded.
package funding

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/reconstruction"
)

// TypePrefix starts the type of the registry's entries in the record.
const TypePrefix = "reconstruction_"

// Ledger is the record the registry is kept in.
type Ledger interface {
	AppendAll(es []ledger.Entry) ([]int64, error)
	Len() int64
	Record(i int64) ([]byte, error)
}

// Signatures checks a signed submission: its author's key, its signature,
// and that it was not sent before (*ledger.Ledger's Check).
type Signatures interface {
	Check(s *ledger.Submission) error
}

// Config says what the registry runs on.
type Config struct {
	Ledger Ledger
	// Signatures checks signed submissions; nil takes none.
	Signatures Signatures
	// RequireSigned, set when the agreement registers authors' keys, wants
	// every fund, commitment, disbursement and confirmation to be a
	// submission signed by its author.
	RequireSigned bool
	// Agreement is the agreement's state now, for disbursements; nil or an
	// error refuses them (not recorded: there is nothing to decide on).
	Agreement func() (reconstruction.Agreement, error)
	// Now dates the events (time.Now when nil).
	Now func() time.Time
}

// Funding holds the registry of a record.
type Funding struct {
	cfg Config

	mu     sync.Mutex
	reg    *reconstruction.Registry
	broken error // a write failed: restart to replay the record
}

// Open restores the registry from the record's reconstruction entries.
func Open(ctx context.Context, cfg Config) (*Funding, error) {
	if cfg.Ledger == nil {
		return nil, fmt.Errorf("the reconstruction registry needs a ledger")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	f := &Funding{cfg: cfg, reg: reconstruction.New()}
	for i := int64(0); i < cfg.Ledger.Len(); i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rec, err := cfg.Ledger.Record(i)
		if err != nil {
			return nil, err
		}
		var e ledger.Entry
		if err := json.Unmarshal(rec, &e); err != nil {
			return nil, fmt.Errorf("entry %d: %v", i, err)
		}
		if e.Kind != ledger.KindDerived || !strings.HasPrefix(e.Type, TypePrefix) {
			continue
		}
		var ev reconstruction.Event
		if err := accord.DecodeStrict(e.Body, &ev); err != nil {
			return nil, fmt.Errorf("entry %d (%s): not a registry event: %v", i, e.Type, err)
		}
		if TypePrefix+ev.Type != e.Type {
			return nil, fmt.Errorf("entry %d: an entry of type %q holds a registry event of type %q", i, e.Type, ev.Type)
		}
		if err := f.reg.Apply(ev); err != nil {
			return nil, fmt.Errorf("entry %d: %v", i, err)
		}
	}
	return f, nil
}

// Submission types of the registry's signed submissions: the body is
// what the route takes (a Fund, a Commitment, a DisbursementRequest, a
// ConfirmationRequest), signed by its author as ledger.Sign signs.
const (
	SubmissionFund         = TypePrefix + reconstruction.FundEv
	SubmissionProject      = TypePrefix + reconstruction.ProjectEv
	SubmissionCommitment   = TypePrefix + reconstruction.CommitmentEv
	SubmissionDisbursement = TypePrefix + reconstruction.DisbursementEv
	SubmissionConfirmation = TypePrefix + reconstruction.ConfirmationEv
)

// Caller is who sends an event: the actor its token names and, when
// signed, the submission carrying the event, signed by the actor.
type Caller struct {
	Actor      string
	Submission *ledger.Submission
}

// By is an unsigned caller.
func By(actor string) Caller { return Caller{Actor: actor} }

// DisbursementRequest asks for money of a commitment to be paid out; the
// server dates it and decides it on the agreement's state now.
type DisbursementRequest struct {
	ID         string               `json:"id"`
	Commitment string               `json:"commitment"`
	Amount     reconstruction.Money `json:"amount"`
}

// ConfirmationRequest is a guarantor's confirmation of a disbursement;
// the guarantor is the caller.
type ConfirmationRequest struct {
	ID           string               `json:"id"`
	Commitment   string               `json:"commitment"`
	Disbursement string               `json:"disbursement"`
	Amount       reconstruction.Money `json:"amount"`
}

// Result is what a caller is told of an event it sent: the event the
// registry recorded (a refusal in its place when refused) and its index
// in the record.
type Result struct {
	Entry int64                `json:"entry"`
	Event reconstruction.Event `json:"event"`
	// Submission is the index of the signed submission that carried the
	// event, recorded just before it; absent when unsigned.
	Submission *int64 `json:"submission,omitempty"`
}

// RegisterFund registers a fund owned by actor (an empty owner is the
// actor; another is refused, not recorded).
func (f *Funding) RegisterFund(by Caller, fund reconstruction.Fund) (Result, error) {
	actor := by.Actor
	if fund.Owner == "" {
		fund.Owner = actor
	}
	if fund.Owner != actor {
		return Result{}, accord.Errorf(accord.EFORBIDDEN, "%s may not register a fund owned by %q: a funder registers its own money", actor, fund.Owner)
	}
	return f.submit(by, SubmissionFund, func(r *reconstruction.Registry, at time.Time) (reconstruction.Event, error) {
		return r.Submit(reconstruction.Event{At: at, Type: reconstruction.FundEv, Fund: &fund})
	})
}

// RegisterProject registers a project or updates one.
func (f *Funding) RegisterProject(by Caller, p reconstruction.Project) (Result, error) {
	if p.Status == "" {
		p.Status = reconstruction.Planned
	}
	return f.submit(by, SubmissionProject, func(r *reconstruction.Registry, at time.Time) (reconstruction.Event, error) {
		return r.Submit(reconstruction.Event{At: at, Type: reconstruction.ProjectEv, Project: &p})
	})
}

// Commit commits money of a fund actor owns to a project. A commitment
// whose confirm_by names guarantors is checked against the agreement:
// each must be one of its guarantors.
func (f *Funding) Commit(by Caller, c reconstruction.Commitment) (Result, error) {
	actor := by.Actor
	return f.submit(by, SubmissionCommitment, func(r *reconstruction.Registry, at time.Time) (reconstruction.Event, error) {
		if fund, ok := r.Fund(c.Fund); ok && fund.Owner != actor {
			return reconstruction.Event{}, accord.Errorf(accord.EFORBIDDEN, "%s may not commit fund %s, owned by %s: a funder commits its own money only", actor, fund.ID, fund.Owner)
		}
		if len(c.ConfirmBy) > 0 {
			a, err := f.agreement("a commitment confirmed by guarantors names the agreement's guarantors")
			if err != nil {
				return reconstruction.Event{}, err
			}
			if ev, err := r.CheckGuarantors(c, at, a); err != nil {
				return ev, err
			}
		}
		return r.Submit(reconstruction.Event{At: at, Type: reconstruction.CommitmentEv, Commitment: &c})
	})
}

// Disburse pays out money of a commitment of a fund actor owns, decided on
// the agreement's state now: the disbursement or its refusal is recorded.
func (f *Funding) Disburse(by Caller, d reconstruction.Disbursement) (Result, error) {
	actor := by.Actor
	return f.submit(by, SubmissionDisbursement, func(r *reconstruction.Registry, at time.Time) (reconstruction.Event, error) {
		if c, ok := r.Commitment(d.Commitment); ok {
			if fund, _ := r.Fund(c.Fund); fund.Owner != actor {
				return reconstruction.Event{}, accord.Errorf(accord.EFORBIDDEN, "%s may not disburse commitment %s of fund %s, owned by %s: a funder disburses its own money only", actor, c.ID, fund.ID, fund.Owner)
			}
		}
		a, err := f.agreement("a disbursement is decided on the agreement's state")
		if err != nil {
			return reconstruction.Event{}, err
		}
		if d.At.IsZero() {
			d.At = at
		}
		return r.Disburse(d, at, a)
	})
}

// Confirm records the caller's confirmation, as a guarantor of the
// agreement, of a disbursement of a commitment that names it in
// confirm_by. A caller who is not a guarantor of the agreement, or whom
// the commitment does not name, is refused and nothing recorded; what the
// registry's rules refuse is recorded.
func (f *Funding) Confirm(by Caller, x ConfirmationRequest) (Result, error) {
	actor := by.Actor
	return f.submit(by, SubmissionConfirmation, func(r *reconstruction.Registry, at time.Time) (reconstruction.Event, error) {
		a, err := f.agreement("a guarantor confirms the conditions of the agreement")
		if err != nil {
			return reconstruction.Event{}, err
		}
		if !a.Guarantor(actor) {
			return reconstruction.Event{}, accord.Errorf(accord.EFORBIDDEN, "%s is not a guarantor of the agreement: only its guarantors confirm conditions", actor)
		}
		if c, ok := r.Commitment(x.Commitment); ok && !slices.Contains(c.ConfirmBy, actor) {
			return reconstruction.Event{}, accord.Errorf(accord.EFORBIDDEN, "%s may not confirm disbursements of commitment %s: its confirm_by names %v", actor, c.ID, c.ConfirmBy)
		}
		return r.Confirm(reconstruction.Confirmation{ID: x.ID, Commitment: x.Commitment, Disbursement: x.Disbursement, Amount: x.Amount, Guarantor: actor}, at, a)
	})
}

// agreement is the agreement's state now, or why there is none.
func (f *Funding) agreement(why string) (reconstruction.Agreement, error) {
	if f.cfg.Agreement == nil {
		return nil, accord.Errorf(accord.ENOTFOUND, "no agreement: %s and the server runs without one", why)
	}
	return f.cfg.Agreement()
}

// signed checks who sends an event: when the registry requires signed
// submissions, a fund, commitment, disbursement or confirmation must come
// as one; a submission sent must be the caller's, of the route's type,
// and verify with its author's registered key. Nothing is recorded when
// it fails.
func (f *Funding) signed(by Caller, typ string) error {
	s := by.Submission
	if s == nil {
		if f.cfg.RequireSigned && typ != SubmissionProject {
			return accord.Errorf(accord.EUNAUTHORIZED, "the agreement registers authors' keys: a %s must be a submission signed by its author (%s, nothing recorded)", strings.TrimPrefix(typ, TypePrefix), typ)
		}
		return nil
	}
	switch {
	case s.Author != by.Actor:
		return accord.Errorf(accord.EFORBIDDEN, "%s may not send a submission signed as %q (nothing recorded)", by.Actor, s.Author)
	case s.Type != typ:
		return accord.Errorf(accord.EINVALID, "a submission of type %q sent where a %q is taken (nothing recorded)", s.Type, typ)
	case f.cfg.Signatures == nil:
		return accord.Errorf(accord.EINVALID, "this registry takes no signed submissions (nothing recorded)")
	}
	if err := f.cfg.Signatures.Check(s); err != nil {
		code := accord.EFORBIDDEN
		if strings.HasPrefix(err.Error(), "replayed submission") {
			code = accord.EINVALID
		}
		return accord.Errorf(code, "submission %q by %q refused, nothing recorded: %v", s.ID, s.Author, err)
	}
	return nil
}

// submit applies an event to a copy of the registry, appends what it
// recorded to the record and only then keeps the copy. A refusal the
// registry recorded is appended too, and the error says why.
func (f *Funding) submit(by Caller, typ string, apply func(*reconstruction.Registry, time.Time) (reconstruction.Event, error)) (Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.broken != nil {
		return Result{}, f.stopped()
	}
	if err := f.signed(by, typ); err != nil {
		return Result{}, err
	}
	next := f.reg.Clone()
	at := f.cfg.Now().UTC()
	if at.Before(next.Now) {
		at = next.Now
	}
	ev, rerr := apply(next, at)
	if ev.Seq == 0 { // nothing recorded
		var ae *accord.Error
		if rerr != nil && !errors.As(rerr, &ae) {
			rerr = accord.Errorf(accord.EINVALID, "%v", rerr)
		}
		return Result{}, rerr
	}
	b, _ := json.Marshal(ev)
	var es []ledger.Entry
	if by.Submission != nil {
		es = append(es, ledger.SubmissionEntry(*by.Submission))
	}
	es = append(es, ledger.Entry{Kind: ledger.KindDerived, Type: TypePrefix + ev.Type, Body: b})
	seqs, err := f.cfg.Ledger.AppendAll(es)
	if errors.Is(err, ledger.ErrReplayed) {
		return Result{}, accord.Errorf(accord.EINVALID, "nothing recorded: %v", err)
	}
	if err != nil {
		f.broken = err
		return Result{}, accord.Errorf(accord.EINTERNAL, "writing the record failed (%v): the reconstruction registry stops; restart the server to replay the record", err)
	}
	f.reg = next
	res := Result{Entry: seqs[len(seqs)-1], Event: ev}
	if by.Submission != nil {
		res.Submission = &seqs[0]
	}
	if rerr != nil {
		return res, accord.Errorf(accord.EINVALID, "%v; the refusal is recorded (entry %d)", rerr, res.Entry)
	}
	return res, nil
}

func (f *Funding) stopped() error {
	return accord.Errorf(accord.EINTERNAL, "the reconstruction registry stopped after a failed write (%v): restart the server to replay the record", f.broken)
}

// Totals is the money committed and disbursed, by oblast, sector and fund.
func (f *Funding) Totals() reconstruction.Totals {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reg.Totals()
}

// Series is the money committed and disbursed over time.
func (f *Funding) Series() []reconstruction.Point {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reg.Series()
}

// Registry is a copy of the registry as it stands.
func (f *Funding) Registry() *reconstruction.Registry {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reg.Clone()
}

// Export options of the server's exports.
var (
	OCDSOptions = reconstruction.OCDSOptions{Prefix: "ocds-accord", URI: "https://accord.example.org/v1/reconstruction/export?format=ocds", Publisher: "accord reconstruction registry"}
	IATIOptions = reconstruction.IATIOptions{OrgRef: "XM-ACCORD", OrgName: "accord reconstruction registry", OrgType: "40"}
)

// Export writes the registry as OCDS (a release package, JSON) or IATI
// (activities, XML).
func (f *Funding) Export(format string) ([]byte, string, error) {
	r := f.Registry()
	switch format {
	case "ocds", "":
		b, err := r.OCDS(OCDSOptions)
		if errors.Is(err, reconstruction.ErrNoReleases) {
			return nil, "", accord.Errorf(accord.ENOTFOUND, "no project registered yet: an OCDS release package holds at least one release")
		}
		return b, "application/json", err
	case "iati":
		b, err := r.IATI(IATIOptions)
		if errors.Is(err, reconstruction.ErrNoActivities) {
			return nil, "", accord.Errorf(accord.ENOTFOUND, "no project registered yet: an IATI document holds at least one activity")
		}
		return b, "application/xml", err
	}
	return nil, "", accord.Errorf(accord.EINVALID, "format %q: want ocds or iati", format)
}

// ReadLogFile reads the registry's events from a data directory's ledger
// file, held to the tree saved beside it (ledger.SavedTree) as the server
// holds it when it opens the file: see ReadLog. What is wrong names the
// file.
func ReadLogFile(path string) ([]reconstruction.Event, error) {
	// The tree first: a running server saves a larger one as the file
	// grows, so the file read after it holds at least its entries.
	saved, ok, err := ledger.SavedTree(path)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &accord.Error{Code: accord.ENOTFOUND, Err: err} // names the file
	}
	cp, name := &saved, path
	if !ok {
		cp = nil
	} else {
		name += " (its checkpoint: the tree saved beside it, " + filepath.Base(path) + ".tree)"
	}
	log, err := ReadLog(data, cp)
	if err != nil {
		return nil, &accord.Error{Code: accord.EINVALID, Message: name, Err: err}
	}
	return log, nil
}

// ReadLog reads the registry's events from a record's bytes (a data
// directory's ledger file), in order, as Open restores them: the derived
// reconstruction_* entries, everything else skipped. The record is read
// only when it verifies (ledger.VerifyChain, against saved when it is not
// nil: the tree saved beside the file); else nothing is read, and the
// error, of code EINVALID, lists the problems with their entries and byte
// offsets — a registry read in part would be a wrong answer, not a
// partial one. A torn tail (a write never acknowledged) is not part of the
// record.
func ReadLog(data []byte, saved *tlog.Tree) ([]reconstruction.Event, error) {
	rep := ledger.VerifyChain(data, saved)
	if err := rep.Err(); err != nil {
		return nil, err
	}
	n := rep.Entries
	var out []reconstruction.Event
	err := ledger.Entries(data, n, func(i int64, e *ledger.Entry) error {
		if e.Kind != ledger.KindDerived || !strings.HasPrefix(e.Type, TypePrefix) {
			return nil
		}
		var ev reconstruction.Event
		if err := accord.DecodeStrict(e.Body, &ev); err != nil {
			return accord.Errorf(accord.EINVALID, "entry %d (%s): not a registry event: %v", i, e.Type, err)
		}
		if TypePrefix+ev.Type != e.Type {
			return accord.Errorf(accord.EINVALID, "entry %d: an entry of type %q holds a registry event of type %q", i, e.Type, ev.Type)
		}
		out = append(out, ev)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
