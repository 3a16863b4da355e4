package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/accord-peace/accord/api"
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
