package geo

import (
	"math"
)

// WGS 84 ellipsoid.
const (
	wgs84A = 6378137.0
	wgs84F = 1 / 298.257223563
	wgs84B = wgs84A * (1 - wgs84F)
)

// Between latitudes φ1 ≤ φ2 (same hemisphere or not), a path's length on
// the WGS 84 ellipsoid is at least M(φmin)/R and at most N(φmax)/R times its
// length on the mean-radius sphere with the same coordinates, where M and N
// are the meridian and prime-vertical radii of curvature (both grow with
// |φ|, and M ≤ N) and φmin, φmax the least and greatest |φ| the path
// reaches. So a spherical distance d bounds the ellipsoidal one to
// [d·kmin, d·kmax]: at 48° N that is [0.99996 d, 1.00297 d]. The kernel
// widens it by the gap between a geodesic edge and its arc (Kernel.resolve)
// and decides a band on the sphere only outside it, on the ellipsoid inside.

// scaleBounds returns kmin and kmax for paths between latitudes lat1 and
// lat2 (degrees), with a margin of 1e-5 for the change of latitude along the
// path and rounding.
func scaleBounds(lat1, lat2 float64) (kmin, kmax float64) {
	a1, a2 := math.Abs(lat1), math.Abs(lat2)
	lo, hi := math.Min(a1, a2), math.Max(a1, a2)
	if (lat1 < 0) != (lat2 < 0) {
		lo = 0
	}
	hi = math.Min(hi, 90)
	return meridianRadius(lo) / EarthRadiusM * (1 - 1e-5), primeVerticalRadius(hi) / EarthRadiusM * (1 + 1e-5)
}

func meridianRadius(lat float64) float64 {
	e2 := wgs84F * (2 - wgs84F)
	s := math.Sin(lat * math.Pi / 180)
	return wgs84A * (1 - e2) / math.Pow(1-e2*s*s, 1.5)
}

func primeVerticalRadius(lat float64) float64 {
	e2 := wgs84F * (2 - wgs84F)
	s := math.Sin(lat * math.Pi / 180)
	return wgs84A / math.Sqrt(1-e2*s*s)
}

// VincentyM returns the WGS 84 geodesic distance in metres between two
// points given as [lon, lat] degrees, by Vincenty's inverse formula (Survey
// Review XXIII, 176, 1975), accurate to well under a millimetre. For nearly
// antipodal points, where the iteration may not converge, it falls back to
// the spherical distance scaled to the ellipsoid's mean radius.
func VincentyM(p, q [2]float64) float64 {
	if d, _, _, ok := vincentyInverse(p[1]*rad, p[0]*rad, q[1]*rad, q[0]*rad); ok {
		return d
	}
	return float64(point(p).Distance(point(q))) * (2*wgs84A + wgs84B) / 3
}
