package geo

import "testing"

// A polygon's holes may touch its exterior ring, and each other, at
// isolated points, its interior staying connected (OGC Simple Features,
// which RFC 7946 follows): such a zone is accepted, and the kernel, the
// naive scan and S2 agree on points inside the holes (outside the zone)
// and in the polygon beside the touching position (inside). Holes sharing
// an edge with the exterior ring, crossing it, lying outside it or inside
// each other around the position they share, and touches that cut the
// interior in two, are refused. Each case is testdata/holes/<name>.geojson,
// zone "z", a Polygon.
func TestPolygonHolesTouch(t *testing.T) {
	cases := []touchCase{
		{"shell-corner", "", []probe{
			{30.1, 48.1, false}, {30.4, 48.4, true}, // in the hole, in the polygon
			{30.003, 48.0005, true}, {30.0005, 48.003, true}, // beside the corner, either side of the hole
			{30.001, 48.001, false}, // beside it, in the hole
		}, [2]float64{30, 48}},
		{"shell-vertex", "", []probe{
			{30.3, 48.07, false}, {30.3, 48.3, true},
			{30.302, 48.0003, true}, {30.298, 48.0003, true}, // beside the vertex, either side of the hole
			{30.3, 48.0003, false}, // beside it, in the hole
			{30.3, 47.9997, false}, // beside it, outside the exterior ring
		}, [2]float64{30.3, 48}},
		{"holes-corner", "", []probe{
			{30.2, 48.2, false}, {30.4, 48.4, false}, {30.05, 48.05, true},
			{30.301, 48.299, true}, {30.299, 48.301, true}, // beside the corner, between the holes
			{30.299, 48.299, false}, {30.301, 48.301, false}, // beside it, in each hole
		}, [2]float64{30.3, 48.3}},
		{"two-holes-at-shell-corner", "", []probe{
			{30.13, 48.07, false}, {30.05, 48.18, false}, {30.4, 48.4, true},
			{30.003, 48.0003, true},  // beside the corner, below the first hole
			{30.003, 48.002, false},  // in the first hole
			{30.0015, 48.003, true},  // between the holes
			{30.0008, 48.004, false}, // in the second hole
			{29.999, 48.001, false},  // outside the exterior ring
		}, [2]float64{30, 48}},
		{"hole-outside-at-corner", `(id "z").geometry.coordinates[1][0]: the hole shares this position with the exterior ring (position 0) and lies outside it there`, nil, [2]float64{}},
		{"hole-touches-twice", `(id "z").geometry.coordinates[1][1]: hole 1 touches the exterior ring here and at [30 48] already: the rings cut the polygon's interior in two`, nil, [2]float64{}},
		{"holes-chain", `(id "z").geometry.coordinates[2][2]: hole 2 touches the exterior ring here and is joined to it already through the touches at [30.3 48.25], [30 48]: the rings cut the polygon's interior in two`, nil, [2]float64{}},
		{"holes-overlap-at-touch", `(id "z").geometry.coordinates[2][0]: hole 2 shares this position with hole 1 (position 0) and they overlap there`, nil, [2]float64{}},
		{"hole-shares-edge", `(id "z").geometry.coordinates: ring edge 0 of ring 0 [30 48]→[30.3 48] is the same edge as 0 of ring 1`, nil, [2]float64{}},
		{"hole-crosses", `(id "z").geometry.coordinates: ring edge 1 of ring 0 [30.6 48]→[30.6 48.6] meets 0 of ring 1 [30.5 48.5]→[30.7 48.5]`, nil, [2]float64{}},
	}
	runTouchCases(t, "holes", cases)
}
