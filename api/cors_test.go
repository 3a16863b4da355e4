package api_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/monitor"
)

func TestCheckOrigin(t *testing.T) {
	for _, tt := range []struct {
		origin string
		ok     bool
	}{
		{"*", true},
		{"https://dash.example.org", true},
		{"http://127.0.0.1:5173", true},
		{"https://dash.example.org/", false},
		{"https://dash.example.org/path", false},
		{"dash.example.org", false},
		{"ftp://dash.example.org", false},
		{"HTTPS://dash.example.org", false},
		{"", false},
	} {
		if err := api.CheckOrigin(tt.origin); (err == nil) != tt.ok {
			t.Errorf("CheckOrigin(%q) = %v, want ok %v", tt.origin, err, tt.ok)
		}
	}
}

// Cross-origin requests and preflights, on a real loopback server.
func TestCORS(t *testing.T) {
	s := api.NewServer(newMission(t, monitor.NewMemStore(), nil))
	s.CORS = &api.CORS{Origins: []string{"https://dash.example.org"}}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	open := api.NewServer(newMission(t, monitor.NewMemStore(), nil))
	openSrv := httptest.NewServer(open.Handler())
	defer openSrv.Close()
	tests := []struct {
		name, url, method, origin, reqMethod string
		code                                 int
		allowOrigin, allowMethods            string
	}{
		{"allowed origin", srv.URL + "/v1/incidents", "GET", "https://dash.example.org", "", 200, "https://dash.example.org", ""},
		{"other origin: no header", srv.URL + "/v1/incidents", "GET", "https://evil.example", "", 200, "", ""},
		{"no origin", srv.URL + "/v1/incidents", "GET", "", "", 200, "", ""},
		{"preflight", srv.URL + "/v1/observations", "OPTIONS", "https://dash.example.org", "POST", 204, "https://dash.example.org", "GET, POST, OPTIONS"},
		{"preflight from another origin", srv.URL + "/v1/observations", "OPTIONS", "https://evil.example", "POST", 403, "", ""},
		{"no CORS configured: no header", openSrv.URL + "/v1/incidents", "GET", "https://dash.example.org", "", 200, "", ""},
		{"no CORS configured: preflight refused", openSrv.URL + "/v1/observations", "OPTIONS", "https://dash.example.org", "POST", 405, "", ""},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, tt.url, nil)
		if tt.origin != "" {
			req.Header.Set("Origin", tt.origin)
		}
		if tt.reqMethod != "" {
			req.Header.Set("Access-Control-Request-Method", tt.reqMethod)
			req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.code || resp.Header.Get("Access-Control-Allow-Origin") != tt.allowOrigin || resp.Header.Get("Access-Control-Allow-Methods") != tt.allowMethods {
			t.Errorf("%s: %d, Allow-Origin %q, Allow-Methods %q; want %d, %q, %q", tt.name, resp.StatusCode,
				resp.Header.Get("Access-Control-Allow-Origin"), resp.Header.Get("Access-Control-Allow-Methods"), tt.code, tt.allowOrigin, tt.allowMethods)
		}
		if tt.code == 204 && resp.Header.Get("Access-Control-Allow-Headers") == "" {
			t.Errorf("%s: no Access-Control-Allow-Headers", tt.name)
		}
	}
}
