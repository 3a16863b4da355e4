package api

import (
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/monitor"
)

// AgreementView is the agreement with where each of its parts stands: what
// the dashboard's phase panel and deadlines show.
type AgreementView struct {
	ID            string                     `json:"id"`
	Title         string                     `json:"title,omitempty"`
	Parties       []string                   `json:"parties"`
	Guarantors    []string                   `json:"guarantors"`
	Now           time.Time                  `json:"now"`
	InForce       *time.Time                 `json:"in_force"`
	Phases        []PhaseView                `json:"phases"`
	Provisions    []ProvisionView            `json:"provisions"`
	Consultations []engine.ConsultationState `json:"consultations"`
	Tranches      []TrancheView              `json:"tranches"`
	Snapback      *engine.SnapbackState      `json:"snapback"`
	// Hash is the SHA-256 of the engine's canonical state.
	Hash string `json:"state_hash"`
}

// PhaseView is a phase and its status.
type PhaseView struct {
	ID       string     `json:"id"`
	Title    string     `json:"title,omitempty"`
	Entry    string     `json:"entry,omitempty"`
	Status   string     `json:"status"`
	OpenedAt *time.Time `json:"opened_at"`
}

// ProvisionView is a provision and its status.
type ProvisionView struct {
	ID      string     `json:"id"`
	Text    string     `json:"text,omitempty"`
	Obliged []string   `json:"obliged,omitempty"`
	Status  string     `json:"status"`
	Due     *time.Time `json:"due"`
	DoneAt  *time.Time `json:"done_at"`
}

// TrancheView is a tranche of relief and its status.
type TrancheView struct {
	ID     string     `json:"id"`
	Text   string     `json:"text,omitempty"`
	Status string     `json:"status"`
	At     *time.Time `json:"at"`
}

// View joins the agreement's text to the engine's state, showing only the
// consultations the caller may read.
func view(a *agreement.Agreement, st *engine.State, visible func(engine.ConsultationState) bool) AgreementView {
	v := AgreementView{ID: a.ID, Title: a.Title, Parties: a.Parties, Guarantors: a.Guarantors(), Now: st.Now, InForce: st.InForce,
		Snapback: st.Snapback, Hash: st.Hash(), Phases: []PhaseView{}, Provisions: []ProvisionView{},
		Consultations: []engine.ConsultationState{}, Tranches: []TrancheView{}}
	for i, ps := range st.Phases {
		pv := PhaseView{ID: ps.ID, Status: ps.Status, OpenedAt: ps.OpenedAt}
		if i < len(a.Phases) && a.Phases[i].ID == ps.ID {
			pv.Title, pv.Entry = a.Phases[i].Title, a.Phases[i].Entry
		}
		v.Phases = append(v.Phases, pv)
	}
	for i, ps := range st.Provisions {
		pv := ProvisionView{ID: ps.ID, Status: ps.Status, Due: ps.Due, DoneAt: ps.DoneAt}
		if i < len(a.Provisions) && a.Provisions[i].ID == ps.ID {
			pv.Text, pv.Obliged = a.Provisions[i].Text, a.Provisions[i].Obliged
		}
		v.Provisions = append(v.Provisions, pv)
	}
	for i, ts := range st.Tranches {
		tv := TrancheView{ID: ts.ID, Status: ts.Status, At: ts.At}
		if a.Enforcement != nil && i < len(a.Enforcement.Tranches) {
			tv.Text = a.Enforcement.Tranches[i].Text
		}
		v.Tranches = append(v.Tranches, tv)
	}
	for _, c := range st.Consultations {
		if visible(c) {
			v.Consultations = append(v.Consultations, c)
		}
	}
	return v
}

// visibleTo says which consultations a caller may read: everyone reads
// closed ones (their findings are public); a notice still open is read by
// the party it went to, the guarantors and the mediators. A server
// without Auth shows everything.
func (s *Server) visibleTo(r *http.Request) func(engine.ConsultationState) bool {
	if s.Auth == nil {
		return func(engine.ConsultationState) bool { return true }
	}
	p, err := s.Auth.who(r)
	return func(c engine.ConsultationState) bool {
		if c.Stage == engine.StageClosed {
			return true
		}
		if err != nil {
			return false
		}
		return s.Auth.Policy.Allowed(p.Role, ledger.ReadOthersNotices, false) ||
			s.Auth.Policy.Allowed(p.Role, ledger.ReadOwnNotices, p.Actor == c.Party)
	}
}

func (s *Server) noAgreement(w http.ResponseWriter) bool {
	if s.Consequences == nil || s.Agreement == nil {
		writeError(w, http.StatusNotFound, accord.Errorf(accord.ENOTFOUND, "no agreement: the server runs without consultation or enforcement"))
		return true
	}
	return false
}

func (s *Server) getAgreement(w http.ResponseWriter, r *http.Request) {
	if s.noAgreement(w) {
		return
	}
	writeJSON(w, http.StatusOK, view(s.Agreement, s.Consequences.State(), s.visibleTo(r)))
}

func (s *Server) getConsultations(w http.ResponseWriter, r *http.Request) {
	if s.noAgreement(w) {
		return
	}
	v := view(s.Agreement, s.Consequences.State(), s.visibleTo(r))
	writeJSON(w, http.StatusOK, map[string]any{"consultations": v.Consultations})
}

// ResponseRequest is a party's answer to a notice.
type ResponseRequest struct {
	// Party is the answering party; with tokens, the caller (and may be
	// left out).
	Party    string `json:"party"`
	Answer   string `json:"answer"` // accept or dispute
	Evidence string `json:"evidence,omitempty"`
}

// FindingRequest is a guarantor's signature of a finding.
type FindingRequest struct {
	// Guarantor is the signer; with tokens, the caller (and may be left
	// out).
	Guarantor string `json:"guarantor"`
	Outcome   string `json:"outcome"` // upheld, dismissed or inconclusive
	Evidence  string `json:"evidence,omitempty"`
}

// ConsultationResult answers a response or a signature: the consultation
// as it now stands, what the engine derived, and the last ledger entry.
type ConsultationResult struct {
	Consultation engine.ConsultationState `json:"consultation"`
	Pending      []FindingSignature       `json:"pending_signatures,omitempty"`
	Derived      []engine.Derived         `json:"derived"`
	LastEntry    *int64                   `json:"last_entry,omitempty"`
}

// readBody decodes a small JSON body strictly: unknown fields and trailing
// data are errors.
func readBody(w http.ResponseWriter, r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		return accord.Errorf(accord.EINVALID, "Content-Type must be application/json, got %q", ct)
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return accord.Errorf(accord.EINVALID, "the body: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return accord.Errorf(accord.EINVALID, "the body: one JSON object expected, more follows")
	}
	return nil
}

// actor is who acts: the caller when tokens identify it (a different name
// in the body is refused), else the name the body gives.
func (s *Server) actor(r *http.Request, named, field string) (string, error) {
	if s.Auth != nil {
		p := principal(r)
		if named != "" && named != p.Actor {
			return "", accord.Errorf(accord.EFORBIDDEN, "%s may not act as %q", describe(p), named)
		}
		return p.Actor, nil
	}
	if named == "" {
		return "", accord.Errorf(accord.EINVALID, "the body needs %q: who acts", field)
	}
	return named, nil
}

func (s *Server) postResponse(w http.ResponseWriter, r *http.Request) {
	if s.noAgreement(w) {
		return
	}
	var req ResponseRequest
	if err := readBody(w, r, &req); err != nil {
		s.fail(w, status(err), err)
		return
	}
	party, err := s.actor(r, req.Party, "party")
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	id := r.PathValue("id")
	s.engineMu.Lock()
	if c, err := s.Consequences.Consultation(id); err == nil && s.Auth != nil && c.Party != party {
		s.engineMu.Unlock()
		s.fail(w, http.StatusForbidden, accord.Errorf(accord.EFORBIDDEN, "the notice of %s went to %s; %s may not answer it", id, c.Party, party))
		return
	}
	events, derived, err := s.Consequences.Respond(id, party, req.Answer, req.Evidence)
	if err != nil {
		s.engineMu.Unlock()
		s.fail(w, status(err), err)
		return
	}
	s.answerConsultation(w, id, nil, events, derived)
}

func (s *Server) postFinding(w http.ResponseWriter, r *http.Request) {
	if s.noAgreement(w) {
		return
	}
	var req FindingRequest
	if err := readBody(w, r, &req); err != nil {
		s.fail(w, status(err), err)
		return
	}
	g, err := s.actor(r, req.Guarantor, "guarantor")
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	id := r.PathValue("id")
	s.engineMu.Lock()
	sig, events, derived, err := s.Consequences.SignFinding(id, g, req.Outcome, req.Evidence)
	if err != nil {
		s.engineMu.Unlock()
		s.fail(w, status(err), err)
		return
	}
	s.answerConsultation(w, id, []ledger.Entry{ledgerEntry("finding_signature", mustJSON(&sig))}, events, derived)
}

// answerConsultation records what a response or a signature did and
// answers with the consultation as it now stands. The caller holds engineMu,
// which is handed over to ledgerMu and released.
func (s *Server) answerConsultation(w http.ResponseWriter, id string, entries []ledger.Entry, events []engine.Event, derived []engine.Derived) {
	res := ConsultationResult{Derived: derived, Pending: s.Consequences.Pending(id)}
	res.Consultation, _ = s.Consequences.Consultation(id)
	if res.Derived == nil {
		res.Derived = []engine.Derived{}
	}
	last, err := s.record(entries, nil, events, derived)
	if err != nil {
		s.fail(w, http.StatusInternalServerError, err)
		return
	}
	res.LastEntry = last
	writeJSON(w, http.StatusOK, res)
}

// record hands the caller's hold of the engine stage (engineMu) over to the
// ledger stage and appends the entries, the incidents, the engine's events and
// what it derived, in one durable batch (encoded there, out of the
// pipeline's way); it returns the last entry's index (nil without a ledger
// or entries). It releases both locks.
func (s *Server) record(entries []ledger.Entry, incidents []monitor.Incident, events []engine.Event, derived []engine.Derived) (*int64, error) {
	if s.Record == nil {
		s.engineMu.Unlock()
		return nil, nil
	}
	s.ledgerMu.Lock()
	s.engineMu.Unlock()
	defer s.ledgerMu.Unlock()
	for i := range incidents {
		entries = append(entries, ledgerEntry("incident", mustJSON(&incidents[i])))
	}
	for i := range events {
		entries = append(entries, ledgerEntry("event", mustJSON(&events[i])))
	}
	for i := range derived {
		entries = append(entries, ledgerEntry("agreement", mustJSON(&derived[i])))
	}
	return s.commit(entries)
}

// commit appends entries to the ledger in one durable batch and wakes the
// feed; it returns the last entry's index (nil when there was none). The
// caller holds ledgerMu.
func (s *Server) commit(entries []ledger.Entry) (*int64, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	seqs, err := s.Record.Ledger.AppendAll(entries)
	if err != nil {
		return nil, err
	}
	last := seqs[len(seqs)-1]
	if s.Feed != nil {
		s.Feed.Publish(last)
	}
	return &last, nil
}
