package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/monitor"
)

// Requests no route takes are answered with a JSON error like every other:
// 404 for an unknown path, 405 with Allow for another method.
func TestNoRouteAnswersJSON(t *testing.T) {
	srv, _ := newServer(t)
	tests := []struct {
		method, path string
		code         int
		errCode      string
		allow        string
		msg          string
	}{
		{"GET", "/nope", 404, "not_found", "", "GET /nope: no such route"},
		{"GET", "/v1/incidentz", 404, "not_found", "", "no such route"},
		{"POST", "/v2/observations", 404, "not_found", "", "no such route"},
		{"DELETE", "/v1/incidents", 405, api.CodeMethodNotAllowed, "GET, HEAD", "DELETE /v1/incidents: the method is not allowed"},
		{"GET", "/v1/observations", 405, api.CodeMethodNotAllowed, "POST", "it takes POST"},
		{"PUT", "/v1/consultations/c1/response", 405, api.CodeMethodNotAllowed, "POST", "not allowed"},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader("{}"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e api.ErrorBody
		if resp.StatusCode != tt.code || resp.Header.Get("Content-Type") != "application/json" || json.Unmarshal(b, &e) != nil {
			t.Errorf("%s %s: %d %s %s, want %d JSON", tt.method, tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), b, tt.code)
			continue
		}
		if e.Code != tt.errCode || !strings.Contains(e.Message, tt.msg) || resp.Header.Get("Allow") != tt.allow {
			t.Errorf("%s %s: %+v Allow %q; want code %s, %q in the message, Allow %q", tt.method, tt.path, e, resp.Header.Get("Allow"), tt.errCode, tt.msg, tt.allow)
		}
	}
}

// A Last-Event-ID that is no entry index is a 400 that says why, never an
// internal error.
func TestFeedBadLastEventID(t *testing.T) {
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "l"), &ledger.Registry{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s := api.NewServer(newMission(t, monitor.NewMemStore(), l))
	s.Feed = &api.Feed{Ledger: l}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	for _, id := range []string{"abc", "-2", "1.5", "99999999999999999999"} {
		req, _ := http.NewRequest("GET", srv.URL+"/v1/feed", nil)
		req.Header.Set("Last-Event-ID", id)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e api.ErrorBody
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != 400 || e.Code != "invalid" || !strings.Contains(e.Message, "is not an entry index") {
			t.Errorf("Last-Event-ID %q: %d %+v, want 400 invalid with the reason", id, resp.StatusCode, e)
		}
	}
}
