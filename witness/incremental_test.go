package witness_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"testing"

	"github.com/accord-peace/accord/ledger"

	"github.com/accord-peace/accord/witness"
)

// A witness checks and replays only what each round adds (ledger.Verifier,
// mission.Replayer): after every round its states are those a witness new
// to the log computes from the first entry, and a refusal in between (the
// server forks its log; the witness's verifier and replay may have gone
// past what it cosigned) leaves it to make them again, with the same
// states at the next honest round.
func TestRoundsGoOnWhereTheLastStopped(t *testing.T) {
	w := newWorld(t)
	honest := w.ledger(3, 0, "")
	w.serve(honest, w.logSigner)
	follower := w.witnesses()[0]
	fresh := 0
	verified := func(x *witness.Witness) (witness.Event, error) {
		var got *witness.Event
		err := x.Round(context.Background(), func(ev witness.Event) {
			if ev.Event == "verified" {
				got = &ev
			}
		})
		if err == nil && got == nil {
			err = fmt.Errorf("no entry verified")
		}
		if got == nil {
			return witness.Event{}, err
		}
		return *got, err
	}
	for step, n := range []int{7, 8, 40, 41, 120, 121, 300} {
		if step == 4 {
			// The server forks, from entry 30 on (the follower refuses
			// the consistency proof), then serves a log whose entries past
			// those cosigned hold a submission signed with another key
			// (the follower's verifier has read them when it refuses).
			w.serve(w.ledger(130, 30, "fork"), w.logSigner)
			if _, err := verified(follower); err == nil {
				t.Fatalf("step %d: a forked log was cosigned", step)
			}
			forged := w.ledger(41, 0, "")
			_, rogue, _ := ed25519.GenerateKey(rand.Reader)
			for i := 41; i < 60; i++ {
				e := w.entry(i, "")
				if i == 50 {
					s, err := ledger.Sign(rogue, "mission", "batch-50", "observations", map[string]any{"batch": 50})
					if err != nil {
						t.Fatal(err)
					}
					e = ledger.SubmissionEntry(s)
				}
				if _, err := forged.Append(e); err != nil {
					t.Fatal(err)
				}
			}
			w.serve(forged, w.logSigner)
			var refusal *witness.Refusal
			if _, err := verified(follower); !errors.As(err, &refusal) || refusal.Index != 50 {
				t.Fatalf("step %d: a forged signature at entry 50: %v", step, err)
			}
			w.serve(honest, w.logSigner)
		}
		w.grow(honest, n, n, "")
		got, err := verified(follower)
		if err != nil {
			t.Fatalf("step %d (%d entries): %v", step, n, err)
		}
		fresh++
		newcomer, err := witness.Open(witness.Config{Server: w.srv.URL, Origin: origin, Log: w.logKey, Signer: w.wSigners[1],
			Dir: filepath.Join(w.dir, fmt.Sprint("fresh-", fresh)), Registry: w.reg, Agreements: w.as})
		if err != nil {
			t.Fatal(err)
		}
		want, err := verified(newcomer)
		if err != nil {
			t.Fatalf("step %d: the new witness: %v", step, err)
		}
		if got.Size != int64(n) || want.Size != int64(n) || len(got.States) == 0 || !maps.Equal(got.States, want.States) {
			t.Fatalf("step %d: the follower verified %d entries, states %v; a new witness %d, %v", step, got.Size, got.States, want.Size, want.States)
		}
		if got.Entries >= int64(n) && step > 0 {
			t.Fatalf("step %d: the follower read %d entries again, of %d", step, got.Entries, n)
		}
	}
}
