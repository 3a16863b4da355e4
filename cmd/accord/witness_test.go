package main

import (
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/accord-peace/accord/witness"
)

// Three parties run 'accord witness --once' against a real 'accord serve'
// holding a ceasefire's record: each verifies it, replays the engine and
// cosigns; the server's checkpoint then carries the three cosignatures and
// passes 'accord verify --witness' with each key. A witness given another
// log key refuses and exits 1; a server given a malformed witness key does
// not start.
func TestWitnessCommandCosignsAServersCheckpoint(t *testing.T) {
	dir := t.TempDir()
	names := []string{"ua-witness", "ru-witness", "eu-witness"}
	var keyFiles, vkeys []string
	for _, n := range names {
		skey, vkey, err := note.GenerateKey(rand.Reader, n)
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, n+".key")
		os.WriteFile(f, []byte(skey+"\n"), 0o600)
		keyFiles, vkeys = append(keyFiles, f), append(vkeys, vkey)
	}
	// Two keys on the command line, the third from a file.
	wfile := filepath.Join(dir, "witnesses")
	os.WriteFile(wfile, []byte("# the guarantor's witness\n"+vkeys[2]+"\n"), 0o644)
	url, stop, out := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data"), "--scenario", "none",
		"--witness-key", vkeys[0], "--witness-key", names[1]+"="+vkeys[1], "--witness-key", wfile)
	defer stop()
	logKey := regexp.MustCompile(`log key (\S+)\)`).FindStringSubmatch(out.String())
	if logKey == nil {
		t.Fatalf("no log key printed: %s", out.String())
	}
	postSimulated(t, url, "", "4", "1h")

	for i, n := range names {
		stdout, errs, code := runAccord(t, "witness", "--server", url, "--key", keyFiles[i], "--name", n, "--log-key", logKey[1],
			"--data", filepath.Join(dir, n), "--once", "--json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s %s", n, code, stdout, errs)
		}
		var evs []witness.Event
		for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
			var ev witness.Event
			if err := json.Unmarshal([]byte(l), &ev); err != nil {
				t.Fatalf("%s: not a JSON event line: %q", n, l)
			}
			evs = append(evs, ev)
		}
		if len(evs) != 2 || evs[0].Event != "verified" || evs[0].Entries < 3 || len(evs[0].States) == 0 || evs[1].Event != "cosigned" || len(evs[1].Witnesses) != i+1 {
			t.Fatalf("%s: events %s, want the entries verified, the engine replayed and the checkpoint cosigned", n, stdout)
		}
	}
	// Progress lines: nothing new the second time.
	stdout, errs, code := runAccord(t, "witness", "--server", url, "--key", keyFiles[0], "--log-key", logKey[1], "--data", filepath.Join(dir, names[0]), "--once")
	if code != 0 || !strings.Contains(stdout, "witness ua-witness: nothing new") {
		t.Fatalf("second round: exit %d: %s %s", code, stdout, errs)
	}

	resp, err := http.Get(url + "/v1/checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	cp, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	cpFile := filepath.Join(dir, "checkpoint")
	os.WriteFile(cpFile, cp, 0o644)
	args := []string{"verify", url, "--checkpoint", cpFile, "--log-key", logKey[1]}
	for _, v := range vkeys {
		args = append(args, "--witness", v)
	}
	stdout, errs, code = runAccord(t, args...)
	if code != 0 || !strings.Contains(stdout, "signed by "+strings.Split(logKey[1], "+")[0]+", eu-witness, ru-witness, ua-witness") {
		t.Fatalf("verify --witness: exit %d: %s %s\ncheckpoint:\n%s", code, stdout, errs, cp)
	}

	// A witness that did not cosign it: verify refuses.
	_, absent, _ := note.GenerateKey(rand.Reader, "us-witness")
	stdout, errs, code = runAccord(t, append(args, "--witness", absent)...)
	if code != 1 || !strings.Contains(errs, "not cosigned by the witness us-witness") {
		t.Fatalf("verify --witness of a witness that did not cosign: exit %d: %s %s", code, stdout, errs)
	}

	// Another log key: refused, exit 1.
	_, other, _ := note.GenerateKey(rand.Reader, strings.Split(logKey[1], "+")[0])
	stdout, errs, code = runAccord(t, "witness", "--server", url, "--key", keyFiles[1], "--log-key", other, "--data", filepath.Join(dir, "other"), "--once")
	if code != 1 || !strings.Contains(errs, "refused the checkpoint: the checkpoint is not signed by the log's key") || !strings.Contains(stdout, "REFUSED") {
		t.Fatalf("another log key: exit %d: %s %s", code, stdout, errs)
	}
	// Usage errors.
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"witness", "--server", url}, "--server, --key and --log-key are required"},
		{[]string{"serve", "--data", filepath.Join(dir, "d2"), "--witness-key", "nobody=" + vkeys[0]}, `named "nobody", but the key is "ua-witness"'s`},
		{[]string{"serve", "--data", filepath.Join(dir, "d2"), "--witness-key", "garbage+key"}, "not a public note key"},
	} {
		_, errs, code := runAccord(t, tt.args...)
		if code != 2 || !strings.Contains(errs, tt.msg) {
			t.Errorf("%v: exit %d: %s; want 2 and %q", tt.args, code, errs, tt.msg)
		}
	}
}

// cosignBody is a witness's cosignature of a checkpoint text, as
// POST /v1/checkpoint/cosignatures takes it.
func cosignBody(t *testing.T, s note.Signer, text string) string {
	t.Helper()
	msg, err := note.Sign(&note.Note{Text: text}, s)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(msg)), "\n")
	f := strings.Fields(lines[len(lines)-1])
	b, _ := json.Marshal(map[string]string{"witness": s.Name(), "checkpoint": text, "signature": f[2]})
	return string(b)
}
