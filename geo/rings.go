package geo

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/golang/geo/s2"
)

// ringSet is a zone's rings, polygon by polygon, as S2 sees them: what the
// checks between rings (touches, nesting) need.
type ringSet struct {
	pts    [][][]s2.Point   // each ring's vertices, in the file's order
	loops  [][]*s2.Loop     // each ring's loop, normalized (its smaller region)
	coords [][][][2]float64 // the rings' positions, as in the file (not closed)
	// left says whether, in the file's order, the ring has its region on
	// its left (it runs counter-clockwise around it).
	left [][]bool
	// shared lists, for each vertex that several rings share (of one
	// polygon or of several), where it occurs.
	shared map[s2.Point][]vertexRef
}

// vertexRef is one occurrence of a vertex: polygon, ring, position.
type vertexRef struct{ poly, ring, i int }

func cmpRef(a, b vertexRef) int {
	return cmp.Or(cmp.Compare(a.poly, b.poly), cmp.Compare(a.ring, b.ring), cmp.Compare(a.i, b.i))
}

// newRingSet builds the loops of rings that are closed and simple and do
// not cross each other (the closing position dropped).
func newRingSet(polys [][][][2]float64) *ringSet {
	rs := &ringSet{
		pts:    make([][][]s2.Point, len(polys)),
		loops:  make([][]*s2.Loop, len(polys)),
		left:   make([][]bool, len(polys)),
		coords: polys,
	}
	seen := map[s2.Point]vertexRef{}
	for i, rings := range polys {
		for j, r := range rings {
			pts := make([]s2.Point, len(r))
			for k, c := range r {
				pts[k] = point(c)
				ref := vertexRef{i, j, k}
				if first, ok := seen[pts[k]]; !ok {
					seen[pts[k]] = ref
				} else if first.poly != i || first.ring != j {
					if rs.shared == nil {
						rs.shared = map[s2.Point][]vertexRef{}
					}
					if len(rs.shared[pts[k]]) == 0 {
						rs.shared[pts[k]] = []vertexRef{first}
					}
					rs.shared[pts[k]] = append(rs.shared[pts[k]], ref)
				}
			}
			// The loop keeps the slice it is given, and Normalize reverses
			// it in place: pts must stay in the file's order.
			l := s2.LoopFromPoints(slices.Clone(pts))
			left := l.IsNormalized()
			l.Normalize()
			rs.pts[i] = append(rs.pts[i], pts)
			rs.loops[i] = append(rs.loops[i], l)
			rs.left[i] = append(rs.left[i], left)
		}
	}
	return rs
}

// noArea says why a ring (its positions, not closed) bounds no area, or
// "": the area of the smaller region it separates is within S2's bound on
// the error of a loop's area (11.25·2⁻⁵² sr per vertex, about 0.1 m² a
// vertex), so neither its orientation nor which region it bounds is
// known: its vertices lie on one great circle, or nearly.
func noArea(ring [][2]float64) string {
	pts := make([]s2.Point, len(ring))
	for i, c := range ring {
		pts[i] = point(c)
	}
	l := s2.LoopFromPoints(pts)
	l.Normalize()
	maxErr := 11.25 * 0x1p-52 * float64(len(pts))
	a := l.Area()
	if a > maxErr {
		return ""
	}
	r2 := EarthRadiusM * EarthRadiusM
	return fmt.Sprintf("the ring bounds no area (%.2g m², not above S2's error bound of %.2g m² for the area of a ring of %d vertices): its vertices lie on one great circle, or nearly", a*r2, maxErr*r2, len(pts))
}

// wedge returns the vertices before and after the occurrence v of a
// vertex, ordered so that the polygon's interior lies on the left of
// a0 → v → a2 (S2's wedge): a shell's region, the outside of a hole's.
func (rs *ringSet) wedge(v vertexRef) (a0, a2 s2.Point) {
	pts := rs.pts[v.poly][v.ring]
	n := len(pts)
	a0, a2 = pts[(v.i+n-1)%n], pts[(v.i+1)%n]
	if rs.left[v.poly][v.ring] == (v.ring > 0) {
		a0, a2 = a2, a0
	}
	return a0, a2
}

// touches checks each vertex that several rings share. Rings of two
// polygons of a MultiPolygon must have their polygons' interiors apart
// around it, so that the polygons touch at the point only (OGC Simple
// Features, which RFC 7946 follows, allows a MultiPolygon's polygons to
// touch at a finite number of points). Rings of one polygon must have the
// regions outside the polygon apart around it: a hole touches its exterior
// ring from inside, two holes touch each other from outside; and the
// touches within a polygon must not close a cycle of rings (a hole
// touching the exterior ring twice, or two holes touching each other and
// each the exterior ring), which would cut the polygon's interior in two
// (OGC Simple Features: a polygon's interior is connected). The rings are
// simple, cross no other ring and share no edge. multi says whether the
// zone is a MultiPolygon, for the coordinates' paths.
func (p *parser) touches(where string, rs *ringSet, multi bool) bool {
	// In the file's order, the problems reported the same each time.
	vs := make([]s2.Point, 0, len(rs.shared))
	for v := range rs.shared {
		vs = append(vs, v)
	}
	slices.SortFunc(vs, func(a, b s2.Point) int {
		return cmpRef(rs.shared[a][1], rs.shared[b][1])
	})
	at := func(r vertexRef) string {
		if multi {
			return fmt.Sprintf("%s.coordinates[%d][%d][%d]", where, r.poly, r.ring, r.i)
		}
		return fmt.Sprintf("%s.coordinates[%d][%d]", where, r.ring, r.i)
	}
	bad := false
	for _, v := range vs {
		refs := rs.shared[v]
		for x := 1; x < len(refs); x++ {
			for y := 0; y < x; y++ {
				a, b := refs[y], refs[x]
				a0, a2 := rs.wedge(a)
				b0, b2 := rs.wedge(b)
				switch {
				case a.poly != b.poly:
					if !s2.WedgeIntersects(a0, v, a2, b0, b2) {
						continue
					}
					p.addf(at(b), "polygon %d shares this position with polygon %d (ring %d, position %d) and their interiors overlap around it: the polygons of a MultiPolygon may touch at points only, each outside the other",
						b.poly, a.poly, a.ring, a.i)
				// One polygon: the wedges outside it (a2, v, a0) must be
				// apart.
				case !s2.WedgeIntersects(a2, v, a0, b2, b0):
					continue
				case a.ring == 0:
					p.addf(at(b), "the hole shares this position with the exterior ring (position %d) and lies outside it there: a hole may touch its exterior ring at points only, from inside", a.i)
				default:
					p.addf(at(b), "hole %d shares this position with hole %d (position %d) and they overlap there: holes may touch each other at points only, each outside the other", b.ring, a.ring, a.i)
				}
				bad = true
			}
		}
	}
	if bad {
		return true
	}
	return p.cutInTwo(vs, rs, at)
}

// cutInTwo reports the touches that cut a polygon's interior in two: those
// that join two of its rings already joined through other touches (the
// rings and the shared vertices form a graph; the interior is connected
// when it has no cycle). vs are the shared vertices in the file's order.
func (p *parser) cutInTwo(vs []s2.Point, rs *ringSet, at func(vertexRef) string) bool {
	type link struct {
		to  int       // the ring touched
		via vertexRef // where
	}
	links := make([]map[int][]link, len(rs.pts)) // per polygon, ring → its touches
	// path returns where the touches found so far join ring a to ring b
	// of polygon i, or nil.
	path := func(i, a, b int) []vertexRef {
		prev := map[int]link{a: {to: -1}}
		for queue := []int{a}; len(queue) > 0; queue = queue[1:] {
			for _, l := range links[i][queue[0]] {
				if _, ok := prev[l.to]; !ok {
					prev[l.to] = link{to: queue[0], via: l.via}
					queue = append(queue, l.to)
				}
			}
		}
		if _, ok := prev[b]; !ok {
			return nil
		}
		var out []vertexRef
		for r := b; r != a; r = prev[r].to {
			out = append(out, prev[r].via)
		}
		return out
	}
	ringName := func(r int) string {
		if r == 0 {
			return "the exterior ring"
		}
		return fmt.Sprintf("hole %d", r)
	}
	bad := false
	for _, v := range vs {
		refs := rs.shared[v]
		for x := 1; x < len(refs); x++ {
			// Join b's ring to the first ring of its polygon at v.
			b := refs[x]
			y := slices.IndexFunc(refs[:x], func(r vertexRef) bool { return r.poly == b.poly })
			if y < 0 {
				continue
			}
			a := refs[y]
			if links[b.poly] == nil {
				links[b.poly] = map[int][]link{}
			}
			if via := path(b.poly, a.ring, b.ring); via != nil {
				var names []string
				for _, r := range via {
					names = append(names, fmt.Sprint(rs.coords[r.poly][r.ring][r.i]))
				}
				how := fmt.Sprintf("at %s already", names[0])
				if len(via) > 1 {
					how = "is joined to it already through the touches at " + strings.Join(names, ", ")
				}
				p.addf(at(b), "%s touches %s here and %s: the rings cut the polygon's interior in two (OGC Simple Features: a polygon's interior is connected); make each part a polygon of a MultiPolygon",
					ringName(b.ring), ringName(a.ring), how)
				bad = true
				continue
			}
			links[b.poly][a.ring] = append(links[b.poly][a.ring], link{to: b.ring, via: b})
			links[b.poly][b.ring] = append(links[b.poly][b.ring], link{to: a.ring, via: b})
		}
	}
	return bad
}

// probe returns a point of ring j of polygon i that is no vertex of
// another polygon's ring, for the nesting tests: its first vertex that
// no other polygon shares, or else the middle of its first edge (which
// no other ring crosses or touches).
func (rs *ringSet) probe(i, j int) s2.Point {
	pts := rs.pts[i][j]
	for _, v := range pts {
		if _, ok := rs.shared[v]; !ok {
			return v
		}
	}
	return s2.Interpolate(0.5, pts[0], pts[1])
}

// nesting checks, for rings that neither cross nor share an edge, that
// each hole lies inside its polygon's exterior ring and outside its other
// holes, and that no polygon of a MultiPolygon lies inside another (but
// in one of its holes): S2 reads the rings by their nesting alone, so a
// hole outside its exterior would be a second part of the zone, and a
// polygon inside another a hole of it.
//
// Each ring is asked once which rings hold its probe point (S2's shape
// index of all the rings), so the check costs O(n log n) in the rings'
// vertices plus the containments found, not a test of every ring against
// every other.
func (p *parser) nesting(where string, rs *ringSet, multi bool) bool {
	if len(rs.loops) == 1 && len(rs.loops[0]) == 1 {
		return false
	}
	index := s2.NewShapeIndex()
	ring := map[s2.Shape]vertexRef{} // the loop of polygon poly, ring ring
	for i, ls := range rs.loops {
		for j, l := range ls {
			index.Add(l)
			ring[l] = vertexRef{poly: i, ring: j}
		}
	}
	q := s2.NewContainsPointQuery(index, s2.VertexModelSemiOpen)
	// holding lists the rings, other than ring j of polygon i, that hold
	// its probe, in order.
	holding := func(i, j int) []vertexRef {
		var out []vertexRef
		for _, sh := range q.ContainingShapes(rs.probe(i, j)) {
			if r := ring[sh]; r.poly != i || r.ring != j {
				out = append(out, r)
			}
		}
		slices.SortFunc(out, cmpRef)
		return out
	}
	bad := false
	for i, rings := range rs.pts {
		at := where + ".coordinates"
		if multi {
			at += fmt.Sprintf("[%d]", i)
		}
		for j := 1; j < len(rings); j++ {
			in := holding(i, j)
			if !slices.Contains(in, vertexRef{poly: i, ring: 0}) {
				p.addf(fmt.Sprintf("%s[%d]", at, j), "the hole lies outside the exterior ring")
				bad = true
			}
			for _, r := range in {
				if r.poly == i && r.ring > 0 {
					p.addf(fmt.Sprintf("%s[%d]", at, j), "the hole lies inside hole %d", r.ring)
					bad = true
				}
			}
		}
		// The polygon lies inside each other polygon whose exterior holds
		// its probe and none of whose holes does.
		in := holding(i, 0)
		for k, r := range in {
			if r.ring == 0 && (k+1 == len(in) || in[k+1].poly != r.poly) {
				p.addf(at, "the polygon lies inside polygon %d", r.poly)
				bad = true
			}
		}
	}
	return bad
}
