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

	cover cover
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
		if d <= 0 || math.IsNaN(d) || math.IsInf(d, 0) {
			return nil, fmt.Errorf("geo: band distance %v must be a positive number of metres", d)
		}
		maxBand = math.Max(maxBand, d*1.01)
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
	if !ok {
		return k.placeFar(p)
	}
	cl := &k.cover.classes[c.class]
	pl := Placement{Side: cl.side, Bands: cl.bandsIn, Zones: cl.zonesIn}
	if cl.bandsUnsure != 0 || cl.side == 0 {
		cand := k.cover.edges[c.e0:c.e1]
		e, d := nearest(k.edges, cand, p)
		k.resolve(&pl, cl.bandsUnsure, e, d, p)
	}
	if !cl.zonesUnsure.Empty() {
		for w, bits := range cl.zonesUnsure {
			for bits != 0 {
				b := 0
				for bits&(1<<b) == 0 {
					b++
				}
				bits &^= 1 << b
				if k.zones[w*64+b].ContainsPoint(p) {
					pl.Zones.Add(w*64 + b)
				}
			}
		}
	}
	return pl
}

// resolve settles the unsure bands and the side from the nearest edge.
func (k *Kernel) resolve(pl *Placement, unsure uint64, e int32, d s1.ChordAngle, p s2.Point) {
	m := metres(d)
	if pl.Side == 0 {
		pl.Side = sideOf(k.edges, e, p)
		if d == 0 {
			pl.Side = 0
		}
	}
	refined := -1.0
	var kmin, kmax float64
	if unsure != 0 {
		lat := s2.LatLngFromPoint(p).Lat.Degrees()
		dl := float64(d.Angle()) * 180 / math.Pi
		kmin, kmax = scaleBounds(lat-dl, lat+dl)
	}
	for i := 0; unsure != 0; i++ {
		if unsure&(1<<i) == 0 {
			continue
		}
		unsure &^= 1 << i
		in := m < k.bands[i]
		if m*kmin <= k.bands[i] && k.bands[i] <= m*kmax {
			if refined < 0 {
				refined = k.refine(e, p)
			}
			in = refined < k.bands[i]
		}
		if in {
			pl.Bands |= 1 << i
		}
	}
}

// refine is the WGS 84 distance from p to the line near edge e: the least
// over e and, when the spherical foot is a vertex, the edge beyond it.
func (k *Kernel) refine(e int32, p s2.Point) float64 {
	ed := &k.edges[e]
	best := ellipsoidalDistance(ed, p)
	switch s2.Project(p, ed.a, ed.b) {
	case ed.a:
		if ed.prev >= 0 {
			best = math.Min(best, ellipsoidalDistance(&k.edges[ed.prev], p))
		}
	case ed.b:
		if ed.next >= 0 {
			best = math.Min(best, ellipsoidalDistance(&k.edges[ed.next], p))
		}
	}
	return best
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
	for i, z := range k.zones {
		if z.ContainsPoint(p) {
			pl.Zones.Add(i)
		}
	}
	return pl
}

// DistanceM returns the distance from the point to the contact line in
// metres, on the sphere.
func (k *Kernel) DistanceM(lon, lat float64) float64 {
	p := Point(lon, lat)
	if c, ok := k.cover.find(leafID(p)); ok && c.e1 > c.e0 {
		_, d := nearest(k.edges, k.cover.edges[c.e0:c.e1], p)
		return metres(d)
	}
	_, d := nearestBlocked(k.edges, k.blocks, p)
	return metres(d)
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
// reference the kernel must agree with.
func (k *Kernel) Naive(p s2.Point) Placement {
	e, d := nearestAll(k.edges, p)
	pl := Placement{}
	all := uint64(1)<<len(k.bands) - 1
	k.resolve(&pl, all, e, d, p)
	for i, z := range k.zones {
		if z.ContainsPoint(p) {
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
