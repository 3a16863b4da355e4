package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mediation"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/sqlite"
)

const line = `{"type":"Feature","geometry":{"type":"Point","coordinates":[34.5863,47.5119]},"properties":{"id":"ID","source":{"id":"sat-un","kind":"satellite","owner":"un"},"observed_at":"2025-06-01T04:10:00Z","reported_at":"2025-06-01T04:25:13Z","event":"strike","attributed_to":"unknown","accuracy_m":15,"confidence":0.9}}`

// mustReference is the reference agreement and its kernel.
func mustReference(t testing.TB) (*agreement.Agreement, *geo.Kernel) {
	return monitortest.Reference(t)
}

// newMission opens a mission on the reference agreement over a store, with
// a ledger (and so the agreement engine) when l is not nil.
func newMission(t testing.TB, store monitor.ObservationStore, l *ledger.Ledger) *mission.Mission {
	t.Helper()
	a, k := mustReference(t)
	cfg := mission.Config{Agreement: a, Kernel: k, Observations: store, Incidents: monitor.NewMemIncidentStore()}
	if l != nil {
		cfg.Ledger, cfg.Sealed = l, monitor.NewMemSealedStore()
	}
	m, err := mission.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// newServer starts the API on a real loopback listener.
func newServer(t *testing.T) (*httptest.Server, *monitor.MemStore) {
	t.Helper()
	store := monitor.NewMemStore()
	s := api.NewServer(newMission(t, store, nil))
	s.MaxBody = 4096
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv, store
}

func post(t *testing.T, url, ctype, body string) (int, map[string]any) {
	t.Helper()
	return postTo(t, url+"/v1/observations", "", ctype, body)
}

// postTo posts a body to a URL with a bearer token ("" none) and returns
// the answer's status and its JSON object, failing the test on an answer
// that is not one.
func postTo(t *testing.T, url, token, ctype, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("not JSON: %s", data)
	}
	return resp.StatusCode, out
}

func TestIngestObservations(t *testing.T) {
	srv, store := newServer(t)
	ndjson := "application/x-ndjson"
	batch := strings.Replace(line, "ID", "1", 1) + "\n" + strings.Replace(line, "ID", "2", 1) + "\n"
	code, out := post(t, srv.URL, ndjson, batch)
	if code != 200 || out["added"] != 2.0 || out["duplicates"] != 0.0 {
		t.Fatalf("first batch: %d %v", code, out)
	}
	incs := out["incidents"].([]any)
	vs := incs[0].(map[string]any)["violations"].([]any)
	if len(incs) != 1 || len(vs) != 1 || vs[0].(map[string]any)["rule"] != "zone:znpp" {
		t.Errorf("incidents %v", incs)
	}
	code, out = post(t, srv.URL, ndjson, batch)
	if code != 200 || out["added"] != 0.0 || out["duplicates"] != 2.0 {
		t.Errorf("resend: %d %v", code, out)
	}
	bad := strings.Replace(line, "ID", "3", 1) + "\n" + strings.Replace(strings.Replace(line, "ID", "4", 1), `"strike"`, `"shelling"`, 1) + "\n"
	code, out = post(t, srv.URL, ndjson, bad)
	lines, _ := out["lines"].([]any)
	if code != 400 || out["code"] != "invalid" || len(lines) != 1 || lines[0].(map[string]any)["line"] != 2.0 || lines[0].(map[string]any)["field"] != "properties.event" {
		t.Errorf("bad batch: %d %v", code, out)
	}
	if code, out = post(t, srv.URL, "application/json", batch); code != 415 || out["code"] != "invalid" {
		t.Errorf("wrong content type: %d %v", code, out)
	}
	if code, out = post(t, srv.URL, ndjson, strings.Repeat(batch, 40)); code != 413 {
		t.Errorf("oversized body: %d %v", code, out)
	}
	conflict := strings.Replace(strings.Replace(line, "ID", "1", 1), `"confidence":0.9`, `"confidence":0.5`, 1) + "\n" + strings.Replace(line, "ID", "5", 1) + "\n"
	if code, out = post(t, srv.URL, ndjson, conflict); code != 400 || !strings.Contains(out["message"].(string), "different content") {
		t.Errorf("conflicting resend: %d %v", code, out)
	}
	if n, _ := store.Len(t.Context()); n != 2 {
		t.Errorf("%d observations stored, want 2 (refused batches store nothing)", n)
	}
	// Every conflict at its line, not the first alone: blank lines and a
	// line resent within the body count as lines, not as observations.
	changed := func(id string) string {
		return strings.Replace(strings.Replace(line, "ID", id, 1), `"confidence":0.9`, `"confidence":0.5`, 1)
	}
	six := strings.Replace(line, "ID", "6", 1)
	body := six + "\n\n" + changed("2") + "\n" + six + "\n" + strings.Replace(line, "ID", "7", 1) + "\n" + changed("1") + "\n"
	code, out = post(t, srv.URL, ndjson, body)
	lines, _ = out["lines"].([]any)
	var at []float64
	for _, l := range lines {
		if m := l.(map[string]any); m["field"] == "properties.id" && strings.Contains(m["message"].(string), "already stored with different content") {
			at = append(at, m["line"].(float64))
		}
	}
	if code != 400 || out["bad_lines"] != 2.0 || !slices.Equal(at, []float64{3, 6}) ||
		out["message"] != "2 bad line(s), already stored with different content; nothing of the batch was stored" {
		t.Errorf("two conflicts: %d %v; want lines 3 and 6", code, out)
	}
	if n, _ := store.Len(t.Context()); n != 2 {
		t.Errorf("%d observations stored, want 2 (refused batches store nothing)", n)
	}
	resp, err := http.Get(srv.URL + "/v1/incidents")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET incidents: %v %v", err, resp)
	}
	resp.Body.Close()
	// A line repeated within the body is counted with the duplicates:
	// added and duplicates account for every line.
	eight := strings.Replace(line, "ID", "8", 1) + "\n"
	code, out = post(t, srv.URL, ndjson, eight+eight+"\n"+eight)
	if code != 200 || out["added"] != 1.0 || out["duplicates"] != 2.0 {
		t.Errorf("a line three times: %d %v; want 1 added, 2 duplicates", code, out)
	}
}

func TestIncidentFilters(t *testing.T) {
	srv, _ := newServer(t)
	body := strings.Replace(line, "ID", "1", 1) + "\n" +
		strings.Replace(strings.Replace(strings.Replace(line, "ID", "2", 1), "[34.5863,47.5119]", "[36.2,49.99]", 1), `"strike"`, `"impact"`, 1) + "\n"
	if code, out := post(t, srv.URL, "application/x-ndjson", body); code != 200 {
		t.Fatalf("post: %d %v", code, out)
	}
	count := func(q string) (int, int) {
		resp, err := http.Get(srv.URL + "/v1/incidents?" + q)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct{ Incidents []map[string]any }
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, len(out.Incidents)
	}
	tests := []struct {
		q          string
		code, want int
	}{
		{"", 200, 2},
		{"zone=znpp", 200, 1},
		{"violations=true", 200, 1},
		{"bbox=36,49,37,50.5", 200, 1},
		{"state=reported", 200, 2},
		{"state=confirmed", 200, 0},
		{"since=2025-06-02T00:00:00Z", 200, 0},
		{"until=2025-06-01T00:00:00Z", 200, 0},
		{"colour=red", 400, 0},
		{"bbox=1,2,3", 400, 0},
		{"state=burning", 400, 0},
		{"since=yesterday", 400, 0},
	}
	for _, tt := range tests {
		if code, n := count(tt.q); code != tt.code || n != tt.want {
			t.Errorf("?%s: %d with %d incidents, want %d with %d", tt.q, code, n, tt.code, tt.want)
		}
	}
}

// newMediation opens a mediation over a ledger, with a SQLite store and a
// key in a temporary directory.
func newMediation(t testing.TB, l *ledger.Ledger) *mediation.Mediation {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(t.Context(), filepath.Join(dir, "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	key, err := mediation.LoadKey(filepath.Join(dir, "mediation.key"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := mediation.Open(t.Context(), mediation.Config{Ledger: l, Store: sqlite.NewConfidentialStore(db), Key: key})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A report dated past the server's clock (more than the skew allowed) is a
// bad line, with its field: one such line dated 2099 moved the agreement's
// clock 74 years on, ran every consultation to its end and took a
// snapback into effect, permanently. Within the skew it is taken.
func TestIngestRefusesReportsFromTheFuture(t *testing.T) {
	srv, store := newServer(t)
	at := func(id string, t time.Time) string {
		l := strings.Replace(line, "ID", id, 1)
		l = strings.Replace(l, `"observed_at":"2025-06-01T04:10:00Z"`, `"observed_at":"`+t.Format(time.RFC3339)+`"`, 1)
		return strings.Replace(l, `"reported_at":"2025-06-01T04:25:13Z"`, `"reported_at":"`+t.Add(time.Second).Format(time.RFC3339)+`"`, 1)
	}
	future := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	code, out := post(t, srv.URL, "application/x-ndjson", strings.Replace(line, "ID", "1", 1)+"\n"+at("2", future)+"\n")
	lines, _ := out["lines"].([]any)
	if code != 400 || len(lines) != 1 || !strings.Contains(fmt.Sprint(lines[0]), "properties.reported_at") || !strings.Contains(fmt.Sprint(out["message"]), "1 bad line") {
		t.Fatalf("a report from 2099: %d %v", code, out)
	}
	if n, _ := store.Len(context.Background()); n != 0 {
		t.Errorf("%d observations stored from a refused batch", n)
	}
	if !strings.Contains(fmt.Sprint(lines[0]), "a report cannot come from the future") {
		t.Errorf("the line's reason: %v", lines[0])
	}
	// An hour fast: within the day allowed.
	if code, out := post(t, srv.URL, "application/x-ndjson", at("3", time.Now().Add(time.Hour))+"\n"); code != 200 {
		t.Errorf("a report an hour fast: %d %v", code, out)
	}
}
