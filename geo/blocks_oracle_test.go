package geo

import (
	"math/rand/v2"
	"testing"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// nearestBlockedV1 is the block search as first written (the exact angle to
// every block's cap, blocks of 16 edges scanned whole): the oracle that the
// cheaper tests of nearestBlocked change nothing.
func nearestBlockedV1(edges []edge, blocks []block, p s2.Point) (int32, s1.ChordAngle) {
	const margin = 1e-12 // radians
	lbs := make([]s1.Angle, 0, len(blocks))
	first := 0
	for i, b := range blocks {
		lbs = append(lbs, p.Distance(b.center)-b.radius)
		if lbs[i] < lbs[first] {
			first = i
		}
	}
	best, d := int32(-1), s1.InfChordAngle()
	scan := func(b *block) {
		for i := b.lo; i < b.hi; i++ {
			e := &edges[i]
			if nd, ok := s2.UpdateMinDistance(p, e.a, e.b, d.Successor()); ok && (nd < d || i < best) {
				best, d = i, nd
			}
		}
	}
	scan(&blocks[first])
	limit := d.Angle() + margin
	for i := range blocks {
		if i != first && lbs[i] <= limit {
			scan(&blocks[i])
			limit = d.Angle() + margin
		}
	}
	return best, d
}

// The block search answers as its first version did, edge and distance, on
// points near the line, on and beside its vertices, on the middles of its
// edges (where two edges are nearly as near) and anywhere on Earth.
func TestNearestBlockedAsV1(t *testing.T) {
	g, k := mustReference(t)
	r := rand.New(rand.NewPCG(3, 5))
	var pts []s2.Point
	for range 100000 {
		pts = append(pts, Point(30+r.Float64()*12, 44.5+r.Float64()*8))
	}
	for range 20000 {
		pts = append(pts, Point(r.Float64()*360-180, r.Float64()*180-90))
	}
	for _, part := range g.Parts {
		for i, v := range part {
			pts = append(pts, Point(v[0], v[1]), Point(v[0]-1e-7, v[1]+1e-7))
			if i > 0 {
				u := part[i-1]
				m := [2]float64{(u[0] + v[0]) / 2, (u[1] + v[1]) / 2}
				pts = append(pts, Point(m[0], m[1]), Point(m[0]+1e-3, m[1]-1e-3), Point(m[0]-0.05, m[1]+0.05))
			}
		}
	}
	for _, p := range pts {
		e1, d1 := nearestBlockedV1(k.edges, k.blocks, p)
		e2, d2 := nearestBlocked(k.edges, k.blocks, p)
		if e1 != e2 || d1 != d2 {
			t.Fatalf("%v: now edge %d at %v, first version edge %d at %v", s2.LatLngFromPoint(p), e2, d2, e1, d1)
		}
	}
}

func BenchmarkNearestBlockedV1(b *testing.B) {
	_, k := mustReference(b)
	r := rand.New(rand.NewPCG(1, 2))
	pts := make([]s2.Point, 4096)
	for i := range pts {
		pts[i] = Point(33+r.Float64()*6, 46.5+r.Float64()*3)
	}
	i := 0
	for b.Loop() {
		nearestBlockedV1(k.edges, k.blocks, pts[i%len(pts)])
		i++
	}
}
