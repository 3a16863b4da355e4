package api

import (
	"net/http"

	"github.com/accord-peace/accord"
)

// AgreementsView lists every agreement the mission runs on its record, the
// main one first, each as GET /v1/agreement shows the main one.
type AgreementsView struct {
	Agreements []AgreementView `json:"agreements"`
}

// getAgreements answers GET /v1/agreements: every agreement the mission
// runs side by side, where each stands.
func (s *Server) getAgreements(w http.ResponseWriter, r *http.Request) {
	if s.state(w) == nil {
		return
	}
	sts, err := s.Mission.States()
	if err != nil {
		writeError(w, status(err), err)
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
	if s.state(w) == nil {
		return
	}
	sts, err := s.Mission.States()
	if err != nil {
		writeError(w, status(err), err)
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
