package api

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/monitor"
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

// incidentQuery reads an incident listing's query (ParseIncidentQuery)
// and refuses names the mission does not know (checkNames).
func (s *Server) incidentQuery(ctx context.Context, v url.Values) (monitor.IncidentQuery, error) {
	q, err := ParseIncidentQuery(v)
	if err != nil {
		return q, err
	}
	return q, s.checkNames(ctx, q.Filter)
}

// checkNames refuses a filter naming a zone or a party no agreement of the
// mission has: a misspelt name would otherwise answer an empty listing that
// reads as "no such incident". Since after until is refused likewise. A
// violation's party is the attribution its sources gave, any name: a party
// no agreement has is taken when a stored incident has a violation
// attributed to it.
func (s *Server) checkNames(ctx context.Context, f IncidentFilter) error {
	if !f.Since.IsZero() && !f.Until.IsZero() && f.Since.After(f.Until) {
		return accord.Errorf(accord.EINVALID, "since %s is after until %s: no incident can match", f.Since.Format(time.RFC3339), f.Until.Format(time.RFC3339))
	}
	if f.Zone == "" && f.Party == "" {
		return nil
	}
	var zones, parties []string
	for _, a := range s.Mission.Agreements() {
		parties = append(parties, a.Parties...)
		if m := a.Monitoring; m != nil && m.Geometry != nil {
			for _, z := range m.Geometry.Zones {
				zones = append(zones, z.ID)
			}
		}
	}
	if f.Zone != "" && !slices.Contains(zones, f.Zone) {
		return accord.Errorf(accord.EINVALID, "zone: no zone %q in the mission's agreements (want one of %s)", f.Zone, strings.Join(sortedSet(zones), ", "))
	}
	if f.Party != "" && !slices.Contains(parties, f.Party) {
		p, err := s.Mission.Incidents(ctx, monitor.IncidentQuery{Filter: IncidentFilter{Party: f.Party}, Limit: 1})
		if err != nil {
			return err
		}
		if len(p.Incidents) > 0 {
			return nil
		}
		return accord.Errorf(accord.EINVALID, "party: no party %q in the mission's agreements (want one of %s), nor a violation attributed to it", f.Party, strings.Join(sortedSet(parties), ", "))
	}
	return nil
}

// sortedSet is xs sorted, each once.
func sortedSet(xs []string) []string {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	return slices.Compact(xs)
}
