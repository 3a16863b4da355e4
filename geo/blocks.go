package geo

import (
	"math"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// blockEdges is how many consecutive edges of the line a block bounds.
const blockEdges = 16

// block bounds a run of consecutive edges with a spherical cap: every
// point of those edges is within radius of center (the edges are arcs
// between vertices inside a cap narrower than a hemisphere, so they stay
// inside it).
type block struct {
	center s2.Point
	radius s1.Angle
	lo, hi int32 // edges[lo:hi]
}

// buildBlocks bounds the edges, blockEdges at a time.
func buildBlocks(edges []edge) []block {
	var out []block
	for lo := 0; lo < len(edges); lo += blockEdges {
		hi := min(lo+blockEdges, len(edges))
		var sum s2.Point
		for _, e := range edges[lo:hi] {
			sum.Vector = sum.Add(e.a.Vector).Add(e.b.Vector)
		}
		b := block{center: s2.Point{Vector: sum.Normalize()}, lo: int32(lo), hi: int32(hi)}
		for _, e := range edges[lo:hi] {
			b.radius = max(b.radius, b.center.Distance(e.a), b.center.Distance(e.b))
		}
		if sum.Norm() == 0 || b.radius >= math.Pi/2 {
			b.radius = math.Pi // no bound: always searched
		}
		out = append(out, b)
	}
	return out
}

// nearestBlocked answers as nearestAll does — the first edge at the least
// distance from p, and that distance — visiting only the blocks that could
// hold a nearer edge: first the block whose cap is nearest, then every
// block whose cap is no farther than the best distance found (with a
// margin for rounding). On the reference line that is a few blocks of 16
// edges instead of 2,031 edges, or of a search of the S2 index.
func nearestBlocked(edges []edge, blocks []block, p s2.Point) (int32, s1.ChordAngle) {
	const margin = 1e-12 // radians
	var buf [256]s1.Angle
	lbs := buf[:0]
	if len(blocks) > len(buf) {
		lbs = make([]s1.Angle, 0, len(blocks))
	}
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
			// Ties go to the lower index, as in nearestAll's scan in order.
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
