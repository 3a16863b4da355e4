package main

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/accord-peace/accord/ledger"
)

// verify --witness KEY requires that witness's cosignature: a signature by
// its key, not any signature under its name. A log key that bears a
// witness's name (the mission names its key as it likes) signs a
// checkpoint no witness cosigned: verify must not report it cosigned by
// the witness.
func TestVerifyWitnessIsItsKeyNotItsName(t *testing.T) {
	dir := recordLedger(t)
	cp, _ := os.ReadFile(filepath.Join(dir, "checkpoint"))
	n, err := note.Open(cp, note.VerifierList(mustVerifier(t, filepath.Join(dir, "log.pub"))))
	if err != nil {
		t.Fatal(err)
	}
	_, tree, err := ledger.ParseCheckpoint(n.Text)
	if err != nil {
		t.Fatal(err)
	}
	// The log's key named as the party's witness.
	lskey, lvkey, _ := note.GenerateKey(rand.Reader, "ua-witness")
	ls, _ := note.NewSigner(lskey)
	signed, err := ledger.SignCheckpoint("accord/ukraine-2025", tree, ls)
	if err != nil {
		t.Fatal(err)
	}
	cpFile := filepath.Join(dir, "checkpoint-by-the-log")
	os.WriteFile(cpFile, signed, 0o644)
	_, wvkey, _ := note.GenerateKey(rand.Reader, "ua-witness") // the witness's own key
	stdout, errs, code := runAccord(t, "verify", filepath.Join(dir, "ledger"), "--checkpoint", cpFile, "--log-key", lvkey,
		"--keys", filepath.Join(dir, "keys.json"), "--witness", wvkey)
	if code != 1 || !strings.Contains(errs, "not cosigned by the witness ua-witness") {
		t.Fatalf("a checkpoint signed by the log alone, the log's key named as the witness: exit %d\n%s%s\nwant exit 1, not cosigned by the witness", code, stdout, errs)
	}
}

func mustVerifier(t *testing.T, path string) note.Verifier {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// accord ledger checkpoint opens the ledger as a writer (it cuts a torn
// tail, it saves LEDGER.tree): on the ledger of a running server — its
// --data held (accord.lock) — the tail it would cut may be the server's
// batch being written. It is refused, naming the holder, and the ledger
// and its tree are left as they are.
func TestLedgerCheckpointRefusesARunningServersLedger(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--scenario", "none")
	defer stop()
	postSimulated(t, url, "", "4", "1h")
	tree, _ := os.ReadFile(filepath.Join(data, "ledger.tree"))
	stdout, errs, code := runAccord(t, "ledger", "checkpoint", filepath.Join(data, "ledger"), "--key", filepath.Join(data, "log.key"))
	if code != 1 || !strings.Contains(errs, "in use") {
		t.Errorf("ledger checkpoint of a running server's ledger: exit %d: %s%s; want 1, the data directory in use", code, stdout, errs)
	}
	if after, _ := os.ReadFile(filepath.Join(data, "ledger.tree")); string(after) != string(tree) {
		t.Errorf("ledger.tree written by the refused command:\n%s\nwas\n%s", after, tree)
	}
}
