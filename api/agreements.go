package api

import (
	"net/http"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/engine"
)

// AgreementsView lists every agreement the mission runs on its record, the
// main one first, each as GET /v1/agreement shows the main one.
type AgreementsView struct {
	Agreements []AgreementView `json:"agreements"`
}

// getAgreements answers GET /v1/agreements: every agreement the mission
// runs side by side, where each stands.
func (s *Server) getAgreements(w http.ResponseWriter, r *http.Request) {
	if !s.noParams(w, r, "GET /v1/agreements") {
		return
	}
	sts := s.states(w)
	if sts == nil {
		return
	}
	v := AgreementsView{Agreements: []AgreementView{}}
	for i, a := range s.Mission.Agreements() {
		v.Agreements = append(v.Agreements, view(a, sts[i], s.visibleTo(r)))
	}
	writeJSON(w, http.StatusOK, v)
}

// getAgreementByID answers GET /v1/agreements/{id}: one agreement of the
// mission and where it stands; 404 naming the agreements run when the id
// is none of them.
func (s *Server) getAgreementByID(w http.ResponseWriter, r *http.Request) {
	if !s.noParams(w, r, "GET /v1/agreements/{id}") {
		return
	}
	sts := s.states(w)
	if sts == nil {
		return
	}
	id := r.PathValue("id")
	var ids []string
	for i, a := range s.Mission.Agreements() {
		if a.ID == id {
			writeJSON(w, http.StatusOK, view(a, sts[i], s.visibleTo(r)))
			return
		}
		ids = append(ids, a.ID)
	}
	writeError(w, http.StatusNotFound, accord.Errorf(accord.ENOTFOUND, "no agreement %.80q on this record (it runs %v)", id, ids))
}

// states are the states of every agreement the mission runs, the main one
// first; or it writes ENOTFOUND (no engine) or the error and returns nil.
func (s *Server) states(w http.ResponseWriter) []*engine.State {
	if !s.hasEngine(w) {
		return nil
	}
	sts, err := s.Mission.States()
	if err != nil {
		writeError(w, status(err), err)
		return nil
	}
	return sts
}
