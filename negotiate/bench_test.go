package negotiate_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/synth"
)

// The issue's target: the exact Nash and common-security solutions of a
// 20 issues × 5 options × 6 parties scenario (≈ 10^14 packages) in under a
// second on one core.
func BenchmarkSolve20x5x6(b *testing.B) {
	for _, concept := range []string{negotiate.ConceptNash, negotiate.ConceptCommon, negotiate.ConceptUtilitarian} {
		b.Run(concept, func(b *testing.B) {
			m := negotiate.Compile(synth.Generate(synth.Config{Issues: 20, Options: 5, Parties: 6, Seed: 1}))
			for b.Loop() {
				s, err := m.Solve(concept, negotiate.Options{})
				if err != nil || s == nil || !s.Exact {
					b.Fatalf("solve: %v %+v", err, s)
				}
			}
		})
	}
}

// Branch and bound against brute-force enumeration on a 10-issue case
// (5^10 ≈ 9.8 million packages), in the same run: the ratio is reported as
// the metric "speedup".
func BenchmarkNash10VsBruteForce(b *testing.B) {
	m := negotiate.Compile(synth.Generate(synth.Config{Issues: 10, Options: 5, Parties: 6, Seed: 1}))
	start := time.Now()
	want := bruteNash(m)
	brute := time.Since(start)
	b.ResetTimer()
	for b.Loop() {
		s, err := m.Solve(negotiate.ConceptNash, negotiate.Options{})
		if err != nil || s == nil || !s.Exact {
			b.Fatal(err)
		}
		if d := s.Value - want; d > 1e-9*want || d < -1e-9*want {
			b.Fatalf("nash %v, brute force %v", s.Value, want)
		}
	}
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(brute)/float64(per), "speedup")
	b.ReportMetric(float64(brute.Milliseconds()), "brute-ms")
}

// bruteNash enumerates every package through the model's own utility
// function (the reference semantics, no search).
func bruteNash(m *negotiate.Model) float64 {
	n := len(m.Options)
	pkg := make([]int, n)
	best := -1.0
	for {
		ok := true
		for _, i := range m.Veto {
			if !m.Accepts(i, pkg) {
				ok = false
				break
			}
		}
		if ok {
			if v := m.Nash(pkg); v > best {
				best = v
			}
		}
		k := 0
		for k < n {
			pkg[k]++
			if pkg[k] < m.Options[k] {
				break
			}
			pkg[k] = 0
			k++
		}
		if k == n {
			return best
		}
	}
}

func BenchmarkCount(b *testing.B) {
	for _, n := range []int{8, 12} {
		b.Run(fmt.Sprintf("issues=%d", n), func(b *testing.B) {
			m := negotiate.Compile(synth.Generate(synth.Config{Issues: n, Options: 5, Parties: 6, Seed: 1}))
			for b.Loop() {
				if c := m.CountAcceptable(negotiate.Options{}); !c.Exact {
					b.Fatal("not exact")
				}
			}
		})
	}
}

// The Pareto frontier of the largest exact-check size (12 issues × 5 options
// × 7 parties): the hardest count, since every frontier package is visited.
func BenchmarkPareto12x5x7(b *testing.B) {
	m := negotiate.Compile(synth.Generate(synth.Config{Issues: 12, Options: 5, Parties: 7, Seed: 1}))
	for b.Loop() {
		c, _ := m.ParetoFrontier(negotiate.Options{}, 1)
		if !c.Exact {
			b.Fatal("not exact")
		}
		b.ReportMetric(float64(c.Value.Int64()), "frontier")
	}
}
