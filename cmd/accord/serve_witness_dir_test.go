package main

import (
	"crypto/rand"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// A witness's state directory is not a server's data directory: both keep
// a file named ledger — the witness its copy of the record, the server the
// record it signs — so a server started there would take the witness's
// copy for its own record and sign it with a new log key. The witness
// refuses a server's directory (witness.Open, serverFiles); serve, and
// config check with it, refuse a witness's the same way, before anything
// is written.
func TestServeRefusesAWitnessDirectory(t *testing.T) {
	dir := t.TempDir()
	skey, vkey, err := note.GenerateKey(rand.Reader, "ua-witness")
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "ua.key")
	os.WriteFile(keyFile, []byte(skey+"\n"), 0o600)
	url, stop, out := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "mission"), "--scenario", "none", "--witness-key", vkey)
	logKey := regexp.MustCompile(`log key (\S+)\)`).FindStringSubmatch(out.String())
	if logKey == nil {
		stop()
		t.Fatalf("no log key printed: %s", out.String())
	}
	obs, _ := simulateTo(t, "--seed", "4", "--duration", "30m")
	b, _ := os.ReadFile(obs)
	// A few observations: a record without sealed entries, which a
	// server would open as its own.
	body := strings.Join(strings.SplitAfter(string(b), "\n")[:10], "")
	resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", strings.NewReader(body))
	if err != nil || resp.StatusCode != 200 {
		stop()
		t.Fatalf("batch: %v %v", err, resp)
	}
	resp.Body.Close()
	wdir := filepath.Join(dir, "ua")
	if _, errs, code := runAccord(t, "witness", "--server", url, "--key", keyFile, "--log-key", logKey[1], "--data", wdir, "--once"); code != 0 {
		stop()
		t.Fatalf("witness --once: exit %d %s", code, errs)
	}
	stop()
	before, _ := os.ReadDir(wdir)
	for _, cmd := range [][]string{{"config", "check"}, {"serve", "--addr", "127.0.0.1:0"}} {
		args := append(append([]string{}, cmd...), "--data", wdir, "--scenario", "none")
		out, errs, code, _ := runAccordCtx(t, 10*time.Second, args...)
		if code == 0 || strings.Contains(out, "accord serving on") || !strings.Contains(errs, "witness") {
			t.Errorf("%s: exit %d, want a refusal saying %s is a witness's directory:\n%s%s", strings.Join(args, " "), code, wdir, out, errs)
		}
	}
	after, _ := os.ReadDir(wdir)
	if len(after) != len(before) {
		t.Errorf("the witness's directory held %d files, now %d", len(before), len(after))
	}
}
