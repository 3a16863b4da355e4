package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/funding"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/reconstruction"
)

// The reconstruction registry (package funding): everyone, the public
// included, reads the totals and the exports; a funder (a party or a
// guarantor, action Fund) registers its own funds and commits and
// disburses its own money only; a mediator (action RegisterProject)
// registers and updates projects. The writing routes need tokens: on an
// open server they answer 403. A refusal by the registry's rules is
// recorded and answered 400 with the reason. A guarantor of the
// agreement (action SignFinding) confirms the disbursements of the
// commitments that name it in confirm_by.
//
// A write may be a signed submission of its author: the body as it is,
// with the Accord-Author, Accord-Id and Accord-Signature headers, the
// signature being ledger.Sign's over the compact body with the type
// funding.Submission*. When the agreement registers authors' keys
// (RequireSigned) every fund, commitment, disbursement and confirmation
// must be one: unsigned is 401, signed by another or with a signature
// that does not verify is 403, and nothing is recorded.

// reconstructionRoutes registers the registry's routes.
func (s *Server) reconstructionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/reconstruction", s.getReconstruction)
	mux.HandleFunc("GET /v1/reconstruction/export", s.getReconstructionExport)
	mux.HandleFunc("GET /v1/reconstruction/series", s.getReconstructionSeries)
	mux.HandleFunc("POST /v1/reconstruction/funds", s.funder(accord.Fund, s.postFund))
	mux.HandleFunc("POST /v1/reconstruction/projects", s.funder(accord.RegisterProject, s.postProject))
	mux.HandleFunc("POST /v1/reconstruction/commitments", s.funder(accord.Fund, s.postCommitment))
	mux.HandleFunc("POST /v1/reconstruction/disbursements", s.funder(accord.Fund, s.postDisbursement))
	mux.HandleFunc("POST /v1/reconstruction/confirmations", s.funder(accord.SignFinding, s.postConfirmation))
}

// readSigned reads a registry write's body into dst and who sends it: the
// caller, with the signed submission its headers carry (type typ), if any.
func readSigned(w http.ResponseWriter, r *http.Request, p Principal, typ string, dst any) (funding.Caller, error) {
	by := funding.By(p.Actor)
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxJSONBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return by, tooLarge(r, mbe.Limit)
		}
		return by, &accord.Error{Code: accord.EINVALID, Message: "the body", Err: err}
	}
	r.Body = io.NopCloser(bytes.NewReader(raw))
	if err := readBody(w, r, dst); err != nil {
		return by, err
	}
	author, id, sig := r.Header.Get(HeaderAuthor), r.Header.Get(HeaderID), r.Header.Get(HeaderSignature)
	if author == "" && id == "" && sig == "" {
		return by, nil
	}
	if author == "" || id == "" || sig == "" {
		return by, accord.Errorf(accord.EINVALID, "a signed submission needs all of %s, %s and %s (nothing recorded)", HeaderAuthor, HeaderID, HeaderSignature)
	}
	if p, ok := accord.RepeatedKey(raw); ok {
		return by, accord.Errorf(accord.EINVALID, "the signed body: %s: %s; give it once (nothing recorded)", p, accord.RepeatedKeyReason)
	}
	var c bytes.Buffer
	if err := json.Compact(&c, raw); err != nil {
		return by, accord.Errorf(accord.EINVALID, "the body: %v", err)
	}
	by.Submission = &ledger.Submission{Author: author, ID: id, Type: typ, Body: c.Bytes(), Sig: sig}
	return by, nil
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

// getReconstructionSeries is the money over time: committed and disbursed
// to date per currency at every commitment and disbursement.
func (s *Server) getReconstructionSeries(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"series": s.Funding.Series()})
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
	by, err := readSigned(w, r, p, funding.SubmissionFund, &f)
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	res, err := s.Funding.RegisterFund(by, f)
	s.answerFunding(w, res, err)
}

func (s *Server) postProject(w http.ResponseWriter, r *http.Request, p Principal) {
	var x reconstruction.Project
	by, err := readSigned(w, r, p, funding.SubmissionProject, &x)
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	res, err := s.Funding.RegisterProject(by, x)
	s.answerFunding(w, res, err)
}

func (s *Server) postCommitment(w http.ResponseWriter, r *http.Request, p Principal) {
	var c reconstruction.Commitment
	by, err := readSigned(w, r, p, funding.SubmissionCommitment, &c)
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	res, err := s.Funding.Commit(by, c)
	s.answerFunding(w, res, err)
}

// DisbursementRequest asks for money of a commitment to be paid out; the
// server dates it and decides it on the agreement's state now.
type DisbursementRequest = funding.DisbursementRequest

func (s *Server) postDisbursement(w http.ResponseWriter, r *http.Request, p Principal) {
	var d DisbursementRequest
	by, err := readSigned(w, r, p, funding.SubmissionDisbursement, &d)
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	res, err := s.Funding.Disburse(by, reconstruction.Disbursement{ID: d.ID, Commitment: d.Commitment, Amount: d.Amount})
	s.answerFunding(w, res, err)
}

func (s *Server) postConfirmation(w http.ResponseWriter, r *http.Request, p Principal) {
	var x funding.ConfirmationRequest
	by, err := readSigned(w, r, p, funding.SubmissionConfirmation, &x)
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	res, err := s.Funding.Confirm(by, x)
	s.answerFunding(w, res, err)
}

func (s *Server) answerFunding(w http.ResponseWriter, res any, err error) {
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	writeJSON(w, http.StatusCreated, res)
}
