package agreement_test

import (
	"strings"
	"testing"

	"github.com/accord-peace/accord/agreement"
)

func TestLoadReference(t *testing.T) {
	a, err := agreement.Load("../scenarios/ukraine-2025/agreement.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := a.Monitoring
	if m.Sides.Party(1) != "ua" || m.Sides.Party(-1) != "ru" || len(m.Bands) != 4 || m.Geometry.Zone("znpp") == nil {
		t.Errorf("reference monitoring section: %+v", m)
	}
	if d := m.BandDistancesM(); d[0] != 25000 || d[2] != 70000 {
		t.Errorf("band distances %v", d)
	}
}

func TestParseErrors(t *testing.T) {
	base := "agreement: a\nparties: [ua, ru]\nmonitoring:\n  geometry: g.geojson\n  sides: {left: ua, right: ru}\n"
	tests := []struct{ name, yaml, want string }{
		{"unknown field", base + "  colour: red\n", "field colour not found"},
		{"unknown equipment", base + "  bands: [{id: b, equipment: [tanks], distance_km: 1, provision: p}]\n", `unknown class "tanks"`},
		{"negative distance", base + "  bands: [{id: b, equipment: [tank], distance_km: -1, provision: p}]\n", "distance_km: must be > 0"},
		{"side not a party", strings.Replace(base, "right: ru", "right: us", 1), `"us" is not among the parties`},
		{"zone and role", base + "  zone_rules: [{zone: dmz, role: dmz, forbid: [firing], provision: p}]\n", "either a zone or a role"},
		{"unknown event", base + "  zone_rules: [{zone: dmz, forbid: [shooting], provision: p}]\n", `unknown event kind "shooting"`},
		{"missing provision", base + "  crossing: {}\n", "crossing.provision: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := agreement.Parse("a.yaml", []byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to say %q", err, tt.want)
			}
		})
	}
}
