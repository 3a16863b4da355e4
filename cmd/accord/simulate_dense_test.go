package main

import (
	"strings"
	"testing"
)

// --dense gives another stream than the default, the same one for the same
// seed, and one whose fire clusters: far more shots than the default run
// makes at the same rate.
func TestSimulateDense(t *testing.T) {
	args := []string{"simulate", "--seed", "2", "--duration", "2h", "--rate", "100"}
	sparse, errs, code := runAccord(t, args...)
	if code != 0 {
		t.Fatalf("simulate: exit %d: %s", code, errs)
	}
	dense, errs, code := runAccord(t, append(args, "--dense")...)
	if code != 0 {
		t.Fatalf("simulate --dense: exit %d: %s", code, errs)
	}
	again, _, _ := runAccord(t, append(args, "--dense")...)
	if dense != again {
		t.Error("simulate --dense gave two streams for one seed")
	}
	if dense == sparse {
		t.Fatal("simulate --dense gave the default stream")
	}
	shots := func(s string) int { return strings.Count(s, `"event":"firing"`) }
	if shots(dense) < 2*shots(sparse) {
		t.Errorf("%d firing reports with --dense, %d without: want the dense run's shots to dominate", shots(dense), shots(sparse))
	}
}
