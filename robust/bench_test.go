package robust

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/scenario"
)

// benchScenario is the reference scenario with ten ranges around its
// reference values (the file's header lists them).
const benchScenario = "testdata/ukraine-2025-ranges.yaml"

// The ranged copy means what the reference means: the same analysis.
func TestBenchScenarioIsTheReference(t *testing.T) {
	s, err := scenario.Load(benchScenario)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := scenario.Load("../scenarios/ukraine-2025")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(Inputs(s)); got != 10 {
		t.Errorf("%d ranged inputs, want 10", got)
	}
	a, b := negotiate.Compile(s), negotiate.Compile(ref)
	for i := range a.Parties {
		pa, pb := a.Parties[i], b.Parties[i]
		if fmt.Sprint(pa) != fmt.Sprint(pb) {
			t.Errorf("party %s compiles differently:\n%v\n%v", pa.ID, pa, pb)
		}
	}
}

// BenchmarkRuns times the Monte Carlo runs alone (the point scenario's
// solutions are found once, outside the timer) on the reference scenario
// with ranges, with one worker and with one per core; bench/robust.sh
// prints the ratio.
func BenchmarkRuns(b *testing.B) {
	s, err := scenario.Load(benchScenario)
	if err != nil {
		b.Fatal(err)
	}
	// A simulation of 1 run builds the targets as Run does.
	res, err := Run(context.Background(), s, Options{Runs: 1})
	if err != nil {
		b.Fatal(err)
	}
	sm := &sim{model: negotiate.Compile(s), inputs: res.Inputs}
	for _, in := range sm.inputs {
		sm.slots = append(sm.slots, locate(s, in))
	}
	for _, t := range res.Targets {
		sm.targets = append(sm.targets, sm.compileTarget(t.Package))
	}
	const runs = 50_000
	for _, w := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			for b.Loop() {
				if _, err := sm.simulate(context.Background(), Options{Runs: runs, Seed: 1, Workers: w}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(runs)*float64(b.N)/b.Elapsed().Seconds(), "runs/s")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkRun times a whole Run of 10 000 runs, the point scenario's three
// solutions included.
func BenchmarkRun(b *testing.B) {
	s, err := scenario.Load(benchScenario)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Run(context.Background(), s, Options{Runs: 10_000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
