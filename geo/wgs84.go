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
	const rad = math.Pi / 180
	L := (q[0] - p[0]) * rad
	U1 := math.Atan((1 - wgs84F) * math.Tan(p[1]*rad))
	U2 := math.Atan((1 - wgs84F) * math.Tan(q[1]*rad))
	sinU1, cosU1 := math.Sincos(U1)
	sinU2, cosU2 := math.Sincos(U2)
	lambda := L
	for iter := 0; iter < 200; iter++ {
		sinL, cosL := math.Sincos(lambda)
		sinSigma := math.Hypot(cosU2*sinL, cosU1*sinU2-sinU1*cosU2*cosL)
		if sinSigma == 0 {
			return 0 // the same point
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
			return wgs84B * A * (sigma - dSigma)
		}
	}
	return float64(point(p).Distance(point(q))) * (2*wgs84A + wgs84B) / 3
}
