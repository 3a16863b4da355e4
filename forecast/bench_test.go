package forecast

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/accord-peace/accord/internal/cputime"
)

// benchInput is a fixed random input of na actors on nd dimensions:
// powers 10..200, positions 0..100, saliences summing to 75..99 (KTAB's
// randomSMP draws the same ranges).
func benchInput(na, nd int) *Input {
	rng := rand.New(rand.NewPCG(17, 2011))
	in := &Input{Name: fmt.Sprintf("random %dx%d", na, nd)}
	for d := range nd {
		in.Dimensions = append(in.Dimensions, fmt.Sprintf("d%d", d+1))
	}
	for i := range na {
		a := Actor{Name: fmt.Sprintf("a%02d", i), Power: 10 + 190*rng.Float64()}
		total := 75 + 24*rng.Float64()
		raw := make([]float64, nd)
		sum := 0.0
		for d := range raw {
			raw[d] = 0.1 + 0.9*rng.Float64()
			sum += raw[d]
		}
		for d := range nd {
			a.Position = append(a.Position, 100*rng.Float64())
			a.Salience = append(a.Salience, raw[d]/sum*total)
		}
		in.Actors = append(in.Actors, a)
	}
	return in
}

// benchWorkers are the thread counts benchmarked: one, and all cores.
func benchWorkers() []int {
	if n := runtime.GOMAXPROCS(0); n > 1 {
		return []int{1, n}
	}
	return []int{1}
}

// report adds forecasts per second (wall clock) and the CPU milliseconds
// per forecast (all threads; on a shared machine the wall clock also counts
// other processes' time).
func report(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "forecasts/s")
	if cpu := cputime.Used() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkSMP: forecasts per second of KTAB's SMP on 50 actors × 5
// dimensions, 10 turns (KTAB's usual run length), on one thread and on all.
func BenchmarkSMP(b *testing.B) {
	in := benchInput(50, 5)
	for _, w := range benchWorkers() {
		b.Run(fmt.Sprintf("50x5/workers=%d", w), func(b *testing.B) {
			cpu := cputime.Used()
			for b.Loop() {
				if _, err := SMP(in, SMPOptions{Turns: 10, Workers: w}); err != nil {
					b.Fatal(err)
				}
			}
			report(b, cpu)
		})
	}
}

// BenchmarkEU: forecasts per second of the expected-utility model on 50
// actors × 5 dimensions, 7 rounds, on one thread and on all.
func BenchmarkEU(b *testing.B) {
	in := benchInput(50, 5)
	for _, w := range benchWorkers() {
		b.Run(fmt.Sprintf("50x5/workers=%d", w), func(b *testing.B) {
			cpu := cputime.Used()
			for b.Loop() {
				if _, _, err := EU(in, EUOptions{Workers: w}); err != nil {
					b.Fatal(err)
				}
			}
			report(b, cpu)
		})
	}
}

// TestBenchInputRuns keeps the benchmark's input valid and both models
// agreeing across thread counts on it.
func TestBenchInputRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	in := benchInput(50, 5)
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	e1, _, err := EU(in, EUOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	e2, _, _ := EU(in, EUOptions{Workers: 3})
	s1, _ := SMP(in, SMPOptions{Turns: 2, Workers: 1})
	s2, _ := SMP(in, SMPOptions{Turns: 2, Workers: 3})
	for _, pair := range [][2]*Forecast{{e1, e2}, {s1, s2}} {
		a, b := pair[0].Final(), pair[1].Final()
		for i := range a {
			for d := range a[i] {
				if a[i][d] != b[i][d] {
					t.Fatalf("%s: actor %d dim %d: %v vs %v", pair[0].Model, i, d, a[i][d], b[i][d])
				}
			}
		}
	}
}
