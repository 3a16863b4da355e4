package api_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/monitor"
)

// Every role against every writing route, and the public reads: deny by
// default, 401 without (or with a bad) token, 403 for a role the policy
// refuses, precise JSON errors.
func TestAuthMatrix(t *testing.T) {
	keys := map[string]ed25519.PrivateKey{}
	reg := &ledger.Registry{Keys: map[string]ed25519.PublicKey{}}
	for _, a := range []string{"ru", "us", "mission", "un"} {
		pub, priv, _ := ed25519.GenerateKey(rand.Reader)
		keys[a], reg.Keys[a] = priv, pub
	}
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "l"), reg)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s := api.NewServer(newMission(t, monitor.NewMemStore(), l))
	s.Record = &api.Record{Ledger: l, Origin: "o"}
	s.Auth = &api.Auth{Tokens: map[string]api.Principal{
		"t-ru": {Actor: "ru", Role: accord.RoleParty}, "t-us": {Actor: "us", Role: accord.RoleGuarantor},
		"t-mission": {Actor: "mission", Role: accord.RoleMonitor, Owners: []string{"un"}}, "t-un": {Actor: "un", Role: accord.RoleMediator},
		"t-osce": {Actor: "osce", Role: accord.RoleMonitor},
	}}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	do := func(method, path, token, ctype string, body []byte) (int, string) {
		req, _ := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		req.Header.Set("Content-Type", ctype)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e api.ErrorBody
		json.NewDecoder(resp.Body).Decode(&e)
		return resp.StatusCode, e.Code + ": " + e.Message
	}
	obs := []byte(strings.Replace(line, "ID", "1", 1) + "\n")
	// The same observation as if from four owners: a token submits only
	// for its own actor and the owners it registers.
	var invented []byte
	for i, owner := range []string{"osce", "un", "cn", "in"} {
		l := strings.Replace(strings.Replace(line, "ID", "inv"+string(rune('0'+i)), 1), `"owner":"un"`, `"owner":"`+owner+`"`, 1)
		invented = append(invented, l+"\n"...)
	}
	own := []byte(strings.Replace(strings.Replace(line, "ID", "own", 1), `"owner":"un"`, `"owner":"osce"`, 1) + "\n")
	n := 0
	sub := func(author, typ string) []byte {
		n++
		var body any = map[string]int{"n": n}
		switch typ {
		case accord.SubmissionResponse:
			body = accord.ResponseBody{Consultation: "c1", Answer: "accept"}
		case accord.SubmissionFinding:
			body = accord.FindingBody{Consultation: "c1", Outcome: "upheld"}
		}
		s, _ := ledger.Sign(keys[author], author, "s"+string(rune('a'+n)), typ, body)
		b, _ := json.Marshal(s)
		return b
	}
	tests := []struct {
		name, method, path, token, ctype string
		body                             []byte
		want                             int
		msg                              string
	}{
		{"monitor posts observations", "POST", "/v1/observations", "t-mission", "application/x-ndjson", obs, 200, ""},
		{"party posts observations", "POST", "/v1/observations", "t-ru", "application/x-ndjson", obs, 403, "forbidden: ru: the party role may not submit observations"},
		{"guarantor posts observations", "POST", "/v1/observations", "t-us", "application/x-ndjson", obs, 403, "forbidden"},
		{"mediator posts observations", "POST", "/v1/observations", "t-un", "application/x-ndjson", obs, 403, "forbidden"},
		{"monitor posts for an owner it relays", "POST", "/v1/observations", "t-mission", "application/x-ndjson", obs, 200, ""},
		{"monitor posts its own source", "POST", "/v1/observations", "t-osce", "application/x-ndjson", own, 200, ""},
		{"monitor posts for another owner", "POST", "/v1/observations", "t-osce", "application/x-ndjson", obs, 403, "osce may submit observations only for sources owned by [osce]; 1 observation(s) name other owners ([un])"},
		{"monitor invents sources", "POST", "/v1/observations", "t-osce", "application/x-ndjson", invented, 403, "3 observation(s) name other owners ([un cn in]), the first being observations [2 3 4]"},
		{"anonymous posts observations", "POST", "/v1/observations", "", "application/x-ndjson", obs, 401, "unauthorized: an anonymous caller"},
		{"bad token", "POST", "/v1/observations", "t-nobody", "application/x-ndjson", obs, 401, "unauthorized: unknown token"},
		// This server has no consultation c1: a submission the policy lets
		// through meets its 404 (and its refusal is recorded).
		{"guarantor signs a finding", "POST", "/v1/submissions", "t-us", "application/json", sub("us", "finding"), 404, `refused, and the refusal recorded: no consultation "c1"`},
		{"party signs a finding", "POST", "/v1/submissions", "t-ru", "application/json", sub("ru", "finding"), 403, `the party role may not submit "finding"`},
		{"party answers a notice", "POST", "/v1/submissions", "t-ru", "application/json", sub("ru", "response"), 404, "no consultation"},
		{"party answers for another", "POST", "/v1/submissions", "t-ru", "application/json", sub("us", "response"), 403, `ru may not submit for "us"`},
		{"monitor submits a batch summary alone", "POST", "/v1/submissions", "t-mission", "application/json", sub("mission", "observations"), 400, "travels with its batch"},
		{"monitor submits an engine event", "POST", "/v1/submissions", "t-mission", "application/json", sub("mission", "event"), 400, `type "event": the record takes "response", "finding" and "provision_done" submissions`},
		{"anonymous submission", "POST", "/v1/submissions", "", "application/json", sub("us", "finding"), 401, "submissions need a token"},
		// This server has no consultation c1 yet: a caller the policy lets
		// through meets its 404, the others are stopped before it.
		{"party answers a notice", "POST", "/v1/consultations/c1/response", "t-ru", "application/json", []byte(`{"answer":"accept"}`), 404, "no consultation"},
		{"guarantor answers a notice", "POST", "/v1/consultations/c1/response", "t-us", "application/json", []byte(`{"answer":"accept"}`), 403, "the guarantor role may not submit response"},
		{"monitor answers a notice", "POST", "/v1/consultations/c1/response", "t-mission", "application/json", []byte(`{"answer":"accept"}`), 403, "forbidden"},
		{"anonymous answers a notice", "POST", "/v1/consultations/c1/response", "", "application/json", []byte(`{"answer":"accept"}`), 401, "unauthorized"},
		{"guarantor signs a finding here", "POST", "/v1/consultations/c1/finding", "t-us", "application/json", []byte(`{"outcome":"upheld"}`), 404, "no consultation"},
		{"party signs a finding here", "POST", "/v1/consultations/c1/finding", "t-ru", "application/json", []byte(`{"outcome":"upheld"}`), 403, "the party role may not sign finding"},
		{"mediator signs a finding", "POST", "/v1/consultations/c1/finding", "t-un", "application/json", []byte(`{"outcome":"upheld"}`), 403, "forbidden"},
		{"anonymous signs a finding", "POST", "/v1/consultations/c1/finding", "", "application/json", []byte(`{"outcome":"upheld"}`), 401, "unauthorized"},
		// Exchanges are recorded by a verifier only (the e2e and contract
		// tests of cmd/accord run the verifier's own).
		{"party records an exchange", "POST", "/v1/exchanges", "t-ru", "application/json", []byte(`{"lists":[]}`), 403, "the party role may not submit exchange"},
		{"guarantor records an exchange", "POST", "/v1/exchanges", "t-us", "application/json", []byte(`{"lists":[]}`), 403, "the guarantor role may not submit exchange"},
		{"monitor records an exchange", "POST", "/v1/exchanges", "t-mission", "application/json", []byte(`{"lists":[]}`), 403, "forbidden"},
		{"mediator records an exchange", "POST", "/v1/exchanges", "t-un", "application/json", []byte(`{"lists":[]}`), 403, "forbidden"},
		{"anonymous records an exchange", "POST", "/v1/exchanges", "", "application/json", []byte(`{"lists":[]}`), 401, "unauthorized"},
		{"party submits an exchange", "POST", "/v1/submissions", "t-ru", "application/json", sub("ru", "exchange"), 403, `the party role may not submit "exchange"`},
		{"guarantor records a provision done", "POST", "/v1/provisions/p1/done", "t-us", "application/json", []byte(`{}`), 403, "the guarantor role may not record provision"},
		{"mediator reads a list", "GET", "/v1/exchanges/lists/" + strings.Repeat("0", 64), "t-un", "", nil, 403, "the mediator role may not read the lists"},
		{"monitor reads a list", "GET", "/v1/exchanges/lists/" + strings.Repeat("0", 64), "t-mission", "", nil, 403, "forbidden"},
		{"public reads a list", "GET", "/v1/exchanges/lists/" + strings.Repeat("0", 64), "", "", nil, 401, "give a token"},
		{"public reads incidents", "GET", "/v1/incidents", "", "", nil, 200, ""},
		{"public reads the checkpoint", "GET", "/v1/proofs/consistency?old=1&size=1", "", "", nil, 200, ""},
		{"bad token on a read", "GET", "/v1/incidents", "t-nobody", "", nil, 401, "unknown token"},
	}
	for _, tt := range tests {
		code, msg := do(tt.method, tt.path, tt.token, tt.ctype, tt.body)
		if code != tt.want || !strings.Contains(msg, tt.msg) {
			t.Errorf("%s: %d %q, want %d %q", tt.name, code, msg, tt.want, tt.msg)
		}
	}
}
