package mission_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/local"
	"github.com/accord-peace/accord/monitor"
)

// TestDecideStepsIsDecideOneByOne: a recorder that takes several fused
// steps together (DecideSteps: one ledger commit) writes the very record
// that taking them one at a time (Decide) writes — every entry, byte for
// byte, hash chain included — and leaves the same agreement state, for
// groups of every size.
func TestDecideStepsIsDecideOneByOne(t *testing.T) {
	ctx := context.Background()
	a, k := mustReference(t)
	steps := pipelineSteps(t, 25)
	if len(steps) < 40 {
		t.Fatalf("only %d steps: the stream is too small to group", len(steps))
	}
	open := func() *durable {
		d, err := local.Open(ctx, local.Config{Dir: t.TempDir(), Agreement: a, Kernel: k, StreamFed: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return &durable{Deployment: d, ledger: d.Ledger}
	}
	one := open()
	for _, s := range steps {
		if _, err := one.Mission.Decide(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
	}
	grouped := open()
	marks := 0
	for i, size := 0, 1; i < len(steps); i, size = i+size, size%7+1 {
		group := steps[i:min(i+size, len(steps))]
		if _, err := grouped.Mission.DecideSteps(ctx, group, func(int64) error { marks++; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if one.ledger.Len() != grouped.ledger.Len() || one.ledger.Len() == 0 {
		t.Fatalf("ledger lengths: one by one %d, grouped %d", one.ledger.Len(), grouped.ledger.Len())
	}
	// Sealed entries carry a fresh salt each time: they are compared by
	// their consultation and their content, the rest byte for byte (the
	// hash chain differs after the first of them).
	sealed := 0
	for i := int64(0); i < one.ledger.Len(); i++ {
		x, y := comparable(t, one, i), comparable(t, grouped, i)
		if x.Sealed != nil {
			sealed++
		}
		if x.String() != y.String() {
			t.Fatalf("entry %d differs:\none by one %s\ngrouped    %s", i, x, y)
		}
	}
	if sealed == 0 {
		t.Log("no sealed entry compared")
	}
	s1, err := one.Mission.State()
	if err != nil {
		t.Fatal(err)
	}
	s2, err := grouped.Mission.State()
	if err != nil {
		t.Fatal(err)
	}
	if h1, h2 := s1.Hash(), s2.Hash(); h1 != h2 {
		t.Fatalf("agreement state: one by one %s, grouped %s", h1, h2)
	}
	t.Logf("%d steps, %d ledger entries, %d commits grouped against %d", len(steps), one.ledger.Len(), marks, len(steps))
}

// pipelineSteps are what one pipeline hands out for 36 simulated hours of
// the reference agreement's front, batch by batch (batches of per
// observations), as sector workers would publish them.
func pipelineSteps(tb testing.TB, per int) [][]monitor.Incident {
	tb.Helper()
	lines := simulated(tb, 7, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), 36*time.Hour, 40)
	obs, err := monitor.Decode(bytes.NewReader(append(bytes.Join(lines, []byte("\n")), '\n')), "steps")
	if err != nil {
		tb.Fatal(err)
	}
	a, k := mustReference(tb)
	p := monitor.NewPipeline(a.Monitoring, k, fusion.Config{})
	var steps [][]monitor.Incident
	for i := 0; i < len(obs); i += per {
		var batch []*monitor.Observation
		for j := i; j < min(i+per, len(obs)); j++ {
			batch = append(batch, &obs[j])
		}
		if out := p.Observe(batch); len(out) > 0 {
			steps = append(steps, out)
		}
	}
	return steps
}

// comparableEntry is a ledger entry without what differs between two
// tellings of one history: its chain and a sealed entry's salted digest
// (replaced by the sealed content).
type comparableEntry struct {
	Kind, Type, Author, ID, Reason string
	Body                           json.RawMessage
	Sealed                         *accord.Sealed
}

func (e comparableEntry) String() string {
	b, _ := json.Marshal(e)
	return string(b)
}

func comparable(tb testing.TB, d *durable, i int64) comparableEntry {
	tb.Helper()
	rec, err := d.ledger.Record(i)
	if err != nil {
		tb.Fatal(err)
	}
	var e ledger.Entry
	if err := json.Unmarshal(rec, &e); err != nil {
		tb.Fatal(err)
	}
	c := comparableEntry{Kind: e.Kind, Type: e.Type, Author: e.Author, ID: e.ID, Reason: e.Reason, Body: e.Body}
	var seal accord.Seal
	if json.Unmarshal(e.Body, &seal) == nil && seal.SHA256 != "" {
		s, _, err := d.Mission.Sealed(context.Background(), seal.SHA256)
		if err != nil {
			tb.Fatalf("entry %d: sealed %s: %v", i, seal.SHA256, err)
		}
		s.Salt, s.SHA256 = nil, ""
		c.Body, c.Sealed = nil, s
	}
	return c
}
