package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/monitor"
)

// A query the routes would read otherwise than it was written — a pair
// that does not decode (url.Values drops it: the filter would be ignored,
// the answer unfiltered), a parameter given twice (the routes read the
// first), a bbox of NaN (it passed the range check and matched
// everything), a parameter to a route that takes none — is a 400 that
// says why, not a 200 that looks filtered.
func TestQueryReadAsWritten(t *testing.T) {
	s := api.NewServer(newMission(t, monitor.NewMemStore(), nil))
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	for _, tt := range []struct {
		query, want string
	}{
		{"/v1/incidents?limit=10&state=disputed%", "cannot be read"},
		{"/v1/incidents?closed=true%", "cannot be read"},
		{"/v1/incidents?limit=5;state=bogus", "cannot be read"},
		{"/v1/ledger?from=%zz", "cannot be read"},
		{"/v1/incidents?state=confirmed&state=bogus", "state: given more than once"},
		{"/v1/incidents?zone=a&zone=b", "zone: given more than once"},
		{"/v1/proofs/inclusion?index=1&size=5&index=9", "index: given more than once"},
		{"/v1/incidents?bbox=NaN,NaN,NaN,NaN", `bbox: "NaN" is not a finite number`},
		{"/v1/incidents?bbox=-Inf,-90,180,90", `bbox: "-Inf" is not a finite number`},
		{"/v1/consultations?limit=-5", `unknown parameter "limit" (GET /v1/consultations takes none`},
		{"/v1/agreement?x=1", `unknown parameter "x"`},
		{"/v1/agreements?x=1", `unknown parameter "x"`},
		// A name no agreement has: an empty listing would read as "none".
		{"/v1/incidents?zone=nope", `zone: no zone "nope" in the mission's agreements (want one of `},
		{"/v1/incidents?party=zz", `party: no party "zz" in the mission's agreements (want one of `},
		{"/v1/incidents?format=csv&zone=nope", `zone: no zone "nope"`},
		{"/v1/incidents?since=2025-06-02T00:00:00Z&until=2025-06-01T00:00:00Z", "since 2025-06-02T00:00:00Z is after until 2025-06-01T00:00:00Z"},
		// Instants are read as observations' are (accord.ParseInstant).
		{"/v1/incidents?since=2025-06-01T04:25:13,5Z", `since: want an RFC 3339 instant`},
		{"/v1/incidents?until=2025-06-01T04:25:13%2B24:00", `until: want an RFC 3339 instant`},
	} {
		resp, err := http.Get(srv.URL + tt.query)
		if err != nil {
			t.Fatal(err)
		}
		var e api.ErrorBody
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != 400 || e.Code != "invalid" || !strings.Contains(e.Message, tt.want) {
			t.Errorf("GET %s: %d %+v, want 400 invalid saying %q", tt.query, resp.StatusCode, e, tt.want)
		}
	}
	// What the rules allow still passes.
	a := s.Mission.Agreement()
	zone := a.Monitoring.Geometry.Zones[0].ID
	for _, q := range []string{"/v1/incidents?zone=" + zone + "&party=" + a.Parties[0], "/v1/incidents?state=confirmed,disputed&limit=5", "/v1/incidents?bbox=30,40,40,50", "/v1/consultations", "/v1/incidents?state=confirmed%2Cdisputed",
		"/v1/incidents?since=2025-06-01t04:10:00z", "/v1/incidents?until=2016-12-31T23:59:60Z"} {
		resp, err := http.Get(srv.URL + q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d, want 200", q, resp.StatusCode)
		}
	}
}
