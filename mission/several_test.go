package mission_test

import (
	"context"
	"strings"
	"testing"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
)

// A mission of several agreements runs their merged geometry: given the
// main agreement's kernel alone it refuses to start, saying what to do;
// without a kernel it builds the merged one; a rule of an agreement beside
// the main one belongs to that agreement, and so does its provision.
func TestSeveralAgreementsOpen(t *testing.T) {
	_, k := mustReference(t)
	set, err := agreement.LoadSet("../scenarios/ukraine-2025/agreement.yaml", "../scenarios/ukraine-2025/grain-corridor.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := mission.Config{Agreement: set[0], Others: set[1:], Observations: monitor.NewMemStore(), Incidents: monitor.NewMemIncidentStore()}
	bad := cfg
	bad.Kernel = k
	if _, err := mission.Open(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "leave Config.Kernel nil") {
		t.Fatalf("the main agreement's kernel with another beside it: %v, want refused", err)
	}
	m, err := mission.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Kernel().Geometry().Zone("bsgi-lane") == nil || m.Kernel().Geometry().Zone("znpp") == nil {
		t.Error("the kernel built is not of the merged geometry")
	}
	sts, err := m.States()
	if err != nil || len(sts) != 2 || sts[0].Agreement != "ukraine-2025-ceasefire" || sts[1].Agreement != "ukraine-2025-grain-corridor" {
		t.Fatalf("states %v, %v", sts, err)
	}
	if _, err := m.ProvisionDone(context.Background(), "corridor-route", "ua"); err == nil || !strings.Contains(err.Error(), "did you mean ukraine-2025-grain-corridor/corridor-route") {
		t.Errorf("an unqualified provision of the corridor: %v, want a hint to qualify it", err)
	}
	if _, err := m.ProvisionDone(context.Background(), "nope/x", "ua"); err == nil || !strings.Contains(err.Error(), `no provision "nope/x"`) {
		t.Errorf("an unknown agreement's provision: %v", err)
	}
}
