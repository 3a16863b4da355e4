package sector

import (
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/monitor"
)

// Gate is fusion's spatial gate (fusion.Config.Gate's default): two
// reports may be of one event when their distance is within
// Gate·sqrt(a1² + a2²). The halo is computed from it; a worker refuses a
// fusion configuration with a wider gate.
const Gate = 2

// MarginM is added to every halo radius: the floating-point slack of the
// distances on both sides (fusion's and the plan's, a few millimetres at
// most on the earth's scale) with a wide safety factor.
const MarginM = 1.0

// MaxSectors bounds N: more sectors than this is a configuration error,
// not a deployment.
const MaxSectors = 4096

// Plan divides the main agreement's contact line into N sectors of equal
// arc length and routes observations to them. A point belongs to the
// sector of the nearest point of the line; the line's parts are laid end
// to end, in order, so a sector may span the gap between two parts. The
// plan is a function of the line and N only: every node that builds it
// from the same agreement and N routes alike. It is safe for concurrent
// use.
type Plan struct {
	n      int
	total  float64   // the line's length (m)
	bounds []float64 // sector i holds arc positions [bounds[i], bounds[i+1])
	edges  []planEdge
	index  *s2.ShapeIndex
	// shapeFirst[s] is the index in edges of shape s's first edge.
	shapeFirst []int
	queries    sync.Pool // *s2.EdgeQuery over index
}

// planEdge is one edge of the line with its arc position.
type planEdge struct {
	a, b s2.Point
	n    s2.Point // unit normal of its great circle (zero when a = b)
	cum  float64  // arc position of a (m)
	len  float64  // its length (m)
}

// NewPlan divides the contact line of the monitoring section's geometry
// into n sectors. A section without a line can only be one sector. The
// kernel is not needed today (the plan keeps its own index of the line's
// edges) and may be nil; it is taken so that a plan can later share the
// kernel's index.
func NewPlan(m *agreement.Monitoring, k *geo.Kernel, n int) (*Plan, error) {
	if n < 1 || n > MaxSectors {
		return nil, accord.Errorf(accord.EINVALID, "sector: partitions: %d sectors; want 1 to %d", n, MaxSectors)
	}
	var g *geo.Geometry
	switch {
	case m != nil && m.Geometry != nil:
		g = m.Geometry
	case k != nil:
		g = k.Geometry()
	}
	p := &Plan{n: n}
	if g != nil {
		for _, part := range g.Parts {
			if len(part) < 2 {
				continue
			}
			pts := make([]s2.Point, len(part))
			for i, c := range part {
				pts[i] = geo.Point(c[0], c[1])
			}
			if p.index == nil {
				p.index = s2.NewShapeIndex()
			}
			pl := s2.Polyline(pts)
			p.index.Add(&pl)
			p.shapeFirst = append(p.shapeFirst, len(p.edges))
			for i := 1; i < len(pts); i++ {
				e := planEdge{a: pts[i-1], b: pts[i], cum: p.total}
				e.len = float64(e.a.Distance(e.b)) * geo.EarthRadiusM
				if e.len > 0 {
					e.n = s2.Point{Vector: e.a.PointCross(e.b).Normalize()}
				}
				p.total += e.len
				p.edges = append(p.edges, e)
			}
		}
	}
	if p.total == 0 {
		if n > 1 {
			name := "the monitoring section"
			if g != nil && g.LineID != "" {
				name = fmt.Sprintf("line %q", g.LineID)
			}
			return nil, accord.Errorf(accord.EINVALID, "sector: partitions: %d sectors asked, but %s has no contact line of positive length to divide (a section without a line is one sector)", n, name)
		}
		p.bounds = []float64{0, 0}
		return p, nil
	}
	p.bounds = make([]float64, n+1)
	for i := range p.bounds {
		p.bounds[i] = p.total * float64(i) / float64(n)
	}
	p.bounds[n] = p.total
	p.queries.New = func() any {
		return s2.NewClosestEdgeQuery(p.index, s2.NewClosestEdgeQueryOptions().MaxResults(1))
	}
	return p, nil
}

// N is the number of sectors.
func (p *Plan) N() int { return p.n }

// LengthM is the length of the line the plan divides (m).
func (p *Plan) LengthM() float64 { return p.total }

// Bounds returns the arc positions (m) where sector i starts and ends:
// sector i holds the points whose nearest point of the line lies at
// [start, end) along it (the last sector includes its end).
func (p *Plan) Bounds(i int) (start, end float64) { return p.bounds[i], p.bounds[i+1] }

// sectorAt is the sector of an arc position.
func (p *Plan) sectorAt(pos float64) int {
	i := sort.SearchFloat64s(p.bounds[1:p.n], pos) // first inner bound >= pos
	if i < p.n-1 && p.bounds[i+1] == pos {
		i++ // a point exactly on a bound belongs to the sector that starts there
	}
	return i
}

// At returns the arc position (m) of the point of the line nearest to
// lon, lat and the point's distance to the line (m). Where two edges are
// equally near (a point on the bisector of a bend), the first in the
// line's order counts.
func (p *Plan) At(lon, lat float64) (pos, distM float64) {
	if p.total == 0 {
		return 0, 0
	}
	x := geo.Point(lon, lat)
	q := p.queries.Get().(*s2.EdgeQuery)
	res := q.FindEdges(s2.NewMinDistanceToPointTarget(x))
	p.queries.Put(q)
	if len(res) == 0 {
		return 0, 0
	}
	e := &p.edges[p.shapeFirst[res[0].ShapeID()]+int(res[0].EdgeID())]
	return e.cum + e.along(x), float64(res[0].Distance().Angle()) * geo.EarthRadiusM
}

// along is the distance (m) from a to the point of the edge nearest x.
func (e *planEdge) along(x s2.Point) float64 {
	if e.len == 0 {
		return 0
	}
	y := s2.Project(x, e.a, e.b)
	return math.Min(float64(e.a.Distance(y))*geo.EarthRadiusM, e.len)
}

// Of returns the sector of the point at lon, lat (degrees): that of the
// nearest point of the line.
func (p *Plan) Of(lon, lat float64) int {
	if p.n == 1 {
		return 0
	}
	pos, _ := p.At(lon, lat)
	return p.sectorAt(pos)
}

// Route returns the sector that owns an observation and its halo: the
// other sectors that must see it too, ascending.
//
// The owner is the sector of the observation's position. The halo holds
// every other sector with a point within r = Gate·√2·accuracy_m + MarginM
// of the position: fusion's gate (dist ≤ Gate·sqrt(a1² + a2²)) puts every
// member m of an incident within Gate·√2·a_m of the incident's anchor (its
// most precise member, a_anchor ≤ a_m), so the anchor's sector sees every
// member. A point q within r of the position p has its nearest point of
// the line within d + 2r of p (d: p's distance to the line), so the halo
// is the sectors of the line's points within d + 2r of p: a bound, exact
// on straight stretches near the line, wider far from it or at bends (a
// little more duplication, never a member missed).
//
// Vessel and inspection observations are tracked per vessel, not fused:
// they all go to sector 0, with no halo, where one tracker follows every
// vessel. Presence reports go to their sector with every other sector as
// halo: every worker's presence duties see them (a duty's missing reports
// are owned by the sector of its zone's centre, see Worker).
func (p *Plan) Route(o *monitor.Observation) (own int, halo []int) {
	if p.n == 1 {
		return 0, nil
	}
	if monitor.IsVesselEvent(o.Event) {
		return 0, nil
	}
	pos, d := p.At(o.Position[0], o.Position[1])
	own = p.sectorAt(pos)
	if o.Event == agreement.PresenceEvent {
		for i := 0; i < p.n; i++ {
			if i != own {
				halo = append(halo, i)
			}
		}
		return own, halo
	}
	r := Gate*math.Sqrt2*math.Max(o.AccuracyM, 0) + MarginM
	return own, p.halo(geo.Point(o.Position[0], o.Position[1]), own, d+2*r, halo)
}

// halo appends to out the sectors other than own of the line's points
// within reach metres of x, ascending.
func (p *Plan) halo(x s2.Point, own int, reach float64, out []int) []int {
	// The sectors touched form a set; a bitmap over n sectors is cheap
	// enough, but most observations touch their own sector only, so check
	// first whether [lo, hi] of every edge stays inside own.
	lo0, hi0 := p.bounds[own], p.bounds[own+1]
	opts := s2.NewClosestEdgeQueryOptions().DistanceLimit(s1.ChordAngleFromAngle(s1.Angle(reach / geo.EarthRadiusM)).Successor()).IncludeInteriors(false)
	q := s2.NewClosestEdgeQuery(p.index, opts)
	var extra []int
	for _, res := range q.FindEdges(s2.NewMinDistanceToPointTarget(x)) {
		e := &p.edges[p.shapeFirst[res.ShapeID()]+int(res.EdgeID())]
		lo, hi, ok := e.within(x, reach)
		if !ok {
			continue
		}
		lo, hi = e.cum+lo, e.cum+hi
		if lo >= lo0 && (hi < hi0 || (hi == hi0 && own == p.n-1)) {
			continue
		}
		for s := p.sectorAt(lo); s < p.n; s++ {
			if p.bounds[s] > hi {
				break
			}
			if s != own {
				extra = append(extra, s)
			}
		}
	}
	if len(extra) == 0 {
		return out
	}
	sort.Ints(extra)
	for i, s := range extra {
		if i == 0 || s != extra[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// within returns the stretch [lo, hi] (m from a) of the edge within reach
// metres of x, and whether there is one. The points of the edge's great
// circle within an angle R of x form an arc about x's projection on it,
// of half-width w with cos R = cos h · cos w (h: x's angle from the
// circle).
func (e *planEdge) within(x s2.Point, reach float64) (lo, hi float64, ok bool) {
	R := reach / geo.EarthRadiusM
	if e.len == 0 {
		if float64(x.Distance(e.a)) <= R {
			return 0, 0, true
		}
		return 0, 0, false
	}
	sinh := x.Dot(e.n.Vector)
	h := math.Asin(math.Max(-1, math.Min(1, sinh)))
	c := math.Cos(R) / math.Cos(h)
	if c > 1 {
		// Rounding at the very edge of the reach: x is about R from the
		// circle; take its projection alone.
		if math.Abs(h)-R > 1e-12 {
			return 0, 0, false
		}
		c = 1
	}
	w := math.Acos(c)
	// x's projection on the circle, as an angle from a towards b.
	proj := s2.Point{Vector: x.Sub(e.n.Mul(sinh))}
	if proj.Norm() == 0 {
		// x is a pole of the circle: every point of it is at 90°.
		return 0, e.len, R >= math.Pi/2
	}
	t0 := math.Atan2(e.a.Cross(proj.Vector).Dot(e.n.Vector), e.a.Dot(proj.Vector))
	L := e.len / geo.EarthRadiusM
	a, b := t0-w, t0+w
	if b < 0 || a > L {
		return 0, 0, false
	}
	return math.Max(a, 0) * geo.EarthRadiusM, math.Min(b, L) * geo.EarthRadiusM, true
}

// PointAt returns the point of the line at arc position pos (m, clamped
// to the line), [lon, lat] degrees: a sector's bounds as places.
func (p *Plan) PointAt(pos float64) [2]float64 {
	if len(p.edges) == 0 {
		return [2]float64{}
	}
	pos = math.Max(0, math.Min(pos, p.total))
	i := sort.Search(len(p.edges), func(i int) bool { return p.edges[i].cum+p.edges[i].len >= pos })
	if i == len(p.edges) {
		i--
	}
	e := &p.edges[i]
	x := e.a
	if e.len > 0 {
		x = s2.InterpolateAtDistance(s1.Angle((pos-e.cum)/geo.EarthRadiusM), e.a, e.b)
	}
	ll := s2.LatLngFromPoint(x)
	return [2]float64{ll.Lng.Degrees(), ll.Lat.Degrees()}
}
