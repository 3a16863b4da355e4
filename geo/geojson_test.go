package geo

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const lineFeature = `{"type":"Feature","properties":{"id":"l","role":"contact_line"},"geometry":{"type":"LineString","coordinates":[[30,40],[30,41],[30.5,42]]}}`

func fc(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
}

func zone(id, role, geom string) string {
	return `{"type":"Feature","properties":{"id":"` + id + `","role":"` + role + `"},"geometry":` + geom + `}`
}

const square = `{"type":"Polygon","coordinates":[[[31,40],[32,40],[32,41],[31,41],[31,40]]]}`

func TestParseGeoJSONGood(t *testing.T) {
	clockwise := `{"type":"Polygon","coordinates":[[[31,40],[31,41],[32,41],[32,40],[31,40]]]}`
	holed := `{"type":"MultiPolygon","coordinates":[[[[33,40],[35,40],[35,42],[33,42],[33,40]],[[33.5,40.5],[33.5,41.5],[34.5,41.5],[34.5,40.5],[33.5,40.5]]]]}`
	g, err := ParseGeoJSON("g", []byte(fc(lineFeature, zone("a", "dmz", square), zone("b", "no_fly", clockwise), zone("c", "security_area", holed))))
	if err != nil {
		t.Fatal(err)
	}
	if g.Vertices() != 3 || len(g.Zones) != 3 {
		t.Fatalf("%d vertices, %d zones", g.Vertices(), len(g.Zones))
	}
	// Either orientation bounds the small square, not the rest of the earth.
	a, b := g.Zones[0].Polygon(), g.Zones[1].Polygon()
	if !a.ContainsPoint(Point(31.5, 40.5)) || !b.ContainsPoint(Point(31.5, 40.5)) || b.ContainsPoint(Point(0, 0)) {
		t.Error("orientation: the rings do not bound the square")
	}
	if c := g.Zones[2].Polygon(); !c.ContainsPoint(Point(33.2, 41)) || c.ContainsPoint(Point(34, 41)) {
		t.Error("hole not honoured")
	}
}

func TestParseGeoJSONBad(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"not json", `{"type":`, "not a GeoJSON FeatureCollection"},
		{"not a collection", `{"type":"Feature"}`, `type: want "FeatureCollection", got "Feature"`},
		{"no line", fc(zone("a", "dmz", square)), `no feature with role "contact_line"`},
		{"two lines", fc(lineFeature, strings.Replace(lineFeature, `"id":"l"`, `"id":"m"`, 1)), "a second contact line"},
		{"one-point line", fc(strings.Replace(lineFeature, `[[30,40],[30,41],[30.5,42]]`, `[[30,40]]`, 1)), "a line needs at least two positions, got 1"},
		{"self-crossing line", fc(strings.Replace(lineFeature, `[[30,40],[30,41],[30.5,42]]`, `[[30,40],[31,41],[31,40],[30,41]]`, 1)), "the line crosses itself"},
		{"longitude", fc(strings.Replace(lineFeature, `[30.5,42]`, `[190,42]`, 1)), "geometry.coordinates[2]: longitude 190 is outside -180..180"},
		{"latitude", fc(strings.Replace(lineFeature, `[30.5,42]`, `[30.5,95]`, 1)), "latitude 95 is outside -90..90"},
		{"repeated position", fc(strings.Replace(lineFeature, `[30,41],`, `[30,41],[30,41],`, 1)), "repeats the previous position"},
		{"open ring", fc(lineFeature, zone("a", "dmz", `{"type":"Polygon","coordinates":[[[31,40],[32,40],[32,41],[31,41]]]}`)), "the ring is not closed"},
		{"short ring", fc(lineFeature, zone("a", "dmz", `{"type":"Polygon","coordinates":[[[31,40],[32,40],[31,40]]]}`)), "a ring needs at least four positions"},
		{"bow tie", fc(lineFeature, zone("a", "dmz", `{"type":"Polygon","coordinates":[[[31,40],[32,41],[32,40],[31,41],[31,40]]]}`)), `features[1] (id "a").geometry.coordinates: ring edge 0`},
		{"hole vertex halfway along an exterior edge in lon/lat, 19 m south of its geodesic: crossing", fc(lineFeature, zone("a", "dmz", `{"type":"Polygon","coordinates":[[[30,48],[30.4,48],[30.4,48.4],[30,48.4],[30,48]],[[30.2,48],[30.3,48.2],[30.1,48.2],[30.2,48]]]}`)), `(id "a").geometry.coordinates: ring edge 0 of ring 0 [30 48]→[30.4 48] meets 2 of ring 1 [30.1 48.2]→[30.2 48]`},
		{"empty multipolygon", fc(lineFeature, zone("a", "dmz", `{"type":"MultiPolygon","coordinates":[]}`)), `features[1] (id "a").geometry.coordinates: a MultiPolygon needs at least one polygon`},
		{"empty multilinestring", fc(`{"type":"Feature","properties":{"id":"l","role":"contact_line"},"geometry":{"type":"MultiLineString","coordinates":[]}}`), `features[0] (id "l").geometry.coordinates: a MultiLineString needs at least one line`},
		{"unknown role", fc(lineFeature, zone("a", "buffer", square)), `properties.role: "buffer": want contact_line or one of dmz`},
		{"duplicate id", fc(lineFeature, zone("a", "dmz", square), zone("a", "dmz", square)), `"a" is already the id of features[1]`},
		{"bad id", fc(lineFeature, zone("Zone A", "dmz", square)), `"Zone A": use lowercase letters, digits and '-'`},
		{"point zone", fc(lineFeature, zone("a", "dmz", `{"type":"Point","coordinates":[31,40]}`)), `a zone must be a Polygon or MultiPolygon, not "Point"`},
		{"line as polygon", fc(strings.Replace(lineFeature, `"LineString"`, `"Polygon"`, 1)), `the contact line must be a LineString or MultiLineString, not "Polygon"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := ParseGeoJSON("g.geojson", []byte(tt.doc))
			if g != nil || err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v\nwant an error with %q", err, tt.want)
			}
		})
	}
}

// FuzzParseGeoJSON: whatever the bytes, ParseGeoJSON returns a geometry or
// an error, never both; an accepted geometry has a line, and each zone's
// S2 polygon passes S2's own validation (loops that neither cross nor
// share an edge, nested as S2 reads them). Seeded with the touching and
// degenerate cases of testdata/touch, testdata/holes,
// testdata/antimeridian, testdata/arcs and
// TestDegenerateGeometryRefused.
func FuzzParseGeoJSON(f *testing.F) {
	f.Add([]byte(fc(lineFeature, zone("a", "dmz", square))))
	f.Add([]byte(fc(lineFeature, zone("a", "dmz", `{"type":"Polygon","coordinates":[[[31,40],[32,41],[32,40],[31,41],[31,40]]]}`))))
	f.Add([]byte(fc(lineFeature, zone("a", "dmz", `{"type":"Polygon","coordinates":[[[0,90],[0,85],[90,85],[90,90],[0,90]]]}`))))
	f.Add([]byte(fc(lineFeature, zone("a", "dmz", `{"type":"Polygon","coordinates":[[[30,0],[31,0],[32,0],[30,0]]]}`))))
	f.Add([]byte(fc(strings.Replace(lineFeature, `[[30,40],[30,41],[30.5,42]]`, `[[30,40],[-150,-40]]`, 1))))
	for _, dir := range []string{"touch", "holes", "antimeridian", "arcs"} {
		ms, _ := filepath.Glob(filepath.Join("testdata", dir, "*.geojson"))
		for _, m := range ms {
			if b, err := os.ReadFile(m); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := ParseGeoJSON("fuzz", data)
		if (g == nil) == (err == nil) {
			t.Fatalf("geometry %v with error %v", g, err)
		}
		if g == nil {
			return
		}
		if len(g.Parts) == 0 {
			t.Fatal("accepted without a line")
		}
		for _, z := range g.Zones {
			if err := z.Polygon().Validate(); err != nil {
				t.Fatalf("zone %q accepted, but S2 finds its polygon invalid: %v", z.ID, err)
			}
		}
		// Written back, as it is and with every ring reversed, it is
		// accepted again: no check depends on the rings' orientation.
		back := *g
		if _, err := ParseGeoJSON("back", back.GeoJSON()); err != nil {
			t.Fatalf("accepted, but not written back: %v", err)
		}
		back.Zones = reversedZones(g.Zones)
		if _, err := ParseGeoJSON("reversed", back.GeoJSON()); err != nil {
			t.Fatalf("accepted, but not with its rings reversed: %v", err)
		}
	})
}

// reversedZones returns a copy of the zones with every ring reversed.
func reversedZones(zones []Zone) []Zone {
	out := make([]Zone, len(zones))
	for i, z := range zones {
		z.Polygons = nil
		for _, poly := range zones[i].Polygons {
			var rings [][][2]float64
			for _, r := range poly {
				r = slices.Clone(r)
				slices.Reverse(r)
				rings = append(rings, r)
			}
			z.Polygons = append(z.Polygons, rings)
		}
		out[i] = z
	}
	return out
}

func TestGeoJSONRoundTrip(t *testing.T) {
	g, err := ParseGeoJSON("g", []byte(fc(lineFeature, zone("a", "dmz", square))))
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseGeoJSON("back", g.GeoJSON())
	if err != nil {
		t.Fatal(err)
	}
	if back.Vertices() != g.Vertices() || len(back.Zones) != 1 || back.Zones[0].ID != "a" || back.Zones[0].Role != "dmz" {
		t.Errorf("round trip: %+v", back)
	}
}
