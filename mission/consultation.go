package mission

import (
	"context"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/ledger"
)

// ConsultationResult answers a response or a signature: the consultation
// as it now stands, what the engine derived, and the last ledger entry.
type ConsultationResult struct {
	Consultation engine.ConsultationState `json:"consultation"`
	Pending      []FindingSignature       `json:"pending_signatures,omitempty"`
	Derived      []engine.Derived         `json:"derived"`
	LastEntry    *int64                   `json:"last_entry,omitempty"`
}

// Respond applies a party's answer (accept, or dispute with evidence) to
// the notice of a consultation, at the monitoring clock's time, and records
// it; a dispute makes the incident disputed. A refused answer changes
// nothing: EINVALID says why, ENOTFOUND when there is no such
// consultation, EFORBIDDEN when the notice went to another party and
// onlyOwn is set.
func (m *Mission) Respond(ctx context.Context, id, party, answer, evidence string, onlyOwn bool) (ConsultationResult, error) {
	if m.consequences == nil {
		return ConsultationResult{}, errNoEngine()
	}
	m.engineMu.Lock()
	if c, err := m.consequences.Consultation(id); err == nil && onlyOwn && c.Party != party {
		m.engineMu.Unlock()
		return ConsultationResult{}, accord.Errorf(accord.EFORBIDDEN, "the notice of %s went to %s; %s may not answer it", id, c.Party, party)
	}
	events, derived, verdicts, err := m.consequences.Respond(id, party, answer, evidence)
	if err != nil {
		m.engineMu.Unlock()
		return ConsultationResult{}, err
	}
	return m.recordConsultation(ctx, id, nil, events, derived, verdicts)
}

// SignFinding records a guarantor's signature of an outcome (upheld,
// dismissed, inconclusive). When the agreement's quorum of guarantors has
// signed one outcome the finding is applied, and its verdict flows back to
// the incident. A refused signature changes nothing.
func (m *Mission) SignFinding(ctx context.Context, id, guarantor, outcome, evidence string) (ConsultationResult, error) {
	if m.consequences == nil {
		return ConsultationResult{}, errNoEngine()
	}
	m.engineMu.Lock()
	sig, events, derived, verdicts, err := m.consequences.SignFinding(id, guarantor, outcome, evidence)
	if err != nil {
		m.engineMu.Unlock()
		return ConsultationResult{}, err
	}
	return m.recordConsultation(ctx, id, []ledger.Entry{derivedEntry(accord.EntryFindingSignature, &sig)}, events, derived, verdicts)
}

// recordConsultation records what a response or a signature did and
// returns the consultation as it now stands. The caller holds engineMu,
// which is handed over to recordMu and released.
func (m *Mission) recordConsultation(ctx context.Context, id string, entries []ledger.Entry, events []engine.Event, derived []engine.Derived, verdicts map[string]string) (ConsultationResult, error) {
	ctx = context.WithoutCancel(ctx)
	res := ConsultationResult{Derived: derived, Pending: m.consequences.Pending(id)}
	res.Consultation, _ = m.consequences.Consultation(id)
	if res.Derived == nil {
		res.Derived = []engine.Derived{}
	}
	rec := m.prepare(nil, verdicts, entries, events, derived)
	m.recordMu.Lock()
	m.engineMu.Unlock()
	defer m.recordMu.Unlock()
	var err error
	res.LastEntry, err = m.record(ctx, rec)
	return res, err
}

func errNoEngine() error {
	return accord.Errorf(accord.ENOTFOUND, "no agreement engine: the mission runs without consultation or enforcement")
}
