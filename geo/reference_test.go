package geo

import (
	"os"
	"testing"
)

func TestReferenceGeometry(t *testing.T) {
	path := "../scenarios/ukraine-2025/monitoring/geometry.geojson"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g, err := ParseGeoJSON(path, data)
	if err != nil {
		t.Fatal(err)
	}
	km := g.LengthM() / 1000
	t.Logf("%d vertices, %.0f km, %d zones", g.Vertices(), km, len(g.Zones))
	if g.Vertices() < 2000 || km < 1000 || km > 1400 || len(g.Zones) < 10 {
		t.Errorf("reference geometry: %d vertices, %.0f km, %d zones; want ≥ 2,000, 1,000–1,400 km, ≥ 10", g.Vertices(), km, len(g.Zones))
	}
}
