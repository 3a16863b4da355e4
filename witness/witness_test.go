package witness_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/scenarios"
	"github.com/accord-peace/accord/witness"
)

const origin = "accord/test"

// world is a server on loopback serving the real api.Record over a real
// ledger file, which the test can swap for another (the server forking
// its log), and the keys of the log, an author and three witnesses.
type world struct {
	t          *testing.T
	dir        string
	authorPriv ed25519.PrivateKey
	reg        *ledger.Registry
	logSigner  note.Signer
	logKey     note.Verifier
	wSigners   []note.Signer
	wKeys      []note.Verifier
	as         []*agreement.Agreement
	current    atomic.Pointer[http.ServeMux]
	srv        *httptest.Server
	ledgers    int
}

func newWorld(t *testing.T) *world {
	w := &world{t: t, dir: t.TempDir()}
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	w.authorPriv = priv
	w.reg = &ledger.Registry{Keys: map[string]ed25519.PublicKey{"mission": pub}}
	w.logSigner, w.logKey = noteKey(t, "accord-log")
	for _, name := range []string{"ua-witness", "ru-witness", "eu-witness"} {
		s, v := noteKey(t, name)
		w.wSigners, w.wKeys = append(w.wSigners, s), append(w.wKeys, v)
	}
	a, err := agreement.LoadFS(scenarios.FS, scenarios.ReferenceAgreement)
	if err != nil {
		t.Fatal(err)
	}
	w.as = []*agreement.Agreement{a}
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.current.Load().ServeHTTP(rw, r)
	}))
	t.Cleanup(w.srv.Close)
	return w
}

func noteKey(t *testing.T, name string) (note.Signer, note.Verifier) {
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := note.NewSigner(skey)
	v, _ := note.NewVerifier(vkey)
	return s, v
}

// entry is the record's i-th entry in a history: engine events (the
// parties sign, then a tick a day) between signed submissions; a variant
// other than "" changes the submissions' content (another history).
func (w *world) entry(i int, variant string) ledger.Entry {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	event := func(ev engine.Event) ledger.Entry {
		b, _ := json.Marshal(ev)
		return ledger.Entry{Kind: ledger.KindDerived, Type: accord.EntryEvent, Body: b}
	}
	switch {
	case i == 0:
		return event(engine.Event{Seq: 1, At: t0, Type: engine.Sign, Party: "ua"})
	case i == 1:
		return event(engine.Event{Seq: 2, At: t0, Type: engine.Sign, Party: "ru"})
	case i%2 == 1:
		return event(engine.Event{Seq: 2 + (i-1)/2, At: t0.Add(time.Duration(i) * time.Hour), Type: engine.Tick})
	}
	body := map[string]any{"batch": i}
	if variant != "" {
		body["variant"] = variant
	}
	s, err := ledger.Sign(w.authorPriv, "mission", fmt.Sprint("batch-", i), "observations", body)
	if err != nil {
		w.t.Fatal(err)
	}
	return ledger.SubmissionEntry(s)
}

// ledger makes a new ledger file holding entries of a history: variant
// from entry `from` on, the honest history before it.
func (w *world) ledger(n, from int, variant string) *ledger.Ledger {
	w.ledgers++
	l, err := ledger.OpenLedger(filepath.Join(w.dir, fmt.Sprint("ledger-", w.ledgers)), w.reg)
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { l.Close() })
	w.grow(l, n, from, variant)
	return l
}

// grow appends entries to a ledger up to n.
func (w *world) grow(l *ledger.Ledger, n, from int, variant string) {
	for i := int(l.Len()); i < n; i++ {
		v := ""
		if i >= from {
			v = variant
		}
		if _, err := l.Append(w.entry(i, v)); err != nil {
			w.t.Fatal(err)
		}
	}
}

// serve makes the server serve a ledger, signing with signer.
func (w *world) serve(l *ledger.Ledger, signer note.Signer) {
	mux := http.NewServeMux()
	(&api.Record{Ledger: l, Origin: origin, Signer: signer, Witnesses: w.wKeys}).Register(mux)
	w.current.Store(mux)
}

// witnesses opens the three witnesses from their directories.
func (w *world) witnesses() []*witness.Witness {
	var out []*witness.Witness
	for i, s := range w.wSigners {
		x, err := witness.Open(witness.Config{Server: w.srv.URL, Origin: origin, Log: w.logKey, Signer: s,
			Dir: filepath.Join(w.dir, s.Name()), Registry: w.reg, Agreements: w.as})
		if err != nil {
			w.t.Fatalf("witness %d: %v", i, err)
		}
		out = append(out, x)
	}
	return out
}

// round runs a round of each witness and returns their events and errors.
func round(ws []*witness.Witness) ([][]witness.Event, []error) {
	var evs [][]witness.Event
	var errs []error
	for _, x := range ws {
		var e []witness.Event
		errs = append(errs, x.Round(context.Background(), func(ev witness.Event) { e = append(e, ev) }))
		evs = append(evs, e)
	}
	return evs, errs
}

// cosignedBy checks that the server's checkpoint of n entries carries the
// log's signature and every witness's.
func (w *world) cosignedBy(n int64) {
	w.t.Helper()
	resp, err := http.Get(w.srv.URL + "/v1/checkpoint")
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	tree, names, err := ledger.OpenCheckpoint(msg, origin, append([]note.Verifier{w.logKey}, w.wKeys...)...)
	if err != nil {
		w.t.Fatalf("the server's checkpoint: %v\n%s", err, msg)
	}
	if tree.N != n || len(names) != 4 {
		w.t.Fatalf("the server's checkpoint: %d entries signed by %v, want %d signed by the log and 3 witnesses\n%s", tree.N, names, n, msg)
	}
}

// The parties' own nodes: three witnesses follow a server, cosign its
// honest history, and every one refuses each way the server tries to
// cheat — before and after a restart — then cosigns the honest
// continuation.
func TestWitnessesRefuseAFork(t *testing.T) {
	badSig := func(w *world, l *ledger.Ledger) {
		s, _ := ledger.Sign(w.authorPriv, "mission", "forged", "observations", map[string]int{"batch": 99})
		s.Body = []byte(`{"batch":100}`) // signed another body
		if _, err := l.Append(ledger.SubmissionEntry(s)); err != nil {
			t.Fatal(err)
		}
	}
	badEvent := func(w *world, l *ledger.Ledger) {
		b, _ := json.Marshal(engine.Event{Seq: 99, At: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), Type: engine.Tick})
		if _, err := l.Append(ledger.Entry{Kind: ledger.KindDerived, Type: accord.EntryEvent, Body: b}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		// cheat makes the server's next ledger and signer, given the
		// honest ledger of 10 entries every witness cosigned.
		cheat func(w *world, honest *ledger.Ledger) (*ledger.Ledger, note.Signer)
		index int64  // the entry a refusal names, -1 for none
		why   string // in every refusal
	}{
		{"another entry at an index cosigned, and more", func(w *world, _ *ledger.Ledger) (*ledger.Ledger, note.Signer) {
			l := w.ledger(16, 4, "B")
			return l, w.logSigner
		}, 4, "a fork at entry 4"},
		{"another entry at an index cosigned, same size", func(w *world, _ *ledger.Ledger) (*ledger.Ledger, note.Signer) {
			return w.ledger(10, 8, "B"), w.logSigner
		}, 8, "another root at the same size"},
		{"truncated and rewritten", func(w *world, _ *ledger.Ledger) (*ledger.Ledger, note.Signer) {
			return w.ledger(14, 6, "rewritten"), w.logSigner
		}, 6, "does not extend the one of 10 entries"},
		{"the size shrinks", func(w *world, _ *ledger.Ledger) (*ledger.Ledger, note.Signer) {
			return w.ledger(6, 6, ""), w.logSigner
		}, 6, "fewer than the 10 this witness cosigned"},
		{"an entry whose signature does not verify", func(w *world, _ *ledger.Ledger) (*ledger.Ledger, note.Signer) {
			l := w.ledger(12, 12, "")
			badSig(w, l)
			return l, w.logSigner
		}, 12, "the signature does not verify"},
		{"a checkpoint not signed by the log's key", func(w *world, _ *ledger.Ledger) (*ledger.Ledger, note.Signer) {
			impostor, _ := noteKey(t, "accord-log") // the log's name, another key
			return w.ledger(12, 12, ""), impostor
		}, -1, "not signed by the log's key accord-log"},
		{"an engine event out of sequence", func(w *world, _ *ledger.Ledger) (*ledger.Ledger, note.Signer) {
			l := w.ledger(12, 12, "")
			badEvent(w, l)
			return l, w.logSigner
		}, 12, "the agreement engine's replay fails: entry 12: log entry 99 (tick"},
		{"a finding of a consultation the engine never opened", func(w *world, _ *ledger.Ledger) (*ledger.Ledger, note.Signer) {
			l := w.ledger(12, 12, "")
			b, _ := json.Marshal(engine.Event{Seq: 8, At: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Type: engine.Finding,
				Consultation: "c-404", Outcome: "violation"})
			if _, err := l.Append(ledger.Entry{Kind: ledger.KindDerived, Type: accord.EntryEvent, Body: b}); err != nil {
				t.Fatal(err)
			}
			return l, w.logSigner
		}, 12, "the agreement engine's replay fails: entry 12: log entry 8 (finding"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			honest := w.ledger(10, 10, "")
			w.serve(honest, w.logSigner)
			ws := w.witnesses()
			evs, errs := round(ws)
			for i, err := range errs {
				if err != nil {
					t.Fatalf("witness %d on the honest log: %v", i, err)
				}
				if last := evs[i][len(evs[i])-1]; last.Event != "cosigned" || last.Size != 10 {
					t.Fatalf("witness %d: events %+v, want the checkpoint of 10 cosigned", i, evs[i])
				}
				if v := evs[i][0]; v.Event != "verified" || v.Entries != 10 || len(v.States) != 1 {
					t.Fatalf("witness %d: events %+v, want 10 entries verified and the engine's state", i, evs[i])
				}
			}
			w.cosignedBy(10)

			l, signer := tt.cheat(w, honest)
			w.serve(l, signer)
			for attempt := 0; attempt < 3; attempt++ {
				if attempt == 2 {
					for _, x := range ws {
						x.Close()
					}
					ws = w.witnesses() // restarted from their directories
				}
				evs, errs := round(ws)
				for i, err := range errs {
					var r *witness.Refusal
					if !errors.As(err, &r) {
						t.Fatalf("attempt %d, witness %d: %v, want a refusal", attempt, i, err)
					}
					if r.Index != tt.index || !strings.Contains(r.Reason, tt.why) {
						t.Fatalf("attempt %d, witness %d: refused at entry %d: %s; want entry %d and %q", attempt, i, r.Index, r.Reason, tt.index, tt.why)
					}
					if r.Index >= 0 && strings.Contains(tt.why, "fork") && (r.Cosigned == "" || r.Served == "" || r.Cosigned == r.Served) {
						t.Fatalf("witness %d: the hashes of the entry forked: cosigned %q, served %q", i, r.Cosigned, r.Served)
					}
					if ev := evs[i][len(evs[i])-1]; ev.Event != "refused" || ev.Refusal != r {
						t.Fatalf("witness %d: events %+v, want the refusal reported", i, evs[i])
					}
					if attempt == 0 && i == 0 {
						t.Logf("refused: entry %d: %s", r.Index, r.Reason)
					}
					if ws[i].Last().N != 10 {
						t.Fatalf("witness %d: last cosigned %d entries, want still 10", i, ws[i].Last().N)
					}
				}
			}

			// The honest continuation: cosigned by all three.
			w.grow(honest, 16, 16, "")
			w.serve(honest, w.logSigner)
			evs, errs = round(ws)
			for i, err := range errs {
				if err != nil {
					t.Fatalf("witness %d on the honest continuation: %v", i, err)
				}
				if v := evs[i][0]; v.Event != "verified" || v.Entries != 6 {
					t.Fatalf("witness %d: events %+v, want 6 new entries verified", i, evs[i])
				}
			}
			w.cosignedBy(16)
			// And once more: nothing new, nothing posted twice.
			evs, errs = round(ws)
			for i, err := range errs {
				if err != nil || len(evs[i]) != 1 || evs[i][0].Event != "up_to_date" {
					t.Fatalf("witness %d, nothing new: %v, %+v", i, err, evs[i])
				}
			}
		})
	}
}

// A witness whose copy of the record was damaged does not start: it
// cannot tell what it cosigned.
func TestWitnessRefusesDamagedState(t *testing.T) {
	w := newWorld(t)
	w.serve(w.ledger(8, 8, ""), w.logSigner)
	ws := w.witnesses()
	if _, errs := round(ws[:1]); errs[0] != nil {
		t.Fatal(errs[0])
	}
	ws[0].Close()
	path := filepath.Join(w.dir, w.wSigners[0].Name(), "ledger")
	if err := truncate(path, 30); err != nil {
		t.Fatal(err)
	}
	_, err := witness.Open(witness.Config{Server: w.srv.URL, Origin: origin, Log: w.logKey, Signer: w.wSigners[0],
		Dir: filepath.Join(w.dir, w.wSigners[0].Name()), Registry: w.reg, Agreements: w.as})
	if err == nil || !strings.Contains(err.Error(), "fewer than the 8 entries this witness cosigned") {
		t.Fatalf("opened a witness whose copy is short: %v", err)
	}
}

func truncate(path string, n int64) error { return os.Truncate(path, n) }

// A server restarted without the cosignatures it took: each witness finds
// its signature missing from the checkpoint it cosigned and posts it again
// (the gate signs the same tree again, nothing else).
func TestWitnessPostsAgainToARestartedServer(t *testing.T) {
	w := newWorld(t)
	l := w.ledger(8, 8, "")
	w.serve(l, w.logSigner)
	ws := w.witnesses()
	if _, errs := round(ws); errors.Join(errs...) != nil {
		t.Fatal(errs)
	}
	w.serve(l, w.logSigner) // a new api.Record: no cosignature
	evs, errs := round(ws)
	for i, err := range errs {
		if err != nil || len(evs[i]) != 2 || evs[i][0].Event != "up_to_date" || evs[i][1].Event != "cosigned" {
			t.Fatalf("witness %d: %v %+v", i, err, evs[i])
		}
	}
	w.cosignedBy(8)
}
