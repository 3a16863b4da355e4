package api

import (
	"net/http"
)

// GET /v1/corridor: the maritime corridor of an agreement on the record
// (the grain corridor's: docs/monitoring.md, **The grain corridor and its
// vessels**): the voyages completed and the tonnes carried per UTC day,
// their totals, and every vessel seen with its current state
// (mission.Corridor), complete, in one answer. 404 when no agreement on
// the record has a corridor section. It takes no parameter.
func (s *Server) getCorridor(w http.ResponseWriter, r *http.Request) {
	if !s.noParams(w, r, "the corridor") {
		return
	}
	c, err := s.Mission.Corridor()
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}
