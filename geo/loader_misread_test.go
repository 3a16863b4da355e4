package geo

import (
	"strings"
	"testing"
)

const campaignLine = `{"type":"Feature","properties":{"id":"line","role":"contact_line"},"geometry":{"type":"LineString","coordinates":[[30,47],[31,47.5]]}}`

// The loader accepted zones whose rings, read by S2, do not bound what the
// file says, and the kernel then answered wrongly for points well inside:
// each case names a point at least 1 km from every edge, and whether the
// file's zone holds it.
func TestLoaderRefusesMisreadZones(t *testing.T) {
	cases := []struct {
		name, geom string
		lon, lat   float64
		in         bool
	}{
		// Two parts of a MultiPolygon overlapping: S2 counts the overlap
		// twice (outside); the union holds it.
		{"multipolygon parts overlap", `{"type":"MultiPolygon","coordinates":[[[[30,48],[30.2,48],[30.2,48.2],[30,48.2],[30,48]]],[[[30.1,48.1],[30.3,48.1],[30.3,48.3],[30.1,48.3],[30.1,48.1]]]]}`, 30.15, 48.15, true},
		{"multipolygon part repeated", `{"type":"MultiPolygon","coordinates":[[[[30,48],[30.2,48],[30.2,48.2],[30,48.2],[30,48]]],[[[30,48],[30.2,48],[30.2,48.2],[30,48.2],[30,48]]]]}`, 30.1, 48.1, true},
		// A hole outside its exterior ring: S2 makes it a second shell.
		{"hole outside the exterior", `{"type":"Polygon","coordinates":[[[30,48],[30.2,48],[30.2,48.2],[30,48.2],[30,48]],[[31,48],[31.2,48],[31.2,48.2],[31,48.2],[31,48]]]}`, 31.1, 48.1, false},
		// A ring crossing itself near the pole: edge 2, along the meridian
		// 85° E, crosses edge 0, whose arc bulges from 80° N to 89.1° N,
		// beyond the sweep's 1 % padding of its lon/lat box.
		{"self-crossing ring near the pole", `{"type":"Polygon","coordinates":[[[0,80],[170,80],[85,89.5],[85,85],[0,80]]]}`, 85, 89.3, false}, // no meaning: must be refused
	}
	for _, c := range cases {
		g, err := ParseGeoJSON("t.geojson", []byte(fc(campaignLine, zone("z", "dmz", c.geom))))
		if err != nil {
			if strings.Contains(err.Error(), `(id "z")`) {
				continue // refused, with the zone named: right
			}
			t.Errorf("%s: refused for the wrong reason: %v", c.name, err)
			continue
		}
		k, err := NewKernel(g, []float64{10000}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		pl := k.Place(c.lon, c.lat)
		got := pl.Zones.Has(0)
		t.Errorf("%s: accepted, and (%v, %v) is in the zone: %v (the file says %v)", c.name, c.lon, c.lat, got, c.in)
	}
}
