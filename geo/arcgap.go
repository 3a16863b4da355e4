package geo

import (
	"fmt"
	"math"
	"strconv"

	"github.com/golang/geo/s2"
)

// The crossing checks work on S2's great-circle arcs; the kernel takes
// every edge as the WGS 84 geodesic between its vertices, which parts from
// the arc by gedge.dev at most (41 m on a 788 km edge along 45° N, 0.4 m
// at 80 km). The two readings of a pair of edges can differ only where the
// edges come within the sum of their gaps: two edges farther apart than
// that cross on both or on neither; two edges that share a vertex meet
// nowhere else on either (arcs, and geodesics shorter than half the
// globe, from one point do not meet again), so only the order in which
// they leave the vertex can differ. The functions below find those pairs,
// so that a geometry the loader accepts is as valid for the kernel as for
// S2.

// cheapGap bounds the gap (m) between the geodesic and the arc of an edge
// of angle l (radians) from above without solving the geodesic: f·L²/R,
// about eight times the gap along 45° (TestArcGapBounds checks it against
// gedge.dev), plus the millimetre gedge.dev adds.
func cheapGap(l float64) float64 { return wgs84F*l*l*EarthRadiusM + 0.002 }

// cheapTurn bounds the angle (radians) between an edge's arc and its
// geodesic where they leave a vertex: 4·f·l, well above the slope of a
// gap that grows from the vertex (TestArcGapBounds).
func cheapTurn(l float64) float64 { return 4 * wgs84F * l }

// dev returns the bound (m) on the distance between the edge's geodesic
// and its arc, solving the geodesic once.
func (s *seg) dev() float64 {
	if !s.devOK {
		s.devM, s.devOK = newGedge(s.ca, s.cb).dev, true
	}
	return s.devM
}

// length is the edge's angle on the sphere (radians), computed once.
func (s *seg) length() float64 {
	if s.lenRad == 0 {
		s.lenRad = float64(s.a.Angle(s.b.Vector))
	}
	return s.lenRad
}

// wgs84Doubt returns a problem for two edges that do not cross or touch on
// the arcs (or share only a vertex, as they may) where the geodesics could
// read otherwise, or "": edges that pass closer than the sum of their
// gaps, whether or not the geodesics cross there; edges that share a
// vertex and leave it in the other order on WGS 84. first comes before
// second in the file.
func wgs84Doubt(chains []chain, what string, first, second *seg) string {
	if v, a, b, ok := sharedVertex(first, second); ok {
		// The angle between the edges at v, that of the planes of their
		// great circles: wide ones (the most) without an arctangent.
		na, nb := v.Cross(a.Vector), v.Cross(b.Vector)
		limit := cheapTurn(first.length()) + cheapTurn(second.length())
		if na.Dot(nb) <= 0 || na.Cross(nb).Norm() > math.Sin(math.Min(limit, 1))*na.Norm()*nb.Norm() {
			return ""
		}
		th := float64(na.Angle(nb))
		vc := first.ca
		if first.b == v {
			vc = first.cb
		}
		ac, bc := far(first, v), far(second, v)
		_, azA, _, okA := vincentyInverse(vc[1]*rad, vc[0]*rad, ac[1]*rad, ac[0]*rad)
		_, azB, _, okB := vincentyInverse(vc[1]*rad, vc[0]*rad, bc[1]*rad, bc[0]*rad)
		if !okA || !okB {
			return ""
		}
		// b left of v→a on the sphere; clockwise of it (right) on WGS 84.
		// (The azimuths on WGS 84 and the bearings on the sphere differ
		// by up to 0.2° even on short edges, as the ellipsoid's radii of
		// curvature differ along and across the meridian; but the linear
		// map between the two keeps the order of directions.) Geodesics
		// leaving v in the same direction (a spike along a meridian) are
		// left to the other checks, as the arcs are.
		left := s2.RobustSign(v, a, b) == s2.CounterClockwise
		turn := math.Remainder(azB-azA, 2*math.Pi)
		if turn == 0 || (turn > 0) != left {
			return ""
		}
		return fmt.Sprintf("%s %s %v→%v and %s %v→%v leave their shared position %v in one order on the sphere and in the other on WGS 84 (%.2g° apart on the great-circle arcs the check measures, %.2g° the other way on the geodesics, which are the edges): the check does not hold for the edges; add vertices to the longer edge or move the edges apart",
			what, label(chains, first), first.ca, first.cb, label(chains, second), second.ca, second.cb, vc, th*deg, math.Abs(turn)*deg)
	}
	p, q := s2.EdgePairClosestPoints(first.a, first.b, second.a, second.b)
	d := float64(p.Angle(q.Vector)) * EarthRadiusM
	if d > cheapGap(first.length())+cheapGap(second.length()) {
		return ""
	}
	bound := first.dev() + second.dev()
	if d > bound {
		return ""
	}
	return fmt.Sprintf("%s %s %v→%v passes within %s m of %s %v→%v: less than the %s m by which these edges, WGS 84 geodesics, may part from the great-circle arcs the check measures, so whether they cross is not decided; add vertices to the longer edge (the gap grows as the square of an edge's length: about 0.4 m at 80 km, 41 m at 790 km along 45° N) or move the edges apart",
		what, label(chains, first), first.ca, first.cb, fmtM(d), label(chains, second), second.ca, second.cb, fmtM(bound))
}

// crossDoubt returns, for two edges whose arcs cross, a note when an end
// of one lies within the sum of their gaps of the other's arc (the
// geodesics may not cross), or "".
func crossDoubt(first, second *seg) string {
	d := math.Inf(1)
	for _, e := range [][3]s2.Point{{first.a, second.a, second.b}, {first.b, second.a, second.b}, {second.a, first.a, first.b}, {second.b, first.a, first.b}} {
		d = math.Min(d, float64(s2.DistanceFromSegment(e[0], e[1], e[2]))*EarthRadiusM)
	}
	if d > cheapGap(first.length())+cheapGap(second.length()) {
		return ""
	}
	bound := first.dev() + second.dev()
	if d > bound {
		return ""
	}
	return fmt.Sprintf(" (an end of one lies %s m from the other's arc, less than the %s m by which their WGS 84 geodesics may part from the arcs: on WGS 84, where the edges are geodesics, they may not cross; add vertices to the longer edge)", fmtM(d), fmtM(bound))
}

// sharedVertex returns the vertex two edges (not the same edge) share,
// and each one's other end, if they share one.
func sharedVertex(s, t *seg) (v, a, b s2.Point, ok bool) {
	switch {
	case s.a == t.a:
		return s.a, s.b, t.b, true
	case s.a == t.b:
		return s.a, s.b, t.a, true
	case s.b == t.a:
		return s.b, s.a, t.b, true
	case s.b == t.b:
		return s.b, s.a, t.a, true
	}
	return v, a, b, false
}

// far returns the position of the edge's end that is not v.
func far(s *seg, v s2.Point) [2]float64 {
	if s.a == v {
		return s.cb
	}
	return s.ca
}

// fmtM writes a distance in metres with two significant digits, or whole
// metres from 10 m.
func fmtM(m float64) string {
	if m < 10 {
		return strconv.FormatFloat(m, 'g', 2, 64)
	}
	return strconv.FormatFloat(m, 'f', 0, 64)
}
