// Package geo holds the agreed geometry of a ceasefire — the contact line and
// the zones — and the geodesic kernel that places an observation against it:
// which side of the line, how far from it, which withdrawal bands and which
// zones it is in.
//
// The model is the sphere of S2 (github.com/golang/geo/s2) with the mean
// earth radius. Its distances differ from WGS 84 geodesics by at most about
// 0.5 % (the ratio of the ellipsoid's radii of curvature to the mean radius),
// so a band test is decided on the sphere only when the point is farther
// than that margin from the band's edge; closer than that, the distance is
// refined on the WGS 84 ellipsoid (Vincenty's inverse formula) before the
// test. Bands are distance tests, not polygons: S2 has no buffer operation,
// and none is needed.
//
// The kernel answers each query with the same result as a naive scan of
// every segment (Naive, the correctness reference), but in well under a
// microsecond for most points: at load time it covers the neighbourhood of
// the line and the zones with S2 cells, each known to be wholly inside,
// wholly outside or on the boundary of every band and zone, and keeps for
// each boundary cell the few edges that can be nearest to a point in it.
package geo
