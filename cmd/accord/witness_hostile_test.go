package main

import (
	"crypto/rand"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// accord witness checks --origin as serve and ledger checkpoint do: an
// origin no checkpoint can have (empty, two lines, a control character)
// is a wrong command line, refused before anything is made or fetched —
// not a witness that starts, makes its directory and refuses every
// checkpoint of the log for ever.
func TestWitnessCommandChecksItsOrigin(t *testing.T) {
	dir := t.TempDir()
	skey, _, _ := note.GenerateKey(rand.Reader, "ua-witness")
	key := filepath.Join(dir, "ua.key")
	os.WriteFile(key, []byte(skey+"\n"), 0o600)
	_, logKey, _ := note.GenerateKey(rand.Reader, "accord-log")
	for _, tt := range []struct{ name, origin, msg string }{
		{"empty", "", "empty"},
		{"two lines", "accord/ukraine-2025\nx", "two lines"},
		{"a control character", "accord/ukraine-2025\x01", "control character"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data := filepath.Join(dir, tt.name)
			_, errs, code := runAccord(t, "witness", "--server", "http://127.0.0.1:1", "--key", key, "--log-key", logKey,
				"--origin", tt.origin, "--data", data, "--once")
			if code != 2 || !strings.Contains(errs, "--origin") || !strings.Contains(errs, tt.msg) {
				t.Errorf("--origin %q: exit %d: %s; want 2, naming --origin and %q", tt.origin, code, errs, tt.msg)
			}
			if _, err := os.Stat(data); err == nil {
				t.Errorf("--origin %q: the witness's directory was made", tt.origin)
			}
		})
	}
}

// A server that answers a witness's request and then sends nothing more
// (a stalled body) does not hold the witness for ever: each request is
// bounded (--timeout, a minute by default, as serve --role witness), and
// the round fails with an error saying so: exit 3, nothing verified (no
// whole answer within --timeout, as no answer). Without a bound, accord
// witness --once never returned and a following witness stopped cosigning
// without a word.
func TestWitnessCommandBoundsAStalledServer(t *testing.T) {
	dir := t.TempDir()
	skey, _, _ := note.GenerateKey(rand.Reader, "ua-witness")
	key := filepath.Join(dir, "ua.key")
	os.WriteFile(key, []byte(skey+"\n"), 0o600)
	_, logKey, _ := note.GenerateKey(rand.Reader, "accord-log")
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.Write([]byte("accord/ukraine-2025\n"))
		w.(http.Flusher).Flush()
		<-release
	}))
	defer srv.Close()
	defer close(release)
	_, errs, code, took := runAccordCtx(t, 30*time.Second, "witness", "--server", srv.URL, "--key", key, "--log-key", logKey,
		"--data", filepath.Join(dir, "w"), "--once", "--timeout", "1s")
	if code != 3 || took > 20*time.Second || !strings.Contains(errs, "GET /v1/checkpoint sent: the answer (200 OK) not whole within 1s, the most a request may take whole") {
		t.Fatalf("a stalled answer: exit %d after %v: %s; want exit 3 within the timeout, saying so", code, took.Round(time.Second), errs)
	}
	if n := strings.Count(errs, "try again later"); n != 1 {
		t.Fatalf("a stalled answer: %q said %d times: %s", "try again later", n, errs)
	}
}

// A witness given a server's data directory as its own (--data of the
// recorder: the same path on a demo machine, a typo) must not touch the
// server's ledger there: it is refused at start, saying whose directory it
// is. It wiped the ledger (its "copy" emptied for a new witness), the
// whole record, running server or not.
func TestWitnessCommandRefusesAServersDataDirectory(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	skey, _, _ := note.GenerateKey(rand.Reader, "ua-witness")
	key := filepath.Join(dir, "ua.key")
	os.WriteFile(key, []byte(skey+"\n"), 0o600)
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--scenario", "none")
	postSimulated(t, url, "", "4", "1h")
	for _, running := range []bool{true, false} {
		if !running {
			stop()
		}
		before, _ := os.ReadFile(filepath.Join(data, "ledger"))
		_, errs, code := runAccord(t, "witness", "--server", url, "--key", key, "--log-key", filepath.Join(data, "log.pub"),
			"--data", data, "--once")
		after, _ := os.ReadFile(filepath.Join(data, "ledger"))
		if len(after) != len(before) || len(before) == 0 {
			t.Fatalf("server running %v: the server's ledger was %d bytes, %d after the witness", running, len(before), len(after))
		}
		if code != 1 || !strings.Contains(errs, "a server's data directory") {
			t.Errorf("server running %v: exit %d: %s; want 1, the directory named a server's", running, code, errs)
		}
	}
}

// sealedServer is a server with consultations (sealed entries in its
// record), behind a proxy that answers GET /v1/sealed/... with sealed;
// it returns the proxy's URL, the log key's file, and the mediator's token
// (which opens every sealed entry).
func sealedServer(t *testing.T, sealed http.HandlerFunc) (proxyURL, logPub, token string) {
	data := t.TempDir()
	tokens := filepath.Join(data, "tokens.json")
	os.WriteFile(tokens, []byte(`{
		"monitor-token-0123456789": {"actor": "mission", "role": "monitor", "owners": ["un", "cn", "in", "ru", "ua", "osint"]},
		"un-token-0123456789abcd": {"actor": "un", "role": "mediator"}}`), 0o600)
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(data, "d"), "--tokens", tokens)
	t.Cleanup(func() { stop() })
	postSimulated(t, url, "monitor-token-0123456789", "4", "1h")
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/sealed/") {
			sealed(w, r)
			return
		}
		req, _ := http.NewRequest(r.Method, url+r.URL.RequestURI(), r.Body)
		req.Header = r.Header
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), 502)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	t.Cleanup(proxy.Close)
	return proxy.URL, filepath.Join(data, "d", "log.pub"), "un-token-0123456789abcd"
}

// The witness's replay opens sealed entries from the server (GET
// /v1/sealed/{sha256}): that request is bounded like the others. A server
// that stalls it held the witness for ever, --timeout or not.
func TestWitnessCommandBoundsAStalledSealedEntry(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	url, logPub, token := sealedServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(200)
		w.Write([]byte("{"))
		w.(http.Flusher).Flush()
		<-release
	})
	dir := t.TempDir()
	skey, _, _ := note.GenerateKey(rand.Reader, "ua-witness")
	key := filepath.Join(dir, "ua.key")
	os.WriteFile(key, []byte(skey+"\n"), 0o600)
	_, errs, code, took := runAccordCtx(t, 30*time.Second, "witness", "--server", url, "--key", key, "--log-key", logPub,
		"--data", filepath.Join(dir, "w"), "--once", "--timeout", "1s", "--token", token)
	if code != 3 || took > 20*time.Second || !strings.Contains(errs, "GET /v1/sealed/") || !strings.Contains(errs, "within 1s") {
		t.Fatalf("a stalled sealed entry: exit %d after %v: %s; want exit 3 within the timeout, saying so", code, took.Round(time.Second), errs)
	}
}

// A sealed entry's content the server fails to serve (503, the
// connection cut, a timeout) says nothing of the record: the round fails
// and is retried, as when any other answer fails. It is no refusal — the
// witness's alarm (a fork, a forged entry; REFUSED, counted in
// accord_witness_refusals_total) — which is for content that does not
// match its seal.
func TestWitnessCommandSealedFetchFailureIsNotARefusal(t *testing.T) {
	url, logPub, token := sealedServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
	})
	dir := t.TempDir()
	skey, _, _ := note.GenerateKey(rand.Reader, "ua-witness")
	key := filepath.Join(dir, "ua.key")
	os.WriteFile(key, []byte(skey+"\n"), 0o600)
	stdout, errs, code := runAccord(t, "witness", "--server", url, "--key", key, "--log-key", logPub,
		"--data", filepath.Join(dir, "w"), "--once", "--token", token)
	if code != 1 || !strings.Contains(errs, "503") || strings.Contains(errs, "refused") || strings.Contains(stdout, "REFUSED") {
		t.Fatalf("sealed content not served (503): exit %d: %s%s; want exit 1, the server's failure, no refusal", code, stdout, errs)
	}
}

// accord witness --once stopped by Ctrl-C or SIGTERM before its round
// ends has not verified nor cosigned anything: it exits 130,
// "interrupted", as the other commands do — not 0, which a script takes
// for a round done.
func TestWitnessOnceInterruptedIsNotSuccess(t *testing.T) {
	dir := t.TempDir()
	skey, _, _ := note.GenerateKey(rand.Reader, "ua-witness")
	key := filepath.Join(dir, "ua.key")
	os.WriteFile(key, []byte(skey+"\n"), 0o600)
	_, logKey, _ := note.GenerateKey(rand.Reader, "accord-log")
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	stdout, errs, code, _ := runAccordCtx(t, 500*time.Millisecond, "witness", "--server", srv.URL, "--key", key, "--log-key", logKey,
		"--data", filepath.Join(dir, "w"), "--once")
	if code != 130 || !strings.Contains(errs, "interrupted") {
		t.Fatalf("--once interrupted: exit %d: %s%s; want 130, interrupted", code, stdout, errs)
	}
}
