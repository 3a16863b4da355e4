package geo_test

import (
	"strings"
	"testing"

	"github.com/accord-peace/accord/geo"
)

// A functional agreement's geometry may hold zones only, when the caller
// says no rule needs a line; otherwise the line stays required.
func TestLineOptional(t *testing.T) {
	zones := `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"bsgi-lane","role":"corridor"},"geometry":{"type":"Polygon","coordinates":[[[30.9,46.0],[31.1,46.0],[31.1,44.0],[30.9,44.0],[30.9,46.0]]]}},
{"type":"Feature","properties":{"id":"bsgi-inspection","role":"inspection_area"},"geometry":{"type":"Polygon","coordinates":[[[30.8,43.7],[31.2,43.7],[31.2,44.1],[30.8,44.1],[30.8,43.7]]]}}]}`
	g, err := geo.ParseGeoJSONWith("zones.geojson", []byte(zones), geo.ParseOptions{LineOptional: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Parts) != 0 || len(g.Zones) != 2 || g.Zone("bsgi-inspection").Role != geo.RoleInspectionArea {
		t.Errorf("zones-only geometry: %d parts, zones %+v", len(g.Parts), g.Zones)
	}
	_, err = geo.ParseGeoJSON("zones.geojson", []byte(zones))
	if err == nil || !strings.Contains(err.Error(), `zones.geojson: features: no feature with role "contact_line": the contact line is required`) {
		t.Errorf("line required by default: %v", err)
	}
}
