package agreement_test

import (
	"os"
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
		{"empty file", "", "a.yaml: empty: an agreement is a YAML document"},
		{"comments only", "# nothing yet\n", "a.yaml: empty"},
		{"a scenario", "id: s\nparties: [{id: ua}]\nissues: [{id: i}]\npositions: [{party: ua}]\n", "a.yaml: a negotiation scenario (issues, positions: spec/scenario.md), not an agreement"},
		{"an agreement with a typo is not called a scenario", base + "issues: 1\npositions: 2\n", "field issues not found"},
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

// The rules' bad input: precise errors with the line and the field.
func TestRuleErrors(t *testing.T) {
	head := "agreement: a\nparties: [ua, ru]\nprovisions:\n  - id: ceasefire\n    points: [ceasefire.dmz]\nmonitoring:\n  geometry: g.geojson\n  sides: {left: ua, right: ru}\n"
	tests := []struct{ name, yaml, want string }{
		{"minimum caliber above the maximum", head + "  bands:\n    - id: b\n      equipment: [artillery]\n      min_caliber_mm: 120\n      max_caliber_mm: 100\n      distance_km: 1\n      provision: ceasefire\n",
			"line 12: monitoring.bands[0].min_caliber_mm: the minimum caliber 120 exceeds the maximum 100"},
		{"a maximum and a bound below", head + "  bands: [{id: b, equipment: [mortar], max_caliber_mm: 120, below_caliber_mm: 100, distance_km: 1, provision: ceasefire}]\n",
			"not both"},
		{"a class's range for a class the band lacks", head + "  bands:\n    - id: b\n      equipment: [tank]\n      calibers: {mortar: {max_mm: 120}}\n      distance_km: 1\n      provision: ceasefire\n",
			`line 12: monitoring.bands[0].calibers.mortar: "mortar" is not among the band's classes`},
		{"a range governing no caliber", head + "  bands: [{id: b, equipment: [artillery], calibers: {artillery: {min_mm: 100, below_mm: 100}}, distance_km: 1, provision: ceasefire}]\n",
			"the band governs no caliber"},
		{"a band for a party holding no side", head + "  bands: [{id: b, equipment: [tank], parties: [us], distance_km: 1, provision: ceasefire}]\n",
			`monitoring.bands[0].parties: "us" holds no side of the line`},
		{"a provision that does not exist", head + "  zone_rules:\n    - zone: dmz\n      forbid: [firing]\n      provision: ceasefire.nowhere\n",
			`line 12: monitoring.zone_rules[0].provision: no provision or point "ceasefire.nowhere" in the agreement (provisions and points: ceasefire, ceasefire.dmz)`},
		{"fire neither on nor from", head + "  zone_rules: [{zone: dmz, forbid: [firing], fire: onto, provision: ceasefire.dmz}]\n",
			`fire: "onto": want "on"`},
		{"a zone rule for an unknown class", head + "  zone_rules: [{zone: dmz, forbid: [heavy_weapon], equipment: [tanks], provision: ceasefire.dmz}]\n",
			`equipment: unknown class "tanks"`},
		{"a ceiling of a class and of classes", head + "  ceilings: [{zone: z, equipment: tank, classes: [acv], max: 1, provision: ceasefire}]\n",
			"name one class (equipment) or several combined (classes), not both"},
		{"a ceiling by the week", head + "  ceilings: [{zone: z, classes: [tank, acv], basis: week, max: 1, provision: ceasefire}]\n",
			`basis: "week": want "instant"`},
		{"a ceiling for a party holding no side", head + "  ceilings: [{zone: z, equipment: tank, parties: [eu], max: 1, provision: ceasefire}]\n",
			`monitoring.ceilings[0].parties: "eu" holds no side`},
		{"crossing by an unknown class", head + "  crossing: {equipment: [howitzer], provision: ceasefire}\n",
			`monitoring.crossing.equipment: unknown class "howitzer"`},
		{"overflight of an unknown kind", head + "  overflight: {events: [balloon], provision: ceasefire}\n",
			`monitoring.overflight.events: unknown event kind "balloon"`},
		{"a rule bound to a phase the agreement lacks", head + "  crossing: {provision: ceasefire, from: phase:permanent}\n",
			`monitoring.crossing.from: no phase "permanent" in the agreement (its phases: none)`},
		{"a rule from a provision that does not exist", head + "  bands: [{id: b, equipment: [tank], distance_km: 1, provision: ceasefire, from: provision:withdrawal}]\n",
			`monitoring.bands[0].from: no provision "withdrawal"`},
		{"a rule until something else", head + "  bands: [{id: b, equipment: [tank], distance_km: 1, provision: ceasefire, until: 2026-01-01}]\n",
			`monitoring.bands[0].until: "2026-01-01": want provision:ID`},
		{"a point repeating a provision", strings.Replace(head, "points: [ceasefire.dmz]", "points: [ceasefire]", 1),
			`provisions[0].points: "ceasefire" is empty or names another provision or point`},
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

// A band farther than the monitor can judge is refused with its line, path
// and id: 2,000 km passed the check, then 'accord monitor run' ran out of
// memory building the geometry's cover.
func TestBandDistanceBound(t *testing.T) {
	ref, err := os.ReadFile("../scenarios/ukraine-2025/agreement.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const old = "distance_km: 25\n"
	if !strings.Contains(string(ref), old) {
		t.Fatalf("the reference lacks %q", old)
	}
	tests := []struct{ distance, want string }{
		{"200", ""},
		{"200.5", `line 151: monitoring.bands[0].distance_km: 200.5 km from the line is beyond what the monitor can judge (band "artillery-100mm"): at most 200 km`},
		{"2000", `line 151: monitoring.bands[0].distance_km: 2000 km from the line`},
		{"30000", `line 151: monitoring.bands[0].distance_km: 30000 km from the line`},
	}
	for _, tt := range tests {
		t.Run(tt.distance, func(t *testing.T) {
			doc := strings.Replace(string(ref), old, "distance_km: "+tt.distance+"\n", 1)
			a, err := agreement.Parse("agreement.yaml", []byte(doc))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v\nwant %q", err, tt.want)
			case tt.want != "" && a != nil:
				t.Fatal("refused, yet an agreement returned")
			}
		})
	}
}
