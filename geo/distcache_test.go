package geo

import (
	"math/rand/v2"
	"testing"
)

// DistanceM answers as the scan of every edge does, bit for bit, whether
// its cell's candidates are being listed or already kept: near the line
// (where the cover keeps edges), farther out (its certain cells), beyond
// the cover, on and beside the vertices, and on points of one cell met
// again.
func TestDistanceMIsTheScans(t *testing.T) {
	g, k := mustReference(t)
	r := rand.New(rand.NewPCG(9, 4))
	var pts [][2]float64
	for range 60000 {
		pts = append(pts, [2]float64{29 + r.Float64()*14, 43.5 + r.Float64()*10})
	}
	for range 5000 {
		pts = append(pts, [2]float64{r.Float64()*360 - 180, r.Float64()*180 - 90})
	}
	line := g.Parts[0]
	for range 40000 { // points of a few cells, met many times
		v := line[r.IntN(40)]
		pts = append(pts, [2]float64{v[0] + 0.4 + r.Float64()*0.03, v[1] - 0.3 + r.Float64()*0.03})
	}
	for _, part := range g.Parts {
		for _, v := range part {
			pts = append(pts, v, [2]float64{v[0] + 1e-7, v[1] - 1e-7}, [2]float64{v[0] + 0.2, v[1] + 0.2})
		}
	}
	for pass := range 2 {
		for _, q := range pts {
			want := k.NaiveDistanceM(Point(q[0], q[1]))
			if got := k.DistanceM(q[0], q[1]); got != want {
				t.Fatalf("pass %d, %v: %v m, the scan %v m", pass, q, got, want)
			}
		}
	}
	t.Logf("%d points, %d cells kept", len(pts), len(k.dist.cells))
}
