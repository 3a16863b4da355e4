package agreement_test

import (
	"testing"

	"github.com/accord-peace/accord/agreement"
)

// The reference grain corridor loads beside the ceasefire and merges with
// it: the corridor's rules and its attack zone are the grain agreement's.
func TestLoadGrainCorridor(t *testing.T) {
	g := load(t, "../scenarios/ukraine-2025/grain-corridor.yaml")
	c := g.Monitoring.Corridor
	if c == nil || c.Zone != "bsgi-lane" || c.OutsideReports() != 2 || len(g.Monitoring.Geometry.Parts) != 0 {
		t.Fatalf("grain corridor: %+v", c)
	}
	ceasefire := load(t, "../scenarios/ukraine-2025/agreement.yaml")
	m, owner, err := agreement.Merge([]*agreement.Agreement{ceasefire, g})
	if err != nil {
		t.Fatal(err)
	}
	if m.Geometry.Zone("bsgi-inspection") == nil || m.Geometry.Zone("znpp") == nil || len(m.Geometry.Parts) == 0 {
		t.Errorf("merged geometry lacks a zone or the line")
	}
	for rule, want := range map[string]string{
		"zone:bsgi-corridor": "ukraine-2025-grain-corridor", "corridor:outside": "ukraine-2025-grain-corridor",
		"corridor:uninspected": "ukraine-2025-grain-corridor", "zone:znpp": "ukraine-2025-ceasefire", "crossing": "ukraine-2025-ceasefire",
	} {
		if got := owner(rule); got != want {
			t.Errorf("owner(%q) = %q, want %q", rule, got, want)
		}
	}
	if g.SeverityOf("corridor:outside") != "major" || g.SeverityOf("zone:bsgi-corridor") != "grave" {
		t.Errorf("severities: %s, %s", g.SeverityOf("corridor:outside"), g.SeverityOf("zone:bsgi-corridor"))
	}
}
