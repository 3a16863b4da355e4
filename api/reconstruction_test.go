package api_test

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/funding"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/monitor"
)

// The registry's writes need tokens of the roles that may take them; its
// reads are everyone's.
func TestReconstructionRoutesAccess(t *testing.T) {
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "l"), &ledger.Registry{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s := api.NewServer(newMission(t, monitor.NewMemStore(), l))
	if s.Funding, err = funding.Open(t.Context(), funding.Config{Ledger: l}); err != nil {
		t.Fatal(err)
	}
	open := httptest.NewServer(s.Handler())
	defer open.Close()
	do := func(url, method, path, token, body string) int {
		req, _ := http.NewRequest(method, url+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	const fund = `{"id":"f","source":"pledge","amount":{"amount":100,"currency":"EUR"}}`
	const project = `{"id":"p","sector":"energy","oblast":"odeska","cost":{"amount":100,"currency":"EUR"},"implementer":"x"}`
	if c := do(open.URL, "POST", "/v1/reconstruction/funds", "", fund); c != 403 {
		t.Errorf("an open server took a fund: %d", c)
	}
	if c := do(open.URL, "GET", "/v1/reconstruction", "", ""); c != 200 {
		t.Errorf("totals on an open server: %d", c)
	}
	// No project yet: each standard's export has nothing to hold, which
	// is said (404), not a server error.
	for _, format := range []string{"ocds", "iati"} {
		if c := do(open.URL, "GET", "/v1/reconstruction/export?format="+format, "", ""); c != 404 {
			t.Errorf("the %s export of an empty registry: %d, want 404", format, c)
		}
	}
	s.Auth = &api.Auth{Tokens: map[string]api.Principal{
		"t-ru-0123456789abcdef": {Actor: "ru", Role: accord.RoleParty}, "t-us-0123456789abcdef": {Actor: "us", Role: accord.RoleGuarantor},
		"t-mission-0123456789": {Actor: "mission", Role: accord.RoleMonitor}, "t-un-0123456789abcdef": {Actor: "un", Role: accord.RoleMediator},
	}}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	for _, c := range []struct {
		token, path, body string
		code              int
	}{
		{"", "/v1/reconstruction/funds", fund, 401},
		{"nope-0123456789abcdef", "/v1/reconstruction/funds", fund, 401},
		{"t-mission-0123456789", "/v1/reconstruction/funds", fund, 403},
		{"t-un-0123456789abcdef", "/v1/reconstruction/funds", fund, 403},
		{"t-us-0123456789abcdef", "/v1/reconstruction/funds", fund, 201},
		{"t-ru-0123456789abcdef", "/v1/reconstruction/funds", strings.Replace(fund, `"f"`, `"g"`, 1), 201},
		{"t-us-0123456789abcdef", "/v1/reconstruction/projects", project, 403},
		{"t-un-0123456789abcdef", "/v1/reconstruction/projects", project, 201},
		{"t-ru-0123456789abcdef", "/v1/reconstruction/commitments", `{"id":"c","fund":"f","project":"p","amount":{"amount":10,"currency":"EUR"}}`, 403},
		{"t-us-0123456789abcdef", "/v1/reconstruction/commitments", `{"id":"c","fund":"f","project":"p","amount":{"amount":10,"currency":"EUR"},"extra":1}`, 400},
		{"t-us-0123456789abcdef", "/v1/reconstruction/commitments", `{"id":"c","fund":"f","project":"p","amount":{"amount":10,"currency":"EUR"}}`, 201},
		{"t-ru-0123456789abcdef", "/v1/reconstruction/disbursements", `{"id":"d","commitment":"c","amount":{"amount":1,"currency":"EUR"}}`, 403},
	} {
		if got := do(srv.URL, "POST", c.path, c.token, c.body); got != c.code {
			t.Errorf("%s %s %s: %d, want %d", c.token, c.path, c.body, got, c.code)
		}
	}
	if c := do(srv.URL, "GET", "/v1/reconstruction/export?format=iati", "", ""); c != 200 {
		t.Errorf("the public's IATI export: %d", c)
	}
}
