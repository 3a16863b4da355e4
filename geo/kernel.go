package geo

import (
	"fmt"
	"math"
	"slices"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// ZoneSet is a set of zone indices (positions in Geometry.Zones).
type ZoneSet [MaxZones / 64]uint64

// Has reports whether zone i is in the set.
func (s *ZoneSet) Has(i int) bool { return s[i>>6]&(1<<(i&63)) != 0 }

// Add puts zone i in the set.
func (s *ZoneSet) Add(i int) { s[i>>6] |= 1 << (i & 63) }

// Empty reports whether the set is empty.
func (s *ZoneSet) Empty() bool { return *s == ZoneSet{} }

// Indices lists the zones in the set, ascending.
func (s *ZoneSet) Indices() []int {
	var out []int
	for w, bits := range s {
		for bits != 0 {
			b := 0
			for bits&(1<<b) == 0 {
				b++
			}
			out = append(out, w*64+b)
			bits &^= 1 << b
		}
	}
	return out
}

// Placement is where a point lies against the agreed geometry.
type Placement struct {
	// Side is +1 left of the contact line's direction, −1 right of it, 0
	// exactly on it. The side is that of the nearest point of the line.
	Side int8
	// Bands has bit i set when the point is closer to the line than the
	// kernel's band distance i (the weapon of that band may not be there).
	Bands uint64
	// Zones holds the zones the point is inside.
	Zones ZoneSet
}

// InBand reports whether band i holds the point.
func (p Placement) InBand(i int) bool { return p.Bands&(1<<i) != 0 }

// Kernel places points against one geometry and a set of band distances.
// It is safe for concurrent use once built.
type Kernel struct {
	g      *Geometry
	bands  []float64 // metres
	edges  []edge
	blocks []block // the edges, bounded 16 at a time, for exact nearest-edge searches
	zones  []*s2.Polygon
	index  *s2.ShapeIndex // the line's parts, for crossings
	radius float64        // the cover reaches this far from the line (m)

	// The WGS 84 side: the line's edges as geodesics, the largest gap (m)
	// between any of them and its great-circle arc, the distance (m) under
	// which the side is decided on the ellipsoid, and the zones' edges.
	gedges  []gedge
	devM    float64
	sideM   float64
	maxBand float64 // the widest band (m)
	zedges  []zoneEdges
	every   []int32 // every edge's index, the naive scan's candidates

	cover cover
	dist  distCache // DistanceM's candidates where the cover keeps none
}

// Options tune the kernel's precomputation.
type Options struct {
	// MaxLevel is the finest S2 cell level of the cover; 16 (cells of about
	// 150 m) when 0. Finer covers leave fewer points to the exact test and
	// take longer to build.
	MaxLevel int
}

// NewKernel builds the kernel for a geometry and the band distances (metres)
// it must test.
func NewKernel(g *Geometry, bands []float64, opt Options) (*Kernel, error) {
	if len(g.Parts) == 0 {
		return nil, fmt.Errorf("geo: the geometry has no contact line")
	}
	if len(bands) > MaxBands {
		return nil, fmt.Errorf("geo: %d band distances; at most %d", len(bands), MaxBands)
	}
	if opt.MaxLevel == 0 {
		opt.MaxLevel = 16
	}
	if opt.MaxLevel < 4 || opt.MaxLevel > 24 {
		return nil, fmt.Errorf("geo: cover level %d outside 4..24", opt.MaxLevel)
	}
	k := &Kernel{g: g, bands: slices.Clone(bands), edges: buildEdges(g.Parts), index: s2.NewShapeIndex()}
	k.blocks = buildBlocks(k.edges)
	maxBand := 0.0
	for _, d := range bands {
		if !(d > 0 && d <= MaxBandM) { // NaN too
			return nil, fmt.Errorf("geo: band distance %v must be a positive number of metres, at most %d (MaxBandM)", d, MaxBandM)
		}
		maxBand = math.Max(maxBand, d*1.01)
		k.maxBand = math.Max(k.maxBand, d)
	}
	// Cover far enough that the side of the line is known from the cover
	// wherever a band or a nearby zone could matter.
	k.radius = math.Max(maxBand+1000, 200000)
	for i := range g.Zones {
		k.zones = append(k.zones, g.Zones[i].polygon)
	}
	for _, part := range g.Parts {
		pts := make([]s2.Point, len(part))
		for i, c := range part {
			pts[i] = point(c)
		}
		pl := s2.Polyline(pts)
		k.index.Add(&pl)
	}
	for _, part := range g.Parts {
		for i := 1; i < len(part); i++ {
			ge := newGedge(part[i-1], part[i])
			k.gedges = append(k.gedges, ge)
			k.devM = math.Max(k.devM, ge.dev)
		}
	}
	// Closer than this to either curve (the geodesics or the arcs), a point
	// may lie between them.
	k.sideM = 2*k.devM + 0.01
	for i := range g.Zones {
		k.zedges = append(k.zedges, buildZoneEdges(g.Zones[i].Polygons))
	}
	k.every = make([]int32, len(k.edges))
	for i := range k.every {
		k.every[i] = int32(i)
	}
	k.buildCover(opt.MaxLevel)
	return k, nil
}

// Geometry returns the kernel's geometry.
func (k *Kernel) Geometry() *Geometry { return k.g }

// Bands returns the band distances, metres.
func (k *Kernel) Bands() []float64 { return k.bands }

// Place returns where the point at lon, lat (degrees) lies.
func (k *Kernel) Place(lon, lat float64) Placement { return k.PlacePoint(Point(lon, lat)) }

// PlacePoint returns where a point lies.
func (k *Kernel) PlacePoint(p s2.Point) Placement {
	c, ok := k.cover.find(leafID(p))
	return k.placeIn(p, c, ok)
}

// Locate returns, for the point at lon, lat (degrees), what Place,
// DistanceM and DistanceAtLeastM return, finding the point in the cover
// once.
func (k *Kernel) Locate(lon, lat float64) (pl Placement, distM, atLeastM float64) {
	p := Point(lon, lat)
	leaf := leafID(p)
	c, ok := k.cover.find(leaf)
	pl = k.placeIn(p, c, ok)
	distM = k.distanceIn(p, leaf, c, ok)
	switch {
	case !ok:
		atLeastM = k.radius
	case c.e1 > c.e0:
		atLeastM = distM
	default:
		atLeastM = float64(c.lo)
	}
	return pl, distM, atLeastM
}

// placeIn places p, in the cover cell c when ok.
func (k *Kernel) placeIn(p s2.Point, c coverCell, ok bool) Placement {
	if !ok {
		return k.placeFar(p)
	}
	cl := &k.cover.classes[c.class]
	pl := Placement{Side: cl.side, Bands: cl.bandsIn, Zones: cl.zonesIn}
	if cl.bandsUnsure != 0 || cl.side == 0 {
		cand := k.cover.edges[c.e0:c.e1]
		e, d := nearest(k.edges, cand, p)
		k.resolve(&pl, cl.bandsUnsure, e, d, p, cand)
	}
	if !cl.zonesUnsure.Empty() {
		for w, bits := range cl.zonesUnsure {
			for bits != 0 {
				b := 0
				for bits&(1<<b) == 0 {
					b++
				}
				bits &^= 1 << b
				if k.inZone(w*64+b, p) {
					pl.Zones.Add(w*64 + b)
				}
			}
		}
	}
	return pl
}

// resolve settles the unsure bands and the side from the nearest edge on
// the sphere (e, at d) and the candidate edges (those that can be nearest
// to p on the sphere or on the ellipsoid). The spherical distance m bounds
// the WGS 84 one to [m·kmin − dev, m·kmax + dev] (the scale of the
// ellipsoid over the latitudes the path reaches, and the gap between the
// geodesic edges and their arcs): a band is decided on the sphere only
// outside that interval, and the side only farther than sideM from the
// line; otherwise both are decided on WGS 84.
func (k *Kernel) resolve(pl *Placement, unsure uint64, e int32, d s1.ChordAngle, p s2.Point, cand []int32) {
	m := metres(d)
	lat := s2.LatLngFromPoint(p).Lat.Degrees()
	dl := float64(d.Angle()) * 180 / math.Pi
	kmin, kmax := scaleBounds(lat-dl, lat+dl)
	lo, hi := m*kmin-k.devM, m*kmax+k.devM
	exact := false
	needSide := pl.Side == 0
	if needSide {
		pl.Side = sideOf(k.edges, e, p)
		if d == 0 {
			pl.Side = 0
		}
		exact = m*kmin <= k.sideM
	}
	var doubt uint64
	for i := 0; unsure != 0; i++ {
		if unsure&(1<<i) == 0 {
			continue
		}
		unsure &^= 1 << i
		switch {
		case hi < k.bands[i]:
			pl.Bands |= 1 << i
		case lo >= k.bands[i]:
		default:
			doubt |= 1 << i
		}
	}
	if doubt == 0 && !exact {
		return
	}
	w, side := k.ellipsoidal(cand, p, m, kmin, kmax)
	if needSide && exact {
		pl.Side = side
	}
	for i := 0; doubt != 0; i++ {
		if doubt&(1<<i) != 0 {
			doubt &^= 1 << i
			if w < k.bands[i] {
				pl.Bands |= 1 << i
			}
		}
	}
}

// ellipsoidal returns the WGS 84 distance (m) from p to the line and the
// side of its nearest point, given the spherical distance m and the scale
// bounds: among the candidate edges, only those whose spherical distance
// could make them nearest on the ellipsoid are solved.
func (k *Kernel) ellipsoidal(cand []int32, p s2.Point, m, kmin, kmax float64) (float64, int8) {
	ll := s2.LatLngFromPoint(p)
	lat, lon := float64(ll.Lat), float64(ll.Lng)
	limit := s1.ChordAngleFromAngle(s1.Angle(((m*kmax+2*k.devM)/kmin + 0.01) / EarthRadiusM)).Successor()
	best, bestS := math.Inf(1), 0.0
	var bestE int32 = -1
	var bestSide int8
	for _, i := range cand {
		ed := &k.edges[i]
		if _, ok := s2.UpdateMinDistance(p, ed.a, ed.b, limit); !ok {
			continue
		}
		t0 := s2.DistanceFraction(s2.Project(p, ed.a, ed.b), ed.a, ed.b)
		dd, s, side := k.gedges[i].foot(lat, lon, t0)
		if dd < best {
			best, bestS, bestE, bestSide = dd, s, i, side
		}
	}
	if bestE < 0 || best == 0 {
		return math.Max(0, best), 0
	}
	// The foot at a vertex shared with the next or previous edge: where
	// the two geodesics disagree, the point lies beyond the turn, on its
	// outer side.
	ed := &k.edges[bestE]
	other := int32(-1)
	switch bestS {
	case 0:
		other = ed.prev
	case k.gedges[bestE].length:
		other = ed.next
	}
	if other >= 0 {
		t0 := 0.0
		if other == ed.prev {
			t0 = 1
		}
		if _, _, o := k.gedges[other].foot(lat, lon, t0); o != bestSide {
			first, second := ed, &k.edges[other]
			if other < bestE {
				first, second = second, first
			}
			bestSide = -int8(s2.RobustSign(first.a, first.b, second.b))
		}
	}
	return best, bestSide
}

// placeFar places a point outside the cover: no band reaches it; zones and
// the side are computed exactly.
func (k *Kernel) placeFar(p s2.Point) Placement {
	var pl Placement
	e, d := nearestBlocked(k.edges, k.blocks, p)
	pl.Side = sideOf(k.edges, e, p)
	if d == 0 {
		pl.Side = 0
	}
	for i := range k.zones {
		if k.inZone(i, p) {
			pl.Zones.Add(i)
		}
	}
	return pl
}

// DistanceM returns the distance from the point to the contact line in
// metres, on the sphere (within 0.6 % of the WGS 84 distance; bands
// are not decided with it: see DistanceWGS84M).
func (k *Kernel) DistanceM(lon, lat float64) float64 {
	p := Point(lon, lat)
	leaf := leafID(p)
	c, ok := k.cover.find(leaf)
	return k.distanceIn(p, leaf, c, ok)
}

// distanceIn is DistanceM of p, in the leaf cell leaf and the cover cell c
// when ok.
func (k *Kernel) distanceIn(p s2.Point, leaf s2.CellID, c coverCell, ok bool) float64 {
	if ok && c.e1 > c.e0 {
		_, d := nearest(k.edges, k.cover.edges[c.e0:c.e1], p)
		return metres(d)
	}
	if ok {
		return metres(k.cachedDistance(p, leaf))
	}
	_, d := nearestBlocked(k.edges, k.blocks, p)
	return metres(d)
}

// DistanceWGS84M returns the distance from the point to the contact line
// in metres on the WGS 84 ellipsoid, the line's edges being geodesics: the
// least over the edges that can be nearest of the distance to the foot of
// the point on the edge (accurate to a millimetre; see docs/monitoring.md).
// It costs a few µs, where DistanceM costs a lookup.
func (k *Kernel) DistanceWGS84M(lon, lat float64) float64 {
	p := Point(lon, lat)
	_, d := nearestBlocked(k.edges, k.blocks, p)
	m := metres(d)
	dl := float64(d.Angle()) * 180 / math.Pi
	kmin, kmax := scaleBounds(lat-dl, lat+dl)
	limit := s1.Angle(((m*kmax+2*k.devM)/kmin + 0.01) / EarthRadiusM)
	var cand []int32
	for bi := range k.blocks {
		b := &k.blocks[bi]
		if p.Distance(b.center)-b.radius <= limit+1e-12 {
			for i := b.lo; i < b.hi; i++ {
				cand = append(cand, i)
			}
		}
	}
	w, _ := k.ellipsoidal(cand, p, m, kmin, kmax)
	return w
}

// DistanceAtLeastM returns a lower bound of the distance from the point to
// the line (metres): the exact distance where the cover keeps the cell's
// edges, the cell's bound elsewhere. It costs a lookup, where DistanceM may
// cost a search of the index.
func (k *Kernel) DistanceAtLeastM(lon, lat float64) float64 {
	p := Point(lon, lat)
	c, ok := k.cover.find(leafID(p))
	if !ok {
		return k.radius
	}
	if c.e1 > c.e0 {
		_, d := nearest(k.edges, k.cover.edges[c.e0:c.e1], p)
		return metres(d)
	}
	return float64(c.lo)
}

// Naive places a point by scanning every edge and testing every zone: the
// reference the kernel must agree with. Like the kernel, it decides on WGS
// 84 (geodesic edges) wherever the sphere's answer could differ: near a
// band's edge, near the line and near a zone's edge.
func (k *Kernel) Naive(p s2.Point) Placement {
	e, d := nearestAll(k.edges, p)
	pl := Placement{}
	all := uint64(1)<<len(k.bands) - 1
	k.resolve(&pl, all, e, d, p, k.every)
	for i := range k.zones {
		if k.inZone(i, p) {
			pl.Zones.Add(i)
		}
	}
	return pl
}

// NaiveFull places a point the straightforward way, the benchmarks' peer:
// the spherical distance to every segment (s2.DistanceFromSegment, no
// pruning, no cover), then, like Naive, the WGS 84 distance and side where
// the sphere's answer could differ (the foot on every geodesic edge that
// could be nearest), and every zone with its geodesic edges.
func (k *Kernel) NaiveFull(p s2.Point) Placement {
	best, d := int32(-1), s1.InfAngle()
	for i := range k.edges {
		if nd := s2.DistanceFromSegment(p, k.edges[i].a, k.edges[i].b); nd < d {
			best, d = int32(i), nd
		}
	}
	pl := Placement{}
	k.resolve(&pl, uint64(1)<<len(k.bands)-1, best, s1.ChordAngleFromAngle(d), p, k.every)
	for i := range k.zones {
		if k.inZone(i, p) {
			pl.Zones.Add(i)
		}
	}
	return pl
}

// NaiveDistanceM is the distance to the line by scanning every edge.
func (k *Kernel) NaiveDistanceM(p s2.Point) float64 {
	_, d := nearestAll(k.edges, p)
	return metres(d)
}

// Crossings counts how many times a path ([lon, lat] positions; a shot's
// origin and impact, or a flight path) crosses the contact line, with S2's
// CrossingEdgeQuery on the line's index. A path that touches the line at a
// vertex counts by S2's vertex-crossing rule, so a path ending exactly on
// the line is not counted twice.
func (k *Kernel) Crossings(path [][2]float64) int {
	q := s2.NewCrossingEdgeQuery(k.index)
	n := 0
	for i := 1; i < len(path); i++ {
		a, b := point(path[i-1]), point(path[i])
		for s := range k.g.Parts {
			n += len(q.Crossings(a, b, k.index.Shape(int32(s)), s2.CrossingTypeInterior))
		}
	}
	return n
}
