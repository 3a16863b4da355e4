package witness_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/witness"
)

// What a round costs a witness as the record grows: the first fetches,
// verifies and replays everything; a later one only what it adds
// (docs/ledger.md, Rounds). Half the entries are signed submissions (an Ed25519 check each),
// half engine events. Run with ACCORD_MEASURE=1 (ACCORD_MEASURE=10000:
// that size alone, for a profile); figures logged.
func TestMeasureWitnessRound(t *testing.T) {
	if os.Getenv("ACCORD_MEASURE") == "" {
		t.Skip("ACCORD_MEASURE=1 to measure")
	}
	for _, n := range measureSizes() {
		w := newWorld(t)
		l, err := ledger.OpenLedger(filepath.Join(w.dir, "ledger"), w.reg)
		if err != nil {
			t.Fatal(err)
		}
		var es []ledger.Entry
		for i := range n {
			es = append(es, w.entry(i, ""))
			if len(es) == 1000 || i == n-1 {
				if _, err := l.AppendAll(es); err != nil {
					t.Fatal(err)
				}
				es = es[:0]
			}
		}
		w.serve(l, w.logSigner)
		x, err := witness.Open(witness.Config{Server: w.srv.URL, Origin: origin, Log: w.logKey, Signer: w.wSigners[0],
			Dir: filepath.Join(w.dir, "w"), Registry: w.reg, Agreements: w.as})
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		if err := x.Round(context.Background(), func(witness.Event) {}); err != nil {
			t.Fatal(err)
		}
		first := time.Since(t0)
		w.grow(l, n+2, n+2, "")
		t0 = time.Now()
		if err := x.Round(context.Background(), func(witness.Event) {}); err != nil {
			t.Fatal(err)
		}
		t.Logf("%6d entries: first round (all fetched and checked) %v; a round adding 2 entries %v", n, first.Round(time.Millisecond), time.Since(t0).Round(time.Millisecond))
		l.Close()
	}
}

// measureSizes are the record's sizes measured.
func measureSizes() []int {
	if os.Getenv("ACCORD_MEASURE") == "10000" {
		return []int{10000}
	}
	return []int{1000, 10000, 50000}
}
