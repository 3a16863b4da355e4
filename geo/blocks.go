package geo

import (
	"math"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// blockEdges is how many consecutive edges of the line a block bounds, and
// subEdges how many a block's sub-block does.
const (
	blockEdges = 16
	subEdges   = 4
)

// bound is a spherical cap that holds every point of a run of consecutive
// edges (the edges are arcs between vertices inside a cap narrower than a
// hemisphere, so they stay inside it), with the cosine and sine of its
// radius for the cheap test of may.
type bound struct {
	center     s2.Point
	radius     s1.Angle
	cosR, sinR float64
	lo, hi     int32 // edges[lo:hi]
}

// block bounds blockEdges consecutive edges, and each run of subEdges of
// them.
type block struct {
	bound
	subs []bound
}

// boundEdges bounds edges[lo:hi].
func boundEdges(edges []edge, lo, hi int) bound {
	var sum s2.Point
	for _, e := range edges[lo:hi] {
		sum.Vector = sum.Add(e.a.Vector).Add(e.b.Vector)
	}
	b := bound{center: s2.Point{Vector: sum.Normalize()}, lo: int32(lo), hi: int32(hi)}
	for _, e := range edges[lo:hi] {
		b.radius = max(b.radius, b.center.Distance(e.a), b.center.Distance(e.b))
	}
	if sum.Norm() == 0 || b.radius >= math.Pi/2 {
		b.radius = math.Pi // no bound: always searched
	}
	b.cosR, b.sinR = math.Cos(float64(b.radius)), math.Sin(float64(b.radius))
	return b
}

// buildBlocks bounds the edges, blockEdges at a time, and subEdges at a
// time within each block.
func buildBlocks(edges []edge) []block {
	var out []block
	for lo := 0; lo < len(edges); lo += blockEdges {
		hi := min(lo+blockEdges, len(edges))
		b := block{bound: boundEdges(edges, lo, hi)}
		for sl := lo; sl < hi; sl += subEdges {
			b.subs = append(b.subs, boundEdges(edges, sl, min(sl+subEdges, hi)))
		}
		out = append(out, b)
	}
	return out
}

// reach is the distance within which nearestBlocked must search, as the
// cheap test of a cap needs it: a = the best distance found so far plus a
// slack, and its cosine and sine.
type reach struct{ a, cosA, sinA float64 }

// slack widens the reach (radians, about 6 m) well beyond the rounding of
// the dot products and of Distance, which the test of may replaces.
const slack = 1e-6

func reachOf(d s1.ChordAngle) reach {
	if d == s1.InfChordAngle() {
		return reach{a: math.Inf(1)}
	}
	a := float64(d.Angle()) + slack
	s, c := math.Sincos(a)
	return reach{a: a, cosA: c, sinA: s}
}

// may reports whether the cap may hold a point within the reach of p, given
// dot = p·centre: whether the angle between p and the centre, less the
// cap's radius, may be at most r.a. It is cos(angle) ≥ cos(r.a + radius),
// decided with the dot product (no trigonometry per cap); where r.a +
// radius nears π, where the cosine flattens, the cap is searched. The
// slack in r.a exceeds the rounding of both sides by far, so every cap the
// exact test Distance − radius ≤ best + 1e-12 passes, this test passes.
func (b *bound) may(dot float64, r reach) bool {
	if r.a+float64(b.radius) >= 3 {
		return true
	}
	return dot >= r.cosA*b.cosR-r.sinA*b.sinR
}

// nearestBlocked answers as nearestAll does — the first edge at the least
// distance from p, and that distance — visiting only the blocks (and, in
// a block, the sub-blocks) whose caps could hold an edge no farther than
// the best distance found: first the block whose cap looks nearest, then
// the others in order. Since every cap that could hold an edge at the
// least distance is searched, and ties go to the lower index, the answer
// is nearestAll's bit for bit, whatever order the blocks are visited in.
// On the reference line that is a few runs of 4 edges instead of 2,031
// edges, or of a search of the S2 index.
func nearestBlocked(edges []edge, blocks []block, p s2.Point) (int32, s1.ChordAngle) {
	var buf [256]float64
	dots := buf[:0]
	if len(blocks) > len(buf) {
		dots = make([]float64, 0, len(blocks))
	}
	// The first block: the least lower bound of the distance, angle −
	// radius, is the greatest cos(angle − radius) where p lies outside the
	// cap; a cap holding p comes first.
	first, firstKey := 0, math.Inf(-1)
	for i := range blocks {
		b := &blocks[i]
		dot := p.Dot(b.center.Vector)
		dots = append(dots, dot)
		key := 2.0
		if dot < b.cosR {
			key = dot*b.cosR + math.Sqrt(max(0, 1-dot*dot))*b.sinR
		}
		if key > firstKey {
			first, firstKey = i, key
		}
	}
	best, d := int32(-1), s1.InfChordAngle()
	r := reachOf(d)
	scan := func(b *block) {
		for si := range b.subs {
			sb := &b.subs[si]
			if !sb.may(p.Dot(sb.center.Vector), r) {
				continue
			}
			improved := false
			for i := sb.lo; i < sb.hi; i++ {
				e := &edges[i]
				// Ties go to the lower index, as in nearestAll's scan in order.
				if nd, ok := s2.UpdateMinDistance(p, e.a, e.b, d.Successor()); ok && (nd < d || i < best) {
					improved = improved || nd < d
					best, d = i, nd
				}
			}
			if improved {
				r = reachOf(d)
			}
		}
	}
	if len(blocks) == 0 {
		return best, d
	}
	scan(&blocks[first])
	for i := range blocks {
		if i != first && blocks[i].may(dots[i], r) {
			scan(&blocks[i])
		}
	}
	return best, d
}
