package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// simulate nuclear-plant's stream, run through monitor run with the
// nuclear plant agreement, gives the injected breaches and no other
// violation; a bad --breach is a usage error.
func TestSimulateNuclearPlant(t *testing.T) {
	dir := t.TempDir()
	obs := filepath.Join(dir, "npp.ndjson")
	out, errs, code := runAccord(t, "simulate", "nuclear-plant", "--days", "4", "--seed", "3",
		"--breach", "missing_report@2", "--breach", "power_line_strike@3", "--truth", filepath.Join(dir, "truth.ndjson"))
	if code != 0 {
		t.Fatalf("simulate nuclear-plant: exit %d: %s", code, errs)
	}
	if err := os.WriteFile(obs, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	again, _, _ := runAccord(t, "simulate", "nuclear-plant", "--days", "4", "--seed", "3",
		"--breach", "missing_report@2", "--breach", "power_line_strike@3")
	if again != out {
		t.Error("two streams for one seed")
	}
	ins, errs, code := runAccord(t, "monitor", "run", "nuclear-plant", obs, "--json")
	if code != 0 {
		t.Fatalf("monitor run: exit %d: %s", code, errs)
	}
	var rules []string
	for _, line := range strings.Split(strings.TrimSpace(ins), "\n") {
		if i := strings.Index(line, `"rule":"`); i >= 0 {
			rules = append(rules, strings.SplitN(line[i+8:], `"`, 2)[0])
		}
	}
	if want := []string{"presence:iaea-znpp", "zone:power-line-ferosplavna-330kv"}; strings.Join(rules, " ") != strings.Join(want, " ") {
		t.Errorf("violations of %v, want %v", rules, want)
	}
	if !strings.Contains(ins, `"id":"presence:iaea-znpp:2025-06-02"`) {
		t.Error("no missing report for 2025-06-02")
	}
	if _, errs, code := runAccord(t, "simulate", "nuclear-plant", "--breach", "sabotage@2"); code == 0 || !strings.Contains(errs, "sabotage") {
		t.Errorf("--breach sabotage@2: exit %d: %s", code, errs)
	}
}
