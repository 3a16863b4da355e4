package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
)

// postClock posts a body to POST /v1/clock with a token ("" none).
func postClock(t *testing.T, url, token, ctype, body string) (int, map[string]any) {
	t.Helper()
	return postTo(t, url+"/v1/clock", token, ctype, body)
}

// POST /v1/clock moves the agreement's clock without data: the ceasefire
// due a day after the signatures is overdue once the clock passes it, in
// the answer, the agreement's view and the record; a time no later than
// the clock changes nothing; a malformed time, one too far past the
// server's clock, a tick before the signatures are refused, saying why;
// with tokens only a monitor may tick.
func TestClockOverHTTP(t *testing.T) {
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "l"), &ledger.Registry{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s := api.NewServer(newMission(t, monitor.NewMemStore(), l))
	s.Auth = &api.Auth{Tokens: map[string]api.Principal{
		"mon": {Actor: "un", Role: accord.RoleMonitor},
		"ru":  {Actor: "ru", Role: accord.RoleParty},
	}}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	const js = "application/json"
	if code, out := postClock(t, srv.URL, "mon", js, `{"at":"2025-06-03T00:00:00Z"}`); code != 400 || !strings.Contains(out["message"].(string), "not in force") {
		t.Fatalf("before the signatures: %d %v, want 400 not in force", code, out)
	}
	req, _ := http.NewRequest("POST", srv.URL+"/v1/observations", strings.NewReader(strings.Replace(line, "ID", "1", 1)+"\n"))
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer mon")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("batch: %d", resp.StatusCode)
	}
	n := l.Len()
	future := time.Now().Add(api.DefaultMaxClockSkew + time.Hour).UTC().Format(time.RFC3339)
	tests := []struct {
		name, token, ctype, body string
		code                     int
		msg                      string
	}{
		{"no token", "", js, `{"at":"2025-06-03T00:00:00Z"}`, 401, "may not tick clock"},
		{"a party", "ru", js, `{"at":"2025-06-03T00:00:00Z"}`, 403, "the party role may not tick clock"},
		{"no time", "mon", js, `{}`, 400, `the body needs "at"`},
		{"not RFC 3339", "mon", js, `{"at":"tomorrow"}`, 400, `"tomorrow" is not an RFC 3339 date-time`},
		{"no offset", "mon", js, `{"at":"2025-06-03T00:00:00"}`, 400, "not an RFC 3339 date-time"},
		{"unknown field", "mon", js, `{"at":"2025-06-03T00:00:00Z","by":"un"}`, 400, "unknown field"},
		{"not JSON", "mon", "text/plain", `{"at":"2025-06-03T00:00:00Z"}`, 400, "Content-Type must be application/json"},
		{"too far ahead", "mon", js, `{"at":"` + future + `"}`, 400, "past the server's clock"},
	}
	for _, tt := range tests {
		code, out := postClock(t, srv.URL, tt.token, tt.ctype, tt.body)
		if msg, _ := out["message"].(string); code != tt.code || !strings.Contains(msg, tt.msg) {
			t.Errorf("%s: %d %v, want %d with %q", tt.name, code, out, tt.code, tt.msg)
		}
	}
	if l.Len() != n {
		t.Fatalf("refused ticks recorded %d entries", l.Len()-n)
	}

	code, out := postClock(t, srv.URL, "mon", js, `{"at":"2025-06-03T02:00:00+02:00"}`)
	derived, _ := out["derived"].([]any)
	if code != 200 || out["ticked"] != true || out["now"] != "2025-06-03T00:00:00Z" || out["last_entry"] == nil || len(derived) == 0 ||
		!strings.HasPrefix(derived[0].(map[string]any)["what"].(string), "provision ceasefire overdue") {
		t.Fatalf("the tick: %d %v, want ticked to 2025-06-03T00:00:00Z, the ceasefire overdue, recorded", code, out)
	}
	if l.Len() <= n {
		t.Error("the tick recorded nothing")
	}
	resp, err = http.Get(srv.URL + "/v1/agreement")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Now        time.Time
		Provisions []struct{ ID, Status string }
	}
	json.NewDecoder(resp.Body).Decode(&v)
	resp.Body.Close()
	if !v.Now.Equal(time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC)) || v.Provisions[0].ID != "ceasefire" || v.Provisions[0].Status != "overdue" {
		t.Errorf("GET /v1/agreement after the tick: now %v, %+v; want the ceasefire overdue", v.Now, v.Provisions[0])
	}

	// To the clock, or before it: nothing changes, nothing is recorded.
	n = l.Len()
	for _, at := range []string{"2025-06-03T00:00:00Z", "2025-06-02T00:00:00Z"} {
		code, out := postClock(t, srv.URL, "mon", js, `{"at":"`+at+`"}`)
		if code != 200 || out["ticked"] != false || out["now"] != "2025-06-03T00:00:00Z" || out["last_entry"] != nil {
			t.Errorf("tick to %s: %d %v, want 200, not ticked, the clock as it stands", at, code, out)
		}
	}
	if l.Len() != n {
		t.Errorf("ticks to the past recorded %d entries", l.Len()-n)
	}
}

// A stream node's tick (Server.Tick set): POST /v1/clock hands the time
// to it, not to the mission, after the same checks (a monitor's token,
// the clock skew), and answers what it says: deferred, the time the
// recorder moves the clock to, nothing ticked nor derived yet; its
// refusal is the answer's.
func TestClockOverHTTPDeferred(t *testing.T) {
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "l"), &ledger.Registry{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s := api.NewServer(newMission(t, monitor.NewMemStore(), l))
	s.Auth = &api.Auth{Tokens: map[string]api.Principal{"mon": {Actor: "un", Role: accord.RoleMonitor}, "ru": {Actor: "ru", Role: accord.RoleParty}}}
	var got []time.Time
	s.Tick = func(_ context.Context, at time.Time) (mission.ClockResult, error) {
		if at.Year() == 2024 {
			return mission.ClockResult{}, accord.Errorf(accord.EINVALID, "refused by the node")
		}
		got = append(got, at)
		return mission.ClockResult{Now: at.UTC(), Derived: []engine.Derived{}, Deferred: true}, nil
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	const js = "application/json"
	future := time.Now().Add(api.DefaultMaxClockSkew + time.Hour).UTC().Format(time.RFC3339)
	for _, c := range []struct {
		token, body string
		code        int
		says        string
	}{
		{"ru", `{"at":"2025-06-03T00:00:00Z"}`, 403, "may not tick clock"},
		{"mon", `{"at":"` + future + `"}`, 400, "past the server's clock"},
		{"mon", `{"at":"2024-06-03T00:00:00Z"}`, 400, "refused by the node"},
	} {
		if code, out := postClock(t, srv.URL, c.token, js, c.body); code != c.code || !strings.Contains(out["message"].(string), c.says) {
			t.Errorf("%s %s: %d %v, want %d %q", c.token, c.body, code, out, c.code, c.says)
		}
	}
	code, out := postClock(t, srv.URL, "mon", js, `{"at":"2025-06-03T02:00:00+02:00"}`)
	if code != 200 || out["deferred"] != true || out["ticked"] != false || out["now"] != "2025-06-03T00:00:00Z" || out["last_entry"] != nil {
		t.Fatalf("a stream node's tick: %d %v, want 200 deferred, now 2025-06-03T00:00:00Z, nothing ticked", code, out)
	}
	if len(got) != 1 || l.Len() != 0 {
		t.Errorf("the node's tick took %v; the mission's ledger %d entries, want the node's alone, nothing recorded here", got, l.Len())
	}
}

// "if_due": true records a tick only when it derives something
// (Mission.TickIfDue), the tick a cron job sends now and then: before the
// ceasefire's deadline it records nothing and the clock stays where the
// batch left it; past it, the tick is recorded as without if_due. Before
// the signatures it does nothing, without an error. On a stream node
// (Server.Tick set) it goes to Server.TickIfDue.
func TestClockIfDueOverHTTP(t *testing.T) {
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "l"), &ledger.Registry{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	srv := httptest.NewServer(api.NewServer(newMission(t, monitor.NewMemStore(), l)).Handler())
	defer srv.Close()
	const js = "application/json"
	if code, out := postClock(t, srv.URL, "", js, `{"at":"2025-06-03T00:00:00Z","if_due":true}`); code != 200 || out["ticked"] != false {
		t.Fatalf("if due, before the signatures: %d %v, want 200, not ticked", code, out)
	}
	resp, err := http.Post(srv.URL+"/v1/observations", "application/x-ndjson", strings.NewReader(strings.Replace(line, "ID", "1", 1)+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	n := l.Len()
	code, out := postClock(t, srv.URL, "", js, `{"at":"2025-06-01T05:00:00Z","if_due":true}`)
	if code != 200 || out["ticked"] != false || out["now"] != "2025-06-01T04:10:00Z" || l.Len() != n {
		t.Fatalf("if due, nothing due: %d %v, %d entries recorded; want 200, not ticked, the clock at the batch's 2025-06-01T04:10:00Z, nothing recorded", code, out, l.Len()-n)
	}
	code, out = postClock(t, srv.URL, "", js, `{"at":"2025-06-03T00:00:00Z","if_due":true}`)
	derived, _ := out["derived"].([]any)
	if code != 200 || out["ticked"] != true || out["now"] != "2025-06-03T00:00:00Z" || len(derived) == 0 || l.Len() <= n ||
		!strings.HasPrefix(derived[0].(map[string]any)["what"].(string), "provision ceasefire overdue") {
		t.Fatalf("if due, the ceasefire overdue: %d %v; want ticked, the ceasefire overdue, recorded", code, out)
	}

	s := api.NewServer(newMission(t, monitor.NewMemStore(), nil))
	var asked []string
	s.Tick = func(_ context.Context, at time.Time) (mission.ClockResult, error) {
		asked = append(asked, "tick")
		return mission.ClockResult{Now: at, Derived: []engine.Derived{}, Deferred: true}, nil
	}
	s.TickIfDue = func(_ context.Context, at time.Time) (mission.ClockResult, error) {
		asked = append(asked, "if due")
		return mission.ClockResult{Now: at, Derived: []engine.Derived{}, Deferred: true}, nil
	}
	node := httptest.NewServer(s.Handler())
	defer node.Close()
	for _, body := range []string{`{"at":"2025-06-03T00:00:00Z"}`, `{"at":"2025-06-03T00:00:00Z","if_due":true}`, `{"at":"2025-06-03T00:00:00Z","if_due":false}`} {
		if code, out := postClock(t, node.URL, "", js, body); code != 200 || out["deferred"] != true {
			t.Fatalf("a stream node's tick %s: %d %v", body, code, out)
		}
	}
	if want := []string{"tick", "if due", "tick"}; strings.Join(asked, ",") != strings.Join(want, ",") {
		t.Errorf("the stream node was asked %v, want %v", asked, want)
	}
}

// A server whose Server.Tick is set without Server.TickIfDue (a caller of
// the package that set Tick before TickIfDue existed) refuses a tick
// asked if due, 400, without calling Tick: Tick would record the tick
// whatever passes, and if_due promises nothing recorded while nothing is
// due. Before, the handler called the nil TickIfDue: a panic, the
// connection closed without an answer.
func TestClockIfDueWithoutTickIfDue(t *testing.T) {
	s := api.NewServer(newMission(t, monitor.NewMemStore(), nil))
	called := 0
	s.Tick = func(_ context.Context, at time.Time) (mission.ClockResult, error) {
		called++
		return mission.ClockResult{Now: at, Derived: []engine.Derived{}, Deferred: true}, nil
	}
	node := httptest.NewServer(s.Handler())
	defer node.Close()
	for _, c := range []struct {
		body  string
		code  int
		calls int
	}{
		{`{"at":"2025-06-03T00:00:00Z","if_due":true}`, 400, 0},
		{`{"at":"2025-06-03T00:00:00Z"}`, 200, 1},
	} {
		called = 0
		code, out := postClock(t, node.URL, "", "application/json", c.body)
		if code != c.code || called != c.calls {
			t.Errorf("%s: %d %v, Tick called %d times; want %d, called %d times", c.body, code, out, called, c.code, c.calls)
		}
		if msg, _ := out["message"].(string); c.code == 400 && !strings.Contains(msg, "if_due") {
			t.Errorf("%s: %v; want a message naming if_due", c.body, out)
		}
	}
}
