package geo

import (
	"math"
	"slices"

	"github.com/golang/geo/r3"
	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// Outline is the edge of a band drawn for a map: a polyline at a distance
// from one part of the contact line, on one side. It is a drawing, not a
// test: the kernel decides whether a point is inside a band on the exact
// geodesic distance; an outline follows the line simplified to a tenth of
// the distance, so it stays within that tolerance of the true edge
// (closer to it with the distance filter of Outlines).
type Outline struct {
	Part int          // index of the line's part
	Side int8         // +1 left of the line's direction, -1 right
	Line [][2]float64 // [lon, lat] degrees
}

// Outlines returns the outlines of a band of distM metres on both sides of
// every part of the line. Where the line winds at a scale finer than the
// band, a vertex's offset falls inside the band (nearer another stretch of
// the line): with a distance function (the kernel's DistanceM), vertices
// nearer than 97 % of the distance are left out, so the outline follows the
// band's true edge, the envelope.
func Outlines(parts [][][2]float64, distM float64, distance func(lon, lat float64) float64) []Outline {
	var out []Outline
	for i, part := range parts {
		pts := simplify(part, distM/20)
		for _, side := range []int8{1, -1} {
			line := offset(pts, distM, side)
			if distance != nil {
				line = slices.DeleteFunc(line, func(p [2]float64) bool { return distance(p[0], p[1]) < 0.97*distM })
			}
			if len(line) >= 2 {
				out = append(out, Outline{Part: i, Side: side, Line: line})
			}
		}
	}
	return out
}

// simplify keeps the vertices of a polyline (Douglas–Peucker) needed to
// stay within tolM metres of it.
func simplify(line [][2]float64, tolM float64) []s2.Point {
	pts := make([]s2.Point, len(line))
	for i, p := range line {
		pts[i] = s2.PointFromLatLng(s2.LatLngFromDegrees(p[1], p[0]))
	}
	if len(pts) <= 2 {
		return pts
	}
	tol := s1.Angle(tolM / EarthRadiusM)
	keep := make([]bool, len(pts))
	keep[0], keep[len(pts)-1] = true, true
	var rec func(a, b int)
	rec = func(a, b int) {
		far, fi := s1.Angle(-1), -1
		for i := a + 1; i < b; i++ {
			if d := s2.DistanceFromSegment(pts[i], pts[a], pts[b]); d > far {
				far, fi = d, i
			}
		}
		if fi >= 0 && far > tol {
			keep[fi] = true
			rec(a, fi)
			rec(fi, b)
		}
	}
	rec(0, len(pts)-1)
	var out []s2.Point
	for i, k := range keep {
		if k {
			out = append(out, pts[i])
		}
	}
	return out
}

// offset draws the polyline's offset distM metres to one side: each edge
// moved along its normal, and at each vertex an arc around it from one
// edge's normal to the next's (a vertex every 10°). On the outer side of a
// turn the arc is the band's true edge; on the inner side it loops back
// inside the band, where Outlines' distance filter removes it.
func offset(pts []s2.Point, distM float64, side int8) [][2]float64 {
	out := make([][2]float64, 0, len(pts))
	add := func(p s2.Point, dir r3.Vector) {
		ll := s2.LatLngFromPoint(destination(p, s2.Point{Vector: dir.Normalize()}, distM))
		out = append(out, [2]float64{ll.Lng.Degrees(), ll.Lat.Degrees()})
	}
	for i, p := range pts {
		switch {
		case i == 0:
			add(p, sideNormal(p, pts[1], p, side).Vector)
		case i == len(pts)-1:
			add(p, sideNormal(pts[i-1], p, p, side).Vector)
		default:
			n0, n1 := sideNormal(pts[i-1], p, p, side), sideNormal(p, pts[i+1], p, side)
			turn := math.Acos(math.Max(-1, math.Min(1, n0.Dot(n1.Vector))))
			if turn < 1e-9 || turn > math.Pi-1e-9 {
				add(p, n0.Vector)
				if turn > 1e-9 {
					add(p, n1.Vector)
				}
				continue
			}
			steps := int(math.Ceil(turn / (10 * math.Pi / 180)))
			for k := 0; k <= steps; k++ {
				f := float64(k) / float64(steps)
				add(p, n0.Mul(math.Sin((1-f)*turn)).Add(n1.Mul(math.Sin(f*turn))))
			}
		}
	}
	return out
}

// sideNormal is the unit tangent vector at p pointing to one side of the
// great circle through a and b (+1: left of a→b).
func sideNormal(a, b, p s2.Point, side int8) s2.Point {
	n := a.Cross(b.Vector).Normalize() // left of a→b is where n points
	// Project n onto the tangent plane at p.
	t := n.Sub(p.Mul(n.Dot(p.Vector))).Normalize()
	if side < 0 {
		t = t.Mul(-1)
	}
	return s2.Point{Vector: t}
}

// destination walks distM metres from p along the great circle whose unit
// tangent at p is dir.
func destination(p, dir s2.Point, distM float64) s2.Point {
	th := distM / EarthRadiusM
	return s2.Point{Vector: p.Mul(math.Cos(th)).Add(dir.Mul(math.Sin(th))).Normalize()}
}
