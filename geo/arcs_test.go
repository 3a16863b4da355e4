package geo

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The loader checks rings and lines for crossings on S2's great-circle
// arcs; the kernel takes every edge as the WGS 84 geodesic, which parts
// from the arc by up to 41 m on a 788 km edge along 45° N (0.4 m at
// 80 km). Where two edges come closer than that, the two can disagree:
// each case puts a vertex at (35, 45.1093), 8.7 m north of the arc of the
// edge from (30, 45) to (40, 45) and 32 m south of its geodesic. Such
// geometries are refused with the distance and the bound, or, where the
// order of two edges at a shared vertex differs, with that said; edges
// farther apart than the bound are decided on the arcs as before, and the
// kernel then follows the geodesics. Each case is
// testdata/arcs/<name>.geojson, zone "z".
func TestArcsAndGeodesicsAgree(t *testing.T) {
	cases := []struct {
		name   string
		want   []string // "" accepted; else substrings of the error
		probes []probe
	}{
		// Accepted by the arcs, though the hole's tip lies outside the
		// exterior ring's geodesic: the kernel put (35, 45.1095), south of
		// the geodesic and in the hole, inside the zone.
		{"hole-in-lens", []string{`(id "z").geometry.coordinates: ring edge 0 of ring 0 [30 45]→[40 45] passes within 8.7 m of 0 of ring 1 [35 45.1093]→[36 45.5]`,
			`less than the 83 m`}, nil},
		// Accepted by the arcs, though the parts overlap on WGS 84: the
		// kernel put (35, 45.1095), in both, outside the zone.
		{"part-in-lens", []string{`(id "z").geometry.coordinates: two polygons meet: ring edge 0 of polygon 0 ring 0 [30 45]→[40 45] passes within 8.7 m of 0 of polygon 1 ring 0 [35 45.1093]→[36 45.5]`}, nil},
		// The same at 70° N, on a 381 km edge (gap 6.1 m).
		{"part-in-lens-70n", []string{`(id "z").geometry.coordinates: two polygons meet: ring edge 0 of polygon 0 ring 0 [20 70]→[30 70] passes within 2.9 m of`}, nil},
		// A ring simple on the arcs, crossing itself on WGS 84.
		{"notch-in-lens", []string{`(id "z").geometry.coordinates: ring edge 0 [30 45]→[40 45] passes within 8.7 m of 3 [36 46]→[35 45.1093]`}, nil},
		{"sliver", []string{`(id "z").geometry.coordinates: ring edge 0 [30 45]→[40 45] passes within 8.7 m of 2 [40 46]→[35 45.1093]`,
			`ring edge 0 [30 45]→[40 45] and 3 [35 45.1093]→[30 45] leave their shared position [30 45] in one order on the sphere and in the other on WGS 84 (0.0013° apart on the great-circle arcs the check measures, 0.0047° the other way on the geodesics, which are the edges)`}, nil},
		// Refused by the arcs (crossing), though on WGS 84 the hole lies
		// inside: the message says so.
		{"hole-across-arc", []string{`(id "z").geometry.coordinates: ring edge 2 of ring 0 [40 45]→[30 45] meets 0 of ring 1 [35 45.1093]→[34 44.5]`,
			`on WGS 84, where the edges are geodesics, they may not cross`}, nil},
		{"hole-apart", nil, []probe{
			{35, 45.1095, false}, {35, 45.1097, true}, // south, north of the geodesic
			{35, 45.2, false}, {34.5, 45.2, true}, // in the hole, beside it
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join("testdata", "arcs", c.name+".geojson")
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			g, err := ParseGeoJSON(path, data)
			if c.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				// The kernel and the naive scan, on the geodesics (S2's
				// polygon answers for the arcs).
				k, err := NewKernel(g, []float64{10000}, Options{})
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range c.probes {
					if pl, naive := k.Place(p.lon, p.lat), k.Naive(Point(p.lon, p.lat)); pl.Zones.Has(0) != p.in || naive.Zones.Has(0) != p.in {
						t.Errorf("(%v, %v): kernel says in zone %v, naive %v; want %v", p.lon, p.lat, pl.Zones.Has(0), naive.Zones.Has(0), p.in)
					}
				}
				return
			}
			if err == nil {
				// Where the arcs and the geodesics disagree.
				at := [2]float64{35, 45.1095}
				if strings.HasSuffix(c.name, "-70n") {
					at = [2]float64{25, 70.070145}
				}
				k, _ := NewKernel(g, []float64{10000}, Options{})
				pl := k.Place(at[0], at[1])
				t.Fatalf("accepted; the kernel places %v in the zone: %v", at, pl.Zones.Has(0))
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %v\nwant an error with %q", err, w)
				}
			}
		})
	}
}

// cheapGap and cheapTurn, which spare the loader solving the geodesic of
// edges far from each other, bound the gap between an edge's geodesic and
// its arc (gedge.dev) and the angle between them at the edge's first
// vertex (in the sphere's frame), on edges of 1 to 15,000 km in every
// direction from the equator to 85°.
func TestArcGapBounds(t *testing.T) {
	worstGap, worstTurn := 0.0, 0.0
	for _, lat := range []float64{0, 15, 30, 45, 60, 75, 85, -45} {
		for az := 0.0; az < 360; az += 30 {
			for _, l := range []float64{1e3, 1e4, 1e5, 1e6, 3e6, 6e6, 1e7, 1.5e7} {
				a := Point(30, lat)
				ang := l / EarthRadiusM
				// The point l metres from a at bearing az, on the sphere.
				la, lo := lat*rad, 30*rad
				lb := math.Asin(math.Sin(la)*math.Cos(ang) + math.Cos(la)*math.Sin(ang)*math.Cos(az*rad))
				lob := lo + math.Atan2(math.Sin(az*rad)*math.Sin(ang)*math.Cos(la), math.Cos(ang)-math.Sin(la)*math.Sin(lb))
				ca, cb := [2]float64{30, lat}, [2]float64{math.Remainder(lob*deg, 360), lb * deg}
				ge := newGedge(ca, cb)
				edge := float64(a.Angle(point(cb).Vector))
				if g := cheapGap(edge); ge.dev > g {
					t.Errorf("%v→%v: gap bound %.4g m above cheapGap's %.4g m", ca, cb, ge.dev, g)
				} else {
					worstGap = math.Max(worstGap, ge.dev/g)
				}
				_, azG, _, ok := vincentyInverse(ca[1]*rad, ca[0]*rad, cb[1]*rad, cb[0]*rad)
				if !ok {
					t.Fatalf("%v→%v: no geodesic", ca, cb)
				}
				// The geodesic's azimuth in the sphere's frame: a direction
				// (dλ, dφ) has azimuth atan2(N·cosφ·dλ, M·dφ) on the
				// ellipsoid, atan2(R·cosφ·dλ, R·dφ) on the sphere; the map
				// between the two keeps the order of directions.
				azG = math.Atan2(math.Sin(azG)/primeVerticalRadius(lat), math.Cos(azG)/meridianRadius(lat))
				dl := cb[0]*rad - lo
				azS := math.Atan2(math.Sin(dl)*math.Cos(lb), math.Cos(la)*math.Sin(lb)-math.Sin(la)*math.Cos(lb)*math.Cos(dl))
				turn := math.Abs(math.Remainder(azG-azS, 2*math.Pi))
				if c := cheapTurn(edge); turn > c {
					t.Errorf("%v→%v: the geodesic leaves %.3g rad from the arc, above cheapTurn's %.3g", ca, cb, turn, c)
				} else {
					worstTurn = math.Max(worstTurn, turn/c)
				}
			}
		}
	}
	t.Logf("worst gap bound %.2f of cheapGap, worst turn %.2f of cheapTurn", worstGap, worstTurn)
}
