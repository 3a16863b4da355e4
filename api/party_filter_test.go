package api_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// A violation's party is the attribution its sources gave (attributed_to,
// any string): the listing shows a violation of "wagner", and the party
// filter must reach it. It answered 400 `no party "wagner" in the
// mission's agreements`, so those incidents could be found by no filter;
// a name neither the agreements nor any violation has is still refused.
func TestPartyFilterReachesEveryAttributedParty(t *testing.T) {
	srv, _ := newServer(t)
	body := strings.Replace(strings.Replace(line, "ID", "1", 1), `"attributed_to":"unknown"`, `"attributed_to":"wagner"`, 1) + "\n"
	code, out := post(t, srv.URL, "application/x-ndjson", body)
	if code != 200 || !strings.Contains(mustJSON(t, out), `"party":"wagner"`) {
		t.Fatalf("post: %d %v; want a violation attributed to wagner", code, out)
	}
	resp, b := get(t, srv.URL+"/v1/incidents?party=wagner")
	var page struct{ Incidents []struct{ ID string } }
	json.Unmarshal(b, &page)
	if resp.StatusCode != 200 || len(page.Incidents) != 1 || page.Incidents[0].ID != "inc-1" {
		t.Errorf("GET /v1/incidents?party=wagner: %d %.300s; want inc-1", resp.StatusCode, b)
	}
	resp, b = get(t, srv.URL+"/v1/incidents?party=wagnr")
	if resp.StatusCode != 400 || !strings.Contains(string(b), `party: no party \"wagnr\"`) {
		t.Errorf("GET /v1/incidents?party=wagnr: %d %.300s; want 400 naming the party", resp.StatusCode, b)
	}
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
