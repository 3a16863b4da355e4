package api

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/accord-peace/accord"
)

// strictQuery refuses, before any route sees it, a request whose query
// string the routes would read otherwise than it was written: a pair that
// does not decode (a bare %, a ; as separator), which url.Values silently
// drops, so that a filter would be ignored and the answer unfiltered; or a
// parameter given twice, of which the routes read the first. No route
// takes a parameter more than once (a list is comma-separated).
func strictQuery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := checkQuery(r.URL.RawQuery); err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkQuery is strictQuery's test of a raw query string.
func checkQuery(raw string) error {
	if raw == "" {
		return nil
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return accord.Errorf(accord.EINVALID, "the query string %.200q cannot be read: %v; nothing was done (separate parameters with &, write %% as %%25 and ; as %%3B)", raw, err)
	}
	var twice []string
	for k, vs := range q {
		if len(vs) > 1 {
			twice = append(twice, k)
		}
	}
	if len(twice) > 0 {
		slices.Sort(twice)
		return accord.Errorf(accord.EINVALID, "%s: given more than once; give each parameter once (a list of values is comma-separated); nothing was done", strings.Join(twice, ", "))
	}
	return nil
}

// noParams refuses a request to a route that takes no query parameter
// when it gives one (what names the route in the message), so that a
// client does not take the whole answer for a filtered one. It reports
// whether the request may go on.
func (s *Server) noParams(w http.ResponseWriter, r *http.Request, what string) bool {
	for k := range r.URL.Query() {
		s.fail(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, "unknown parameter %q (%s takes none: it answers whole)", k, what))
		return false
	}
	return true
}
