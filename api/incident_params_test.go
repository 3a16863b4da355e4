package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/accord-peace/accord/api"
)

// GET /v1/incidents/{id} takes no query parameter: one given is a 400
// that names it, not ignored. ?format=csv, as the listing takes it,
// answered the incident's JSON with 200, read as the export.
func TestIncidentRefusesParameters(t *testing.T) {
	srv, _ := newServer(t)
	if code, out := post(t, srv.URL, "application/x-ndjson", strings.Replace(line, "ID", "1", 1)+"\n"); code != 200 {
		t.Fatalf("post: %d %v", code, out)
	}
	for _, q := range []string{"format=csv", "format=geojson", "state=dismissed"} {
		resp, err := http.Get(srv.URL + "/v1/incidents/inc-1?" + q)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e api.ErrorBody
		json.Unmarshal(b, &e)
		name := q[:strings.Index(q, "=")]
		if resp.StatusCode != 400 || e.Code != "invalid" || !strings.Contains(e.Message, `"`+name+`"`) {
			t.Errorf("GET /v1/incidents/inc-1?%s: %d %.200s; want 400 invalid naming %q", q, resp.StatusCode, b, name)
		}
	}
	if resp, _ := get(t, srv.URL+"/v1/incidents/inc-1"); resp.StatusCode != 200 {
		t.Errorf("GET /v1/incidents/inc-1: %d", resp.StatusCode)
	}
}
