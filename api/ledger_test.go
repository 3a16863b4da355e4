package api_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/monitor"
)

// A third party checks an entry's inclusion in a signed checkpoint fetched
// from the server with the note and tlog packages alone.
func TestRecordProofsOverHTTP(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "ledger"), &ledger.Registry{Keys: map[string]ed25519.PublicKey{"mission": pub}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	skey, vkey, _ := note.GenerateKey(rand.Reader, "accord-mission")
	signer, _ := note.NewSigner(skey)
	mux := http.NewServeMux()
	(&api.Record{Ledger: l, Origin: "accord/test", Signer: signer}).Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	get := func(path string) []byte {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %s %s", path, resp.Status, b)
		}
		return b
	}
	for i := 0; i < 40; i++ {
		s, _ := ledger.Sign(priv, "mission", fmt.Sprint(i), "observations", map[string]int{"batch": i})
		if _, err := l.Submit(s); err != nil {
			t.Fatalf("submission %d: %v", i, err)
		}
	}
	// A replay is refused (and recorded).
	s, _ := ledger.Sign(priv, "mission", "3", "observations", map[string]int{"batch": 3})
	if _, err := l.Submit(s); err == nil {
		t.Error("replay accepted")
	}
	// The third party's side: only note and tlog from here on.
	verifier, _ := note.NewVerifier(vkey)
	n, err := note.Open(get("/v1/checkpoint"), note.VerifierList(verifier))
	if err != nil {
		t.Fatal(err)
	}
	var size int64
	var root tlog.Hash
	var origin, rootB64 string
	fmt.Sscanf(n.Text, "%s\n%d\n%s\n", &origin, &size, &rootB64)
	if err := root.UnmarshalJSON([]byte(`"` + rootB64 + `"`)); err != nil || size != 41 {
		t.Fatalf("checkpoint %q: %v", n.Text, err)
	}
	// The tree signed is saved beside the ledger before it is served.
	if saved, _ := l.Saved(); saved.N != size || saved.Hash != root {
		t.Errorf("saved tree %v, want the checkpoint's (%d entries)", saved, size)
	}
	for _, i := range []int64{0, 17, 40} {
		entry := get(fmt.Sprintf("/v1/entries/%d", i))
		var proof struct{ Proof []tlog.Hash }
		json.Unmarshal(get(fmt.Sprintf("/v1/proofs/inclusion?index=%d&size=%d", i, size)), &proof)
		if err := tlog.CheckRecord(proof.Proof, size, root, i, tlog.RecordHash(entry)); err != nil {
			t.Errorf("entry %d: %v", i, err)
		}
	}
	var cons struct{ Proof []tlog.Hash }
	json.Unmarshal(get(fmt.Sprintf("/v1/proofs/consistency?old=10&size=%d", size)), &cons)
	old, _ := l.Tree(10)
	if err := tlog.CheckTree(cons.Proof, size, root, 10, old.Hash); err != nil {
		t.Error(err)
	}
	// The whole ledger, as served, verifies against the checkpoint.
	rep := ledger.Verify(get("/v1/ledger"), &ledger.Registry{Keys: map[string]ed25519.PublicKey{"mission": pub}}, &tlog.Tree{N: size, Hash: root})
	if !rep.OK() {
		t.Errorf("served ledger: %v", rep.Problems)
	}
	if resp, _ := http.Get(srv.URL + "/v1/proofs/inclusion?index=41&size=41"); resp.StatusCode != 400 {
		t.Errorf("bad proof request: %s", resp.Status)
	}
	// A range of the ledger is those entries' frames, as the whole one
	// holds them (a witness catching up asks for the entries it lacks).
	whole := get("/v1/ledger")
	for _, r := range [][2]int64{{0, 41}, {10, 17}, {40, 41}, {41, 41}, {0, 0}} {
		want := []byte{}
		for i := r[0]; i < r[1]; i++ {
			e := get(fmt.Sprintf("/v1/entries/%d", i))
			want = binary.BigEndian.AppendUint32(want, uint32(len(e)))
			want = append(want, e...)
		}
		if got := get(fmt.Sprintf("/v1/ledger?from=%d&to=%d", r[0], r[1])); !bytes.Equal(got, want) {
			t.Errorf("entries %d to %d: %d bytes, want %d", r[0], r[1], len(got), len(want))
		}
	}
	if got := get("/v1/ledger?from=0"); !bytes.Equal(got, whole) {
		t.Errorf("from=0: %d bytes, the whole ledger %d", len(got), len(whole))
	}
	for _, q := range []string{"from=-1", "to=42", "from=5&to=4", "from=x", "to=1e3"} {
		resp, err := http.Get(srv.URL + "/v1/ledger?" + q)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !bytes.Contains(b, []byte(`"invalid"`)) {
			t.Errorf("%s: %s %s, want 400 invalid", q, resp.Status, b)
		}
	}
}

// An anonymous submission with a 17 MiB id is refused (413) before it is
// read whole, nothing is written, and the ledger reopens: one request
// cannot stop the server from restarting. (A submission the route reads
// but the ledger cannot store is refused with a small recorded refusal:
// ledger.TestHugeSubmissionRefusedSmall.)
func TestOversizeSubmissionOverHTTP(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger")
	l, err := ledger.OpenLedger(path, &ledger.Registry{})
	if err != nil {
		t.Fatal(err)
	}
	s := api.NewServer(newMission(t, monitor.NewMemStore(), l))
	s.Record = &api.Record{Ledger: l, Origin: "accord/test"}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	body, _ := json.Marshal(ledger.Submission{Author: "anonymous", ID: strings.Repeat("x", 17<<20), Type: "response", Body: []byte("{}"), Sig: "AA=="})
	resp, err := http.Post(srv.URL+"/v1/submissions", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 413 || len(msg) > 2048 || !strings.Contains(string(msg), "a submission is at most 1048576 bytes") {
		t.Errorf("%s, %d bytes: %.300s", resp.Status, len(msg), msg)
	}
	l.Close()
	l, err = ledger.OpenLedger(path, &ledger.Registry{})
	if err != nil {
		t.Fatalf("the ledger does not reopen: %v", err)
	}
	defer l.Close()
	if l.Len() != 0 {
		t.Errorf("%d entries written for a request refused before it was read", l.Len())
	}
}
