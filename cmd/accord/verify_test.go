package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/ledger"
)

// recordLedger puts the compliance timeline in a ledger, each event signed
// by the party that acts (the mission for the clock), and signs a
// checkpoint; it returns the file paths for accord verify.
func recordLedger(t *testing.T) (dir string) {
	t.Helper()
	dir = t.TempDir()
	f, _ := os.Open("../../engine/testdata/compliance.ndjson")
	events, err := engine.ReadLog(f, "compliance")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	priv := map[string]ed25519.PrivateKey{}
	pubs := map[string]string{}
	for _, a := range []string{"ua", "ru", "eu", "us", "mission"} {
		pub, p, _ := ed25519.GenerateKey(rand.Reader)
		priv[a], pubs[a] = p, base64.StdEncoding.EncodeToString(pub)
	}
	reg := &ledger.Registry{Keys: map[string]ed25519.PublicKey{}}
	for a, p := range priv {
		reg.Keys[a] = p.Public().(ed25519.PublicKey)
	}
	l, err := ledger.OpenLedger(filepath.Join(dir, "ledger"), reg)
	if err != nil {
		t.Fatal(err)
	}
	// The events as the server records them: its own derived entries.
	for _, ev := range events {
		body, _ := json.Marshal(ev)
		if _, err := l.AppendAll([]ledger.Entry{{Kind: ledger.KindDerived, Type: "event", Body: body}}); err != nil {
			t.Fatal(err)
		}
	}
	// An engine event sent for the record as a signed submission, as the
	// server once took them: it feeds the engine neither on the server nor
	// in verify (a snapback that never happened).
	s, _ := ledger.Sign(priv["ru"], "ru", "forged-snapback", "event", engine.Event{Seq: 13, At: events[len(events)-1].At, Type: "provision_done", Provision: "sanctions-snapback", Party: "eu"})
	if _, err := l.Submit(s); err != nil {
		t.Fatal(err)
	}
	tree, _ := l.Tree(l.Len())
	l.Close()
	skey, vkey, _ := note.GenerateKey(rand.Reader, "accord-mission")
	signer, _ := note.NewSigner(skey)
	cp, err := ledger.SignCheckpoint("accord/ukraine-2025", tree, signer)
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := json.Marshal(pubs)
	os.WriteFile(filepath.Join(dir, "checkpoint"), cp, 0o644)
	os.WriteFile(filepath.Join(dir, "log.pub"), []byte(vkey+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "keys.json"), keys, 0o644)
	return dir
}

func TestVerifyLedger(t *testing.T) {
	dir := recordLedger(t)
	args := func(ledgerFile string) []string {
		return []string{"verify", ledgerFile, "--checkpoint", filepath.Join(dir, "checkpoint"), "--log-key", filepath.Join(dir, "log.pub"), "--keys", filepath.Join(dir, "keys.json")}
	}
	out, errOut, code := runAccord(t, args(filepath.Join(dir, "ledger"))...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "13 entries verified; the first 13 match the checkpoint signed by accord-mission") || !strings.Contains(out, "12 events replayed") {
		t.Errorf("verify:\n%s", out)
	}
	// The state is the one replaying the log gives.
	replayed, _, _ := runAccord(t, "replay", "../../engine/testdata/compliance.ndjson")
	hash := regexp.MustCompile(`state sha256 ([0-9a-f]{64})`)
	if a, b := hash.FindStringSubmatch(out), hash.FindStringSubmatch(replayed); a == nil || b == nil || a[1] != b[1] {
		t.Errorf("verify's state %v differs from replay's %v", a, b)
	}
	// One changed byte inside an entry's body is caught and located.
	data, _ := os.ReadFile(filepath.Join(dir, "ledger"))
	i := strings.Index(string(data), `"provision":"elections"`)
	bad := append([]byte(nil), data...)
	bad[i+14] = 'E'
	os.WriteFile(filepath.Join(dir, "bad"), bad, 0o644)
	_, errOut, code = runAccord(t, args(filepath.Join(dir, "bad"))...)
	if code != 1 || !strings.Contains(errOut, "entry 11 (byte") || !strings.Contains(errOut, "entry 10 was changed") {
		t.Errorf("tampered: exit %d\n%s", code, errOut)
	}
	// A checkpoint signed by another key is refused.
	_, vkey2, _ := note.GenerateKey(rand.Reader, "accord-mission")
	a := args(filepath.Join(dir, "ledger"))
	a[5] = vkey2
	if _, errOut, code = runAccord(t, a...); code != 1 || !strings.Contains(errOut, "checkpoint") {
		t.Errorf("wrong log key: exit %d %s", code, errOut)
	}
}

func TestVerifyFromServer(t *testing.T) {
	dir := recordLedger(t)
	l, err := ledger.OpenLedger(filepath.Join(dir, "ledger"), &ledger.Registry{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	mux := http.NewServeMux()
	(&api.Record{Ledger: l, Origin: "accord/ukraine-2025"}).Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	out, errOut, code := runAccord(t, "verify", srv.URL, "--checkpoint", filepath.Join(dir, "checkpoint"),
		"--log-key", filepath.Join(dir, "log.pub"), "--keys", filepath.Join(dir, "keys.json"))
	if code != 0 || !strings.Contains(out, "13 entries verified") {
		t.Errorf("verify %s: exit %d %s %s", srv.URL, code, out, errOut)
	}
}

// accord ledger checkpoint and accord verify work on a ledger holding the
// refusal of a submission too large to store (its refusal kept small), and
// a torn tail after the checkpoint is a note, not a failure.
func TestCheckpointAfterOversizeRefusal(t *testing.T) {
	dir := recordLedger(t)
	path := filepath.Join(dir, "ledger")
	l, err := ledger.OpenLedger(path, &ledger.Registry{})
	if err != nil {
		t.Fatal(err)
	}
	huge := strings.Repeat("x", 17<<20)
	_, err = l.Submit(ledger.Submission{Author: "anonymous", ID: huge, Type: "observations", Body: []byte("{}"), Sig: "AA=="})
	if err == nil || !strings.Contains(err.Error(), "too large to store") {
		t.Errorf("oversize submission: %.200v", err)
	}
	l.Close()
	keys, _, code := runAccord(t, "ledger", "keygen", "accord-mission")
	if code != 0 {
		t.Fatal("keygen failed")
	}
	pair := strings.Fields(keys)
	os.WriteFile(filepath.Join(dir, "log.key"), []byte(pair[0]+"\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "log.pub"), []byte(pair[1]+"\n"), 0o644)
	cp, errOut, code := runAccord(t, "ledger", "checkpoint", path, "--key", filepath.Join(dir, "log.key"))
	if code != 0 || !strings.Contains(cp, "accord/ukraine-2025\n14\n") {
		t.Fatalf("checkpoint: exit %d %s\n%s", code, errOut, cp)
	}
	os.WriteFile(filepath.Join(dir, "checkpoint"), []byte(cp), 0o644)
	if tree, _ := os.ReadFile(path + ".tree"); !strings.Contains(string(tree), "\n14\n") {
		t.Errorf("the signed tree is not saved beside the ledger: %q", tree)
	}
	verify := func() (string, string, int) {
		return runAccord(t, "verify", path, "--checkpoint", filepath.Join(dir, "checkpoint"), "--log-key", filepath.Join(dir, "log.pub"), "--keys", filepath.Join(dir, "keys.json"))
	}
	out, errOut, code := verify()
	if code != 0 || !strings.Contains(out, "14 entries verified; the first 14 match") || strings.Contains(out, "torn tail") {
		t.Fatalf("verify: exit %d %s\n%s", code, errOut, out)
	}
	// A write that never completed, after the checkpoint: a note.
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.Write([]byte{0, 0, 1})
	f.Close()
	out, errOut, code = verify()
	if code != 0 || !strings.Contains(out, "note: the last 3 bytes, after entry 13, are a torn tail") {
		t.Errorf("verify with a torn tail: exit %d %s\n%s", code, errOut, out)
	}
	// The checkpoint command cuts it, as the server does.
	if cp, errOut, code = runAccord(t, "ledger", "checkpoint", path, "--key", filepath.Join(dir, "log.key")); code != 0 || !strings.Contains(cp, "\n14\n") {
		t.Errorf("checkpoint after a torn tail: exit %d %s", code, errOut)
	}
}

// verify refuses a keys file that gives an author twice, naming the author:
// before, the last key was taken, so a file with another key first for ua
// verified (another reader, taking the first, would not).
func TestVerifyKeysRepeatedAuthor(t *testing.T) {
	dir := recordLedger(t)
	keys, err := os.ReadFile(filepath.Join(dir, "keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	other := base64.StdEncoding.EncodeToString(make([]byte, ed25519.PublicKeySize))
	twice := filepath.Join(dir, "twice.json")
	if err := os.WriteFile(twice, []byte(`{"ua": "`+other+`", `+string(keys[1:])), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runAccord(t, "verify", filepath.Join(dir, "ledger"), "--checkpoint", filepath.Join(dir, "checkpoint"),
		"--log-key", filepath.Join(dir, "log.pub"), "--keys", twice)
	if want := twice + `: the key of "ua": ` + accord.RepeatedKeyReason; code != 1 || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, stderr %q; want 1 and %q", code, errOut, want)
	}
}

// ledger checkpoint refuses, before anything is opened or made, a ledger
// that is not there (before, it made an empty one and signed a checkpoint
// of 0 entries) and an origin that no checkpoint can carry (before, one
// with a newline was signed, and verify refused the checkpoint).
func TestLedgerCheckpointRefusals(t *testing.T) {
	dir := t.TempDir()
	pair := mustRun(t, "ledger", "keygen", "accord-mission")
	key := filepath.Join(dir, "log.key")
	if err := os.WriteFile(key, []byte(pair), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.ledger")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	nope := filepath.Join(dir, "nope.ledger")
	tests := []struct {
		name   string
		ledger string
		origin string
		code   int
		msg    string
	}{
		{"no such ledger", nope, "accord/ukraine-2025", 1, "no such ledger: " + nope + " (nothing created)"},
		{"a newline in the origin", empty, "a\nb", 2, `--origin "a\nb": a newline would make it two lines`},
		{"a carriage return in the origin", empty, "a\rb", 2, `--origin "a\rb": the control character U+000D`},
		{"a tab in the origin", empty, "a\tb", 2, `--origin "a\tb": the control character U+0009`},
		{"an empty origin", empty, "", 2, `--origin "": empty`},
		{"an origin not UTF-8", empty, "a\xffb", 2, `--origin "a\xffb": not UTF-8`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := dirState(t, dir)
			out, errs, code := runAccord(t, "ledger", "checkpoint", tt.ledger, "--key", key, "--origin", tt.origin)
			if code != tt.code || out != "" || !strings.Contains(errs, tt.msg) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d and %q", code, out, errs, tt.code, tt.msg)
			}
			if after := dirState(t, dir); !maps.Equal(before, after) {
				t.Errorf("files changed:\nbefore %q\nafter  %q", before, after)
			}
		})
	}
	// An origin with a space is one line of text: signed, and verified.
	cp := mustRun(t, "ledger", "checkpoint", empty, "--key", key, "--origin", "accord test")
	cpPath := filepath.Join(dir, "checkpoint")
	if err := os.WriteFile(cpPath, []byte(cp), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "verify", empty, "--checkpoint", cpPath, "--log-key", strings.Fields(pair)[1], "--origin", "accord test")
}
