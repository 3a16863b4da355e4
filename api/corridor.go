package api

import (
	"net/http"

	"github.com/accord-peace/accord"
)

// GET /v1/corridor: the maritime corridor of an agreement on the record
// (the grain corridor's: docs/monitoring.md, **The grain corridor and its
// vessels**): the voyages completed and the tonnes carried per UTC day,
// their totals, and every vessel seen with its current state
// (mission.Corridor), complete, in one answer. 404 when no agreement on
// the record has a corridor section. It takes no parameter.
func (s *Server) getCorridor(w http.ResponseWriter, r *http.Request) {
	for k := range r.URL.Query() {
		s.fail(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, "unknown parameter %q (the corridor takes none)", k))
		return
	}
	c, err := s.Mission.Corridor()
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}
