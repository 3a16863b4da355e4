// Package funding runs the reconstruction registry (package
// reconstruction) on the server: every fund, project, commitment,
// disbursement and refusal is a derived entry of the mission's record
// (type reconstruction_<event type>), appended durably before the registry
// keeps it, and the registry is restored from the record at Open. A
// disbursement is decided on the agreement's state as the mission holds
// it. Who may do what is the caller's business (package api): Funding
// takes the actor as given and checks only that a funder commits and pays
// out its own money.
package funding

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

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

// Config says what the registry runs on.
type Config struct {
	Ledger Ledger
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

// Result is what a caller is told of an event it sent: the event the
// registry recorded (a refusal in its place when refused) and its index
// in the record.
type Result struct {
	Entry int64                `json:"entry"`
	Event reconstruction.Event `json:"event"`
}

// RegisterFund registers a fund owned by actor (an empty owner is the
// actor; another is refused, not recorded).
func (f *Funding) RegisterFund(actor string, fund reconstruction.Fund) (Result, error) {
	if fund.Owner == "" {
		fund.Owner = actor
	}
	if fund.Owner != actor {
		return Result{}, accord.Errorf(accord.EFORBIDDEN, "%s may not register a fund owned by %q: a funder registers its own money", actor, fund.Owner)
	}
	return f.submit(func(r *reconstruction.Registry, at time.Time) (reconstruction.Event, error) {
		return r.Submit(reconstruction.Event{At: at, Type: reconstruction.FundEv, Fund: &fund})
	})
}

// RegisterProject registers a project or updates one.
func (f *Funding) RegisterProject(p reconstruction.Project) (Result, error) {
	if p.Status == "" {
		p.Status = reconstruction.Planned
	}
	return f.submit(func(r *reconstruction.Registry, at time.Time) (reconstruction.Event, error) {
		return r.Submit(reconstruction.Event{At: at, Type: reconstruction.ProjectEv, Project: &p})
	})
}

// Commit commits money of a fund actor owns to a project.
func (f *Funding) Commit(actor string, c reconstruction.Commitment) (Result, error) {
	return f.submit(func(r *reconstruction.Registry, at time.Time) (reconstruction.Event, error) {
		if fund, ok := r.Fund(c.Fund); ok && fund.Owner != actor {
			return reconstruction.Event{}, accord.Errorf(accord.EFORBIDDEN, "%s may not commit fund %s, owned by %s: a funder commits its own money only", actor, fund.ID, fund.Owner)
		}
		return r.Submit(reconstruction.Event{At: at, Type: reconstruction.CommitmentEv, Commitment: &c})
	})
}

// Disburse pays out money of a commitment of a fund actor owns, decided on
// the agreement's state now: the disbursement or its refusal is recorded.
func (f *Funding) Disburse(actor string, d reconstruction.Disbursement) (Result, error) {
	return f.submit(func(r *reconstruction.Registry, at time.Time) (reconstruction.Event, error) {
		if c, ok := r.Commitment(d.Commitment); ok {
			if fund, _ := r.Fund(c.Fund); fund.Owner != actor {
				return reconstruction.Event{}, accord.Errorf(accord.EFORBIDDEN, "%s may not disburse commitment %s of fund %s, owned by %s", actor, c.ID, fund.ID, fund.Owner)
			}
		}
		if f.cfg.Agreement == nil {
			return reconstruction.Event{}, accord.Errorf(accord.ENOTFOUND, "no agreement: a disbursement is decided on the agreement's state and the server runs without one")
		}
		a, err := f.cfg.Agreement()
		if err != nil {
			return reconstruction.Event{}, err
		}
		if d.At.IsZero() {
			d.At = at
		}
		return r.Disburse(d, at, a)
	})
}

// submit applies an event to a copy of the registry, appends what it
// recorded to the record and only then keeps the copy. A refusal the
// registry recorded is appended too, and the error says why.
func (f *Funding) submit(apply func(*reconstruction.Registry, time.Time) (reconstruction.Event, error)) (Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.broken != nil {
		return Result{}, f.stopped()
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
	seqs, err := f.cfg.Ledger.AppendAll([]ledger.Entry{{Kind: ledger.KindDerived, Type: TypePrefix + ev.Type, Body: b}})
	if err != nil {
		f.broken = err
		return Result{}, accord.Errorf(accord.EINTERNAL, "writing the record failed (%v): the reconstruction registry stops; restart the server to replay the record", err)
	}
	f.reg = next
	res := Result{Entry: seqs[0], Event: ev}
	if rerr != nil {
		return res, accord.Errorf(accord.EINVALID, "%v; the refusal is recorded (entry %d)", rerr, seqs[0])
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
		return b, "application/json", err
	case "iati":
		b, err := r.IATI(IATIOptions)
		return b, "application/xml", err
	}
	return nil, "", accord.Errorf(accord.EINVALID, "format %q: want ocds or iati", format)
}
