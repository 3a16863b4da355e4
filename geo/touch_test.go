package geo

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// probe is a point of a test geometry and whether the zone holds it.
type probe struct {
	lon, lat float64
	in       bool
}

// The parts of a MultiPolygon may touch at isolated points (OGC Simple
// Features, which RFC 7946 follows): such a zone is accepted, and the
// kernel, the naive scan and S2 agree on points inside each part, in the
// gaps and a hundred metres or so from the touching vertex. Parts whose
// interiors overlap, that share an edge, repeat or nest are refused.
// Each case is testdata/touch/<name>.geojson, zone "z".
func TestMultiPolygonPartsTouch(t *testing.T) {
	cases := []touchCase{
		{"corner", "", []probe{
			{30.1, 48.1, true}, {30.3, 48.3, true}, // in each square
			{30.199, 48.199, true}, {30.201, 48.201, true}, // beside the corner, in each
			{30.201, 48.199, false}, {30.199, 48.201, false}, // beside it, in neither
			{30.3, 48.1, false}, {30.1, 48.3, false},
		}, [2]float64{30.2, 48.2}},
		{"in-hole", "", []probe{
			{30.1, 48.1, true}, {30.5, 48.5, true}, // the square around the hole
			{30.2667, 48.2667, true},  // the triangle in the hole
			{30.38, 48.38, false},     // the hole, not the triangle
			{30.1995, 48.1995, true},  // beside the corner, outside the hole
			{30.2015, 48.2015, true},  // beside it, in the triangle
			{30.2002, 48.2010, false}, // beside it, in the hole beside the triangle
		}, [2]float64{30.2, 48.2}},
		{"fan", "", []probe{
			{30.6, 48.55, true}, {30.4, 48.55, true}, {30.5, 48.4, true}, // in each triangle
			{30.501, 48.5004, true}, {30.4993, 48.5005, true}, {30.5, 48.499, true}, // beside the shared vertex, in each
			{30.5, 48.501, false}, {30.499, 48.4995, false}, {30.501, 48.4995, false}, // in the gaps beside it
		}, [2]float64{30.5, 48.5}},
		{"all-corners", "", []probe{
			{30.6, 48.55, true}, {30.45, 48.44, true}, {30.78, 48.47, true}, {30.6, 48.72, true},
			{30.6, 48.45, false}, {30.45, 48.6, false},
		}, [2]float64{30.6, 48.65}},
		{"shared-edge", `(id "z").geometry.coordinates: two polygons meet: ring edge 1 of polygon 0 ring 0 [30.2 48]→[30.2 48.2] is the same edge as 3 of polygon 1 ring 0`, nil, [2]float64{}},
		{"corner-inside", `(id "z").geometry.coordinates[1][0][0]: polygon 1 shares this position with polygon 0 (ring 0, position 0) and their interiors overlap around it`, nil, [2]float64{}},
		{"touches-hole-outside", `(id "z").geometry.coordinates[1][0][0]: polygon 1 shares this position with polygon 0 (ring 1, position 0) and their interiors overlap around it`, nil, [2]float64{}},
		{"corner-and-cross", `(id "z").geometry.coordinates: two polygons meet: ring edge 2 of polygon 0 ring 0 [30.2 48.2]→[30 48.2] meets 3 of polygon 1 ring 0 [30.1 48.4]→[30.1 48.1]`, nil, [2]float64{}},
		{"repeated", "is the same edge as 0 of polygon 1 ring 0", nil, [2]float64{}},
	}
	runTouchCases(t, "touch", cases)
}

// touchCase is a geometry file of testdata/DIR/NAME.geojson whose zone
// "z" is refused with want (a substring of the error) or, want "",
// accepted, placing its probes as said and points around touch alike.
type touchCase struct {
	name   string
	want   string // "" accepted; else a substring of the error
	probes []probe
	touch  [2]float64 // where the rings or polygons touch, when accepted
}

// runTouchCases runs each case on its rings as written (counter-clockwise),
// every ring reversed, and the holes alone reversed (RFC 7946's
// orientation): the answer must not depend on it.
func runTouchCases(t *testing.T, dir string, cases []touchCase) {
	t.Helper()
	for _, c := range cases {
		path := filepath.Join("testdata", dir, c.name+".geojson")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range []struct {
			name    string
			reverse func(ring int) bool
		}{
			{"as-written", nil},
			{"reversed", func(int) bool { return true }},
			{"rfc7946", func(ring int) bool { return ring > 0 }},
		} {
			t.Run(c.name+"/"+o.name, func(t *testing.T) {
				doc := data
				if o.reverse != nil {
					doc = reverseRings(t, data, o.reverse)
				}
				g, err := ParseGeoJSON(path, doc)
				want := c.want
				if want != "" && o.reverse != nil {
					want = `(id "z").geometry.coordinates` // the edges and positions named differ
				}
				if want != "" {
					if g != nil || err == nil || !strings.Contains(err.Error(), want) {
						t.Fatalf("got %v\nwant an error with %q", err, want)
					}
					return
				}
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				checkProbes(t, g, c.probes)
				checkAround(t, g, c.touch)
			})
		}
	}
}

// reverseRings returns the geometry file with the rings of zone "z" (the
// second feature, a Polygon or a MultiPolygon) for which reverse says so
// reversed.
func reverseRings(t *testing.T, data []byte, reverse func(ring int) bool) []byte {
	t.Helper()
	var doc struct {
		Type     string           `json:"type"`
		Features []map[string]any `json:"features"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	geom := doc.Features[1]["geometry"].(map[string]any)
	polys := geom["coordinates"].([]any)
	if geom["type"] == "Polygon" {
		polys = []any{polys}
	}
	for _, poly := range polys {
		for j, ring := range poly.([]any) {
			if reverse(j) {
				slices.Reverse(ring.([]any))
			}
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkProbes places each probe with the kernel, the naive scan and the
// zone's S2 polygon, and wants the probe's answer from all three.
func checkProbes(t *testing.T, g *Geometry, probes []probe) {
	t.Helper()
	k, err := NewKernel(g, []float64{10000}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range probes {
		pt := Point(p.lon, p.lat)
		pl, naive := k.Place(p.lon, p.lat), k.Naive(pt)
		if got := pl.Zones.Has(0); got != p.in {
			t.Errorf("(%v, %v): kernel says in zone %v, want %v", p.lon, p.lat, got, p.in)
		}
		if got := naive.Zones.Has(0); got != p.in {
			t.Errorf("(%v, %v): naive scan says in zone %v, want %v", p.lon, p.lat, got, p.in)
		}
		if got := g.Zones[0].Polygon().ContainsPoint(pt); got != p.in {
			t.Errorf("(%v, %v): S2 polygon says in zone %v, want %v", p.lon, p.lat, got, p.in)
		}
	}
}

// checkAround wants the kernel to agree with the naive scan on a grid of
// 41 × 41 points 5 m to 100 m apart around a point (a touching vertex),
// the point itself included.
func checkAround(t *testing.T, g *Geometry, at [2]float64) {
	t.Helper()
	k, err := NewKernel(g, []float64{10000}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []float64{0.00005, 0.001} {
		for i := -20; i <= 20; i++ {
			for j := -20; j <= 20; j++ {
				lon, lat := at[0]+float64(i)*step, at[1]+float64(j)*step
				pl, naive := k.Place(lon, lat), k.Naive(Point(lon, lat))
				if got, want := pl.Zones.Has(0), naive.Zones.Has(0); got != want {
					t.Errorf("(%v, %v): kernel says in zone %v, the naive scan %v", lon, lat, got, want)
				}
			}
		}
	}
}
