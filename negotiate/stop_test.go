package negotiate_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/synth"
)

// TestContextStops: a done Options.Context stops the searches that can say
// so, with an error wrapping the context's; without one they run as before.
func TestContextStops(t *testing.T) {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	m := budgetScenario(t, false)
	p, _ := m.Scenario.Proposal("maximal-a")
	for _, tc := range []struct {
		name string
		run  func(negotiate.Options) error
	}{
		{"analyze", func(o negotiate.Options) error { _, err := m.Analyze(o); return err }},
		{"solve", func(o negotiate.Options) error { _, err := m.Solve(negotiate.ConceptCommon, o); return err }},
		{"bridge", func(o negotiate.Options) error { _, err := m.NearestAcceptable(p, o); return err }},
		{"plane", func(o negotiate.Options) error { _, err := m.Plane("a", "b", o); return err }},
		{"count", func(o negotiate.Options) error { _, err := m.CountAcceptableContext(o); return err }},
		{"conflicts", func(o negotiate.Options) error { _, err := m.ConflictsContext(o); return err }},
	} {
		for _, ctx := range []context.Context{nil, context.Background(), done} {
			err := tc.run(negotiate.Options{Context: ctx})
			if want := ctx == done; errors.Is(err, context.Canceled) != want || !want && err != nil {
				t.Errorf("%s, context %v: %v", tc.name, ctx, err)
			}
		}
	}
	// The searches that cannot say so do not heed it.
	if c := m.CountAcceptable(negotiate.Options{Context: done}); !c.Exact || c.Value.Int64() != 2 {
		t.Errorf("CountAcceptable with a done context: %+v", c)
	}
}

// TestContextStopsMidSearch: a long analysis (about 10 s uncancelled: its
// count alone takes most of that) stops within moments of the cancel.
func TestContextStopsMidSearch(t *testing.T) {
	m := negotiate.Compile(synth.Generate(synth.Config{Issues: 30, Options: 5, Parties: 6, Seed: 1}))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := m.Analyze(negotiate.Options{Context: ctx})
	if took := time.Since(start); !errors.Is(err, context.Canceled) || took > 3*time.Second {
		t.Fatalf("after %v: %v; want context.Canceled within moments of the cancel at 100ms", took, err)
	}
}
