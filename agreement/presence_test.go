package agreement_test

import (
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/scenarios"
)

func TestNuclearPlantAgreementLoads(t *testing.T) {
	a, err := agreement.LoadFS(scenarios.FS, scenarios.NuclearPlantAgreement)
	if err != nil {
		t.Fatal(err)
	}
	m := a.Monitoring
	if len(m.Presence) != 1 {
		t.Fatalf("presence: %+v", m.Presence)
	}
	p := m.Presence[0]
	if p.Rule() != "presence:iaea-znpp" || p.Period() != 24*time.Hour || p.GraceTime() != 6*time.Hour || p.Party != "ru" || p.SourceOwner != "iaea" {
		t.Errorf("presence %+v", p)
	}
	for _, id := range []string{"znpp-safety-zone", "power-line-dniprovska-750kv", "power-line-ferosplavna-330kv"} {
		if z := m.Geometry.Zone(id); z == nil || z.Role != "protected_site" {
			t.Errorf("zone %s: %+v", id, z)
		}
	}
	if m.Geometry.Zone("znpp") != nil {
		t.Error("the plant's zone id must differ from the comprehensive agreement's znpp")
	}
	rules := a.Names().Rules
	for _, r := range []string{"presence:iaea-znpp", "zone:znpp-safety-zone", "zone-from:znpp-safety-zone", "zone:power-line-dniprovska-750kv", "zone:power-line-ferosplavna-330kv"} {
		if !slices.Contains(rules, r) {
			t.Errorf("rule %s not among %v", r, rules)
		}
	}
	for rule, want := range map[string]string{
		"zone:znpp-safety-zone":             "grave",
		"zone-from:znpp-safety-zone":        "grave",
		"zone:power-line-ferosplavna-330kv": "major",
		"zone:power-line-dniprovska-750kv":  "major",
		"presence:iaea-znpp":                "major",
	} {
		if got := a.SeverityOf(rule); got != want {
			t.Errorf("severity of %s: %s, want %s", rule, got, want)
		}
	}
	if g := a.Guarantors(); !slices.Equal(g, []string{"us", "cn-gs"}) {
		t.Errorf("guarantors %v", g)
	}
}

func TestPresenceErrors(t *testing.T) {
	base, err := fs.ReadFile(scenarios.FS, scenarios.NuclearPlantAgreement)
	if err != nil {
		t.Fatal(err)
	}
	geometry, err := fs.ReadFile(scenarios.FS, "ukraine-2025/monitoring/nuclear-plant.geojson")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, old, new, want string }{
		{"no zone", "zone: znpp-safety-zone\n      source_owner", "zone: znpp\n      source_owner", `monitoring.presence[0].zone: no zone "znpp" in monitoring/nuclear-plant.geojson`},
		{"bad period", "every: 24h", "every: 1w", `monitoring.presence[0].every: want a positive duration such as 24h or 1d, got "1w"`},
		{"zero period", "every: 24h", "every: 0h", `monitoring.presence[0].every: want a positive duration`},
		{"bad grace", "grace: 6h", "grace: soon", `monitoring.presence[0].grace: "soon"`},
		{"not a party", "party: ru\n      provision: znpp.iaea", "party: iaea\n      provision: znpp.iaea", `monitoring.presence[0].party: "iaea" is not among the parties [ua ru]`},
		{"unknown provision", "provision: znpp.iaea-daily-report\n      source", "provision: znpp.weekly\n      source", `monitoring.presence[0].provision: no provision or point "znpp.weekly"`},
		{"no owner", "source_owner: iaea", "source_owner: \"\"", "monitoring.presence[0].source_owner: missing"},
		{"bad id", "id: iaea-znpp", "id: IAEA ZNPP", `monitoring.presence[0].id: missing, repeated or not [a-z0-9-]: "IAEA ZNPP"`},
		{"bad start", "grace: 6h", "grace: 6h\n      start: tomorrow", `monitoring.presence[0].start: want an RFC 3339 date or instant, got "tomorrow"`},
		{"unknown phase", "grace: 6h", "grace: 6h\n      from: phase:later", `monitoring.presence[0].from: no phase "later"`},
		{"unknown field", "grace: 6h", "grace: 6h\n      every_day: true", "every_day"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(string(base), tt.old) {
				t.Fatalf("%q not in the agreement", tt.old)
			}
			text := strings.Replace(string(base), tt.old, tt.new, 1)
			fsys := fstest.MapFS{"a.yaml": {Data: []byte(text)}, "monitoring/nuclear-plant.geojson": {Data: geometry}}
			_, err := agreement.LoadFS(fsys, "a.yaml")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
	start := strings.Replace(string(base), "grace: 6h", "grace: 6h\n      start: 2025-06-01", 1)
	a, err := agreement.LoadFS(fstest.MapFS{"a.yaml": {Data: []byte(start)}, "monitoring/nuclear-plant.geojson": {Data: geometry}}, "a.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Monitoring.Presence[0].StartTime(); !got.Equal(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("start %v", got)
	}
}

// The comprehensive ceasefire and the nuclear plant agreement merge into
// one monitoring section: the nuclear plant's zones and presence duty
// beside the ceasefire's, each rule owned by its agreement.
func TestNuclearPlantMergesWithTheCeasefire(t *testing.T) {
	ceasefire, err := agreement.LoadFS(scenarios.FS, scenarios.ReferenceAgreement)
	if err != nil {
		t.Fatal(err)
	}
	npp, err := agreement.LoadFS(scenarios.FS, scenarios.NuclearPlantAgreement)
	if err != nil {
		t.Fatal(err)
	}
	m, owner, err := agreement.Merge([]*agreement.Agreement{ceasefire, npp})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Presence) != 1 || m.Presence[0].Rule() != "presence:iaea-znpp" || m.Presence[0].Period() != 24*time.Hour {
		t.Errorf("presence %+v", m.Presence)
	}
	for rule, want := range map[string]string{
		"presence:iaea-znpp":                "ukraine-2025-znpp-safety",
		"zone:znpp-safety-zone":             "ukraine-2025-znpp-safety",
		"zone-from:znpp-safety-zone":        "ukraine-2025-znpp-safety",
		"zone:power-line-ferosplavna-330kv": "ukraine-2025-znpp-safety",
		"zone:znpp":                         "ukraine-2025-ceasefire",
		"crossing":                          "ukraine-2025-ceasefire",
	} {
		if got := owner(rule); got != want {
			t.Errorf("owner of %s: %q, want %q", rule, got, want)
		}
	}
	if m.Geometry.Zone("znpp-safety-zone") == nil || m.Geometry.Zone("znpp") == nil || len(m.Geometry.Parts) == 0 {
		t.Error("the merged geometry lacks a zone or the ceasefire's line")
	}
	// The three reference agreements on one record, read as a set (the
	// grain corridor's conditions read the ceasefire's).
	read := func(n string) ([]byte, error) { return fs.ReadFile(scenarios.FS, n) }
	set, err := agreement.ReadSet(read, path.Join, scenarios.ReferenceAgreement, scenarios.GrainCorridor, scenarios.NuclearPlantAgreement)
	if err != nil {
		t.Fatal(err)
	}
	m, owner, err = agreement.Merge(set)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Presence) != 1 || owner("presence:iaea-znpp") != "ukraine-2025-znpp-safety" || m.Corridor == nil {
		t.Errorf("merged with the grain corridor: presence %+v, owner %q", m.Presence, owner("presence:iaea-znpp"))
	}
}
