package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNegotiationPositionKeepsRevealOnLostAnswer: when the server takes a
// position but its answer is lost (the connection drops), the position may
// be on the record: the reveal file — the salt, the only proof of the
// version — is kept, and the error says so. A server's refusal removes it
// (TestNegotiationCLIEndToEnd).
func TestNegotiationPositionKeepsRevealOnLostAnswer(t *testing.T) {
	got := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == "GET" && r.URL.Path == "/v1/negotiations/ukraine-2025":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"negotiation":"ukraine-2025","party":"ua","positions":[],"rounds":[],"requests":[]}`)
		case r.Method == "POST" && r.URL.Path == "/v1/negotiations/ukraine-2025/positions":
			io.ReadAll(r.Body) // taken, and recorded for all the client knows
			got++
			c, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			c.Close() // the answer is lost
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	_, sk, _ := ed25519.GenerateKey(rand.Reader)
	key := filepath.Join(dir, "ua.key")
	if err := os.WriteFile(key, []byte(base64.StdEncoding.EncodeToString(sk)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runAccord(t, "negotiation", "position", filepath.Join(talksDir, "positions", "ua.yaml"), "--reveal-dir", dir,
		"--author", "ua", "--key", key, "--server", srv.URL, "--token", "tok")
	if code == 0 || got != 1 {
		t.Fatalf("exit %d after %d submission(s): %s", code, got, errOut)
	}
	reveal := filepath.Join(dir, "ua.v1.reveal.json")
	if _, err := os.Stat(reveal); err != nil {
		t.Fatalf("the answer was lost, and the reveal file with it: %v (%s)", err, errOut)
	}
	if !strings.Contains(errOut, reveal) {
		t.Errorf("the error does not name the reveal file kept: %s", errOut)
	}
}
