package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/monitor"
)

// POST /v1/provisions/{id}/done records a provision done by a party obliged
// to it, once the agreement is in force; the engine's state says so, and
// every refusal says why and changes nothing.
func TestProvisionDoneOverHTTP(t *testing.T) {
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "l"), &ledger.Registry{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	srv := httptest.NewServer(api.NewServer(newMission(t, monitor.NewMemStore(), l)).Handler())
	defer srv.Close()
	done := func(id, body string) (int, map[string]any) {
		t.Helper()
		return postTo(t, srv.URL+"/v1/provisions/"+id+"/done", "", "application/json", body)
	}
	if code, out := done("prisoner-exchange", `{"party":"ru"}`); code != 400 || !strings.Contains(out["message"].(string), "not in force") {
		t.Fatalf("before the signature: %d %v, want 400 not in force", code, out)
	}
	if code, out := post(t, srv.URL, "application/x-ndjson", strings.Replace(line, "ID", "1", 1)+"\n"); code != 200 {
		t.Fatalf("batch: %d %v", code, out)
	}
	tests := []struct {
		name, id, body string
		code           int
		msg            string
	}{
		{"no such provision", "peace-dividend", `{"party":"ru"}`, 404, `no provision "peace-dividend"`},
		{"no party", "prisoner-exchange", `{}`, 400, `the body needs "party"`},
		{"not obliged", "prisoner-exchange", `{"party":"us"}`, 400, `"us" is not obliged to provision prisoner-exchange ([ua ru])`},
		{"unknown field", "prisoner-exchange", `{"party":"ru","when":"now"}`, 400, "unknown field"},
		{"done", "prisoner-exchange", `{"party":"ru"}`, 200, ""},
		{"done twice", "prisoner-exchange", `{"party":"ua"}`, 400, "provision prisoner-exchange is done already"},
	}
	for _, tt := range tests {
		code, out := done(tt.id, tt.body)
		if code != tt.code {
			t.Errorf("%s: %d %v, want %d", tt.name, code, out, tt.code)
			continue
		}
		if tt.code != 200 {
			if msg, _ := out["message"].(string); !strings.Contains(msg, tt.msg) {
				t.Errorf("%s: %q, want %q in it", tt.name, msg, tt.msg)
			}
			continue
		}
		p, _ := out["provision"].(map[string]any)
		derived, _ := out["derived"].([]any)
		if p["status"] != "done" || p["done_at"] == nil || len(derived) != 1 || !strings.Contains(derived[0].(map[string]any)["what"].(string), "provision prisoner-exchange done") || out["last_entry"] == nil {
			t.Errorf("%s: %v, want the provision done, derived and recorded", tt.name, out)
		}
	}
	resp, err := http.Get(srv.URL + "/v1/agreement")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct {
		Provisions []struct{ ID, Status string }
	}
	json.NewDecoder(resp.Body).Decode(&v)
	for _, p := range v.Provisions {
		if want := map[bool]string{true: "done", false: "pending"}[p.ID == "prisoner-exchange"]; p.Status != want {
			t.Errorf("GET /v1/agreement: provision %s %s, want %s", p.ID, p.Status, want)
		}
	}
}
