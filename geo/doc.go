// Package geo holds the agreed geometry of a ceasefire — the contact line and
// the zones — and the geodesic kernel that places an observation against it:
// which side of the line, how far from it, which withdrawal bands and which
// zones it is in.
//
// Every edge, of the line and of a zone, is the WGS 84 geodesic between its
// vertices, and every decision — in a band or not, which side, in a zone or
// not — is the one WGS 84 gives. For speed the kernel measures first on the
// sphere of S2 (github.com/golang/geo/s2) with the mean earth radius, whose
// great-circle arcs part from the geodesics by under 0.1 mm on 600 m edges
// and about 0.7 m at most on 100 km edges. A spherical distance d bounds
// the WGS 84 one to [d·kmin − dev, d·kmax + dev] (the ellipsoid's radii of
// curvature over the latitudes the path reaches, and the largest gap dev
// between an edge's geodesic and its arc); a band is decided on the sphere
// only when that interval lies wholly on one side of the band's distance,
// the side only farther than 2·dev + 1 cm from the line, and a zone only
// farther than its dev from its edges. Otherwise the decision is made on
// the ellipsoid: the point's foot on each geodesic edge that could be
// nearest (Vincenty's direct and inverse formulae, an intercept iteration),
// its side of the geodesic there, and its side of each zone edge whose
// geodesic and arc it lies between. Bands are distance tests, not
// polygons: S2 has no buffer operation, and none is needed.
//
// The kernel answers each query with the same result as a naive scan of
// every segment (Naive, the correctness reference, which decides on WGS 84
// in the same cases), but in well under a microsecond for most points: at
// load time it covers the neighbourhood of the line and the zones with S2
// cells, each known to be wholly inside, wholly outside or on the boundary
// of every band and zone, and keeps for each boundary cell the few edges
// that can be nearest to a point in it. TestWGS84GroundTruth checks the
// decisions against GeographicLib (Karney 2013) near every kind of edge.
package geo
