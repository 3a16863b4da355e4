package geo

import (
	"math"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// The WGS 84 side of the kernel: an edge of the line or of a zone is the
// WGS 84 geodesic between its two vertices. Near a band's edge, near the
// line and near a zone's edge, where the sphere's answer could differ from
// the ellipsoid's, the kernel decides with the functions below: Vincenty's
// direct and inverse formulae (Survey Review XXIII, 176, 1975) and, for the
// foot of a point on a geodesic edge, an intercept iteration along the edge.
// Vincenty's inverse fails to converge only for nearly antipodal points;
// the kernel asks it only for points within a few hundred km of each other.

const (
	rad = math.Pi / 180
	deg = 180 / math.Pi
)

// vincentyInverse returns the geodesic distance from (lat1, lon1) to (lat2,
// lon2) (radians) in metres and the forward azimuths at both ends
// (radians, clockwise from north); ok is false when the iteration did not
// converge (nearly antipodal points).
func vincentyInverse(lat1, lon1, lat2, lon2 float64) (s, az1, az2 float64, ok bool) {
	L := math.Remainder(lon2-lon1, 2*math.Pi)
	U1 := math.Atan((1 - wgs84F) * math.Tan(lat1))
	U2 := math.Atan((1 - wgs84F) * math.Tan(lat2))
	sinU1, cosU1 := math.Sincos(U1)
	sinU2, cosU2 := math.Sincos(U2)
	lambda := L
	for iter := 0; iter < 200; iter++ {
		sinL, cosL := math.Sincos(lambda)
		sinSigma := math.Hypot(cosU2*sinL, cosU1*sinU2-sinU1*cosU2*cosL)
		if sinSigma == 0 {
			return 0, 0, 0, true // the same point
		}
		cosSigma := sinU1*sinU2 + cosU1*cosU2*cosL
		sigma := math.Atan2(sinSigma, cosSigma)
		sinAlpha := cosU1 * cosU2 * sinL / sinSigma
		cos2Alpha := 1 - sinAlpha*sinAlpha
		cos2SigmaM := 0.0
		if cos2Alpha != 0 {
			cos2SigmaM = cosSigma - 2*sinU1*sinU2/cos2Alpha
		}
		C := wgs84F / 16 * cos2Alpha * (4 + wgs84F*(4-3*cos2Alpha))
		prev := lambda
		lambda = L + (1-C)*wgs84F*sinAlpha*(sigma+C*sinSigma*(cos2SigmaM+C*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
		if math.Abs(lambda-prev) < 1e-12 {
			u2 := cos2Alpha * (wgs84A*wgs84A - wgs84B*wgs84B) / (wgs84B * wgs84B)
			A := 1 + u2/16384*(4096+u2*(-768+u2*(320-175*u2)))
			B := u2 / 1024 * (256 + u2*(-128+u2*(74-47*u2)))
			dSigma := B * sinSigma * (cos2SigmaM + B/4*(cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)-
				B/6*cos2SigmaM*(-3+4*sinSigma*sinSigma)*(-3+4*cos2SigmaM*cos2SigmaM)))
			sinL, cosL = math.Sincos(lambda)
			az1 = math.Atan2(cosU2*sinL, cosU1*sinU2-sinU1*cosU2*cosL)
			az2 = math.Atan2(cosU1*sinL, -sinU1*cosU2+cosU1*sinU2*cosL)
			return wgs84B * A * (sigma - dSigma), az1, az2, true
		}
	}
	return 0, 0, 0, false
}

// gline is a geodesic from a point with an azimuth, with the constants of
// Vincenty's direct formula worked out once: points along it cost one
// short iteration each.
type gline struct {
	lat1, lon1               float64 // radians
	sinU1, cosU1             float64
	sinAz, cosAz             float64
	sigma1, sinAlpha, cos2Al float64
	A, B                     float64
}

func newGline(lat1, lon1, az float64) gline {
	g := gline{lat1: lat1, lon1: lon1}
	tanU1 := (1 - wgs84F) * math.Tan(lat1)
	g.cosU1 = 1 / math.Sqrt(1+tanU1*tanU1)
	g.sinU1 = tanU1 * g.cosU1
	g.sinAz, g.cosAz = math.Sincos(az)
	g.sigma1 = math.Atan2(tanU1, g.cosAz)
	g.sinAlpha = g.cosU1 * g.sinAz
	g.cos2Al = 1 - g.sinAlpha*g.sinAlpha
	u2 := g.cos2Al * (wgs84A*wgs84A - wgs84B*wgs84B) / (wgs84B * wgs84B)
	g.A = 1 + u2/16384*(4096+u2*(-768+u2*(320-175*u2)))
	g.B = u2 / 1024 * (256 + u2*(-128+u2*(74-47*u2)))
	return g
}

// at returns the point s metres along the geodesic and its azimuth there
// (radians).
func (g *gline) at(s float64) (lat, lon, az float64) {
	sigma := s / (wgs84B * g.A)
	var sinS, cosS, cos2SM float64
	for iter := 0; iter < 50; iter++ {
		cos2SM = math.Cos(2*g.sigma1 + sigma)
		sinS, cosS = math.Sincos(sigma)
		dS := g.B * sinS * (cos2SM + g.B/4*(cosS*(-1+2*cos2SM*cos2SM)-
			g.B/6*cos2SM*(-3+4*sinS*sinS)*(-3+4*cos2SM*cos2SM)))
		next := s/(wgs84B*g.A) + dS
		if math.Abs(next-sigma) < 1e-13 {
			sigma = next
			break
		}
		sigma = next
	}
	sinS, cosS = math.Sincos(sigma)
	cos2SM = math.Cos(2*g.sigma1 + sigma)
	tmp := g.sinU1*sinS - g.cosU1*cosS*g.cosAz
	lat = math.Atan2(g.sinU1*cosS+g.cosU1*sinS*g.cosAz, (1-wgs84F)*math.Hypot(g.sinAlpha, tmp))
	lambda := math.Atan2(sinS*g.sinAz, g.cosU1*cosS-g.sinU1*sinS*g.cosAz)
	C := wgs84F / 16 * g.cos2Al * (4 + wgs84F*(4-3*g.cos2Al))
	L := lambda - (1-C)*wgs84F*g.sinAlpha*(sigma+C*sinS*(cos2SM+C*cosS*(-1+2*cos2SM*cos2SM)))
	lon = math.Remainder(g.lon1+L, 2*math.Pi)
	az = math.Atan2(g.sinAlpha, -tmp)
	return lat, lon, az
}

// gedge is an edge as a WGS 84 geodesic: from its first vertex with the
// azimuth towards the second, length metres long.
type gedge struct {
	line   gline
	length float64
	// dev bounds the distance (m) between the geodesic and the S2 edge
	// (the great-circle arc between the same vertices on the sphere).
	dev float64
}

// newGedge builds the geodesic edge between two [lon, lat] vertices.
func newGedge(a, b [2]float64) gedge {
	s, az, _, ok := vincentyInverse(a[1]*rad, a[0]*rad, b[1]*rad, b[0]*rad)
	if !ok {
		// Not reached for edges shorter than half the globe; a great
		// circle stands in.
		s = float64(point(a).Distance(point(b))) * EarthRadiusM
		az = 0
	}
	ge := gedge{line: newGline(a[1]*rad, a[0]*rad, az), length: s}
	// The geodesic and the great-circle arc share their ends; their gap
	// is greatest about the middle. Sample it at a few places and keep
	// twice the largest gap, plus a millimetre.
	pa, pb := point(a), point(b)
	gap := 0.0
	for _, t := range []float64{0.25, 0.5, 0.75} {
		lat, lon, _ := ge.line.at(t * s)
		q := s2.PointFromLatLng(s2.LatLngFromDegrees(lat*deg, lon*deg))
		gap = math.Max(gap, float64(s2.DistanceFromSegment(q, pa, pb))*EarthRadiusM*1.01)
	}
	ge.dev = 2*gap + 0.001
	return ge
}

// foot returns the WGS 84 distance (m) from the point (radians) to the
// geodesic edge, the distance along the edge of the nearest point (0 or the
// length at an end) and the side of the point: +1 left of the edge's
// direction, −1 right, 0 on it. t0 is a first guess of the foot as a
// fraction of the edge. The foot is found by iterating s ← s + d·cos(θ),
// where d and θ are the distance and the angle between the edge and the
// geodesic from the current foot to the point: the intercept method, which
// converges in two or three steps for points within a few hundred km.
func (ge *gedge) foot(lat, lon, t0 float64) (d, s float64, side int8) {
	s = math.Max(0, math.Min(1, t0)) * ge.length
	var azE, az1 float64
	for iter := 0; iter < 40; iter++ {
		flat, flon, fa := ge.line.at(s)
		dd, a1, _, ok := vincentyInverse(flat, flon, lat, lon)
		if !ok {
			// Nearly antipodal: never asked by the kernel, whose points lie
			// within a few hundred km of the line. The sphere stands in.
			return float64(s2.PointFromLatLng(s2.LatLng{Lat: s1.Angle(flat), Lng: s1.Angle(flon)}).
				Distance(s2.PointFromLatLng(s2.LatLng{Lat: s1.Angle(lat), Lng: s1.Angle(lon)}))) * EarthRadiusM, s, 1
		}
		d, azE, az1 = dd, fa, a1
		if d == 0 {
			return 0, s, 0
		}
		ds := d * math.Cos(az1-azE)
		next := math.Max(0, math.Min(ge.length, s+ds))
		if math.Abs(next-s) < 1e-5 {
			break
		}
		s = next
	}
	side = 1
	if math.Sin(az1-azE) > 0 {
		side = -1 // the point lies clockwise of the edge's direction: right
	}
	return d, s, side
}

// zoneEdges are a zone's edges, on the sphere (for the distance) and as
// geodesics, bounded in blocks like the line's.
type zoneEdges struct {
	edges  []edge
	ge     []gedge
	blocks []block
	devM   float64
}

// buildZoneEdges lists the edges of a zone's rings (closed or not).
func buildZoneEdges(polys [][][][2]float64) zoneEdges {
	var parts [][][2]float64
	for _, poly := range polys {
		for _, ring := range poly {
			if n := len(ring); n > 1 && ring[0] == ring[n-1] {
				ring = ring[:n-1]
			}
			if len(ring) < 3 {
				continue
			}
			closed := append(append([][2]float64{}, ring...), ring[0])
			parts = append(parts, closed)
		}
	}
	z := zoneEdges{edges: buildEdges(parts)}
	for _, part := range parts {
		for i := 1; i < len(part); i++ {
			ge := newGedge(part[i-1], part[i])
			z.ge = append(z.ge, ge)
			z.devM = math.Max(z.devM, ge.dev)
		}
	}
	z.blocks = buildBlocks(z.edges)
	return z
}

// inZone reports whether p is inside zone i, whose edges are WGS 84
// geodesics. S2 answers for great-circle edges; a point differs between the
// two only if it lies between an edge's geodesic and its arc (the lens
// they bound, at most devM wide), so S2's answer is flipped for each edge
// whose lens holds the point: the point's side of the arc and of the
// geodesic differ while its feet on both fall inside the edge.
func (k *Kernel) inZone(i int, p s2.Point) bool {
	in := k.zones[i].ContainsPoint(p)
	z := &k.zedges[i]
	limit := s1.Angle((z.devM + 0.01) / EarthRadiusM)
	lim := s1.ChordAngleFromAngle(limit).Successor()
	var ll s2.LatLng
	have := false
	for bi := range z.blocks {
		b := &z.blocks[bi]
		if p.Distance(b.center)-b.radius > limit {
			continue
		}
		for j := b.lo; j < b.hi; j++ {
			e := &z.edges[j]
			if _, ok := s2.UpdateMinDistance(p, e.a, e.b, lim); !ok {
				continue
			}
			foot := s2.Project(p, e.a, e.b)
			if foot == e.a || foot == e.b {
				continue
			}
			if !have {
				ll, have = s2.LatLngFromPoint(p), true
			}
			t0 := s2.DistanceFraction(foot, e.a, e.b)
			_, s, side := z.ge[j].foot(float64(ll.Lat), float64(ll.Lng), t0)
			if s <= 0 || s >= z.ge[j].length || side == 0 {
				continue
			}
			if side != sign(p, e.n) {
				in = !in
			}
		}
	}
	return in
}

// near reports whether some edge of the zone may be within angle dev of
// the cell (it is, or rounding makes it uncertain); c and r are the centre
// and radius of the cell's cap.
func (z *zoneEdges) near(cell s2.Cell, c s2.Point, r, dev s1.Angle) bool {
	limit := r + dev + 1e-15
	lim := s1.ChordAngleFromAngle(limit).Successor()
	devC := s1.ChordAngleFromAngle(dev + 1e-15).Successor()
	for bi := range z.blocks {
		b := &z.blocks[bi]
		if c.Distance(b.center)-b.radius > limit {
			continue
		}
		for j := b.lo; j < b.hi; j++ {
			e := &z.edges[j]
			if _, ok := s2.UpdateMinDistance(c, e.a, e.b, lim); ok && cell.DistanceToEdge(e.a, e.b) <= devC {
				return true
			}
		}
	}
	return false
}
