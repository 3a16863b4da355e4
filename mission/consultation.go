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
	// SubmissionEntry is the ledger index of the signed submission that
	// caused it, if one did.
	SubmissionEntry *int64 `json:"submission_entry,omitempty"`
}

// Respond applies a party's answer (accept, or dispute with evidence) to
// the notice of a consultation, at the monitoring clock's time, and records
// it; a dispute makes the incident disputed. A refused answer changes
// nothing: EINVALID says why, ENOTFOUND when there is no such
// consultation, EFORBIDDEN when the notice went to another party and
// onlyOwn is set, EUNAUTHORIZED when the agreement registers its authors'
// keys (then an answer must be signed by its party: Submit).
func (m *Mission) Respond(ctx context.Context, id, party, answer, evidence string, onlyOwn bool) (ConsultationResult, error) {
	if m.consequences == nil {
		return ConsultationResult{}, errNoEngine()
	}
	if m.Signed() {
		return ConsultationResult{}, errMustSign("an answer", "party", accord.SubmissionResponse)
	}
	m.engineMu.Lock()
	res, _, err := m.respond(ctx, id, party, answer, evidence, onlyOwn, nil)
	return res, err
}

// respond applies an answer and records it after entries (the signed
// submission, if any). The caller holds engineMu, which respond releases.
// ok is false when the engine refused the answer (nothing changed).
func (m *Mission) respond(ctx context.Context, id, party, answer, evidence string, onlyOwn bool, entries []ledger.Entry) (ConsultationResult, bool, error) {
	if c, err := m.consequences.Consultation(id); err == nil && onlyOwn && c.Party != party {
		m.engineMu.Unlock()
		return ConsultationResult{}, false, accord.Errorf(accord.EFORBIDDEN, "the notice of %s went to %s; %s may not answer it", id, c.Party, party)
	}
	events, derived, verdicts, err := m.consequences.Respond(id, party, answer, evidence)
	if err != nil {
		m.engineMu.Unlock()
		return ConsultationResult{}, false, err
	}
	res, err := m.recordConsultation(ctx, id, entries, events, derived, verdicts)
	return res, true, err
}

// SignFinding records a guarantor's signature of an outcome (upheld,
// dismissed, inconclusive). When the agreement's quorum of guarantors has
// signed one outcome the finding is applied, and its verdict flows back to
// the incident. A refused signature changes nothing; when the agreement
// registers its authors' keys a finding must be signed by its guarantor
// (Submit), EUNAUTHORIZED here.
func (m *Mission) SignFinding(ctx context.Context, id, guarantor, outcome, evidence string) (ConsultationResult, error) {
	if m.consequences == nil {
		return ConsultationResult{}, errNoEngine()
	}
	if m.Signed() {
		return ConsultationResult{}, errMustSign("a finding", "guarantor", accord.SubmissionFinding)
	}
	m.engineMu.Lock()
	res, _, err := m.signFinding(ctx, id, guarantor, outcome, evidence, nil)
	return res, err
}

// signFinding is SignFinding after entries, as respond is Respond.
func (m *Mission) signFinding(ctx context.Context, id, guarantor, outcome, evidence string, entries []ledger.Entry) (ConsultationResult, bool, error) {
	sig, events, derived, verdicts, err := m.consequences.SignFinding(id, guarantor, outcome, evidence)
	if err != nil {
		m.engineMu.Unlock()
		return ConsultationResult{}, false, err
	}
	entries = append(entries, derivedEntry(accord.EntryFindingSignature, &sig))
	res, err := m.recordConsultation(ctx, id, entries, events, derived, verdicts)
	return res, true, err
}

func errMustSign(what, author, typ string) error {
	return accord.Errorf(accord.EUNAUTHORIZED, "this agreement registers its authors' keys: %s must be signed by its %s (a %q submission: POST /v1/submissions, or accord consult)", what, author, typ)
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
	rec, err := m.prepare(nil, verdicts, id, entries, events, derived)
	m.recordMu.Lock()
	m.engineMu.Unlock()
	defer m.recordMu.Unlock()
	if err != nil {
		return res, err
	}
	seqs, err := m.record(ctx, rec)
	res.LastEntry = lastOf(seqs)
	if len(entries) > 0 && entries[0].Kind == ledger.KindSubmission && len(seqs) > 0 {
		res.SubmissionEntry = &seqs[0]
	}
	return res, err
}

func errNoEngine() error {
	return accord.Errorf(accord.ENOTFOUND, "no agreement engine: the mission runs without consultation or enforcement")
}
