package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/api"
)

// accord clock tick moves a served mission's agreement clock on without
// data: with --if-due before the ceasefire's deadline it records nothing
// and the clock stays; past the deadline it says the provision is overdue,
// the agreement's view shows it, and a restart from the record restores
// the same state; a tick to the clock again does nothing (exit 0, saying
// so); a bad --at is a usage error (exit 2), a time too far past the
// server's clock the server's refusal (exit 1).
func TestClockTick(t *testing.T) {
	data := t.TempDir()
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--scenario", "none")
	postSimulated(t, url, "", "4", "1h")
	var v api.AgreementView
	getJSON(t, url+"/v1/agreement", 200, &v)
	if v.InForce == nil || v.Provisions[0].ID != "ceasefire" || v.Provisions[0].Status != "pending" || v.Provisions[0].Due == nil {
		t.Fatalf("after an hour of data: in force %v, %+v; want the ceasefire pending, due", v.InForce, v.Provisions[0])
	}
	// --if-due before the deadline: nothing passes, nothing recorded.
	early := v.Provisions[0].Due.Add(-time.Hour).Format(time.RFC3339)
	out, errs, code := runAccord(t, "clock", "tick", "--at", early, "--if-due", "--server", url)
	if code != 0 || !strings.Contains(out, "no deadline passes by "+early+": nothing recorded") {
		t.Fatalf("clock tick --at %s --if-due: exit %d\n%s%s\nwant nothing recorded", early, code, out, errs)
	}
	var still api.AgreementView
	getJSON(t, url+"/v1/agreement", 200, &still)
	if !still.Now.Equal(v.Now) || still.Hash != v.Hash {
		t.Fatalf("after an --if-due tick with nothing due: now %v (was %v), state %s (was %s); want nothing changed", still.Now, v.Now, still.Hash, v.Hash)
	}
	at := v.Provisions[0].Due.Add(24 * time.Hour).Format(time.RFC3339)
	out, errs, code = runAccord(t, "clock", "tick", "--at", at, "--server", url)
	if code != 0 || !strings.Contains(out, "moved to "+at) || !strings.Contains(out, "provision ceasefire overdue") {
		t.Fatalf("clock tick --at %s: exit %d\n%s%s\nwant the clock moved, the ceasefire overdue", at, code, out, errs)
	}
	getJSON(t, url+"/v1/agreement", 200, &v)
	if v.Provisions[0].Status != "overdue" || v.Now.Format(time.RFC3339) != at {
		t.Errorf("the agreement after the tick: now %v, ceasefire %s; want %s, overdue", v.Now, v.Provisions[0].Status, at)
	}
	out, errs, code = runAccord(t, "clock", "tick", "--at", at, "--server", url)
	if code != 0 || !strings.Contains(out, "nothing to do") {
		t.Errorf("the same tick again: exit %d\n%s%s\nwant exit 0, nothing to do", code, out, errs)
	}
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"clock", "tick", "--server", url}, 2, "--at is required"},
		{[]string{"clock", "tick", "--at", "tomorrow", "--server", url}, 2, "not an RFC 3339 date-time"},
		{[]string{"clock", "tick", "--at", time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339), "--server", url}, 1, "past the server's clock"},
	} {
		out, errs, code := runAccord(t, c.args...)
		if code != c.code || !strings.Contains(errs, c.says) {
			t.Errorf("%v: exit %d\n%s%s\nwant exit %d saying %q", c.args, code, out, errs, c.code, c.says)
		}
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	url, stop, _ = startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--scenario", "none")
	defer stop()
	var after api.AgreementView
	getJSON(t, url+"/v1/agreement", 200, &after)
	if after.Hash != v.Hash || after.Provisions[0].Status != "overdue" {
		t.Errorf("after a restart: ceasefire %s, state %s; want overdue, %s", after.Provisions[0].Status, after.Hash, v.Hash)
	}
}

// serve --tick-every ticks the agreement's clock to the wall clock when a
// deadline has passed: a real server on loopback, one report two days
// old (the parties sign then, the ceasefire is due a day later), and no
// more data — the server records the ceasefire overdue by itself; a
// restart without --tick-every restores the same state from the record.
// Without --tick-every nothing moves.
func TestServeTickEvery(t *testing.T) {
	observed := time.Now().Add(-48 * time.Hour).UTC().Truncate(time.Second)
	body := `{"type":"Feature","geometry":{"type":"Point","coordinates":[34.5863,47.5119]},"properties":{"id":"1","source":{"id":"sat-un","kind":"satellite","owner":"un"},"observed_at":"` +
		observed.Format(time.RFC3339) + `","reported_at":"` + observed.Add(time.Minute).Format(time.RFC3339) + `","event":"strike","attributed_to":"unknown","accuracy_m":15,"confidence":0.9}}` + "\n"
	post := func(url string) {
		t.Helper()
		resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("batch: %d", resp.StatusCode)
		}
	}
	ceasefire := func(url string) (string, string) {
		t.Helper()
		var v api.AgreementView
		getJSON(t, url+"/v1/agreement", 200, &v)
		return v.Provisions[0].ID + " " + v.Provisions[0].Status, v.Hash
	}

	// Off by default: the clock stays at the report's time.
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--scenario", "none")
	post(url)
	if got, _ := ceasefire(url); got != "ceasefire pending" {
		t.Errorf("without --tick-every: %s, want pending", got)
	}
	stop()

	data := t.TempDir()
	url, stop, out := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--scenario", "none", "--tick-every", "20ms")
	post(url)
	got, hash := ceasefire(url)
	for deadline := time.Now().Add(60 * time.Second); got != "ceasefire overdue" && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		got, hash = ceasefire(url)
	}
	if got != "ceasefire overdue" {
		t.Fatalf("with --tick-every 20ms: %s, want overdue\n%s", got, out.String())
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	url, stop, _ = startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--scenario", "none")
	defer stop()
	if again, h := ceasefire(url); again != got || h != hash {
		t.Errorf("after a restart: %s %s, want %s %s", again, h, got, hash)
	}
	if _, errs, code := runAccord(t, "serve", "--tick-every", "-1s", "--data", t.TempDir()); code != 2 || !strings.Contains(errs, "--tick-every") {
		t.Errorf("serve --tick-every -1s: exit %d %s, want 2 naming --tick-every", code, errs)
	}
}

// accord clock tick on a stream node answers once the tick is published
// (deferred), and says what the recorder does with it: moves the clock
// there and records what passes; with --if-due, only if a deadline passes
// by then. Before, --if-due's answer said too that the recorder moves the
// clock there, which it does not while nothing is due.
func TestClockTickDeferredSays(t *testing.T) {
	const at = "2025-06-03T00:00:00Z"
	var asked []string
	node := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req api.ClockRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		asked = append(asked, fmt.Sprint(req.IfDue))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"ticked":false,"now":%q,"derived":[],"deferred":true}`, req.At)
	}))
	defer node.Close()
	for _, c := range []struct {
		args        []string
		says, never string
	}{
		{nil, "the recorder moves the agreement's clock there", "if a deadline passes"},
		{[]string{"--if-due"}, "only if a deadline passes by then", "and records what passes by then"},
	} {
		out, errs, code := runAccord(t, append([]string{"clock", "tick", "--at", at, "--server", node.URL}, c.args...)...)
		if code != 0 || !strings.Contains(out, "tick to "+at+" is published to the stream") || !strings.Contains(out, c.says) || strings.Contains(out, c.never) {
			t.Errorf("clock tick %v on a stream node: exit %d\n%s%s\nwant it published, saying %q, not %q", c.args, code, out, errs, c.says, c.never)
		}
	}
	if strings.Join(asked, ",") != "false,true" {
		t.Errorf("the node was asked if_due %v, want false, true", asked)
	}
}

// accord clock tick --if-due before the parties have signed (the server
// answers not ticked, the clock not started: zero) says the agreement is
// not in force yet, not that the clock stays at year 1.
func TestClockTickIfDueBeforeTheSignatures(t *testing.T) {
	const at = "2025-06-03T00:00:00Z"
	node := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"ticked":false,"now":"0001-01-01T00:00:00Z","derived":[]}`)
	}))
	defer node.Close()
	out, errs, code := runAccord(t, "clock", "tick", "--at", at, "--if-due", "--server", node.URL)
	if code != 0 || !strings.Contains(out, "not in force yet") || strings.Contains(out, "0001-01-01") {
		t.Errorf("clock tick --if-due before the signatures: exit %d\n%s%s\nwant it said not in force yet, no year 1", code, out, errs)
	}
}

// accord clock tick on the nuclear plant's agreement, the front silent
// after the IAEA team's first report: the tick past the next day's
// deadline says the report missing, and the record holds it once —
// not again when an observation passes the same deadline after a restart.
func TestClockTickJudgesMissingPresence(t *testing.T) {
	data := t.TempDir()
	serve := []string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--agreement", "nuclear-plant", "--scenario", "none"}
	url, stop, _ := startAccord(t, serve...)
	post := func(url string, lines ...string) {
		t.Helper()
		resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", strings.NewReader(strings.Join(lines, "\n")+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST /v1/observations: %s", resp.Status)
		}
	}
	obs := func(id, at string, presence bool) string {
		src, kind, owner, pos, event := "sat-1", "satellite", "cn", "[34.30,47.30]", "other"
		if presence {
			src, kind, owner, pos, event = "iaea-team", "ground_monitor", "iaea", "[34.5863,47.5119]", "presence"
		}
		return fmt.Sprintf(`{"type":"Feature","geometry":{"type":"Point","coordinates":%s},"properties":{"source":{"id":%q,"kind":%q,"owner":%q},"id":%q,"observed_at":%q,"reported_at":%q,"event":%q,"count":1,"attributed_to":"unknown","accuracy_m":50,"time_accuracy_s":60,"confidence":1}}`,
			pos, src, kind, owner, id, at, at, event)
	}
	post(url, obs("r1", "2025-06-01T09:00:00Z", true), obs("s1", "2025-06-01T12:00:00Z", false))
	out, errs, code := runAccord(t, "clock", "tick", "--at", "2025-06-03T07:00:00Z", "--server", url)
	if code != 0 || !strings.Contains(out, "presence:iaea-znpp:2025-06-02: no presence report by iaea") {
		t.Fatalf("clock tick past 2 June's deadline: exit %d\n%s%s\nwant 2 June's report missing", code, out, errs)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	url, stop, _ = startAccord(t, serve...)
	defer stop()
	post(url, obs("s4", "2025-06-04T12:00:00Z", false))
	resp, err := http.Get(url + "/v1/ledger")
	if err != nil {
		t.Fatal(err)
	}
	record, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /v1/ledger: %v %s", err, resp.Status)
	}
	for _, day := range []string{"2025-06-02", "2025-06-03"} {
		if n := bytes.Count(record, []byte(`"id":"presence:iaea-znpp:`+day+`"`)); n != 1 {
			t.Errorf("the record holds %d versions of %s's missing report, want 1 (the tick judged 2 June's, 4 June's observation 3 June's)", n, day)
		}
	}
}
