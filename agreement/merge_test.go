package agreement_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/accord-peace/accord/agreement"
)

func load(t *testing.T, path string) *agreement.Agreement {
	t.Helper()
	a, err := agreement.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// variant writes an agreement file (and copies the geometry files) into a
// temporary folder and loads it.
func variant(t *testing.T, name, yaml string) *agreement.Agreement {
	t.Helper()
	dir := t.TempDir()
	for _, g := range []string{"line.geojson", "zones.geojson"} {
		b, err := os.ReadFile(filepath.Join("testdata/merge", g))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, g), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return load(t, p)
}

func readTestdata(t *testing.T, name string) string {
	b, err := os.ReadFile(filepath.Join("testdata/merge", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMerge(t *testing.T) {
	line := load(t, "testdata/merge/line.yaml")
	fn := load(t, "testdata/merge/functional.yaml")
	words := load(t, "testdata/merge/nomonitoring.yaml")

	t.Run("one agreement: its own section, unchanged", func(t *testing.T) {
		for _, as := range [][]*agreement.Agreement{{line}, {words, line}, {line, words}} {
			m, owner, err := agreement.Merge(as)
			if err != nil {
				t.Fatal(err)
			}
			if m != line.Monitoring {
				t.Errorf("Merge of one section returned another section")
			}
			if owner("crossing") != "line" || owner("zone:site") != "line" || owner("band:artillery") != "line" || owner("zone:nowhere") != "" {
				t.Errorf("owner: crossing %q, zone:site %q, band:artillery %q, zone:nowhere %q",
					owner("crossing"), owner("zone:site"), owner("band:artillery"), owner("zone:nowhere"))
			}
		}
	})

	t.Run("the ceasefire and a functional agreement", func(t *testing.T) {
		m, owner, err := agreement.Merge([]*agreement.Agreement{line, words, fn})
		if err != nil {
			t.Fatal(err)
		}
		if m.Sides != line.Monitoring.Sides || len(m.Geometry.Parts) != len(line.Monitoring.Geometry.Parts) || m.Crossing != line.Monitoring.Crossing {
			t.Errorf("the first agreement's line, sides and crossing are not the merged section's")
		}
		var zones []string
		for _, z := range m.Geometry.Zones {
			zones = append(zones, z.ID)
		}
		if want := []string{"dmz", "site", "f-lane", "f-buffer", "f-port", "f-inspection"}; !slices.Equal(zones, want) {
			t.Errorf("zones %v, want %v", zones, want)
		}
		// The ceasefire's rule on every protected site is spelt out on its
		// own sites: the functional agreement's port (a protected site too)
		// is not the ceasefire's.
		rules := m.Rules()
		if want := []string{"band:artillery", "zone:dmz", "zone:site", "zone:f-buffer", "crossing", "corridor:outside", "corridor:uninspected"}; !slices.Equal(rules, want) {
			t.Errorf("rules %v, want %v", rules, want)
		}
		if m.Corridor != fn.Monitoring.Corridor {
			t.Errorf("corridor section not the functional agreement's")
		}
		for rule, want := range map[string]string{
			"zone:dmz": "line", "zone:site": "line", "band:artillery": "line", "crossing": "line",
			"zone:f-buffer": "functional", "corridor:outside": "functional", "corridor:uninspected": "functional",
			"zone:f-port": "", "overflight": "", "ceiling:dmz:tank": "",
		} {
			if got := owner(rule); got != want {
				t.Errorf("owner(%q) = %q, want %q", rule, got, want)
			}
		}
		// The sections merged are left as they were.
		if len(line.Monitoring.Geometry.Zones) != 2 || line.Monitoring.Zones[1].Role != "protected_site" {
			t.Errorf("Merge changed an agreement's own section")
		}
	})

	funcYAML := readTestdata(t, "functional.yaml")
	errs := []struct {
		name string
		as   func(t *testing.T) []*agreement.Agreement
		want []string
	}{
		{"no section", func(t *testing.T) []*agreement.Agreement { return []*agreement.Agreement{words} },
			[]string{"no agreement has a monitoring section"}},
		{"the same agreement twice", func(t *testing.T) []*agreement.Agreement { return []*agreement.Agreement{line, line} },
			[]string{`agreement "line" is given twice`}},
		{"a zone id in two geometries", func(t *testing.T) []*agreement.Agreement {
			return []*agreement.Agreement{fn, variant(t, "other.yaml", strings.Replace(funcYAML, "agreement: functional", "agreement: other", 1))}
		}, []string{`zone "f-lane" is defined by both agreement "functional" (testdata/merge/functional.yaml, geometry zones.geojson) and agreement "other" (`, "other.yaml, geometry zones.geojson)"}},
		{"a rule two agreements produce", func(t *testing.T) []*agreement.Agreement {
			return []*agreement.Agreement{fn, variant(t, "other.yaml", strings.Replace(funcYAML, "agreement: functional", "agreement: other", 1))}
		}, []string{`rule "corridor:outside" is produced by both agreement "functional"`, "two corridor sections"}},
		{"a band id twice", func(t *testing.T) []*agreement.Agreement {
			return []*agreement.Agreement{line, variant(t, "l2.yaml", strings.Replace(readTestdata(t, "line.yaml"), "agreement: line", "agreement: l2", 1))}
		}, []string{`band "artillery" is defined by both agreement "line"`, `rule "band:artillery" is produced by both`}},
		{"a functional agreement's crossing", func(t *testing.T) []*agreement.Agreement {
			// Load refuses it (a crossing needs sides and a line): an
			// agreement built in code.
			f2 := *fn
			m := *fn.Monitoring
			m.Crossing = &agreement.Crossing{Provision: "safe-passage"}
			f2.ID, f2.Monitoring = "f2", &m
			return []*agreement.Agreement{line, &f2}
		}, []string{`agreement "f2" (`, `agreement "f2" (testdata/merge/functional.yaml, geometry zones.geojson): a crossing rule is measured from the contact line of agreement "line" (testdata/merge/line.yaml, geometry line.geojson), which it does not hold (its geometry has no contact line)`}},
		{"a second line agreement's bands", func(t *testing.T) []*agreement.Agreement {
			y := strings.NewReplacer("agreement: line", "agreement: l2", "id: artillery", "id: artillery-2", "zone: dmz", "zone: dmz").Replace(readTestdata(t, "line.yaml"))
			return []*agreement.Agreement{fn, variant(t, "l2.yaml", y)}
		}, []string{`bands artillery-2 are measured from the contact line of agreement "functional"`, "its own contact line is not judged"}},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			m, owner, err := agreement.Merge(tt.as(t))
			if err == nil {
				t.Fatalf("no error (section %v, owner %v)", m != nil, owner != nil)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nwant it to say %q", err, w)
				}
			}
		})
	}
}

// A functional agreement's geometry may hold zones only; an agreement
// whose rules are measured from a line still needs one.
func TestZonesOnlyGeometry(t *testing.T) {
	fn := load(t, "testdata/merge/functional.yaml")
	if g := fn.Monitoring.Geometry; len(g.Parts) != 0 || len(g.Zones) != 4 {
		t.Errorf("functional geometry: %d parts, %d zones", len(g.Parts), len(g.Zones))
	}
	line := readTestdata(t, "line.yaml")
	dir := t.TempDir()
	zones, _ := os.ReadFile("testdata/merge/zones.geojson")
	os.WriteFile(filepath.Join(dir, "line.geojson"), zones, 0o644)
	y := strings.NewReplacer("zone: dmz", "zone: f-lane", "role: protected_site", "zone: f-port").Replace(line)
	os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(y), 0o644)
	_, err := agreement.Load(filepath.Join(dir, "a.yaml"))
	if err == nil || !strings.Contains(err.Error(), `line.geojson: features: no feature with role "contact_line": the contact line is required`) {
		t.Errorf("an agreement with bands on a geometry without a line: %v", err)
	}
	// The corridor's zones must exist.
	y = strings.Replace(readTestdata(t, "functional.yaml"), "zone: f-lane", "zone: f-nowhere", 1)
	os.WriteFile(filepath.Join(dir, "zones.geojson"), zones, 0o644)
	os.WriteFile(filepath.Join(dir, "f.yaml"), []byte(y), 0o644)
	if _, err := agreement.Load(filepath.Join(dir, "f.yaml")); err == nil || !strings.Contains(err.Error(), `monitoring.corridor.zone: no zone "f-nowhere" in zones.geojson`) {
		t.Errorf("a corridor naming a missing zone: %v", err)
	}
}

func TestCorridorErrors(t *testing.T) {
	head := "agreement: f\nparties: [ua, ru]\nprovisions:\n  - id: passage\nmonitoring:\n  geometry: zones.geojson\n"
	tests := []struct{ name, yaml, want string }{
		{"no ends", head + "  corridor: {zone: l, inspection: [i], outside: {provision: passage, responsible: ua}}\n", "monitoring.corridor.ends: name the corridor's two ends"},
		{"no rule", head + "  corridor: {zone: l, ends: [a, b], inspection: [i]}\n", "monitoring.corridor: no rule"},
		{"responsible not a party", head + "  corridor: {zone: l, ends: [a, b], inspection: [i], outside: {provision: passage, responsible: tr}}\n", `monitoring.corridor.outside.responsible: "tr": name the party`},
		{"unknown provision", head + "  corridor: {zone: l, ends: [a, b], inspection: [i], uninspected: {provision: nowhere, responsible: ua}}\n", `monitoring.corridor.uninspected.provision: no provision or point "nowhere"`},
		{"one side only", head + "  sides: {left: ua}\n", "monitoring.sides: name two different parties"},
		{"a rule's party not a party", head + "  zone_rules: [{zone: l, forbid: [strike], parties: [us], provision: passage}]\n", `monitoring.zone_rules[0].parties: "us" is not among the parties [ua ru]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := agreement.Parse("f.yaml", []byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to say %q", err, tt.want)
			}
		})
	}
}
