package geo

import (
	"math"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// cover is the kernel's precomputed classification of the neighbourhood of
// the line and the zones: disjoint S2 cells, sorted, each with a class (what
// is certain for every point of it) and, for cells where something is not,
// the edges that can be nearest to a point of the cell.
type cover struct {
	at      []coverEntry // the cells, by their ranges of leaf cells
	classes []class
	edges   []int32 // candidate edges of the cells, by ranges

	// The search's index: the leaf cells from at[0].lo on cut into buckets
	// of 1<<shift consecutive ids; cells at[below[b]:below[b+1]] start in
	// bucket b (below[b] cells start before it).
	shift uint
	below []int32

	// While it is built: each cell's range of leaf cells, and the cell.
	lo, hi []s2.CellID
	cells  []coverCell
}

// coverEntry is a cover cell with its range of leaf cells, kept together
// so that a search reads one place.
type coverEntry struct {
	lo, hi s2.CellID
	cell   coverCell
}

// coverBuckets is how many buckets the index of the search has.
const coverBuckets = 1 << 17

// index keeps the cells built as entries and builds the search's index.
func (c *cover) index() {
	c.at = make([]coverEntry, len(c.lo))
	for i := range c.at {
		c.at[i] = coverEntry{lo: c.lo[i], hi: c.hi[i], cell: c.cells[i]}
	}
	defer func() { c.lo, c.hi, c.cells = nil, nil, nil }()
	if len(c.lo) == 0 {
		return
	}
	span := uint64(c.hi[len(c.hi)-1] - c.lo[0])
	for span>>c.shift >= coverBuckets {
		c.shift++
	}
	n := span>>c.shift + 2
	c.below = make([]int32, n)
	i := 0
	for b := range c.below {
		start := uint64(c.lo[0]) + uint64(b)<<c.shift
		for i < len(c.lo) && uint64(c.lo[i]) < start {
			i++
		}
		c.below[b] = int32(i)
	}
}

type coverCell struct {
	class  uint32
	e0, e1 int32
	lo     float32 // a lower bound of the distance to the line in the cell (m)
}

// class is what the cover knows of every point of a cell.
type class struct {
	bandsIn, bandsUnsure uint64
	zonesIn, zonesUnsure ZoneSet
	side                 int8 // ±1 when certain, 0 when it must be computed
}

// find returns the cover cell holding a leaf cell.
func (c *cover) find(leaf s2.CellID) (coverCell, bool) {
	if len(c.at) == 0 || leaf < c.at[0].lo || leaf > c.at[len(c.at)-1].hi {
		return coverCell{}, false
	}
	// The first cell starting after leaf starts in leaf's bucket or is the
	// first of the next: search at[lo:hi] for it.
	b := uint64(leaf-c.at[0].lo) >> c.shift
	lo, hi := int(c.below[b]), int(c.below[b+1])
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if c.at[m].lo > leaf {
			hi = m
		} else {
			lo = m + 1
		}
	}
	i := lo - 1
	if i < 0 || c.at[i].hi < leaf {
		return coverCell{}, false
	}
	return c.at[i].cell, true
}

func leafID(p s2.Point) s2.CellID { return s2.CellFromPoint(p).ID() }

// builder holds the state of one cover construction.
type builder struct {
	k        *Kernel
	maxLevel int
	classIDs map[class]uint32
	dist     []s1.ChordAngle // scratch: distances of candidates to a cell centre
	zoneCaps []s2.Rect
}

// buildCover computes the cover, descending from the six face cells. For a
// cell with centre c and radius r (angles), and candidate edges E that
// include the nearest edge of every point of the cell, the distance dc from
// c to the line bounds the distance of every point of the cell to
// [dc − r, dc + r]; the edges that can be nearest to a point of the cell
// are those within dc + 2r of c. Bands and zones are certain where those
// bounds (bands) or S2's exact cell–polygon tests (zones) decide them; the
// side is certain where the cell does not touch the line and lies wholly on
// one side of the great circle of every candidate edge.
func (k *Kernel) buildCover(maxLevel int) {
	b := &builder{k: k, maxLevel: maxLevel, classIDs: map[class]uint32{}}
	for _, z := range k.zones {
		b.zoneCaps = append(b.zoneCaps, z.RectBound())
	}
	all := make([]int32, len(k.edges))
	for i := range all {
		all[i] = int32(i)
	}
	var zones ZoneSet
	for i := range k.zones {
		zones.Add(i)
	}
	for f := 0; f < 6; f++ {
		b.visit(s2.CellFromCellID(s2.CellIDFromFace(f)), all, ZoneSet{}, zones)
	}
	k.cover.index()
}

func (b *builder) visit(cell s2.Cell, cand []int32, zonesIn, zonesMaybe ZoneSet) {
	k := b.k
	capb := cell.CapBound()
	c := capb.Center()
	r := float64(capb.Radius()) + 1e-15
	// Distances from the centre to the candidates (as chord angles, which
	// are cheap), and the least.
	if cap(b.dist) < len(cand) {
		b.dist = make([]s1.ChordAngle, len(cand))
	}
	dist := b.dist[:len(cand)]
	dmin := s1.InfChordAngle()
	for i, e := range cand {
		ed := &k.edges[e]
		dist[i], _ = s2.UpdateMinDistance(c, ed.a, ed.b, s1.InfChordAngle())
		dmin = min(dmin, dist[i])
	}
	dc := float64(dmin.Angle())
	lo, hi := (dc-r)*EarthRadiusM, (dc+r)*EarthRadiusM
	// The ellipsoid's scale over the latitudes a path from the cell to the
	// line can reach.
	rect := cell.RectBound()
	reach := (dc + r) * 180 / math.Pi
	kmin, kmax := scaleBounds(rect.Lo().Lat.Degrees()-reach, rect.Hi().Lat.Degrees()+reach)
	// The edges that can be nearest to a point of the cell on the sphere
	// (within dc + 2r of the centre) or on the ellipsoid (within the
	// spherical distance (d·kmax + 2·dev)/kmin of a point at d).
	// No point of a cell beyond every band by the error bound is ever
	// decided on the ellipsoid: there the sphere's candidates suffice.
	reachE := dc + 2*r
	if lo*kmin-k.devM <= k.maxBand {
		reachE = ((dc+r)*kmax+2*k.devM/EarthRadiusM)/kmin + r + 0.02/EarthRadiusM
	}
	limit := s1.ChordAngleFromAngle(s1.Angle(reachE + 1e-15)).Successor()
	var next []int32
	for i, e := range cand {
		if dist[i] <= limit {
			next = append(next, e)
		}
	}

	// Zones: decide those the parent could not. A zone's edges are WGS 84
	// geodesics, within devM of S2's arcs: a cell is certain only when S2
	// decides it and it lies farther than that from the zone's boundary.
	var zonesUnsure ZoneSet
	for _, zi := range zonesMaybe.Indices() {
		dev := s1.Angle((k.zedges[zi].devM + 0.01) / EarthRadiusM)
		if !b.zoneCaps[zi].Intersects(s2.CapFromCenterAngle(c, s1.Angle(r)+dev).RectBound()) {
			continue
		}
		inter := k.zones[zi].IntersectsCell(cell)
		cont := inter && k.zones[zi].ContainsCell(cell)
		if (!inter || cont) && k.zedges[zi].near(cell, c, s1.Angle(r), dev) {
			zonesUnsure.Add(zi)
			continue
		}
		switch {
		case cont:
			zonesIn.Add(zi)
		case inter:
			zonesUnsure.Add(zi)
		}
	}
	if lo > k.radius && zonesIn.Empty() && zonesUnsure.Empty() {
		return // nothing to know here: the cover leaves it out
	}
	cl := class{zonesIn: zonesIn, zonesUnsure: zonesUnsure}
	for i, d := range k.bands {
		switch {
		case hi*kmax+k.devM < d:
			cl.bandsIn |= 1 << i
		case lo*kmin-k.devM > d:
		default:
			cl.bandsUnsure |= 1 << i
		}
	}
	if lo*kmin > k.sideM {
		cl.side = b.side(next, c, math.Sin(math.Min(r, math.Pi/2)))
	}
	certain := cl.bandsUnsure == 0 && cl.zonesUnsure.Empty() && cl.side != 0
	if certain || int(cell.Level()) >= b.maxLevel {
		b.add(cell.ID(), cl, next, certain, float32(math.Max(0, lo)))
		return
	}
	children, _ := cell.Children()
	for _, ch := range children {
		b.visit(ch, next, zonesIn, zonesUnsure)
	}
}

// side is the side of every point of the cell, or 0 when it may differ
// within the cell. For each candidate edge it works out the sides sideOf
// can give for a point of the cell whose nearest edge that is: the sign
// against the edge's great circle where the foot of the point may fall
// inside the edge, and the combination with the neighbouring edge's sign
// where the foot may be a shared vertex (beyond a turn the great circle of
// an edge cuts through cells that all lie on the turn's outer side).
func (b *builder) side(cand []int32, c s2.Point, sinR float64) int8 {
	var seen [3]bool // index side+1
	edges := b.k.edges
	for _, i := range cand {
		e := &edges[i]
		s := signs(c, e.n, sinR)
		// The foot may be inside the edge unless the cell lies wholly before
		// a or wholly after b.
		pastA, beforeB := signs(c, e.pastA, sinR), signs(c, e.beforeB, sinR)
		if pastA != signNeg && beforeB != signNeg {
			mark(&seen, s)
		}
		if pastA != signPos { // the foot may be a
			b.vertexSides(&seen, s, e.prev, i, c, sinR)
		}
		if beforeB != signPos { // the foot may be b
			b.vertexSides(&seen, s, i, e.next, c, sinR)
		}
		if seen[0] && seen[2] {
			return 0
		}
	}
	switch {
	case seen[0] && !seen[2]:
		return -1
	case seen[2] && !seen[0]:
		return 1
	}
	return 0
}

// vertexSides marks the sides a point whose foot is the vertex between
// edges first and second may have, given the sign set of the edge it is
// nearest to (s). At a line's end (first or second is −1) it is s.
func (b *builder) vertexSides(seen *[3]bool, s signSet, first, second int32, c s2.Point, sinR float64) {
	if first < 0 || second < 0 {
		mark(seen, s)
		return
	}
	edges := b.k.edges
	f, g := &edges[first], &edges[second]
	turn := int8(s2.RobustSign(f.a, f.b, g.b))
	sf, sg := signs(c, f.n, sinR), signs(c, g.n, sinR)
	for _, x := range []int8{-1, 1} {
		for _, y := range []int8{-1, 1} {
			if !sf.has(x) || !sg.has(y) {
				continue
			}
			if x == y {
				seen[x+1] = true
			} else {
				seen[-turn+1] = true
			}
		}
	}
}

// signSet is the set of signs a cell's points have against a great circle.
type signSet int8

const (
	signNeg  signSet = -1
	signBoth signSet = 0
	signPos  signSet = 1
)

func (s signSet) has(x int8) bool { return s == signBoth || int8(s) == x }

// signs is the sign set of a cell with centre c and radius r against the
// great circle with unit normal n, given sinR = sin(r): the cell lies on
// one side when the centre's angular distance to the circle, asin|c·n|,
// exceeds r.
func signs(c, n s2.Point, sinR float64) signSet {
	d := c.Dot(n.Vector)
	if d > sinR {
		return signPos
	}
	if d < -sinR {
		return signNeg
	}
	return signBoth
}

func mark(seen *[3]bool, s signSet) {
	if s.has(-1) {
		seen[0] = true
	}
	if s.has(1) {
		seen[2] = true
	}
}

func (b *builder) add(id s2.CellID, cl class, cand []int32, certain bool, lo float32) {
	cv := &b.k.cover
	ci, ok := b.classIDs[cl]
	if !ok {
		ci = uint32(len(cv.classes))
		cv.classes = append(cv.classes, cl)
		b.classIDs[cl] = ci
	}
	cc := coverCell{class: ci, e0: int32(len(cv.edges)), lo: max(0, lo-1)}
	if !certain {
		cv.edges = append(cv.edges, cand...)
	}
	cc.e1 = int32(len(cv.edges))
	// Merge with the previous cell when adjacent and alike (a certain cell
	// right after another of the same class).
	if n := len(cv.lo); n > 0 && certain && cv.cells[n-1].e0 == cv.cells[n-1].e1 &&
		cv.cells[n-1].class == ci && cv.hi[n-1].Next() == id.RangeMin() {
		cv.hi[n-1] = id.RangeMax()
		cv.cells[n-1].lo = min(cv.cells[n-1].lo, cc.lo)
		return
	}
	cv.lo = append(cv.lo, id.RangeMin())
	cv.hi = append(cv.hi, id.RangeMax())
	cv.cells = append(cv.cells, cc)
}
