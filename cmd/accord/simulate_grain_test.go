package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --grain adds the grain corridor's vessels; --grain-breach injects
// breaches, one truth line each; a breach without --grain or of an unknown
// kind is a usage error.
func TestSimulateGrain(t *testing.T) {
	args := []string{"simulate", "--seed", "2", "--duration", "30h", "--rate", "0", "--false-alarms", "0"}
	plain, errs, code := runAccord(t, args...)
	if code != 0 {
		t.Fatalf("simulate: exit %d: %s", code, errs)
	}
	grain, errs, code := runAccord(t, append(args, "--grain")...)
	if code != 0 {
		t.Fatalf("simulate --grain: exit %d: %s", code, errs)
	}
	if strings.Contains(plain, `"vessel"`) || strings.Count(grain, `"event":"vessel"`) < 100 || !strings.Contains(grain, `"event":"inspection"`) {
		t.Errorf("vessel reports: %d without --grain, %d with", strings.Count(plain, `"event":"vessel"`), strings.Count(grain, `"event":"vessel"`))
	}
	truth := filepath.Join(t.TempDir(), "truth.ndjson")
	_, errs, code = runAccord(t, append(args, "--grain", "--grain-breach", "outside,uninspected,attack", "--truth", truth)...)
	if code != 0 {
		t.Fatalf("simulate --grain-breach: exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(truth)
	if err != nil {
		t.Fatal(err)
	}
	for _, rule := range []string{`"violation":"corridor:outside","party":"ua"`, `"violation":"corridor:uninspected","party":"ua"`, `"violation":"zone:bsgi-corridor","party":"ru"`} {
		if !strings.Contains(string(b), rule) {
			t.Errorf("truth lacks %s:\n%s", rule, b)
		}
	}
	for _, bad := range [][]string{{"--grain-breach", "attack"}, {"--grain", "--grain-breach", "mutiny"}} {
		if _, errs, code := runAccord(t, append(args, bad...)...); code != 2 || !strings.Contains(errs, "--grain") {
			t.Errorf("%v: exit %d, %s", bad, code, errs)
		}
	}
}
