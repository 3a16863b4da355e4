package geo

import (
	"fmt"
	"math"
	"sort"

	"github.com/golang/geo/s2"
)

// seg is one edge of a line or ring, for the simplicity checks.
type seg struct {
	chain, i int // which polyline or ring, and the edge's index in it
	a, b     s2.Point
	ca, cb   [2]float64
	lo, hi   [2]float64 // lon/lat bounding box, padded
	// devM bounds the distance between the edge's WGS 84 geodesic and its
	// arc, once devOK (see dev).
	devM   float64
	devOK  bool
	lenRad float64 // the edge's angle on the sphere, once computed (length)
}

type chain struct {
	pts    [][2]float64
	closed bool   // a ring: its last edge joins the last vertex to the first
	name   string // how a message names the chain when there are several
}

// lineCrossings lists where the parts of a line cross or touch each other
// (consecutive edges of one part share a vertex, which is fine).
func lineCrossings(parts [][][2]float64) []string {
	chains := make([]chain, len(parts))
	for i, p := range parts {
		chains[i] = chain{pts: p}
	}
	return crossings(chains, "edge")
}

// ringCrossings lists where the rings of one polygon cross, touch or share
// an edge; they may share vertices, which touches checks.
func ringCrossings(rings [][][2]float64) []string {
	chains := make([]chain, len(rings))
	for i, r := range rings {
		chains[i] = chain{pts: r, closed: true}
		if len(rings) > 1 {
			chains[i].name = fmt.Sprintf("ring %d", i)
		}
	}
	return crossings(chains, "ring edge")
}

// partCrossings lists where the rings of a MultiPolygon's polygons (each
// already simple on its own) cross, touch, or share an edge; rings of
// different polygons may share vertices, which touches checks.
func partCrossings(polys [][][][2]float64) []string {
	var chains []chain
	for i, rings := range polys {
		for j, r := range rings {
			chains = append(chains, chain{pts: r, closed: true, name: fmt.Sprintf("polygon %d ring %d", i, j)})
		}
	}
	return crossings(chains, "ring edge")
}

// crossings finds pairs of edges that cross or touch, other than
// consecutive edges of one chain at their shared vertex (and rings at
// a shared vertex), and pairs whose arcs and WGS 84 geodesics could be
// read otherwise (wgs84Doubt). It sweeps the
// edges by longitude, so it costs O(n log n) plus the pairs whose boxes
// overlap. At most 10 are reported.
func crossings(chains []chain, what string) []string {
	var segs []seg
	for ci, c := range chains {
		n := len(c.pts) - 1
		if c.closed {
			n = len(c.pts)
		}
		for i := 0; i < n; i++ {
			ca, cb := c.pts[i], c.pts[(i+1)%len(c.pts)]
			s := seg{chain: ci, i: i, a: point(ca), b: point(cb), ca: ca, cb: cb}
			// A great-circle arc bulges towards the pole by up to about
			// L²/8R·tan(lat); pad the box by 1 % of the edge's extent, which
			// is more than that for any edge shorter than a few hundred km.
			pad := 0.01*math.Hypot(math.Remainder(cb[0]-ca[0], 360), cb[1]-ca[1]) + 1e-9
			s.lo = [2]float64{math.Min(ca[0], cb[0]) - pad, math.Min(ca[1], cb[1]) - pad}
			s.hi = [2]float64{math.Max(ca[0], cb[0]) + pad, math.Max(ca[1], cb[1]) + pad}
			// An edge across the antimeridian (its longitudes more than
			// 180° apart: it joins them the short way) or with an end on it
			// (written 180 or -180, the same point) may meet edges at both
			// ends of the sweep: it gets every longitude. Such edges are
			// few: a ring across the antimeridian has two.
			if math.Abs(cb[0]-ca[0]) > 180 || math.Abs(ca[0]) == 180 || math.Abs(cb[0]) == 180 {
				s.lo[0], s.hi[0] = -180-pad, 180+pad
			}
			// Near the poles the arc bulges far beyond that (an edge along
			// 80° N spanning 170° of longitude reaches 89.1° N): take its
			// latitudes from S2's bound of the arc, and every longitude
			// when the arc passes over a pole.
			rb := s2.NewRectBounder()
			rb.AddPoint(s.a)
			rb.AddPoint(s.b)
			r := rb.RectBound()
			s.lo[1] = math.Min(s.lo[1], r.Lo().Lat.Degrees()-1e-9)
			s.hi[1] = math.Max(s.hi[1], r.Hi().Lat.Degrees()+1e-9)
			if r.Lng.IsFull() {
				s.lo[0], s.hi[0] = -180-pad, 180+pad
			}
			segs = append(segs, s)
		}
	}
	sort.Slice(segs, func(x, y int) bool { return segs[x].lo[0] < segs[y].lo[0] })
	var out []string
	var active []int
	for k := range segs {
		s := &segs[k]
		kept := active[:0]
		for _, j := range active {
			if segs[j].hi[0] >= s.lo[0] {
				kept = append(kept, j)
			}
		}
		active = kept
		for _, j := range active {
			t := &segs[j]
			if t.hi[1] < s.lo[1] || s.hi[1] < t.lo[1] {
				continue
			}
			first, second := s, t
			if first.chain > second.chain || (first.chain == second.chain && first.i > second.i) {
				first, second = second, first
			}
			msg := ""
			switch {
			case adjacent(chains, s, t):
				if !sameEdge(s, t) {
					msg = wgs84Doubt(chains, what, first, second)
				}
				if msg == "" && !chains[s.chain].closed {
					msg = foldBack(chains, what, first, second)
				}
			case bad(chains, s, t):
				verb, note := "meets", ""
				switch {
				case sameEdge(first, second):
					verb = "is the same edge as"
				case s2.CrossingSign(s.a, s.b, t.a, t.b) == s2.Cross:
					note = crossDoubt(first, second)
				}
				msg = fmt.Sprintf("%s %s %v→%v %s %s %v→%v%s%s", what,
					label(chains, first), first.ca, first.cb, verb, label(chains, second), second.ca, second.cb, cutHint(chains, first, second), note)
			case !sameEdge(s, t):
				msg = wgs84Doubt(chains, what, first, second)
			}
			if msg != "" && len(out) < 10 {
				out = append(out, msg)
			}
		}
		active = append(active, k)
	}
	return out
}

func label(chains []chain, s *seg) string {
	if n := chains[s.chain].name; n != "" {
		return fmt.Sprintf("%d of %s", s.i, n)
	}
	if len(chains) == 1 {
		return fmt.Sprintf("%d", s.i)
	}
	return fmt.Sprintf("%d of part %d", s.i, s.chain)
}

// bad reports whether two edges cross or touch where they should not.
func bad(chains []chain, s, t *seg) bool {
	switch s2.CrossingSign(s.a, s.b, t.a, t.b) {
	case s2.Cross:
		return true
	case s2.DoNotCross:
		return false
	}
	// They share a vertex: fine only for consecutive edges of one chain
	// (which foldBack checks on their own).
	if adjacent(chains, s, t) {
		return false
	}
	// Two rings may share a vertex, not an edge: whether they touch there
	// without crossing, the regions they bound apart or nested as they
	// should be, is for touches to say.
	if s.chain != t.chain && chains[s.chain].closed && chains[t.chain].closed && !sameEdge(s, t) {
		return false
	}
	return true
}

// adjacent reports whether two edges are consecutive edges of one chain
// (a ring's last and first too).
func adjacent(chains []chain, s, t *seg) bool {
	if s.chain != t.chain {
		return false
	}
	c := chains[s.chain]
	n := len(c.pts) - 1
	if c.closed {
		n = len(c.pts)
	}
	d := s.i - t.i
	return d == 1 || d == -1 || (c.closed && (d == n-1 || d == 1-n))
}

// foldBack returns, for consecutive edges of a line, a note when the
// second turns back along the first (a spike: the line retraces itself,
// its two sides one), or ""; the far end of the shorter edge lies on the
// longer's arc, or within the distance by which the longer's WGS 84
// geodesic may part from its arc that near the shared vertex (1 mm at
// least). Elsewhere two edges that
// overlap meet away from their shared vertex, which crossings reports,
// as it does every spike of a ring (its return meets the edges beside
// its base: TestRingSpikeRefused); a fold at a line's end, or where the
// line goes on from a point of the edge it folded back on, is only seen
// here.
func foldBack(chains []chain, what string, first, second *seg) string {
	v, a, c := first.b, first.a, second.b
	va, vc := first.ca, second.cb
	if v.Cross(a.Vector).Dot(v.Cross(c.Vector)) <= 0 {
		return "" // the second edge leaves the shared vertex away from the first
	}
	near, long, longSeg := c, a, first
	x, l := float64(v.Angle(c.Vector)), float64(v.Angle(a.Vector))
	if x > l {
		near, long, longSeg = a, c, second
		x, l = l, x
	}
	// The shorter edge's geodesic ends at near; the longer's parts from
	// its arc by up to its dev about its middle, and by next to nothing
	// beside the shared vertex (the two share their ends; the gap grows
	// about linearly from there, 4·gap·x/l at most): the gap within x of
	// v, twice over, is what may hide a fold, not the whole edge's.
	tol := longSeg.dev()
	if l > 0 {
		tol = math.Min(tol, 4*tol*x/l)
	}
	d := float64(s2.DistanceFromSegment(near, v, long)) * EarthRadiusM
	if d > math.Max(1e-3, tol) {
		return ""
	}
	return fmt.Sprintf("%s %s %v→%v and %s %v→%v turn back on each other at %v (the chain retraces itself: %v lies %s m from the other edge): drop the vertex, or move it off the edge",
		what, label(chains, first), first.ca, first.cb, label(chains, second), second.ca, second.cb, vcoord(first, v), pick(near == a, va, vc), fmtM(d))
}

// vcoord is the coordinates of an end of an edge.
func vcoord(s *seg, p s2.Point) [2]float64 {
	if p == s.a {
		return s.ca
	}
	return s.cb
}

// pick is a if cond, else b.
func pick(cond bool, a, b [2]float64) [2]float64 {
	if cond {
		return a
	}
	return b
}

// sameEdge reports whether two edges join the same two vertices.
func sameEdge(s, t *seg) bool {
	return (s.a == t.a && s.b == t.b) || (s.a == t.b && s.b == t.a)
}

// cutHint explains two edges that meet at a position on the antimeridian
// written 180 in one and -180 in the other: the geometry cut there, as
// RFC 7946 §3.1.9 recommends, which accord reads as parts that touch or
// share an edge.
func cutHint(chains []chain, s, t *seg) string {
	cut := false
	for _, a := range [][2]float64{s.ca, s.cb} {
		for _, b := range [][2]float64{t.ca, t.cb} {
			if math.Abs(a[0]) == 180 && a[0] == -b[0] && a[1] == b[1] {
				cut = true
			}
		}
	}
	if !cut {
		return ""
	}
	what, whole := "line", "write the line in one part"
	if chains[s.chain].closed {
		what, whole = "polygon", "write the polygon whole"
	}
	return fmt.Sprintf(" (the %s cut at the antimeridian, as RFC 7946 §3.1.9 recommends: accord's edges join their ends the short way, across it if need be; %s)", what, whole)
}
