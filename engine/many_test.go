package engine_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/accord-peace/accord/engine"
)

// Very many consultations open at once — twenty thousand violations in a
// day (the OSCE recorded two thousand ceasefire violations a day in
// February 2022, each a possible notice) — whose notices all expire
// between two entries (a replayed log, a tick after a
// quiet spell): the entry that passes their deadlines costs in proportion
// to their number, not its square. Every notice is upheld by default, in
// the order of its deadline.
func TestManyNoticesExpiringBetweenTwoEntries(t *testing.T) {
	const n = 20000
	a := mustAgreement(t)
	e := engine.New(a)
	t0 := at("2026-02-01T00:00:00Z")
	seq := 0
	apply := func(ev engine.Event) {
		t.Helper()
		seq++
		ev.Seq = seq
		if err := e.Apply(ev); err != nil {
			t.Fatal(err)
		}
	}
	apply(engine.Event{Type: "sign", Party: "ua", At: t0})
	apply(engine.Event{Type: "sign", Party: "ru", At: t0})
	for i := range n {
		apply(engine.Event{Type: "violation", ID: fmt.Sprint("v", i), Party: "ru", Rule: "zone:dmz", At: t0.Add(time.Duration(i) * 4 * time.Second)})
	}
	start := time.Now()
	apply(engine.Event{Type: "tick", At: t0.Add(20 * 24 * time.Hour)})
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the tick past %d notices' deadlines took %v", n, took)
	}
	s := e.State()
	for i, c := range s.Consultations {
		if c.Stage != engine.StageClosed || c.Outcome != engine.Upheld {
			t.Fatalf("consultation %d: %s %s, want closed upheld", i, c.Stage, c.Outcome)
		}
		if i > 0 && c.ClosedAt.Before(*s.Consultations[i-1].ClosedAt) {
			t.Fatalf("consultation %d closed before the one before it", i)
		}
	}
}
