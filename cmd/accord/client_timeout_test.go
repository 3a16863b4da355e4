package main

import (
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/internal/reach/reachtest"
)

// The client commands give up on a server that takes the request and
// never answers, or stops in the middle of its answer, after --timeout
// (or $ACCORD_TIMEOUT), and say which: a read sent with no answer could
// not be reached and did nothing (exit 3), a write sent with no answer
// may have been done (exit 1). A timeout that is no duration above 0 is
// a wrong command line (exit 2), nothing sent.
func TestClientCommandsTimeout(t *testing.T) {
	silent, stalls := reachtest.Silent(t), reachtest.Stalls(t)
	totals := func(s string) []string { return []string{"reconstruction", "totals", "--server", s} }
	fund := func(s string) []string {
		return []string{"reconstruction", "fund", "f1", "--amount", "100", "--currency", "EUR", "--source", "pledge", "--owner", "nobody", "--server", s}
	}
	for _, c := range []struct {
		name string
		args []string
		env  string // ACCORD_TIMEOUT
		want int
		says []string
	}{
		{"a read, never answered", append(totals(silent), "--timeout", "300ms"), "", 3,
			[]string{"accord: " + silent + " could not be reached: GET /v1/reconstruction sent: no answer within 300ms of sending the request; it only reads, so nothing was done: try again later"}},
		{"a write, never answered", append(fund(silent), "--timeout", "300ms"), "", 1,
			[]string{"accord: " + silent + ": no answer to POST /v1/reconstruction/funds once sent (no answer within 300ms of sending the request): it may have been done; look at the server's record before sending it again"}},
		{"a read, its answer stops", append(totals(stalls), "--timeout", "300ms"), "", 3,
			[]string{"accord: " + stalls + " could not be reached: GET /v1/reconstruction sent: the answer (200 OK) stopped after 10 bytes of its body: no more within 300ms; it only reads"}},
		{"a write, its answer stops", append(fund(stalls), "--timeout", "300ms"), "", 1,
			[]string{"no answer to POST /v1/reconstruction/funds once sent (the answer (200 OK) stopped after 10 bytes of its body: no more within 300ms): it may have been done"}},
		{"clock tick, never answered", []string{"clock", "tick", "--at", "2025-06-03T00:00:00Z", "--server", silent, "--timeout", "300ms"}, "", 1,
			[]string{"accord: " + silent + ": no answer to POST /v1/clock once sent (no answer within 300ms of sending the request): it may have been done"}},
		{"ACCORD_TIMEOUT", totals(silent), "300ms", 3, []string{"no answer within 300ms of sending the request",
			"accord: each wait for the server is bounded by --timeout (or $ACCORD_TIMEOUT), here 300ms"}},
		{"--timeout over ACCORD_TIMEOUT", append(totals(silent), "--timeout", "300ms"), "1h", 3, []string{"no answer within 300ms of sending the request"}},
		{"ACCORD_TIMEOUT not a duration", totals(silent), "soon", 2, []string{`ACCORD_TIMEOUT: want a duration above 0 such as 30s, 2m or 1h, not "soon"`}},
		{"--timeout 0", append(totals(silent), "--timeout", "0"), "", 2, []string{`invalid argument "0" for "--timeout" flag: want a duration above 0 such as 30s, 2m or 1h, not "0"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("ACCORD_TIMEOUT", c.env)
			var errs string
			code := -1
			done := make(chan struct{})
			go func() {
				defer close(done)
				_, errs, code = runAccord(t, c.args...)
			}()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("the command still waits after 20 s: it hangs")
			}
			if code != c.want || strings.Contains(errs, "this is a bug") {
				t.Errorf("exit %d, want %d:\n%s", code, c.want, errs)
			}
			for _, s := range c.says {
				if !strings.Contains(errs, s) {
					t.Errorf("stderr does not say %q:\n%s", s, errs)
				}
			}
		})
	}
}
