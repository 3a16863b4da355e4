package mission_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/fusion"
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
	open := func(dir string) *durable { return openStreamFed(t, dir) }
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

// A batch whose parts were all in before an older batch's were is applied
// after it, at that batch's clock or later: its ceiling violation (dated at
// its batch's latest observation) is recorded, not refused by the engine
// for going back in time, as when the batches are decided whole.
func TestHeldBatchComesAfterTheClock(t *testing.T) {
	ctx := context.Background()
	a, k := mustReference(t)
	fire := func(id string, d time.Duration, pos [2]float64) monitor.Observation {
		o := tanks(t, "sat-un", "un", 1, t0.Add(d))
		o.ID, o.Position = id, pos
		o.Equipment, o.Count, o.CaliberMM, o.Event = "", 0, 0, "firing"
		return o
	}
	// Batch 0 reaches +10 h; batch 1 breaks the ceiling at +4 h.
	x, y := fire("x", 0, [2]float64{35.97, 47.416}), fire("y", 10*time.Hour, [2]float64{35.5, 47.6})
	t1, t2 := tanks(t, "sat-un", "un", 11, t0.Add(3*time.Hour)), tanks(t, "sat-osce", "osce", 11, t0.Add(4*time.Hour))
	t1.ID, t2.ID = "t1", "t2"
	p := monitor.NewPipeline(a.Monitoring, k, fusion.Config{})
	b0 := p.Observe([]*monitor.Observation{&x, &y})
	b1 := p.Observe([]*monitor.Observation{&t1, &t2})
	if len(b0) < 2 {
		t.Fatalf("batch 0: %d incidents, want two to split", len(b0))
	}
	open := func() *mission.Mission {
		m, err := mission.Open(ctx, mission.Config{Agreement: a, Kernel: k, Observations: monitor.NewMemStore(), Incidents: monitor.NewMemIncidentStore()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Close() })
		return m
	}
	ceilings := func(m *mission.Mission) (out []string) {
		st, err := m.State()
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range st.Violations {
			if v.Rule == ceilingRule {
				out = append(out, v.ID+" at +"+v.At.Sub(t0).String())
			}
		}
		return out
	}
	whole := open()
	for _, b := range [][]monitor.Incident{b0, b1} {
		if _, err := whole.Decide(ctx, b, nil); err != nil {
			t.Fatal(err)
		}
	}
	parts := open()
	for _, pt := range []mission.Part{
		{Incidents: b0[:1], Batch: "b0"},
		{Incidents: b1, Batch: "b1"},
		{Batch: "b1", Whole: true}, // b1 whole first
		{Incidents: b0[1:], Batch: "b0", Whole: true},
	} {
		if _, err := parts.DecideParts(ctx, []mission.Part{pt}, nil); err != nil {
			t.Fatal(err)
		}
	}
	w, g := ceilings(whole), ceilings(parts)
	if len(w) != 1 || !slices.Equal(w, g) {
		t.Errorf("ceiling violations: whole batches %v, in parts %v", w, g)
	}
}

// A held violation whose incident a consultation dismissed before its
// batch is whole is not applied, live or after a restart between the
// batch's parts; one whose incident is only disputed then is.
func TestHeldViolationOfADismissedIncident(t *testing.T) {
	ctx := context.Background()
	a, k := mustReference(t)
	o1, o2 := tanks(t, "sat-un", "un", 11, t0), tanks(t, "sat-osce", "osce", 11, t0.Add(time.Hour))
	p := monitor.NewPipeline(a.Monitoring, k, fusion.Config{})
	ins := p.Observe([]*monitor.Observation{&o1, &o2})
	var in monitor.Incident
	for _, x := range ins {
		if x.State == fusion.Confirmed {
			in = x
		}
	}
	if in.ID == "" {
		t.Fatal("no confirmed incident")
	}
	// A later version of it with another rule broken, in a held part.
	ru := "ru"
	later := in
	later.LastObserved = in.LastObserved.Add(2 * time.Hour)
	later.Violations = append(slices.Clone(in.Violations), monitor.Violation{Rule: "band:mlrs", Provision: "heavy-weapons-withdrawal", Party: &ru, AttributionConfidence: 1})
	open := func(dir string) *durable { return openStreamFed(t, dir) }
	dismiss := func(d *durable) {
		vid := in.ID + ":" + ceilingRule
		if _, err := d.Mission.Respond(ctx, vid, "ru", "dispute", "9 tanks", true); err != nil {
			t.Fatal(err)
		}
		for _, g := range []string{"us", "eu"} {
			if _, err := d.Mission.SignFinding(ctx, vid, g, engine.Dismissed, "9"); err != nil {
				t.Fatal(err)
			}
		}
	}
	mlrs := func(d *durable) (n int) {
		for _, ev := range entries[engine.Event](t, d.ledger, accord.EntryEvent) {
			if ev.Type == engine.ViolationEv && ev.Rule == "band:mlrs" {
				n++
			}
		}
		return n
	}
	held := mission.Part{Incidents: []monitor.Incident{later}, Batch: "b"}
	last := mission.Part{Batch: "b", Whole: true}
	// Disputed only while the batch waits, then upheld: the violation is
	// applied, as when the batch came whole before the dispute.
	vid := in.ID + ":" + ceilingRule
	for _, split := range []bool{false, true} {
		d := open(t.TempDir())
		if _, err := d.Mission.Decide(ctx, ins, nil); err != nil {
			t.Fatal(err)
		}
		if split {
			_, err := d.Mission.DecideParts(ctx, []mission.Part{held}, nil)
			if err != nil {
				t.Fatal(err)
			}
		} else if _, err := d.Mission.Decide(ctx, []monitor.Incident{later}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Mission.Respond(ctx, vid, "ru", "dispute", "9 tanks", true); err != nil {
			t.Fatal(err)
		}
		if split {
			if _, err := d.Mission.DecideParts(ctx, []mission.Part{last}, nil); err != nil {
				t.Fatal(err)
			}
		}
		for _, g := range []string{"us", "eu"} {
			if _, err := d.Mission.SignFinding(ctx, vid, g, engine.Upheld, "11"); err != nil {
				t.Fatal(err)
			}
		}
		if n := mlrs(d); n != 1 {
			t.Errorf("disputed while the batch waited (split %v), then upheld: %d violations of band:mlrs, want 1", split, n)
		}
	}
	for _, restart := range []bool{false, true} {
		dir := t.TempDir()
		d := open(dir)
		if _, err := d.Mission.Decide(ctx, ins, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Mission.DecideParts(ctx, []mission.Part{held}, nil); err != nil {
			t.Fatal(err)
		}
		dismiss(d) // while the batch waits for its last part
		if restart {
			d.Close()
			d = open(dir)
			if err := d.Mission.RestorePart(ctx, held); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d.Mission.DecideParts(ctx, []mission.Part{last}, nil); err != nil {
			t.Fatal(err)
		}
		if n := mlrs(d); n != 0 {
			t.Errorf("restart %v: %d violations of band:mlrs recorded for a dismissed incident", restart, n)
		}
	}
}

// openStreamFed opens the reference mission on the embedded stores in
// dir as a stream's recorder opens it (fused elsewhere).
func openStreamFed(tb testing.TB, dir string) *durable {
	tb.Helper()
	a, k := mustReference(tb)
	d, err := local.Open(context.Background(), local.Config{Dir: dir, Agreement: a, Kernel: k, StreamFed: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { d.Close() })
	return &durable{Deployment: d, ledger: d.Ledger}
}
