package sector

import (
	"fmt"
	"math"
	"slices"
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
	// edges are the line's edges cut at the sectors' bounds, in the
	// line's order: each lies in one sector.
	edges []planEdge
	// ceilings are the bounding caps of the zones a ceiling counts heavy
	// weapons in, and ceilingSector the sector that fuses every heavy
	// weapon near them (Route): a ceiling counts the weapons of its whole
	// zone at once, so one worker must see them all.
	ceilings      []s2.Cap
	ceilingSector int
	cells         sync.Map // s2.CellID (level cellLevel) → *cellInfo, built on first use
	parents       sync.Map // s2.CellID (level parentLevel) → *parentInfo, built on first use
}

// parentLevel is the level of the cells (about 32 km) whose edges near
// enough to matter to their children are found once, by a scan of every
// edge, so that a child cell, built on first use, looks at those alone.
const parentLevel = 8

// parentInfo is what the plan knows of the line around a parent cell,
// for its children: the edges that may be among a child's (ascending),
// and, per sector, the least distance (m) from the parent's centre to an
// edge of the sector not among them (+Inf when none).
type parentInfo struct {
	edges []int32
	other []float64
	rho   float64 // the radius (m) of the parent's bounding cap
}

// cellLevel is the level of the cells the plan caches what it knows of
// the line around them: about 2 km.
const cellLevel = 12

// cellInfo is what the plan knows of the line around one cell: the edges
// among which the nearest to any point of the cell is (ascending), and,
// for the nearest sectors, a lower bound of their distance from any point
// of the cell (m), ascending.
type cellInfo struct {
	edges []int32
	near  []sectorBound
	// beyond is a lower bound of the distance to the sectors not in near.
	beyond float64
}

type sectorBound struct {
	m      float64
	sector int
}

// nearSectors is how many sectors a cell keeps bounds of.
const nearSectors = 16

// planEdge is one edge of the line (or the part of one in a sector) with
// its arc position.
type planEdge struct {
	a, b   s2.Point
	cum    float64 // arc position of a (m)
	len    float64 // its length (m)
	sector int
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
	var edges []planEdge
	if g != nil {
		for _, part := range g.Parts {
			for i := 1; i < len(part); i++ {
				e := planEdge{a: geo.Point(part[i-1][0], part[i-1][1]), b: geo.Point(part[i][0], part[i][1]), cum: p.total}
				e.len = float64(e.a.Distance(e.b)) * geo.EarthRadiusM
				p.total += e.len
				edges = append(edges, e)
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
	// Cut the edges at the bounds.
	for _, e := range edges {
		for {
			s := p.sectorAt(e.cum)
			end := p.bounds[s+1]
			if s == n-1 || e.cum+e.len <= end || e.len == 0 {
				e.sector = s
				p.edges = append(p.edges, e.checked())
				break
			}
			cut := s2.InterpolateAtDistance(s1.Angle((end-e.cum)/geo.EarthRadiusM), e.a, e.b)
			head := planEdge{a: e.a, b: cut, cum: e.cum, len: end - e.cum, sector: s}
			p.edges = append(p.edges, head.checked())
			e = planEdge{a: cut, b: e.b, cum: end, len: e.len - (end - e.cum)}
		}
	}
	if m != nil && g != nil {
		for _, c := range m.Ceilings {
			if z := g.Zone(c.Zone); z != nil && z.Polygon() != nil {
				p.ceilings = append(p.ceilings, z.Polygon().CapBound())
			}
		}
		if len(p.ceilings) > 0 {
			ll := s2.LatLngFromPoint(p.ceilings[0].Center())
			p.ceilingSector = p.Of(ll.Lng.Degrees(), ll.Lat.Degrees())
		}
	}
	return p, nil
}

// ceilingEvent is the event a ceiling counts (monitor's ceilings).
const ceilingEvent = "heavy_weapon"

// nearCeiling reports whether x lies within reach metres of the bounding
// cap of a zone a ceiling counts in.
func (p *Plan) nearCeiling(x s2.Point, reach float64) bool {
	for _, c := range p.ceilings {
		if float64(c.Center().Distance(x))*geo.EarthRadiusM <= float64(c.Radius())*geo.EarthRadiusM+reach {
			return true
		}
	}
	return false
}

// checked is the edge, of zero length where its ends coincide.
func (e planEdge) checked() planEdge {
	if e.a == e.b {
		e.len = 0
	}
	return e
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
	pos, d, _ := p.at(x, p.cell(x))
	return pos, d
}

// at is At for a point and its cell.
func (p *Plan) at(x s2.Point, c *cellInfo) (pos, distM float64, e *planEdge) {
	best, d := int32(-1), s1.InfChordAngle()
	for _, i := range c.edges {
		e := &p.edges[i]
		if nd, ok := s2.UpdateMinDistance(x, e.a, e.b, d); ok && nd < d {
			best, d = i, nd
		}
	}
	e = &p.edges[best]
	return e.cum + e.along(x), float64(d.Angle()) * geo.EarthRadiusM, e
}

// cell returns what the plan knows of the line around x's cell, built on
// first use. For the cell's centre c and the radius ρ of its bounding
// cap: the edge nearest to a point of the cell is within D + 2ρ of c (D:
// the least distance from c to an edge), and a sector lies at least
// dist(c, sector) − ρ from any point of the cell.
func (p *Plan) cell(x s2.Point) *cellInfo {
	id := s2.CellFromPoint(x).ID().Parent(cellLevel)
	if c, ok := p.cells.Load(id); ok {
		return c.(*cellInfo)
	}
	par := p.parent(id)
	cell := s2.CellFromCellID(id)
	cp := cell.CapBound()
	centre, rho := cp.Center(), float64(cp.Radius())*geo.EarthRadiusM
	dist := make([]float64, len(par.edges))
	least := math.Inf(1)
	perSector := make([]float64, p.n)
	for s := range perSector {
		// The edges the parent left out are at least that far from any
		// point of the parent, the child's centre included.
		perSector[s] = par.other[s] - par.rho
	}
	for j, i := range par.edges {
		e := &p.edges[i]
		dist[j] = float64(s2.DistanceFromSegment(centre, e.a, e.b)) * geo.EarthRadiusM
		least = math.Min(least, dist[j])
		perSector[e.sector] = math.Min(perSector[e.sector], dist[j])
	}
	c := &cellInfo{beyond: math.Inf(1)}
	// A metre of slack over the bound covers the rounding of the distances.
	for j, i := range par.edges {
		if dist[j] <= least+2*rho+1 {
			c.edges = append(c.edges, i)
		}
	}
	for s, d := range perSector {
		c.near = append(c.near, sectorBound{m: d - rho - 1, sector: s})
	}
	sort.Slice(c.near, func(i, j int) bool { return c.near[i].m < c.near[j].m })
	if len(c.near) > nearSectors {
		c.beyond = c.near[nearSectors].m
		c.near = c.near[:nearSectors]
	}
	got, _ := p.cells.LoadOrStore(id, c)
	return got.(*cellInfo)
}

// parent returns what the plan knows of the line around the parent of a
// cell of level cellLevel, built on first use by a scan of every edge.
// With P the parent's centre and ρP its cap's radius, D the least
// distance from P to an edge, and a child of centre c and cap radius
// ρc ≤ R (R bounds every child's): the child's nearest edge is within
// D + 2ρP of P, and an edge the child keeps (within Dc + 2ρc of c, Dc
// its least distance) is within D + 2ρP + 2ρc of P, since Dc ≤ D + ρP
// and dist(P, c) ≤ ρP. So the edges within D + 2ρP + 2R (+ a metre) of
// P hold every child's.
func (p *Plan) parent(id s2.CellID) *parentInfo {
	pid := id.Parent(parentLevel)
	if c, ok := p.parents.Load(pid); ok {
		return c.(*parentInfo)
	}
	cp := s2.CellFromCellID(pid).CapBound()
	centre, rho := cp.Center(), float64(cp.Radius())*geo.EarthRadiusM
	child := float64(s2.MaxDiagMetric.Value(cellLevel)) * geo.EarthRadiusM // ≥ a child's cap radius
	dist := make([]float64, len(p.edges))
	least := math.Inf(1)
	for i := range p.edges {
		e := &p.edges[i]
		dist[i] = float64(s2.DistanceFromSegment(centre, e.a, e.b)) * geo.EarthRadiusM
		least = math.Min(least, dist[i])
	}
	par := &parentInfo{other: make([]float64, p.n), rho: rho}
	for s := range par.other {
		par.other[s] = math.Inf(1)
	}
	for i := range p.edges {
		if dist[i] <= least+2*rho+2*child+1 {
			par.edges = append(par.edges, int32(i))
		} else if s := p.edges[i].sector; dist[i] < par.other[s] {
			par.other[s] = dist[i]
		}
	}
	got, _ := p.parents.LoadOrStore(pid, par)
	return got.(*parentInfo)
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
// is the sectors of the line's points within d + 2r of p: a bound, which
// on a straight stretch at the line reaches 2r along it where r would
// do, and more far from it (a little more duplication, never a member
// missed; TestOfAndHaloAgainstAScan checks it on points drawn about the
// bounds).
//
// Vessel and inspection observations are tracked per vessel, not fused:
// they all go to sector 0, with no halo, where one tracker follows every
// vessel. Presence reports go to their sector with every other sector as
// halo: every worker's presence duties see them (a duty's missing reports
// are owned by the sector of its zone's centre, see Worker). A heavy
// weapon within its reach r of a zone that a ceiling counts in (the
// zone's bounding cap) is the own of one sector, the ceiling sector (that
// of the first such zone's centre), with its sector by place in its halo:
// a ceiling counts the weapons present in its whole zone at once, so one
// worker sees them all, and an incident whose anchor lies in the zone has
// every member within its member's reach of the zone, so that worker owns
// it whole.
func (p *Plan) Route(o *monitor.Observation) (own int, halo []int) {
	if p.n == 1 {
		return 0, nil
	}
	if monitor.IsVesselEvent(o.Event) {
		return 0, nil
	}
	x := geo.Point(o.Position[0], o.Position[1])
	c := p.cell(x)
	pos, d, _ := p.at(x, c)
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
	reach := d + 2*r
	// Most observations lie far from every other sector: the cell's bounds
	// say so without a look at an edge.
	for _, sb := range c.near {
		if sb.m > reach {
			break
		}
		if sb.sector != own && p.reaches(x, sb.sector, reach) {
			halo = append(halo, sb.sector)
		}
	}
	if c.beyond <= reach {
		for s := 0; s < p.n; s++ {
			if s != own && !slices.Contains(halo, s) && !slices.ContainsFunc(c.near, func(b sectorBound) bool { return b.sector == s }) && p.reaches(x, s, reach) {
				halo = append(halo, s)
			}
		}
	}
	sort.Ints(halo)
	if o.Event == ceilingEvent && p.nearCeiling(x, r) && own != p.ceilingSector {
		// A heavy weapon near a zone a ceiling counts in is the ceiling
		// sector's own, whatever its place: that sector sees every weapon
		// of the zone, so its count is one pipeline's. Its sector and halo
		// by place see it as halo, to fuse with their own.
		halo = append(halo, own)
		halo = slices.DeleteFunc(halo, func(s int) bool { return s == p.ceilingSector })
		sort.Ints(halo)
		own = p.ceilingSector
	}
	return own, halo
}

// reaches reports whether a point of sector s of the line lies within
// reach metres of x.
func (p *Plan) reaches(x s2.Point, s int, reach float64) bool {
	lim := s1.ChordAngleFromAngle(s1.Angle(reach / geo.EarthRadiusM)).Successor()
	i := sort.Search(len(p.edges), func(i int) bool { return p.edges[i].sector >= s })
	for ; i < len(p.edges) && p.edges[i].sector == s; i++ {
		e := &p.edges[i]
		if _, ok := s2.UpdateMinDistance(x, e.a, e.b, lim); ok {
			return true
		}
	}
	return false
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
