package geo

import (
	"encoding/json"
	"fmt"
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
	check := func(polys [][][][2]float64) {
		p := &parser{file: "b"}
		rs := newRingSet(polys)
		if p.touches("z", rs, true) || p.nesting("z", rs, true) {
			b.Fatal(p.problems)
		}
	}
	for _, n := range []int{2000, 8000} {
		polys := openRings(manySquares(n))
		b.Run(fmt.Sprintf("parts=%d", n), func(b *testing.B) {
			for b.Loop() {
				check(polys)
			}
		})
	}
	// The growth, measured in the same run: the checks on 4,000 polygons
	// against those on 1,000, alternated (quadratic would be 16; until the
	// eighteenth session it was 19.5).
	b.Run("growth=4000/1000", func(b *testing.B) {
		small, large := openRings(manySquares(1000)), openRings(manySquares(4000))
		var ts, tl time.Duration
		for b.Loop() {
			t0 := time.Now()
			check(small)
			t1 := time.Now()
			check(large)
			ts, tl = ts+t1.Sub(t0), tl+time.Since(t1)
		}
		b.ReportMetric(float64(tl)/float64(ts), "x-time")
	})
}
