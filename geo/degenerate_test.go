package geo

import (
	"strings"
	"testing"
)

// Edges and rings with no definite shape are refused, each with the
// feature, the ring and the position: an edge between antipodal positions
// (every great circle through one passes through the other), or between
// positions so nearly antipodal that their WGS 84 geodesic is not found;
// a pole named twice (every longitude at latitude ±90 is the same point);
// a ring that bounds no area.
func TestDegenerateGeometryRefused(t *testing.T) {
	line := func(coords string) string {
		return strings.Replace(lineFeature, `[[30,40],[30,41],[30.5,42]]`, coords, 1)
	}
	poly := func(rings string) string { return `{"type":"Polygon","coordinates":[` + rings + `]}` }
	tests := []struct{ name, doc, want string }{
		{"antipodal edge in a ring", fc(lineFeature, zone("a", "dmz", poly(`[[-90,10],[90,-10],[0,0],[-90,10]]`))),
			`features[1] (id "a").geometry.coordinates[0][1]: the edge from [-90 10] to [90 -10] joins antipodal positions: every great circle through one passes through the other, so the edge's path is undefined`},
		{"antipodal line", fc(line(`[[30,40],[-150,-40]]`)),
			`features[0] (id "l").geometry.coordinates[1]: the edge from [30 40] to [-150 -40] joins antipodal positions`},
		{"pole to pole", fc(line(`[[30,90],[10,-90]]`)),
			`features[0] (id "l").geometry.coordinates[1]: the edge from [30 90] to [10 -90] joins antipodal positions`},
		{"nearly antipodal line", fc(line(`[[30,0],[-149.7,0]]`)),
			`features[0] (id "l").geometry.coordinates[1]: the edge from [30 0] to [-149.7 0] joins nearly antipodal positions (179.7° apart): the WGS 84 geodesic between them, which is the edge, is not found`},
		{"pole twice in a ring", fc(lineFeature, zone("a", "dmz", poly(`[[0,90],[0,85],[90,85],[90,90],[0,90]]`))),
			`features[1] (id "a").geometry.coordinates[0][3]: [90 90] is the pole of position 0 ([0 90]) again: at latitude 90 every longitude is the same point`},
		{"pole twice in the line", fc(line(`[[0,88],[0,90],[90,88],[120,90],[150,88]]`)),
			`features[0] (id "l").geometry.coordinates[3]: [120 90] is the pole of position 1 ([0 90]) again`},
		{"south pole twice in a row", fc(line(`[[0,-88],[0,-90],[60,-90],[60,-88]]`)),
			`features[0] (id "l").geometry.coordinates[2]: [60 -90] is the pole of position 1 ([0 -90]) again: at latitude -90 every longitude is the same point`},
		{"zero-area ring on the equator", fc(lineFeature, zone("a", "dmz", poly(`[[30,0],[31,0],[32,0],[30,0]]`))),
			`features[1] (id "a").geometry.coordinates[0]: the ring bounds no area`},
		{"zero-area ring on a meridian", fc(lineFeature, zone("a", "dmz", poly(`[[30,48],[30,48.5],[30,49],[30,48]]`))),
			`features[1] (id "a").geometry.coordinates[0]: the ring bounds no area`},
		{"zero-area hole", fc(lineFeature, zone("a", "dmz", `{"type":"MultiPolygon","coordinates":[[[[31,40],[32,40],[32,41],[31,41],[31,40]],[[31.5,40.2],[31.5,40.5],[31.5,40.8],[31.5,40.2]]]]}`)),
			`features[1] (id "a").geometry.coordinates[0][1]: the ring bounds no area`},
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

// Edges of nearly half the globe that still have a definite geodesic, and
// small rings, are accepted.
func TestNearDegenerateGeometryAccepted(t *testing.T) {
	for _, doc := range []string{
		fc(strings.Replace(lineFeature, `[[30,40],[30,41],[30.5,42]]`, `[[30,40],[-149,-40]]`, 1)),                                            // 0.8° from antipodal
		fc(strings.Replace(lineFeature, `[[30,40],[30,41],[30.5,42]]`, `[[0,88],[0,90],[90,88]]`, 1)),                                         // the pole once
		fc(lineFeature, zone("a", "dmz", `{"type":"Polygon","coordinates":[[[30,48],[30.0001,48],[30.0001,48.0001],[30,48.0001],[30,48]]]}`)), // 7 m by 11 m
	} {
		if _, err := ParseGeoJSON("g.geojson", []byte(doc)); err != nil {
			t.Errorf("refused: %v", err)
		}
	}
}
