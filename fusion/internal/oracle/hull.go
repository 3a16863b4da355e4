package oracle

import (
	"math"
	"slices"
	"time"

	"github.com/golang/geo/s2"
)

// spaceBound answers the distance test of score exactly without a visit to
// every member. A member x admits a report m when
//
//	d(x, m) ≤ Gate · hypot(a_x, a_m),
//
// so among members of one stated accuracy a_x the test is refused, if at
// all, by the member farthest from m. Distance from m is convex along
// great circles within a quarter turn of m, so its largest value over a
// set of points is at a vertex of their spherical convex hull: the members
// of each accuracy are kept only while they may be such a vertex, and each
// one kept is judged by the test exactly as score computes it.
//
// Hulls are built in the gnomonic projection about the incident's first
// member, which maps great circles to lines and so spherical hulls to plane
// ones. A member dropped lies deeper than hullSlack inside its class's
// hull: a cap of radius above 0.77·hullSlack (5 mm) round it is inside, so
// some vertex is at least that much farther from any m than it is, far
// beyond the rounding of score's distances, and a member that refuses m
// implies a vertex that does. The argument needs every member within
// maxSpread of the first (else the incident is judged member by member)
// and m within maxReach of it (else the report is).
type spaceBound struct {
	o, u, v s2.Point // the projection's centre and plane axes
	classes map[float64]*hull
	order   []float64 // class accuracies in first-seen order (determinism)
}

const (
	hullSlack = 1e-9 // depth (gnomonic units, ≈ radians) beyond which a member is dropped
	maxSpread = 0.5  // radians from the first member within which hulls are kept
	maxReach  = 1.0  // radians from the first member within which a report is judged by hulls
)

var (
	cosSpread = math.Cos(maxSpread)
	cosReach  = math.Cos(maxReach)
)

// hull is one accuracy class: the members that may be a vertex of its
// hull, and the hull (counter-clockwise, nil while it has no area).
type hull struct {
	keep     []hullPoint
	poly     []hullPoint
	filtered int // len(keep) when last filtered
}

// hullPoint is a member kept: its position, projected, and its time and
// time accuracy (for a lower bound of the score, see bounds).
type hullPoint struct {
	p    s2.Point
	x, y float64
	at   time.Time
	ta   float64
}

// add keeps a member's position under its accuracy; false when it lies
// beyond maxSpread (the caller then judges the incident member by member).
func (s *spaceBound) add(p s2.Point, acc float64, at time.Time, ta float64) bool {
	if s.classes == nil {
		s.o = p
		s.u = s2.Point{Vector: p.Ortho()}
		s.v = s2.Point{Vector: p.Cross(s.u.Vector).Normalize()}
		s.classes = map[float64]*hull{}
	}
	z := p.Dot(s.o.Vector)
	if !(z >= cosSpread) {
		return false
	}
	h := s.classes[acc]
	if h == nil {
		h = &hull{}
		s.classes[acc] = h
		s.order = append(s.order, acc)
	}
	h.add(hullPoint{p: p, x: p.Dot(s.u.Vector) / z, y: p.Dot(s.v.Vector) / z, at: at, ta: ta})
	return true
}

// near reports whether p is within maxReach of the projection's centre.
func (s *spaceBound) near(p s2.Point) bool { return p.Dot(s.o.Vector) >= cosReach }

// admits reports whether every member passes the distance test against a
// report at p with accuracy acc (p near the centre); work counts the
// members judged.
func (s *spaceBound) admits(gate float64, p s2.Point, acc float64, work *int) bool {
	for _, a := range s.order {
		g := gate * math.Hypot(a, acc)
		for _, k := range s.classes[a].keep {
			*work++
			if float64(k.p.Distance(p))*earthRadiusM > g {
				return false
			}
		}
	}
	return true
}

func (h *hull) add(q hullPoint) {
	for _, k := range h.keep {
		if k.p == q.p {
			return // tests alike
		}
	}
	if h.poly != nil && depth(h.poly, q) > hullSlack {
		return
	}
	h.keep = append(h.keep, q)
	if h.poly == nil {
		h.poly = convexHull(h.keep)
	} else {
		h.poly = convexHull(append(slices.Clone(h.poly), q))
	}
	// Points the hull has swallowed are dropped when the kept ones have
	// grown by a quarter (keeping them longer costs visits, never a wrong
	// verdict), so that filtering costs O(hull) per member amortised.
	if h.poly != nil && len(h.keep) >= h.filtered+h.filtered/4+8 {
		h.keep = slices.DeleteFunc(h.keep, func(k hullPoint) bool { return depth(h.poly, k) > hullSlack })
		h.filtered = len(h.keep)
	}
}

// depth is how far q lies inside a counter-clockwise polygon (negative
// outside).
func depth(poly []hullPoint, q hullPoint) float64 {
	d := math.Inf(1)
	for i, a := range poly {
		b := poly[(i+1)%len(poly)]
		ex, ey := b.x-a.x, b.y-a.y
		d = math.Min(d, (ex*(q.y-a.y)-ey*(q.x-a.x))/math.Hypot(ex, ey))
	}
	return d
}

// convexHull is the hull of the points, counter-clockwise (Andrew's
// monotone chain), or nil when they span no area.
func convexHull(pts []hullPoint) []hullPoint {
	if len(pts) < 3 {
		return nil
	}
	s := slices.Clone(pts)
	slices.SortFunc(s, func(a, b hullPoint) int {
		if a.x != b.x {
			if a.x < b.x {
				return -1
			}
			return 1
		}
		if a.y < b.y {
			return -1
		}
		if a.y > b.y {
			return 1
		}
		return 0
	})
	cross := func(o, a, b hullPoint) float64 { return (a.x-o.x)*(b.y-o.y) - (a.y-o.y)*(b.x-o.x) }
	out := make([]hullPoint, 0, 2*len(s))
	for _, p := range s {
		for len(out) >= 2 && cross(out[len(out)-2], out[len(out)-1], p) <= 0 {
			out = out[:len(out)-1]
		}
		out = append(out, p)
	}
	lower := len(out) + 1
	for i := len(s) - 2; i >= 0; i-- {
		p := s[i]
		for len(out) >= lower && cross(out[len(out)-2], out[len(out)-1], p) <= 0 {
			out = out[:len(out)-1]
		}
		out = append(out, p)
	}
	out = out[:len(out)-1]
	if len(out) < 3 {
		return nil
	}
	return out
}
