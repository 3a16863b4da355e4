package api

import (
	"context"
	"net/http"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/mission"
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
	// ConsultationsWithheld counts the consultations the caller may not
	// read (open notices to another party): the list is partial then,
	// and says so.
	ConsultationsWithheld int                   `json:"consultations_withheld,omitempty"`
	Tranches              []TrancheView         `json:"tranches"`
	Snapback              *engine.SnapbackState `json:"snapback"`
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
		} else {
			v.ConsultationsWithheld++
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
		return s.Auth.Policy.Allowed(p.Role, accord.ReadOthersNotices, false) ||
			s.Auth.Policy.Allowed(p.Role, accord.ReadOwnNotices, p.Actor == c.Party)
	}
}

// hasEngine reports whether the server runs an agreement engine, and
// writes ENOTFOUND when it does not.
func (s *Server) hasEngine(w http.ResponseWriter) bool {
	if s.Mission == nil || !s.Mission.HasEngine() {
		writeError(w, http.StatusNotFound, accord.Errorf(accord.ENOTFOUND, "no agreement: the server runs without consultation or enforcement"))
		return false
	}
	return true
}

// state is the agreement engine's state, or writes ENOTFOUND and returns
// nil when the server runs without one.
func (s *Server) state(w http.ResponseWriter) *engine.State {
	if !s.hasEngine(w) {
		return nil
	}
	st, err := s.Mission.State()
	if err != nil {
		writeError(w, status(err), err)
		return nil
	}
	return st
}

func (s *Server) getAgreement(w http.ResponseWriter, r *http.Request) {
	if !s.noParams(w, r, "GET /v1/agreement") {
		return
	}
	if st := s.state(w); st != nil {
		writeJSON(w, http.StatusOK, view(s.Mission.Agreement(), st, s.visibleTo(r)))
	}
}

// ConsultationView is a consultation and the agreement it runs under
// ("" for the main one).
type ConsultationView struct {
	engine.ConsultationState
	Agreement string `json:"agreement,omitempty"`
}

// getConsultations lists the consultations of every agreement the mission
// runs, the main one's first, as the caller may read them.
func (s *Server) getConsultations(w http.ResponseWriter, r *http.Request) {
	if !s.noParams(w, r, "GET /v1/consultations") {
		return
	}
	sts := s.states(w)
	if sts == nil {
		return
	}
	out := []ConsultationView{}
	withheld := 0
	for i, a := range s.Mission.Agreements() {
		ag := a.ID
		if i == 0 {
			ag = ""
		}
		v := view(a, sts[i], s.visibleTo(r))
		for _, c := range v.Consultations {
			out = append(out, ConsultationView{ConsultationState: c, Agreement: ag})
		}
		withheld += v.ConsultationsWithheld
	}
	// Withheld counts the open notices the caller may not read: the list
	// is partial then, and says so.
	body := map[string]any{"consultations": out}
	if withheld > 0 {
		body["withheld"] = withheld
	}
	writeJSON(w, http.StatusOK, body)
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

// ConsultationResult answers a response or a signature.
type ConsultationResult = mission.ConsultationResult

// MaxJSONBody is the limit of the JSON bodies of the consultation routes
// (responses and findings).
const MaxJSONBody = 64 << 10

// readBody decodes a small JSON body strictly: unknown fields and trailing
// data are errors.
func readBody(w http.ResponseWriter, r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		return accord.Errorf(accord.EINVALID, "Content-Type must be application/json, got %q", ct)
	}
	if _, err := decodeBody(w, r, MaxJSONBody, dst); err != nil {
		if isTooLarge(err) {
			return err
		}
		return &accord.Error{Code: accord.EINVALID, Message: "the body", Err: err}
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

// act runs a party's or a guarantor's action: it decodes the body, finds
// who acts (the caller with tokens, else the body's named field), runs
// do and answers with its result. Answers, findings and provisions done
// all go this one way.
func act[Req, Res any](s *Server, w http.ResponseWriter, r *http.Request, role string, who func(*Req) string,
	do func(ctx context.Context, actor string, req *Req) (Res, error)) {
	if s.state(w) == nil {
		return
	}
	var req Req
	if err := readBody(w, r, &req); err != nil {
		s.fail(w, status(err), err)
		return
	}
	actor, err := s.actor(r, who(&req), role)
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	res, err := do(r.Context(), actor, &req)
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) postResponse(w http.ResponseWriter, r *http.Request) {
	act(s, w, r, "party", func(q *ResponseRequest) string { return q.Party },
		func(ctx context.Context, party string, q *ResponseRequest) (ConsultationResult, error) {
			return s.Mission.Respond(ctx, r.PathValue("id"), party, q.Answer, q.Evidence, s.Auth != nil)
		})
}

func (s *Server) postFinding(w http.ResponseWriter, r *http.Request) {
	act(s, w, r, "guarantor", func(q *FindingRequest) string { return q.Guarantor },
		func(ctx context.Context, g string, q *FindingRequest) (ConsultationResult, error) {
			return s.Mission.SignFinding(ctx, r.PathValue("id"), g, q.Outcome, q.Evidence)
		})
}

// ProvisionRequest records a provision done by a party obliged to it.
type ProvisionRequest struct {
	// Party is the party that carried it out; with tokens, the caller (and
	// may be left out).
	Party string `json:"party"`
}

// ProvisionResult answers a provision recorded done.
type ProvisionResult = mission.ProvisionResult

func (s *Server) postProvisionDone(w http.ResponseWriter, r *http.Request) {
	act(s, w, r, "party", func(q *ProvisionRequest) string { return q.Party },
		func(ctx context.Context, party string, _ *ProvisionRequest) (ProvisionResult, error) {
			id := r.PathValue("id")
			if ag := r.PathValue("agreement"); ag != "" {
				id = ag + "/" + id
			}
			return s.Mission.ProvisionDone(ctx, id, party)
		})
}
