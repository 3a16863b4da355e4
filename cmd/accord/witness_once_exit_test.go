package main

import (
	"crypto/rand"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

// witness --once tells its caller (cron, a script) what happened by its
// exit: 1 when the witness refused the server's checkpoint or the server
// answered with an error, 3 when the server could not be reached at all
// (nothing was verified nor refused: try again), each with a message
// naming the server.
func TestWitnessOnceExitCodes(t *testing.T) {
	dir := t.TempDir()
	skey, _, err := note.GenerateKey(rand.Reader, "ua-witness")
	if err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, "ua.key")
	if err := os.WriteFile(key, []byte(skey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Another log's key: the real server's checkpoint is not signed by it.
	_, otherLog, err := note.GenerateKey(rand.Reader, "accord-log")
	if err != nil {
		t.Fatal(err)
	}
	served, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data"), "--scenario", "none")
	defer stop()
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"down for maintenance"}`, http.StatusServiceUnavailable)
	}))
	defer failing.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now: the connection is refused
	for _, c := range []struct {
		name   string
		server string
		code   int
		says   []string
	}{
		{"checkpoint refused", served, 1, []string{"refused the checkpoint", "not signed by the log's key"}},
		{"server answers an error", failing.URL, 1, []string{failing.URL, "503"}},
		{"port closed", closed, 3, []string{closed, "could not be reached", "connection refused"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, errs, code := runAccord(t, "witness", "--server", c.server, "--key", key, "--log-key", otherLog,
				"--data", filepath.Join(t.TempDir(), "w"), "--once", "--timeout", "10s")
			if code != c.code || strings.Contains(errs, "this is a bug") {
				t.Errorf("witness --once on %s (%s): exit %d, want %d:\n%s%s", c.server, c.name, code, c.code, out, errs)
			}
			for _, s := range c.says {
				if !strings.Contains(errs, s) {
					t.Errorf("witness --once on %s (%s): stderr does not say %q:\n%s", c.server, c.name, s, errs)
				}
			}
		})
	}
}
