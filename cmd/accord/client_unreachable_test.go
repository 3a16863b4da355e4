package main

import (
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord/internal/reach/reachtest"
)

// closedURL is the URL of a loopback port nothing listens on: a
// connection there is refused.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + ln.Addr().String()
	ln.Close()
	return u
}

// The client commands tell their caller by the exit what happened, as
// witness --once does: 1 when the server answered with a refusal or an
// error (a real 'accord serve' on loopback), 3 when it could not be
// reached (a closed port: connection refused), the message naming the
// server and saying so; a request that only reads and got no answer once
// sent is one that could not be reached too (3), but one that changes
// something, sent with no answer, may have been done: exit 1, saying so,
// not "could not be reached".
func TestClientCommandsUnreachableExit3(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	served, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data)
	defer stop()
	closed, hangUp := closedURL(t), reachtest.HangUp(t)

	// What the commands read before they call the server.
	key := filepath.Join(dir, "ua.key")
	out, errs, code := runAccord(t, "ledger", "keygen", "--author", "ua")
	if code != 0 {
		t.Fatalf("keygen: exit %d: %s", code, errs)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(key, []byte(out), 0o600))
	resp, err := http.Get(served + "/v1/checkpoint")
	must(err)
	cp, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	must(err)
	checkpoint := filepath.Join(dir, "checkpoint")
	must(os.WriteFile(checkpoint, cp, 0o644))
	pub, err := os.ReadFile(filepath.Join(data, "log.pub"))
	must(err)
	logKey := strings.TrimSpace(string(pub))
	reveal := filepath.Join(dir, "ua.v1.reveal.json")
	must(os.WriteFile(reveal, []byte(`{"negotiation":"nosuch","party":"ua","version":1,"commitment":"00","salt":"AAAA","content":"{}"}`), 0o644))

	for _, c := range []struct {
		name    string
		args    func(server string) []string
		changes bool // the request changes something on the server
	}{
		{"negotiation status", func(s string) []string { return []string{"negotiation", "status", "nosuch", "--server", s} }, false},
		{"negotiation propose", func(s string) []string { return []string{"negotiation", "propose", "nosuch", "--server", s} }, false},
		{"reconstruction export", func(s string) []string {
			return []string{"reconstruction", "export", "--format", "ocds", "--server", s}
		}, false},
		{"reconstruction fund", func(s string) []string {
			return []string{"reconstruction", "fund", "f1", "--amount", "100", "--currency", "EUR", "--source", "pledge", "--owner", "nobody", "--server", s}
		}, true},
		{"exchange open", func(s string) []string {
			return []string{"exchange", "open", strings.Repeat("0", 64), "--server", s}
		}, false},
		{"consult respond", func(s string) []string {
			return []string{"consult", "respond", "nosuch", "--answer", "accept", "--author", "ua", "--key", key, "--server", s}
		}, true},
		{"consult done", func(s string) []string {
			return []string{"consult", "done", "nosuch", "--author", "ua", "--key", key, "--server", s}
		}, true},
		{"clock tick", func(s string) []string {
			return []string{"clock", "tick", "--at", "2025-06-03T00:00:00Z", "--server", s}
		}, true},
		{"verify", func(s string) []string {
			return []string{"verify", s + "/nosuch", "--checkpoint", checkpoint, "--log-key", logKey}
		}, false},
		{"negotiation reveal", func(s string) []string {
			return []string{"negotiation", "reveal", reveal, "--ledger", s + "/nosuch"}
		}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			check := func(what, server string, want int, says []string, saysNot string) {
				t.Helper()
				out, errs, code := runAccord(t, c.args(server)...)
				if code != want || strings.Contains(errs, "this is a bug") {
					t.Errorf("%s on %s (%s): exit %d, want %d:\n%s%s", c.name, server, what, code, want, out, errs)
				}
				for _, s := range says {
					if !strings.Contains(errs, s) {
						t.Errorf("%s on %s (%s): stderr does not say %q:\n%s", c.name, server, what, s, errs)
					}
				}
				if saysNot != "" && strings.Contains(errs, saysNot) {
					t.Errorf("%s on %s (%s): stderr says %q:\n%s", c.name, server, what, saysNot, errs)
				}
			}
			check("the server refuses", served, 1, nil, "could not be reached")
			check("port closed", closed, 3, []string{closed, "could not be reached", "connection refused"}, "")
			if c.changes {
				check("sent, no answer", hangUp, 1, []string{hangUp, "no answer", "may have been"}, "could not be reached")
			} else {
				check("sent, no answer", hangUp, 3, []string{hangUp, "could not be reached"}, "")
			}
		})
	}
}
