package api

import (
	_ "embed"
	"net/http"
)

//go:embed index.html
var indexHTML []byte

//go:embed negotiation.html
var negotiationHTML []byte

// index serves the live page: incidents as they are confirmed, from the
// feed, with no resource from outside the binary.
func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(indexHTML)
}

// negotiationPage serves the negotiation's page: it asks for a token
// (kept in the tab's sessionStorage), then shows what the routes of
// negotiation.go give that token: the mediator's view or a party's own.
// The page holds no data; its script is web/negotiation.js.
func (s *Server) negotiationPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(negotiationHTML)
}
