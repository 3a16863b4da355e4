package api

import (
	"net/http"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/reconstruction"
)

// The reconstruction registry (package funding): everyone, the public
// included, reads the totals and the exports; a funder (a party or a
// guarantor, action Fund) registers its own funds and commits and
// disburses its own money only; a mediator (action RegisterProject)
// registers and updates projects. The writing routes need tokens: on an
// open server they answer 403. A refusal by the registry's rules is
// recorded and answered 400 with the reason.

// reconstructionRoutes registers the registry's routes.
func (s *Server) reconstructionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/reconstruction", s.getReconstruction)
	mux.HandleFunc("GET /v1/reconstruction/export", s.getReconstructionExport)
	mux.HandleFunc("POST /v1/reconstruction/funds", s.funder(accord.Fund, s.postFund))
	mux.HandleFunc("POST /v1/reconstruction/projects", s.funder(accord.RegisterProject, s.postProject))
	mux.HandleFunc("POST /v1/reconstruction/commitments", s.funder(accord.Fund, s.postCommitment))
	mux.HandleFunc("POST /v1/reconstruction/disbursements", s.funder(accord.Fund, s.postDisbursement))
}

// funder checks who calls a writing route of the registry: a token is
// needed, of a role the policy lets take the action (the object's
// ownership is the registry's to check).
func (s *Server) funder(action string, next func(http.ResponseWriter, *http.Request, Principal)) http.HandlerFunc {
	return s.tokened("the reconstruction registry takes money and projects only from callers its tokens identify (serve --tokens)",
		"the reconstruction registry's writes need a token", action,
		func(role string) bool { return s.Auth.Policy.Allowed(role, action, true) }, next)
}

func (s *Server) getReconstruction(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.Funding.Totals())
}

func (s *Server) getReconstructionExport(w http.ResponseWriter, r *http.Request) {
	b, ctype, err := s.Funding.Export(r.URL.Query().Get("format"))
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Write(b)
}

func (s *Server) postFund(w http.ResponseWriter, r *http.Request, p Principal) {
	var f reconstruction.Fund
	if err := readBody(w, r, &f); err != nil {
		s.fail(w, status(err), err)
		return
	}
	res, err := s.Funding.RegisterFund(p.Actor, f)
	s.answerFunding(w, res, err)
}

func (s *Server) postProject(w http.ResponseWriter, r *http.Request, p Principal) {
	var x reconstruction.Project
	if err := readBody(w, r, &x); err != nil {
		s.fail(w, status(err), err)
		return
	}
	res, err := s.Funding.RegisterProject(x)
	s.answerFunding(w, res, err)
}

func (s *Server) postCommitment(w http.ResponseWriter, r *http.Request, p Principal) {
	var c reconstruction.Commitment
	if err := readBody(w, r, &c); err != nil {
		s.fail(w, status(err), err)
		return
	}
	res, err := s.Funding.Commit(p.Actor, c)
	s.answerFunding(w, res, err)
}

// DisbursementRequest asks for money of a commitment to be paid out; the
// server dates it and decides it on the agreement's state now.
type DisbursementRequest struct {
	ID         string               `json:"id"`
	Commitment string               `json:"commitment"`
	Amount     reconstruction.Money `json:"amount"`
}

func (s *Server) postDisbursement(w http.ResponseWriter, r *http.Request, p Principal) {
	var d DisbursementRequest
	if err := readBody(w, r, &d); err != nil {
		s.fail(w, status(err), err)
		return
	}
	res, err := s.Funding.Disburse(p.Actor, reconstruction.Disbursement{ID: d.ID, Commitment: d.Commitment, Amount: d.Amount})
	s.answerFunding(w, res, err)
}

func (s *Server) answerFunding(w http.ResponseWriter, res any, err error) {
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	writeJSON(w, http.StatusCreated, res)
}
