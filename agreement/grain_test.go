package agreement_test

import (
	"strings"
	"testing"

	"github.com/accord-peace/accord/agreement"
)

// The reference grain corridor loads beside the ceasefire and merges with
// it: the corridor's rules and its attack zone are the grain agreement's.
func TestLoadGrainCorridor(t *testing.T) {
	// The corridor reads the ceasefire's state: loaded as a set.
	as, err := agreement.LoadSet("../scenarios/ukraine-2025/agreement.yaml", "../scenarios/ukraine-2025/grain-corridor.yaml")
	if err != nil {
		t.Fatal(err)
	}
	g := as[1]
	if _, err := agreement.Load("../scenarios/ukraine-2025/grain-corridor.yaml"); err == nil || !strings.Contains(err.Error(), "it needs ukraine-2025-ceasefire") {
		t.Errorf("the corridor alone: %v, want it to need the ceasefire", err)
	}
	c := g.Monitoring.Corridor
	if c == nil || c.Zone != "bsgi-lane" || c.OutsideReports() != 2 || len(g.Monitoring.Geometry.Parts) != 0 {
		t.Fatalf("grain corridor: %+v", c)
	}
	ceasefire := as[0]
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
