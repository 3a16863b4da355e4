package witness_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/witness"
)

// openWitness opens witness i of the world from its directory.
func (w *world) openWitness(i int) (*witness.Witness, error) {
	s := w.wSigners[i]
	return witness.Open(witness.Config{Server: w.srv.URL, Origin: origin, Log: w.logKey, Signer: s,
		Dir: filepath.Join(w.dir, s.Name()), Registry: w.reg, Agreements: w.as})
}

// A round whose state could not be saved (the disk full, a file in the
// way) cosigned nothing: once the disk is back, the same checkpoint is
// verified and cosigned — not refused as a fork of a tree the witness
// never saved nor sent — and a restart finds its state whole.
func TestWitnessCosignsAfterAFailedSave(t *testing.T) {
	w := newWorld(t)
	l := w.ledger(6, 6, "")
	w.serve(l, w.logSigner)
	x, err := w.openWitness(0)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := x.Round(ctx, func(witness.Event) {}); err != nil {
		t.Fatal(err)
	}
	w.grow(l, 10, 10, "")
	tree10, _ := l.Tree(10)

	// The state file cannot be replaced: a directory in its way.
	state := filepath.Join(w.dir, w.wSigners[0].Name(), "cosigned.checkpoint")
	saved, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(state)
	if err := os.MkdirAll(filepath.Join(state, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	err = x.Round(ctx, func(witness.Event) {})
	var r *witness.Refusal
	if err == nil || errors.As(err, &r) || !strings.Contains(err.Error(), "saving the checkpoint cosigned") {
		t.Fatalf("a round that could not save: %v, want the save's error", err)
	}
	if x.Last().N != 6 {
		t.Fatalf("last cosigned %d after a failed save, want 6", x.Last().N)
	}

	// The disk is back.
	if err := os.RemoveAll(state); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(state, saved, 0o600); err != nil {
		t.Fatal(err)
	}
	var evs []witness.Event
	if err := x.Round(ctx, func(ev witness.Event) { evs = append(evs, ev) }); err != nil {
		t.Fatalf("the round after the disk is back: %v (events %+v)", err, evs)
	}
	if x.Last().N != 10 {
		t.Fatalf("last cosigned %d, want 10", x.Last().N)
	}
	// The copy is the record up to the checkpoint cosigned, each entry
	// once ('accord verify DATA/ledger --checkpoint DATA/cosigned.checkpoint').
	copied, _ := os.ReadFile(filepath.Join(w.dir, w.wSigners[0].Name(), "ledger"))
	if rep := ledger.Verify(copied, w.reg, &tree10); !rep.OK() || rep.Entries != 10 {
		t.Fatalf("the copy of the record: %d entries, problems %v; want the 10 cosigned", rep.Entries, rep.Problems)
	}
	x.Close()
	y, err := w.openWitness(0)
	if err != nil {
		t.Fatalf("restarted: %v", err)
	}
	if y.Last().N != 10 {
		t.Fatalf("restarted: last cosigned %d, want 10", y.Last().N)
	}
}

// A witness whose directory holds a copy of the record but no state
// (cosigned.checkpoint lost: deleted, not restored with the copy) cannot
// tell what it cosigned: it must not start afresh — trusting the first
// checkpoint it sees, a fork of what it cosigned — nor wipe the copy
// of the record it holds.
func TestWitnessWithACopyButNoStateDoesNotStartAfresh(t *testing.T) {
	w := newWorld(t)
	w.serve(w.ledger(8, 8, ""), w.logSigner)
	x, err := w.openWitness(0)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Round(context.Background(), func(witness.Event) {}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(w.dir, w.wSigners[0].Name())
	copyBefore, _ := os.ReadFile(filepath.Join(dir, "ledger"))
	x.Close()
	if err := os.Remove(filepath.Join(dir, "cosigned.checkpoint")); err != nil {
		t.Fatal(err)
	}
	_, err = w.openWitness(0)
	if err == nil || !strings.Contains(err.Error(), "cosigned.checkpoint") {
		t.Errorf("opened a witness whose state is lost: %v; want an error naming cosigned.checkpoint", err)
	}
	if copyAfter, _ := os.ReadFile(filepath.Join(dir, "ledger")); len(copyAfter) != len(copyBefore) {
		t.Errorf("the copy of the record: %d bytes after the start, %d before", len(copyAfter), len(copyBefore))
	}
}

// Two witnesses on one directory (the same --data given twice, a second
// process started by mistake) would each write the other's state: the
// second must be refused at start, naming the directory.
func TestWitnessDirectoryIsNotShared(t *testing.T) {
	w := newWorld(t)
	l := w.ledger(6, 6, "")
	w.serve(l, w.logSigner)
	a, err := w.openWitness(0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.openWitness(0)
	if err == nil {
		// What follows from it: the first cosigns the honest tree, the
		// server serves the second another history at the same size, and
		// the one key signs both.
		if err := a.Round(context.Background(), func(witness.Event) {}); err != nil {
			t.Fatal(err)
		}
		w.serve(w.ledger(6, 2, "B"), w.logSigner)
		err := b.Round(context.Background(), func(witness.Event) {})
		t.Fatalf("a second witness opened the directory in use (its round on a fork of what the first cosigned: %v)", err)
	}
	if !strings.Contains(err.Error(), filepath.Join(w.dir, w.wSigners[0].Name())) {
		t.Fatalf("the second witness: %v; want the directory named", err)
	}
}

// A refusal locates a fork at the first entry cosigned that the server's
// tree no longer holds, proved by consistency proofs from the witness's
// own prefixes: a server that fails to answer a proof (503) leaves the
// fork not located — no entry named, the failure said —, and one that
// fails to serve the entry at the fork leaves the place (proved) with
// what it serves there not read.
func TestWitnessForkIsNotLocatedAtAnEntryTheServerFailedToServe(t *testing.T) {
	for _, tt := range []struct {
		name, fail string
		index      int64
		served     string
	}{
		{"a proof", "/v1/proofs/consistency", -1, ""},
		{"the entry at the fork", "/v1/entries/8", 8, "not read ("},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.serve(w.ledger(10, 10, ""), w.logSigner)
			x, err := w.openWitness(0)
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			if err := x.Round(context.Background(), func(witness.Event) {}); err != nil {
				t.Fatal(err)
			}
			w.serve(w.ledger(10, 8, "B"), w.logSigner) // a fork from entry 8, same size
			forked := w.current.Load()
			mux := http.NewServeMux()
			mux.Handle("/", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				if r.URL.Path == tt.fail {
					http.Error(rw, "busy", http.StatusServiceUnavailable)
					return
				}
				forked.ServeHTTP(rw, r)
			}))
			w.current.Store(mux)
			// At the same size the round refuses without a proof: the
			// search asks the first.
			err = x.Round(context.Background(), func(witness.Event) {})
			var r *witness.Refusal
			if !errors.As(err, &r) {
				t.Fatalf("a fork at the same size: %v, want a refusal", err)
			}
			if r.Index != tt.index || !strings.Contains(r.Reason, "503") || !strings.HasPrefix(r.Served, tt.served) {
				t.Fatalf("refused at entry %d (cosigned %s, served %s): %s\nwant entry %d, served %q…, and the failure (503) said", r.Index, r.Cosigned, r.Served, r.Reason, tt.index, tt.served)
			}
			if tt.index < 0 && strings.Contains(r.Reason, "a fork at entry") {
				t.Fatalf("refused: %s\nwant no entry named as where it forks", r.Reason)
			}
		})
	}
}
