package geo

import (
	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// edge is one edge of the contact line.
type edge struct {
	a, b       s2.Point
	n          s2.Point // unit normal of the edge's great circle (left of a→b)
	pastA      s2.Point // unit normal of the great circle through a across the edge: positive towards b
	beforeB    s2.Point // the same through b: positive towards a
	prev, next int32    // the neighbouring edges of the same part, -1 at its ends
}

// edges lists the contact line's edges, part after part.
func buildEdges(parts [][][2]float64) []edge {
	var out []edge
	for _, part := range parts {
		first := int32(len(out))
		for i := 1; i < len(part); i++ {
			a, b := point(part[i-1]), point(part[i])
			e := edge{a: a, b: b, n: s2.Point{Vector: a.PointCross(b).Normalize()}, prev: int32(len(out)) - 1, next: int32(len(out)) + 1}
			e.pastA = s2.Point{Vector: e.n.Cross(a.Vector).Normalize()}
			e.beforeB = s2.Point{Vector: b.Cross(e.n.Vector).Normalize()}
			if int32(len(out)) == first {
				e.prev = -1
			}
			out = append(out, e)
		}
		out[len(out)-1].next = -1
	}
	return out
}

// nearest returns the first edge, in the order given, at the least distance
// from p, and that distance. The naive scan and the kernel both use it, so
// they agree bit for bit whenever the kernel's candidates include the
// nearest edges.
func nearest(edges []edge, cand []int32, p s2.Point) (int32, s1.ChordAngle) {
	best, d := int32(-1), s1.InfChordAngle()
	for _, i := range cand {
		e := &edges[i]
		if nd, ok := s2.UpdateMinDistance(p, e.a, e.b, d); ok && nd < d {
			best, d = i, nd
		}
	}
	return best, d
}

// nearestAll is nearest over every edge.
func nearestAll(edges []edge, p s2.Point) (int32, s1.ChordAngle) {
	best, d := int32(-1), s1.InfChordAngle()
	for i := range edges {
		e := &edges[i]
		if nd, ok := s2.UpdateMinDistance(p, e.a, e.b, d); ok && nd < d {
			best, d = int32(i), nd
		}
	}
	return best, d
}

// sideOf is the side of the line p is on, given its nearest edge: +1 left
// of the line's direction, −1 right. When the nearest point is a vertex
// shared by two edges whose great circles disagree (p lies beyond a sharp
// turn), p is on the outer side of the turn.
func sideOf(edges []edge, i int32, p s2.Point) int8 {
	e := &edges[i]
	s := sign(p, e.n)
	foot := s2.Project(p, e.a, e.b)
	other := int32(-1)
	switch foot {
	case e.a:
		other = e.prev
	case e.b:
		other = e.next
	}
	if other < 0 {
		return s
	}
	if o := sign(p, edges[other].n); o != s {
		first, second := e, &edges[other]
		if other < i {
			first, second = second, first
		}
		return -int8(s2.RobustSign(first.a, first.b, second.b))
	}
	return s
}

func sign(p, n s2.Point) int8 {
	if p.Dot(n.Vector) >= 0 {
		return 1
	}
	return -1
}

// metres turns a chord angle into metres on the sphere.
func metres(d s1.ChordAngle) float64 { return float64(d.Angle()) * EarthRadiusM }
