package mission

import (
	"context"
	"slices"
	"strings"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/ledger"
)

// Prisoner exchanges. A verifier of the agreement (the ICRC's role) signs
// each exchange: an accord.ExchangeBody with the persons each party
// released and the commitments to their lists of names, sent with the
// sealed lists (accord.SealExchangeLists). The record holds the signed
// body (counts, commitments, the verifier's signature) and the engine's
// exchange event; the lists go to the sealed store only, scoped
// "exchange:ID", and are served by ExchangeList to the two parties and the
// verifiers alone — never by Sealed, whose readers are a consultation's.

// ExchangeResult answers an exchange recorded: the exchange as the engine
// holds it, what it derived and the last ledger entry.
type ExchangeResult struct {
	Exchange  engine.ExchangeState `json:"exchange"`
	Derived   []engine.Derived     `json:"derived"`
	LastEntry *int64               `json:"last_entry,omitempty"`
}

// SubmitExchange takes a verifier's signed exchange (accord.ExchangeBody,
// the author the verifier) with the sealed lists it commits to, and
// records it as Exchange does, the submission, the engine's event and what
// it derived appended in one durable batch after the lists are durable in
// the sealed store. Anything else is refused, the refusal recorded (with
// nothing of the body): a bad signature or a replay, another type, a
// malformed body, lists that do not open their commitments or do not
// count what the body counts, a mission with no sealed store to keep the
// lists in, or an exchange the engine refuses (an author who is not a
// verifier, a party unknown, the agreement not in force).
func (m *Mission) SubmitExchange(ctx context.Context, s ledger.Submission, lists []accord.Sealed) (ExchangeResult, error) {
	if m.cfg.Ledger == nil {
		return ExchangeResult{}, accord.Errorf(accord.EINVALID, "this mission keeps no record: it takes no submissions")
	}
	refuse := func(err error) (ExchangeResult, error) { return ExchangeResult{}, m.refuse(s, err) }
	if s.Type != accord.SubmissionExchange {
		return refuse(accord.Errorf(accord.EINVALID, "type %q is not an exchange", s.Type))
	}
	if err := m.cfg.Ledger.Check(&s); err != nil {
		return refuse(err)
	}
	var b accord.ExchangeBody
	if err := accord.DecodeStrictText(s.Body, &b); err != nil {
		return refuse(accord.Errorf(accord.EINVALID, `an exchange's body is {"exchange", "counts", "lists"}: %v`, err))
	}
	if err := m.checkExchange(b, lists); err != nil {
		return refuse(err)
	}
	m.engineMu.Lock()
	res, ok, err := m.exchange(ctx, b, s.Author, lists, []ledger.Entry{ledger.SubmissionEntry(s)})
	if !ok {
		return refuse(err)
	}
	return res, err
}

// Exchange records an exchange attested by a verifier, at the monitoring
// clock's time, with the sealed lists its body commits to. A refused one
// changes nothing (EINVALID); EUNAUTHORIZED when the agreement registers
// its authors' keys (then the verifier signs it: SubmitExchange).
func (m *Mission) Exchange(ctx context.Context, b accord.ExchangeBody, verifier string, lists []accord.Sealed) (ExchangeResult, error) {
	if m.Signed() {
		return ExchangeResult{}, errMustSign("an exchange", "verifier", accord.SubmissionExchange)
	}
	if err := m.checkExchange(b, lists); err != nil {
		return ExchangeResult{}, err
	}
	m.engineMu.Lock()
	res, _, err := m.exchange(ctx, b, verifier, lists, nil)
	return res, err
}

// checkExchange checks a body and its lists before the engine sees them.
func (m *Mission) checkExchange(b accord.ExchangeBody, lists []accord.Sealed) error {
	if m.consequences == nil {
		return errNoEngine()
	}
	if err := b.Check(); err != nil {
		return accord.Errorf(accord.EINVALID, "%v", err)
	}
	if err := b.CheckLists(lists); err != nil {
		return accord.Errorf(accord.EINVALID, "%v", err)
	}
	if m.cfg.Ledger != nil && m.cfg.Sealed == nil {
		return accord.Errorf(accord.EINVALID, "this mission keeps no sealed store: the lists of exchange %s would have nowhere to stay off the public record", b.Exchange)
	}
	return nil
}

// exchange records an exchange after entries (the signed submission, if
// any), the lists sealed. The caller holds engineMu, which it releases; ok
// is false when the engine refused it (nothing changed).
func (m *Mission) exchange(ctx context.Context, b accord.ExchangeBody, verifier string, lists []accord.Sealed, entries []ledger.Entry) (ExchangeResult, bool, error) {
	events, derived, err := m.consequences.Exchange(b, verifier)
	if err != nil {
		m.engineMu.Unlock()
		return ExchangeResult{}, false, err
	}
	res := ExchangeResult{Derived: derived}
	if res.Derived == nil {
		res.Derived = []engine.Derived{}
	}
	res.Exchange, _ = m.consequences.ExchangeState(b.Exchange)
	rec, err := m.prepare(nil, nil, "", entries, events, derived)
	if rec.hasLedger {
		rec.sealed = append(rec.sealed, lists...) // durable before the record holds their commitments
	}
	m.recordMu.Lock()
	m.engineMu.Unlock()
	defer m.recordMu.Unlock()
	if err != nil {
		return res, true, err
	}
	seqs, err := m.record(context.WithoutCancel(ctx), rec)
	res.LastEntry = lastOf(seqs)
	return res, true, err
}

// ExchangeList returns a sealed list of an exchange (its seal's SHA-256)
// to a reader who may read it: a party to the agreement or one of its
// verifiers; EFORBIDDEN for anyone else, ENOTFOUND when the mission holds
// no such list. The reader checks it against the commitment in the
// exchange's signed body (accord.Sealed.Check).
func (m *Mission) ExchangeList(ctx context.Context, sha256, reader string) (*accord.Sealed, error) {
	if m.cfg.Sealed == nil {
		return nil, accord.Errorf(accord.ENOTFOUND, "this mission seals nothing")
	}
	if len(sha256) != 64 || strings.Trim(sha256, "0123456789abcdef") != "" {
		return nil, accord.Errorf(accord.ENOTFOUND, "no list %.80q: a commitment is 64 lowercase hex digits", sha256)
	}
	x, err := m.cfg.Sealed.Sealed(ctx, sha256)
	if err != nil {
		return nil, err
	}
	id, ok := accord.ExchangeOf(x.Seal)
	if !ok {
		return nil, accord.Errorf(accord.ENOTFOUND, "%s is not the list of an exchange", sha256)
	}
	// The agreement the exchange carries out decides who reads its lists.
	a := m.cfg.Agreement
	if m.consequences != nil {
		a = m.consequences.exchangeAgreement(id)
	}
	if !slices.Contains(a.Parties, reader) && !slices.Contains(a.Verifiers(), reader) {
		return nil, accord.Errorf(accord.EFORBIDDEN, "%q may not read the lists of an exchange of %s: the parties (%v) and the verifiers (%v) may", reader, a.ID, a.Parties, a.Verifiers())
	}
	return x, nil
}

// exchangeAgreement is the agreement holding an exchange (the main one when
// none does).
func (c *Consequences) exchangeAgreement(id string) *agreement.Agreement {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, a := range c.as {
		for _, x := range c.set.State(a.ID).Exchanges {
			if x.ID == id {
				return a
			}
		}
	}
	return c.as[0]
}

// Exchange applies an exchange signed by a verifier at the monitoring
// clock's time and returns it with what the engine derived.
func (c *Consequences) Exchange(b accord.ExchangeBody, verifier string) ([]engine.Event, []engine.Derived, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if verifier == "" {
		return nil, nil, accord.Errorf(accord.EINVALID, "exchange %s: who verified it? (a verifier of the agreement)", b.Exchange)
	}
	if c.latest.IsZero() {
		return nil, nil, accord.Errorf(accord.EINVALID, "exchange %s: the agreement is not in force yet (the parties sign at the first observation)", b.Exchange)
	}
	a, err := c.exchangeOf(b.Agreement, verifier)
	if err != nil {
		return nil, nil, err
	}
	ev := engine.Event{Type: engine.Exchange, Agreement: c.key(a.ID), At: c.latest, ID: b.Exchange, Counts: b.Counts, Lists: b.Lists, SignedBy: []string{verifier}}
	if err := c.apply(&ev); err != nil {
		return nil, nil, accord.Errorf(accord.EINVALID, "%v", err)
	}
	return []engine.Event{ev}, c.fresh(), nil
}

// ExchangeState returns an exchange as the engine holds it.
func (c *Consequences) ExchangeState(id string) (engine.ExchangeState, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, a := range c.as {
		for _, x := range c.set.State(a.ID).Exchanges {
			if x.ID == id {
				return x, true
			}
		}
	}
	return engine.ExchangeState{}, false
}

// exchangeOf is the agreement an exchange carries out: the one named, else
// the first whose verifiers include its verifier.
func (c *Consequences) exchangeOf(id, verifier string) (*agreement.Agreement, error) {
	if id != "" {
		if a := c.agreement(id); a != nil {
			return a, nil
		}
		return nil, accord.Errorf(accord.ENOTFOUND, "no agreement %q on this record", id)
	}
	for _, a := range c.as {
		if slices.Contains(a.Verifiers(), verifier) {
			return a, nil
		}
	}
	// Signed by no verifier: the first agreement that has verifiers says
	// so in its own words.
	for _, a := range c.as {
		if len(a.Verifiers()) > 0 {
			return a, nil
		}
	}
	return c.as[0], nil
}
