package geo

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"testing"
	"time"
)

// manyParts returns a geometry file whose zone is a MultiPolygon of n
// squares of 0.01° in a grid with gaps of 0.01° (every fifth one with a
// hole), beside the test line.
func manyParts(tb testing.TB, n int) []byte {
	tb.Helper()
	geom, err := json.Marshal(map[string]any{"type": "MultiPolygon", "coordinates": manySquares(n)})
	if err != nil {
		tb.Fatal(err)
	}
	return []byte(fc(campaignLine, zone("z", "dmz", string(geom))))
}

// manySquares returns manyParts' polygons, rings closed.
func manySquares(n int) [][][][2]float64 {
	side := 1
	for side*side < n {
		side++
	}
	var polys [][][][2]float64
	for k := 0; k < n; k++ {
		x, y := 30+0.02*float64(k%side), 48+0.02*float64(k/side)
		rings := [][][2]float64{{{x, y}, {x + 0.01, y}, {x + 0.01, y + 0.01}, {x, y + 0.01}, {x, y}}}
		if k%5 == 0 {
			rings = append(rings, [][2]float64{{x + 0.003, y + 0.003}, {x + 0.003, y + 0.007}, {x + 0.007, y + 0.007}, {x + 0.007, y + 0.003}, {x + 0.003, y + 0.003}})
		}
		polys = append(polys, rings)
	}
	return polys
}

// openRings drops each ring's closing position, as the parser does.
func openRings(polys [][][][2]float64) [][][][2]float64 {
	out := make([][][][2]float64, len(polys))
	for i, rings := range polys {
		for _, r := range rings {
			out[i] = append(out[i], r[:len(r)-1])
		}
	}
	return out
}

// TestPartChecksSubQuadratic: the checks between the polygons of a
// MultiPolygon (touches, nesting) on four times the polygons take well
// under sixteen times as long (about four times plus a log factor; a
// quadratic check takes sixteen times). Timed as the least of five runs,
// on 1,000 and 4,000 polygons.
func TestPartChecksSubQuadratic(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	timeChecks := func(n int) time.Duration {
		polys := openRings(manySquares(n))
		best := time.Duration(math.MaxInt64)
		for range 5 {
			runtime.GC()
			start := time.Now()
			p := &parser{file: "t"}
			rs := newRingSet(polys)
			if p.touches("z", rs) || p.nesting("z", rs, true) {
				t.Fatalf("%d polygons refused: %v", n, p.problems)
			}
			best = min(best, time.Since(start))
		}
		return best
	}
	small, large := timeChecks(1000), timeChecks(4000)
	t.Logf("1,000 polygons: %v, 4,000: %v", small, large)
	if r := float64(large) / float64(small); r > 9 {
		t.Errorf("1,000 polygons checked in %v, 4,000 in %v: %.1f times as long, want under 9 (quadratic: 16)", small, large, r)
	}
}

// BenchmarkParseMultiPolygon loads a zone of many polygons: the checks
// between its rings (crossings, touches, nesting) and S2's polygon.
func BenchmarkParseMultiPolygon(b *testing.B) {
	for _, n := range []int{2000, 8000} {
		data := manyParts(b, n)
		b.Run(fmt.Sprintf("parts=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := ParseGeoJSON("many.geojson", data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPartChecks times the checks between a MultiPolygon's polygons
// alone (touches, nesting), on rings already parsed.
func BenchmarkPartChecks(b *testing.B) {
	for _, n := range []int{2000, 8000} {
		polys := openRings(manySquares(n))
		b.Run(fmt.Sprintf("parts=%d", n), func(b *testing.B) {
			for b.Loop() {
				p := &parser{file: "b"}
				rs := newRingSet(polys)
				if p.touches("z", rs) || p.nesting("z", rs, true) {
					b.Fatal(p.problems)
				}
			}
		})
	}
}
