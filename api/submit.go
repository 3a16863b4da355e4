package api

import (
	"net/http"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
)

// maxSubmission bounds a signed submission's JSON (a response or a
// finding: a few kilobytes of evidence at most).
const maxSubmission = 1 << 20

// postSubmission takes a signed response, finding or provision done for
// the record: the mission checks its signature, acts on it and records it
// with what it caused (answering with the consultation, or the provision,
// as it now stands), or records its refusal.
func (s *Server) postSubmission(w http.ResponseWriter, r *http.Request) {
	var sub ledger.Submission
	if _, err := decodeBody(w, r, maxSubmission, &sub); err != nil {
		if isTooLarge(err) {
			s.fail(w, http.StatusRequestEntityTooLarge, accord.Errorf(accord.EINVALID, "a submission is at most %d bytes", maxSubmission))
			return
		}
		s.fail(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, "not a submission {author, id, type, body, sig}: %v", err))
		return
	}
	if s.Auth != nil {
		p := principal(r)
		action := map[string]string{accord.SubmissionResponse: accord.SubmitResponse, accord.SubmissionFinding: accord.SignFinding,
			accord.SubmissionProvision: accord.RecordProvision, accord.SubmissionExchange: accord.SubmitExchange}[sub.Type]
		switch {
		case p.Actor == "":
			s.fail(w, http.StatusUnauthorized, accord.Errorf(accord.EUNAUTHORIZED, "submissions need a token"))
			return
		case p.Actor != sub.Author:
			s.fail(w, http.StatusForbidden, accord.Errorf(accord.EFORBIDDEN, "%s may not submit for %q", p.Actor, sub.Author))
			return
		case action != "" && !s.Auth.Policy.Allowed(p.Role, action, true):
			s.fail(w, http.StatusForbidden, accord.Errorf(accord.EFORBIDDEN, "the %s role may not submit %q", p.Role, sub.Type))
			return
		}
	}
	var res any
	var err error
	if sub.Type == accord.SubmissionProvision {
		res, err = s.Mission.SubmitProvision(r.Context(), sub)
	} else {
		res, err = s.Mission.Submit(r.Context(), sub)
	}
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
