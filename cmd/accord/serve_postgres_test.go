package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/internal/pgtest"
	"github.com/accord-peace/accord/monitor"
)

// incidentsOf lists every incident a server serves, page by page.
func incidentsOf(t *testing.T, base string) []monitor.Incident {
	t.Helper()
	var all []monitor.Incident
	after := ""
	for pages := 0; pages < 1000; pages++ {
		q := url.Values{"limit": {"100"}}
		if after != "" {
			q.Set("after", after)
		}
		resp, err := http.Get(base + "/v1/incidents?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		var p monitor.IncidentPage
		err = json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET /v1/incidents: %d %v", resp.StatusCode, err)
		}
		all = append(all, p.Incidents...)
		if p.Next == "" {
			return all
		}
		after = p.Next
	}
	t.Fatal("more than 1000 pages of incidents")
	return nil
}

// 'accord serve --store postgres://…' runs the same mission on PostgreSQL:
// the same observations posted give the same incidents as on SQLite, and
// after a restart the server restores them the same (the ledger stays a
// file in --data).
func TestServeOnPostgres(t *testing.T) {
	pg := pgtest.DB(t)
	obs, _ := simulateTo(t, "--seed", "4", "--duration", "1h")
	body, _ := os.ReadFile(obs)
	run := func(args ...string) (before, after []monitor.Incident, restored string) {
		data := t.TempDir()
		base, stop, _ := startAccord(t, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data}, args...)...)
		resp, err := http.Post(base+"/v1/observations", "application/x-ndjson", bytes.NewReader(body))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("post %v: %v %v", args, err, resp)
		}
		resp.Body.Close()
		before = incidentsOf(t, base)
		if code := stop(); code != 0 {
			t.Fatalf("serve %v exited %d", args, code)
		}
		base, stop, out := startAccord(t, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data}, args...)...)
		defer stop()
		after = incidentsOf(t, base)
		restored = regexp.MustCompile(`\d+ observations restored`).FindString(out.String())
		return before, after, restored
	}
	sqBefore, sqAfter, sqRestored := run()
	pgBefore, pgAfter, pgRestored := run("--store", pg)
	if len(sqBefore) == 0 {
		t.Fatal("no incidents on SQLite: the test proves nothing")
	}
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	if js(pgBefore) != js(sqBefore) {
		t.Errorf("PostgreSQL served %d incidents, SQLite %d; not the same", len(pgBefore), len(sqBefore))
	}
	if js(pgAfter) != js(sqAfter) || js(pgAfter) != js(pgBefore) {
		t.Errorf("after a restart: PostgreSQL %d incidents, SQLite %d, before the restart %d; not the same", len(pgAfter), len(sqAfter), len(pgBefore))
	}
	if pgRestored == "" || pgRestored != sqRestored || strings.HasPrefix(pgRestored, "0 ") {
		t.Errorf("restored: PostgreSQL %q, SQLite %q", pgRestored, sqRestored)
	}
	t.Logf("%d incidents; %s on both", len(pgAfter), pgRestored)
}

// An unreachable PostgreSQL at start: serve exits with an error naming the
// URL, what failed and how to fix it.
func TestServeUnreachablePostgres(t *testing.T) {
	u := "postgres://mission:secret@127.0.0.1:1/accord?sslmode=disable&connect_timeout=2"
	out, errOut, code := runAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--store", u)
	msg := out + errOut
	if code == 0 {
		t.Fatalf("serve started on an unreachable store: %s", msg)
	}
	for _, want := range []string{"postgres://mission:xxxxx@127.0.0.1:1/accord", "cannot connect", "pg_isready"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error does not say %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "secret") {
		t.Errorf("the error shows the password: %s", msg)
	}
	if code != 1 || strings.Contains(msg, "this is a bug") {
		t.Errorf("an unreachable store is the deployment's error, not a bug: exit %d\n%s", code, msg)
	}
	_, errOut, code = runAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--store", "mysql://x")
	if code == 0 || !strings.Contains(errOut, fmt.Sprintf("store %q", "mysql://x")) {
		t.Errorf("an unknown store: exit %d %s", code, errOut)
	}
}

// A PostgreSQL URL whose port takes the connection and never answers (a
// wedged server, a proxy whose backend is gone, a port forwarded to
// nothing) and that sets no connect_timeout: serve gives up within its
// own bound, naming the store, where, that it did not answer and what to
// check, rather than waiting without a word until it is killed.
func TestServeSilentPostgres(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		var held []net.Conn // kept open, never read nor answered
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	addr := ln.Addr().String()
	u := "postgres://mission:secret@" + addr + "/accord"
	// Cancelled (as Ctrl-C would) well after the store's own bound.
	out, errOut, code, took := runAccordCtx(t, 40*time.Second, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--store", u)
	msg := out + errOut
	if code != 1 || strings.Contains(msg, "interrupted") {
		t.Fatalf("serve on a PostgreSQL that never answers: exit %d after %v, want 1 within the store's bound:\n%s", code, took.Round(time.Second), msg)
	}
	for _, want := range []string{"postgres://mission:xxxxx@" + addr + "/accord", "cannot connect to " + addr, "did not answer within", "pg_isready"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error does not say %q:\n%s", want, msg)
		}
	}
	t.Logf("gave up after %v: %s", took.Round(time.Millisecond), msg)
}
