package witness_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/accord-peace/accord/witness"
)

// A first round whose checkpoint could not be saved (the disk full, the
// process killed between the copy's write and the state's) cosigned
// nothing and sent nothing: a restart must start, and cosign the
// server's checkpoint — not refuse the directory as one whose state was
// lost.
func TestWitnessStartsAfterAFirstRoundCutBeforeItsState(t *testing.T) {
	w := newWorld(t)
	w.serve(w.ledger(6, 6, ""), w.logSigner)
	x, err := w.openWitness(0)
	if err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(w.dir, w.wSigners[0].Name(), "cosigned.checkpoint")
	if err := os.MkdirAll(filepath.Join(state, "x"), 0o700); err != nil { // in the state's way
		t.Fatal(err)
	}
	if err := x.Round(context.Background(), func(witness.Event) {}); err == nil {
		t.Fatal("a round that could not save its state succeeded")
	}
	x.Close()
	os.RemoveAll(state) // the disk is back; or: killed before the state was written
	y, err := w.openWitness(0)
	if err != nil {
		t.Fatalf("a witness that never cosigned refuses to start: %v", err)
	}
	defer y.Close()
	if err := y.Round(context.Background(), func(witness.Event) {}); err != nil {
		t.Fatal(err)
	}
	if y.Last().N != 6 {
		t.Fatalf("cosigned %d, want 6", y.Last().N)
	}
}
