package sim

import (
	"math"

	"github.com/golang/geo/s2"
)

// EarthRadiusM is the mean earth radius (IUGG) used to turn angles into metres.
const EarthRadiusM = 6371008.8

// line is a polyline with cumulative lengths, for picking points along it.
type line struct {
	pts []s2.Point
	cum []float64 // metres from the first vertex to each vertex
}

func newLine(lonlat [][2]float64) *line {
	l := &line{}
	for _, c := range lonlat {
		l.pts = append(l.pts, s2.PointFromLatLng(s2.LatLngFromDegrees(c[1], c[0])))
	}
	l.cum = make([]float64, len(l.pts))
	for i := 1; i < len(l.pts); i++ {
		l.cum[i] = l.cum[i-1] + float64(l.pts[i-1].Distance(l.pts[i]))*EarthRadiusM
	}
	return l
}

func (l *line) length() float64 { return l.cum[len(l.cum)-1] }

// at returns the point at distance s along the line and the unit normal
// pointing to the left of the line's direction there.
func (l *line) at(s float64) (p, left s2.Point) {
	i := 1
	for i < len(l.cum)-1 && l.cum[i] < s {
		i++
	}
	a, b := l.pts[i-1], l.pts[i]
	seg := l.cum[i] - l.cum[i-1]
	f := 0.0
	if seg > 0 {
		f = (s - l.cum[i-1]) / seg
	}
	p = s2.Interpolate(math.Max(0, math.Min(1, f)), a, b)
	// a×b is the pole of the great circle through a and b, on the left of travel.
	n := s2.Point{Vector: a.Cross(b.Vector).Normalize()}
	return p, n
}

// offset moves p by d metres along the great circle towards dir (a unit
// vector orthogonal to p); negative d goes the other way.
func offset(p, dir s2.Point, d float64) s2.Point {
	// Make dir exactly orthogonal to p first.
	t := dir.Sub(p.Mul(dir.Dot(p.Vector))).Normalize()
	theta := d / EarthRadiusM
	return s2.Point{Vector: p.Mul(math.Cos(theta)).Add(t.Mul(math.Sin(theta))).Normalize()}
}

// jitter moves p by a random 2-D Gaussian error with the given standard
// deviation in metres.
func jitter(p s2.Point, sigma float64, normal func() float64) s2.Point {
	// Any two orthogonal tangent directions at p.
	east := s2.Point{Vector: p.Vector.Ortho()}
	north := s2.Point{Vector: p.Cross(east.Vector).Normalize()}
	q := offset(p, east, normal()*sigma)
	return offset(q, north, normal()*sigma)
}

// lonLat returns [lon, lat] in degrees, rounded to 1e-6 (≈ 0.1 m).
func lonLat(p s2.Point) [2]float64 {
	ll := s2.LatLngFromPoint(p)
	r := func(v float64) float64 { return math.Round(v*1e6) / 1e6 }
	return [2]float64{r(ll.Lng.Degrees()), r(ll.Lat.Degrees())}
}

// distanceM is the great-circle distance between two points in metres.
func distanceM(a, b s2.Point) float64 { return float64(a.Distance(b)) * EarthRadiusM }
