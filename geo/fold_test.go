package geo

import (
	"fmt"
	"strings"
	"testing"
)

// A line or ring whose consecutive edges turn back on each other (a
// spike: the chain retraces itself, so that its two sides are one) is
// refused, naming the vertex. Before, a fold at a line's end (or where
// the line went on from a point of the edge it folded back on) was
// accepted: only edges that are not consecutive were compared. A sharp
// turn that does not retrace the edge, and an edge back along a parallel
// (on the sphere a thin sliver: the great-circle arcs part by some 120 m
// at 47° N over 1° of longitude), are accepted.
func TestConsecutiveEdgesFoldBack(t *testing.T) {
	const fold = "turn back on each other"
	cases := []struct {
		name, geometry, want string
	}{
		{"line up a meridian and half back", `{"type":"LineString","coordinates":[[30,47],[30,48],[30,47.5]]}`, fold + " at [30 48]"},
		{"line there and back", `{"type":"LineString","coordinates":[[30,47],[30,48],[30,47]]}`, fold + " at [30 48]"},
		{"line folding at its start", `{"type":"LineString","coordinates":[[30,47.5],[30,48],[30,47],[31,47]]}`, fold + " at [30 48]"},
		{"line along the equator and back", `{"type":"LineString","coordinates":[[0,0],[1,0],[0.5,0]]}`, fold + " at [1 0]"},
		{"second part of a MultiLineString", `{"type":"MultiLineString","coordinates":[[[20,40],[21,40]],[[30,47],[30,48],[30,47.5]]]}`, fold + " at [30 48]"},
		{"a diagonal half back in lon/lat, not on the sphere", `{"type":"LineString","coordinates":[[30,47],[31,47.5],[30.5,47.25]]}`, ""},
		{"sharp turn 75 m off the edge", `{"type":"LineString","coordinates":[[30,47],[30,48],[30.001,47.5]]}`, ""},
		{"back along a parallel", `{"type":"LineString","coordinates":[[30,47],[31,47],[30.5,47]]}`, ""},
		{"closed line", `{"type":"LineString","coordinates":[[30,47],[31,47],[31,48],[30,47]]}`, "coordinates: the line ends where it begins, [30 47]: a contact line is open"},
		{"closed across the antimeridian", `{"type":"LineString","coordinates":[[180,-16],[179,-16],[179,-15],[-180,-16]]}`, "the line ends where it begins, [180 -16]"},
		{"closed part of a MultiLineString", `{"type":"MultiLineString","coordinates":[[[20,40],[21,40]],[[30,47],[31,47],[31,48],[30,47]]]}`, "coordinates[1]: the line ends where it begins"},
		// A sharp turn after a long edge: its WGS 84 geodesic parts from
		// its arc by up to some 2.4 km about its middle, but by next to
		// nothing beside the vertex where the short edge turns, whose end
		// lies 311 m off it (it was refused as a fold, the whole gap
		// taken as the tolerance there).
		{"sharp turn after a long edge", `{"type":"LineString","coordinates":[[0,10],[60,60],[59.99,59.995]]}`, ""},
		// The same at the antimeridian: a 16 cm edge turning 135°, its end
		// 11 cm off the 1100 km edge before it.
		{"sharp turn on a short edge at the antimeridian", `{"type":"LineString","coordinates":[[170,10],[180,10],[179.999999,9.999999]]}`, ""},
		{"long edge there and half back", `{"type":"LineString","coordinates":[[0,10],[0,60],[0,35]]}`, fold + " at [0 60]"},
		{"over the pole and back", `{"type":"LineString","coordinates":[[0,89],[180,89],[0,89.5]]}`, fold + " at [180 89]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := fmt.Sprintf(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"line","role":"contact_line"},"geometry":%s}]}`, c.geometry)
			g, err := ParseGeoJSON("fold.geojson", []byte(doc))
			if c.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if g != nil || err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v\nwant an error with %q", err, c.want)
			}
		})
	}
}

// A zone's ring with a spike is refused by the checks of edges that are
// not consecutive (the spike's return meets the edges beside its base, or
// passes within the arcs' and geodesics' gap of them), whatever its
// place in the ring; the fold check is a line's only.
func TestRingSpikeRefused(t *testing.T) {
	cases := []struct {
		name, ring, want string
	}{
		{"spike up a meridian", `[[30,47],[31,47],[31,48],[30.5,48],[30.5,49],[30.5,48],[30,48],[30,47]]`, "ring edge 3 [30.5 48]→[30.5 49] meets 5 [30.5 48]→[30 48]"},
		{"spike down a meridian", `[[30,47],[31,47],[31,48],[30,48],[30,46.5],[30,47]]`, "ring edge 0 [30 47]→[31 47] passes within 0 m of 3 [30 48]→[30 46.5]"},
		{"the last edge back along the first", `[[30,47],[30,46],[31,46],[31,48],[30,46.5],[30,47]]`, "ring edge 0 [30 47]→[30 46] meets 3 [31 48]→[30 46.5]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := fmt.Sprintf(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"line","role":"contact_line"},"geometry":{"type":"LineString","coordinates":[[20,40],[21,40.5]]}},{"type":"Feature","properties":{"id":"z","role":"dmz"},"geometry":{"type":"Polygon","coordinates":[%s]}}]}`, c.ring)
			g, err := ParseGeoJSON("spike.geojson", []byte(doc))
			if g != nil || err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v\nwant an error with %q", err, c.want)
			}
		})
	}
}
