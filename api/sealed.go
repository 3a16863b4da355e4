package api

import (
	"net/http"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/engine"
)

// getSealed serves the content of a sealed entry of the record, with its
// salt, so that the reader checks it against the seal: to those who may
// read the notice of the consultation it concerns while that is open, to
// everyone once it is closed (mission/sealed.go).
func (s *Server) getSealed(w http.ResponseWriter, r *http.Request) {
	x, c, err := s.Mission.Sealed(r.Context(), r.PathValue("sha256"))
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	if c.Stage != engine.StageClosed && !s.visibleTo(r)(c) {
		p := Principal{Role: accord.RolePublic}
		if s.Auth != nil {
			p, _ = s.Auth.who(r)
		}
		code, e := http.StatusForbidden, accord.Errorf(accord.EFORBIDDEN, "%s may not read what concerns consultation %s while it is open (stage %s); the public reads it once it is closed", describe(p), c.ID, c.Stage)
		if p.Actor == "" {
			code, e.Code = http.StatusUnauthorized, accord.EUNAUTHORIZED
		}
		s.fail(w, code, e)
		return
	}
	writeJSON(w, http.StatusOK, x)
}
