package geo

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Lines and zones across the antimeridian are accepted, their edges the
// geodesics that join their ends the short way (as S2 and the kernel take
// them), whatever the longitudes' difference: the kernel, the naive scan
// and S2 place a point at 180° inside a zone from 179.5° E to 179.5° W,
// and points either side of the line in bands and sides as on any other
// meridian. What stays invalid is refused with the position: a polygon
// or a line cut at the antimeridian (RFC 7946 §3.1.9), whose parts share
// an edge or a position there; a position repeated as 180 then -180; a
// ring crossing itself across it. Each case is
// testdata/antimeridian/<name>.geojson, zone "z".
func TestAntimeridian(t *testing.T) {
	across := []probe{
		{180, -16, true}, {-180, -16, true}, {179.9, -16, true}, {-179.9, -16, true},
		{179.51, -16.49, true}, {-179.51, -15.51, true},
		{179.4, -16, false}, {-179.4, -16, false}, {0, -16, false}, {180, -16.6, false}, {-180, -15.4, false},
	}
	cases := []struct {
		name   string
		want   string // "" accepted; else a substring of the error
		probes []probe
	}{
		{"square", "", across},
		{"vertices-on-it", "", across},
		{"hole", "", []probe{
			{180, -16, false}, {-180, -16, false}, {179.85, -16.1, false}, // in the hole
			{179.5, -16, true}, {-179.5, -16, true}, {180, -16.5, true}, {-180, -15.5, true},
			{178.9, -16, false}, {-178.9, -16, false},
		}},
		{"cut", `(id "z").geometry.coordinates: two polygons meet: ring edge 1 of polygon 0 ring 0 [180 -16.5]→[180 -15.5] is the same edge as 3 of polygon 1 ring 0 [-180 -15.5]→[-180 -16.5] (the polygon cut at the antimeridian, as RFC 7946 §3.1.9 recommends: accord's edges join their ends the short way, across it if need be; write the polygon whole)`, nil},
		{"bow-tie", `(id "z").geometry.coordinates: ring edge 0 [179.5 -16.5]→[-179.5 -15.5] meets 2 [-179.5 -16.5]→[179.5 -15.5]`, nil},
		{"repeated", `(id "z").geometry.coordinates[0][2]: repeats the previous position [180 -16.5] (a zero-length edge; longitudes 180 and -180 name the same meridian)`, nil},
		{"open", `(id "z").geometry.coordinates[0]: the ring is not closed: the last position [180 -16.5] differs from the first [-180 -16.5] (the same point, longitudes 180 and -180 naming the same meridian, but RFC 7946 asks the last position to repeat the first's values)`, nil},
		{"line-cut", `(id "line").geometry.coordinates: the line crosses itself: edge 0 of part 0 [179 -17.5]→[180 -17.35] meets 0 of part 1 [-180 -17.35]→[-179 -17.2] (the line cut at the antimeridian, as RFC 7946 §3.1.9 recommends: accord's edges join their ends the short way, across it if need be; write the line in one part)`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join("testdata", "antimeridian", c.name+".geojson")
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			g, err := ParseGeoJSON(path, data)
			if c.want != "" {
				if g != nil || err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("got %v\nwant an error with %q", err, c.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			checkProbes(t, g, c.probes)
			checkAround(t, g, [2]float64{180, -16.5})
			checkAround(t, g, [2]float64{-180, -15.5})
			checkLineAcross(t, g)
		})
	}
}

// checkLineAcross places points about the line from 179° E to 179° W
// (across the antimeridian near 17.35° S): the side (left is north), a
// 10 km band, and the same answer at 180 and -180; the kernel agrees with
// the naive scan on a grid around the crossing.
func checkLineAcross(t *testing.T, g *Geometry) {
	t.Helper()
	k, err := NewKernel(g, []float64{10000}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lat  float64
		side int8
		band bool
	}{{-17.0, 1, false}, {-17.3, 1, true}, {-17.4, -1, true}, {-17.7, -1, false}} {
		for _, lon := range []float64{180, -180, 179.99, -179.99} {
			pl := k.Place(lon, c.lat)
			if pl.Side != c.side || pl.InBand(0) != c.band {
				t.Errorf("(%v, %v): side %d, in the band %v; want %d, %v", lon, c.lat, pl.Side, pl.InBand(0), c.side, c.band)
			}
			if naive := k.Naive(Point(lon, c.lat)); naive != pl {
				t.Errorf("(%v, %v): kernel %+v, naive %+v", lon, c.lat, pl, naive)
			}
		}
	}
	if d180, dm180 := k.DistanceWGS84M(180, -17.7), k.DistanceWGS84M(-180, -17.7); d180 != dm180 || d180 < 35000 || d180 > 40000 {
		t.Errorf("WGS 84 distance from (±180, -17.7): %v and %v m; want the same, about 38 km", d180, dm180)
	}
	for i := -20; i <= 20; i++ {
		for j := -20; j <= 20; j++ {
			lon, lat := 180+float64(i)*0.01, -17.35+float64(j)*0.01
			if pl, naive := k.Place(lon, lat), k.Naive(Point(lon, lat)); pl != naive {
				t.Errorf("(%v, %v): kernel %+v, naive %+v", lon, lat, pl, naive)
			}
		}
	}
}
