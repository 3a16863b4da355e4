package mission_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/local"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
)

// A batch decided in parts (a sector's at a time, the parts of two
// batches interleaved, as the stream's recorder takes them) applies the
// same violations at the same times as the batch decided whole, the
// agreement in the same state; and so after a restart between two parts
// of a batch. Deciding each part as a batch of its own (what the recorder
// did before) dates a later part's violations at the clock the first
// part moved: the test measures that too, so that it shows the
// difference.
func TestPartsOfABatchAreDecidedAsTheBatch(t *testing.T) {
	ctx := context.Background()
	a, k := mustReference(t)
	batches := pipelineSteps(t, 100)
	// Each batch in two parts (its versions taken alternately), the parts
	// of batches 2i and 2i+1 interleaved: 2i's first, 2i+1's first, 2i's
	// second, 2i+1's second.
	var parts []mission.Part
	var asBatches []mission.Part // the same parts, each a batch of its own
	for i := 0; i < len(batches); i += 2 {
		var two [2][2][]monitor.Incident
		for b := i; b < min(i+2, len(batches)); b++ {
			for j, in := range batches[b] {
				two[b-i][j%2] = append(two[b-i][j%2], in)
			}
		}
		for half := range 2 {
			for b := i; b < min(i+2, len(batches)); b++ {
				parts = append(parts, mission.Part{Incidents: two[b-i][half], Batch: fmt.Sprint("batch-", b), Whole: half == 1})
				asBatches = append(asBatches, mission.Part{Incidents: two[b-i][half], Whole: true})
			}
		}
	}
	open := func(dir string) *durable {
		d, err := local.Open(ctx, local.Config{Dir: dir, Agreement: a, Kernel: k, StreamFed: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return &durable{Deployment: d, ledger: d.Ledger}
	}
	violations := func(d *durable) map[string]time.Time {
		out := map[string]time.Time{}
		for _, ev := range entries[engine.Event](t, d.ledger, accord.EntryEvent) {
			if ev.Type == engine.ViolationEv {
				out[ev.ID] = ev.At
			}
		}
		return out
	}
	whole := open(t.TempDir())
	for _, b := range batches {
		if _, err := whole.Mission.Decide(ctx, b, nil); err != nil {
			t.Fatal(err)
		}
	}
	want := violations(whole)
	if len(want) < 50 {
		t.Fatalf("%d violations: too few for the test to show anything", len(want))
	}
	wantState, err := whole.Mission.State()
	if err != nil {
		t.Fatal(err)
	}
	decide := func(d *durable, ps []mission.Part) {
		for lo := 0; lo < len(ps); lo += 3 { // three parts a step, as a recorder groups them
			if _, err := d.Mission.DecideParts(ctx, ps[lo:min(lo+3, len(ps))], nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	same := func(got map[string]time.Time) (n int) {
		for id, at := range want {
			if g, ok := got[id]; ok && g.Equal(at) {
				n++
			}
		}
		return n
	}

	inParts := open(t.TempDir())
	decide(inParts, parts)
	// A restart between the two parts of a batch: the first part restored
	// from the fused log (RestorePart), the rest decided after it.
	dir := t.TempDir()
	restarted := open(dir)
	cut := 2*(len(parts)/8) + 1 // after batch 2i's first part and 2i+1's
	decide(restarted, parts[:cut])
	restarted.Close()
	restarted = open(dir)
	// The fused log read back: every part up to the cut restored, as the
	// recorder restores what the ledger has.
	for _, p := range parts[:cut] {
		if err := restarted.Mission.RestorePart(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	decide(restarted, parts[cut:])
	for _, c := range []struct {
		name string
		d    *durable
	}{{"in parts", inParts}, {"in parts, restarted between two", restarted}} {
		got := violations(c.d)
		if n := same(got); n != len(want) || len(got) != len(want) {
			t.Errorf("%s: %d of %d violations at the whole batches' times (%d in all)", c.name, n, len(want), len(got))
		}
		st, err := c.d.Mission.State()
		if err != nil {
			t.Fatal(err)
		}
		if st.Hash() != wantState.Hash() {
			t.Errorf("%s: the agreement's state differs from the whole batches'", c.name)
		}
	}
	alone := open(t.TempDir())
	decide(alone, asBatches)
	got := violations(alone)
	t.Logf("%d batches in %d parts: %d violations, all at the whole batches' times; each part a batch of its own: %d of %d", len(batches), len(parts), len(want), same(got), len(got))
	if same(got) == len(want) {
		t.Error("the parts decided each as a batch of its own give the whole batches' times too: the test shows nothing")
	}
}
