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
	e := noticesExpiring(t, 20000)
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

// noticesExpiring opens n notices, one every 4 s from the signatures on,
// and applies a tick past all their deadlines.
func noticesExpiring(tb testing.TB, n int) *engine.Engine {
	tb.Helper()
	e, t0 := noticesOpen(tb, n)
	if err := e.Apply(engine.Event{Seq: n + 3, Type: "tick", At: t0.Add(20 * 24 * time.Hour)}); err != nil {
		tb.Fatal(err)
	}
	return e
}

// noticesOpen is an engine with n notices open.
func noticesOpen(tb testing.TB, n int) (*engine.Engine, time.Time) {
	tb.Helper()
	a := mustAgreement(tb)
	e := engine.New(a)
	t0 := at("2026-02-01T00:00:00Z")
	seq := 0
	apply := func(ev engine.Event) {
		tb.Helper()
		seq++
		ev.Seq = seq
		if err := e.Apply(ev); err != nil {
			tb.Fatal(err)
		}
	}
	apply(engine.Event{Type: "sign", Party: "ua", At: t0})
	apply(engine.Event{Type: "sign", Party: "ru", At: t0})
	for i := range n {
		apply(engine.Event{Type: "violation", ID: fmt.Sprint("v", i), Party: "ru", Rule: "zone:dmz", At: t0.Add(time.Duration(i) * 4 * time.Second)})
	}
	return e, t0
}

// BenchmarkNoticesExpiring: the tick past n notices' deadlines, per
// notice, for n of 2,000 and 20,000 — the same cost a notice when the
// work grows with their number (it grew with its square: 19 s for
// 20,000). go test ./engine -bench NoticesExpiring -benchtime 5x
func BenchmarkNoticesExpiring(b *testing.B) {
	for _, n := range []int{2000, 20000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var spent time.Duration
			for b.Loop() {
				b.StopTimer()
				e, t0 := noticesOpen(b, n)
				b.StartTimer()
				start := time.Now()
				if err := e.Apply(engine.Event{Seq: n + 3, Type: "tick", At: t0.Add(20 * 24 * time.Hour)}); err != nil {
					b.Fatal(err)
				}
				spent += time.Since(start)
			}
			b.ReportMetric(float64(spent.Nanoseconds())/float64(b.N*n), "ns/notice")
		})
	}
}
