package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mediation"
	"github.com/accord-peace/accord/talks"
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

// writeTalksRecord records ua's signed position version 1 of negotiation
// n1 between two derived entries, then the drafts of rounds 1 and 2
// evaluated on it, and writes ua's reveal file: the ledger's path, the
// reveal's, and each entry's frame offset.
func writeTalksRecord(t *testing.T) (string, string, []int) {
	t.Helper()
	dir := t.TempDir()
	pub, sk, _ := ed25519.GenerateKey(rand.Reader)
	path := filepath.Join(dir, "ledger")
	l, err := ledger.OpenLedger(path, &ledger.Registry{Keys: map[string]ed25519.PublicKey{"ua": pub}})
	if err != nil {
		t.Fatal(err)
	}
	salt, content := talks.NewSalt(), "issues:\n  ceasefire: {batna: 60}\n"
	commitment := talks.Commit(salt, []byte(content))
	draft := func(round int) ledger.Entry {
		b, _ := json.Marshal(talks.Event{Type: talks.TypeDraft, Negotiation: "n1", Round: round, Basis: map[string]int{"ua": 1}})
		return ledger.Entry{Kind: ledger.KindDerived, Type: talks.TypeDraft, Body: b}
	}
	if _, err := l.Append(ledger.Entry{Kind: ledger.KindDerived, Type: "negotiation_opened", Body: []byte(`{"type":"negotiation_opened","negotiation":"n1"}`)}); err != nil {
		t.Fatal(err)
	}
	s, err := ledger.Sign(sk, "ua", "pos-1", talks.TypePosition, talks.Event{Type: talks.TypePosition, Negotiation: "n1", Party: "ua", Version: 1, Commitment: commitment})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Submit(s); err != nil {
		t.Fatal(err)
	}
	for _, e := range []ledger.Entry{draft(1), draft(2), {Kind: ledger.KindDerived, Type: "negotiation_concluded", Body: []byte(`{"type":"negotiation_concluded","negotiation":"n1","round":2}`)}} {
		if _, err := l.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	// The authors' keys, as the server was given them (reveal --keys).
	os.WriteFile(filepath.Join(dir, "keys.json"), []byte(`{"ua": "`+base64.StdEncoding.EncodeToString(pub)+`"}`), 0o600)
	rev, _ := json.Marshal(mediation.Revealed{Negotiation: "n1", Party: "ua", Version: 1, Commitment: commitment, Salt: base64.StdEncoding.EncodeToString(salt), Content: content})
	reveal := filepath.Join(dir, "ua.v1.reveal.json")
	if err := os.WriteFile(reveal, rev, 0o600); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	var offs []int
	for off := 0; off+4 <= len(data); off += 4 + int(binary.BigEndian.Uint32(data[off:])) {
		offs = append(offs, off)
	}
	if len(offs) != 5 {
		t.Fatalf("%d entries recorded, want 5", len(offs))
	}
	return path, reveal, offs
}

// reveal vouches for a version only from a record that verifies as one
// chain: a copy changed, cut, reordered or with an entry dropped — even
// where the position itself is intact — is refused, exit 1, the entry and
// what is wrong named; it said "this is the version the mediator had".
func TestNegotiationRevealVerifiesTheRecord(t *testing.T) {
	path, reveal, offs := writeTalksRecord(t)
	orig, _ := os.ReadFile(path)
	frame := func(d []byte, k int) []byte {
		end := len(d)
		if k+1 < len(offs) {
			end = offs[k+1]
		}
		return d[offs[k]:end]
	}
	at := func(k int) string { return "entry " + itoa(k) + " (byte " + itoa(offs[k]) + "): " }
	cases := []struct {
		name   string
		change func([]byte) []byte
		want   string // "" when it verifies
	}{
		{"as recorded", func(d []byte) []byte { return d }, ""},
		{"a torn tail (a write never acknowledged)", func(d []byte) []byte { return append(d, 0, 0, 0) }, ""},
		{"the entry before the position changed", func(d []byte) []byte {
			e := frame(d, 0)
			i := bytes.Index(e, []byte(`"n1"`))
			e[i+2] = '2'
			return d
		}, at(1) + "its prev hash does not match entry 0"},
		{"round 2's draft dropped", func(d []byte) []byte {
			return append(d[:offs[3]:offs[3]], d[offs[4]:]...)
		}, at(3) + "sequence number 4, want 3"},
		{"the drafts reordered", func(d []byte) []byte {
			out := append(bytes.Clone(d[:offs[2]]), frame(d, 3)...)
			out = append(out, frame(d, 2)...)
			return append(out, d[offs[4]:]...)
		}, at(2) + "sequence number 3, want 2"},
		{"round 1's draft damaged", func(d []byte) []byte {
			binary.BigEndian.PutUint32(d[offs[2]:], 1<<30)
			return d
		}, at(2) + "unreadable frame"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "ledger")
			if err := os.WriteFile(p, c.change(bytes.Clone(orig)), 0o644); err != nil {
				t.Fatal(err)
			}
			out, errOut, code := runAccord(t, "negotiation", "reveal", reveal, "--ledger", p)
			if c.want == "" {
				if code != 0 || !strings.Contains(out, "this is the version the mediator had") || !strings.Contains(out, "the drafts of rounds 1, 2 were evaluated on it") ||
					!strings.Contains(out, "the record's 5 entries verify as one chain") {
					t.Fatalf("exit %d %s %s", code, out, errOut)
				}
				return
			}
			if code != exitFailure || strings.Contains(out, "the mediator had") || !strings.Contains(errOut, p+": vouches for no version of ua's position: the log does not verify") ||
				!strings.Contains(errOut, c.want) || strings.Contains(errOut, "this is a bug") {
				t.Errorf("exit %d, out %q, err %s; want %d, %s and %q", code, out, errOut, exitFailure, p, c.want)
			}
		})
	}
	// --json says what it verified and what it did not.
	out, errOut, code := runAccord(t, "negotiation", "reveal", reveal, "--ledger", path, "--json")
	if code != 0 || !strings.Contains(out, `"entries_verified": 5`) || !strings.Contains(out, `"signatures_checked": false`) || !strings.Contains(out, `"rounds": [`) {
		t.Errorf("--json: exit %d %s %s", code, out, errOut)
	}
}

// With --keys every signature is checked (a key file naming another key
// for the party is refused), and with --checkpoint and --log-key the
// record must hold the checkpoint's entries (a copy cut at the end is
// refused); --json says what was checked.
func TestNegotiationRevealWithKeysAndCheckpoint(t *testing.T) {
	path, reveal, offs := writeTalksRecord(t)
	dir := t.TempDir()
	keys := filepath.Join(filepath.Dir(path), "keys.json")
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	wrongKeys := filepath.Join(dir, "wrong.json")
	os.WriteFile(wrongKeys, []byte(`{"ua": "`+base64.StdEncoding.EncodeToString(other)+`"}`), 0o600)
	pair, _, code := runAccord(t, "ledger", "keygen", "accord-mission")
	if code != 0 {
		t.Fatal("keygen failed")
	}
	logKey := filepath.Join(dir, "log.keys")
	os.WriteFile(logKey, []byte(pair), 0o600)
	pub := strings.Fields(pair)[1]
	cp, errOut, code := runAccord(t, "ledger", "checkpoint", path, "--key", logKey)
	if code != 0 {
		t.Fatalf("checkpoint: %d %s", code, errOut)
	}
	cpPath := filepath.Join(dir, "checkpoint")
	os.WriteFile(cpPath, []byte(cp), 0o644)
	orig, _ := os.ReadFile(path)
	cut := filepath.Join(dir, "cut")
	os.WriteFile(cut, orig[:offs[4]], 0o644)
	for _, c := range []struct {
		name string
		args []string
		want string // stdout when it verifies, else stderr
		ok   bool
	}{
		{"keys", []string{"--ledger", path, "--keys", keys}, "every signature by its author's key (--keys)", true},
		{"keys and checkpoint", []string{"--ledger", path, "--keys", keys, "--checkpoint", cpPath, "--log-key", pub}, "and the first 5 are the signed checkpoint's", true},
		{"another key for the party", []string{"--ledger", path, "--keys", wrongKeys}, "signature", false},
		{"cut before the checkpoint's end", []string{"--ledger", cut, "--checkpoint", cpPath, "--log-key", pub}, "missing: the checkpoint covers 5 entries", false},
		{"a checkpoint with no log key", []string{"--ledger", path, "--checkpoint", cpPath}, "--checkpoint and --log-key go together", false},
	} {
		out, errOut, code := runAccord(t, append([]string{"negotiation", "reveal", reveal}, c.args...)...)
		if c.ok {
			if code != 0 || !strings.Contains(out, c.want) || !strings.Contains(out, "this is the version the mediator had") {
				t.Errorf("%s: exit %d %s %s", c.name, code, out, errOut)
			}
			continue
		}
		if code == 0 || !strings.Contains(errOut, c.want) || strings.Contains(out, "the mediator had") || strings.Contains(errOut, "this is a bug") {
			t.Errorf("%s: exit %d, out %q, err %s; want a refusal saying %q", c.name, code, out, errOut, c.want)
		}
	}
	out, _, _ := runAccord(t, "negotiation", "reveal", reveal, "--ledger", path, "--keys", keys, "--checkpoint", cpPath, "--log-key", pub, "--json")
	if !strings.Contains(out, `"signatures_checked": true`) || !strings.Contains(out, `"checkpoint_checked": true`) {
		t.Errorf("--json: %s", out)
	}
}
