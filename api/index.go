package api

import (
	_ "embed"
	"net/http"
)

//go:embed index.html
var indexHTML []byte

// index serves the live page: incidents as they are confirmed, from the
// feed, with no resource from outside the binary.
func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(indexHTML)
}
