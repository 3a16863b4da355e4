package geo

import (
	"math/rand/v2"
	"testing"

	"github.com/golang/geo/s2"
)

// The block search finds what the scan of every edge finds, edge and
// distance, bit for bit: near the reference line, across the region, on its
// vertices, and anywhere on Earth.
func TestNearestBlockedIsNearestAll(t *testing.T) {
	g, k := mustReference(t)
	r := rand.New(rand.NewPCG(7, 11))
	var pts []s2.Point
	for range 30000 {
		pts = append(pts, Point(31+r.Float64()*10, 45.5+r.Float64()*6))
	}
	for range 5000 {
		pts = append(pts, Point(r.Float64()*360-180, r.Float64()*180-90))
	}
	for _, part := range g.Parts {
		for _, v := range part {
			pts = append(pts, Point(v[0], v[1]), Point(v[0]+1e-9, v[1]-1e-9))
		}
	}
	for _, p := range pts {
		e1, d1 := nearestAll(k.edges, p)
		e2, d2 := nearestBlocked(k.edges, k.blocks, p)
		if e1 != e2 || d1 != d2 {
			t.Fatalf("%v: blocks give edge %d at %v, the scan edge %d at %v", s2.LatLngFromPoint(p), e2, d2, e1, d1)
		}
	}
	t.Logf("%d points, %d blocks of %d edges", len(pts), len(k.blocks), blockEdges)
}

func BenchmarkNearest(b *testing.B) {
	_, k := mustReference(b)
	r := rand.New(rand.NewPCG(1, 2))
	pts := make([]s2.Point, 4096)
	for i := range pts {
		pts[i] = Point(33+r.Float64()*6, 46.5+r.Float64()*3)
	}
	b.Run("blocks", func(b *testing.B) {
		i := 0
		for b.Loop() {
			nearestBlocked(k.edges, k.blocks, pts[i%len(pts)])
			i++
		}
	})
	b.Run("s2-edge-query", func(b *testing.B) {
		i := 0
		for b.Loop() {
			q := s2.NewClosestEdgeQuery(k.index, s2.NewClosestEdgeQueryOptions().MaxResults(1))
			q.FindEdges(s2.NewMinDistanceToPointTarget(pts[i%len(pts)]))
			i++
		}
	})
	b.Run("scan", func(b *testing.B) {
		i := 0
		for b.Loop() {
			nearestAll(k.edges, pts[i%len(pts)])
			i++
		}
	})
}

func BenchmarkDistanceM(b *testing.B) {
	_, k := mustReference(b)
	r := rand.New(rand.NewPCG(1, 2))
	pts := make([][2]float64, 4096)
	for i := range pts {
		pts[i] = [2]float64{33 + r.Float64()*6, 46.5 + r.Float64()*3}
	}
	i := 0
	for b.Loop() {
		p := pts[i%len(pts)]
		k.DistanceM(p[0], p[1])
		i++
	}
}
