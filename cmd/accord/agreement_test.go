package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReplayIsReproducible(t *testing.T) {
	log := "../../engine/testdata/snapback.ndjson"
	a, errOut, code := runAccord(t, "replay", log)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, _, _ := runAccord(t, "replay", log, "--agreement", "../../scenarios/ukraine-2025/agreement.yaml")
	if a != b || !strings.Contains(a, "state sha256 ") || !strings.Contains(a, "snapback (violation v1): effective") {
		t.Errorf("replays differ or miss the snapback:\n%s\n---\n%s", a, b)
	}
	js, _, code := runAccord(t, "replay", log, "--json")
	if code != 0 || !strings.Contains(js, `"status": "reimposed"`) {
		t.Errorf("--json: exit %d\n%s", code, js)
	}
	// A log with an entry missing is refused with the entry named.
	data, _ := os.ReadFile(log)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	bad := filepath.Join(t.TempDir(), "gap.ndjson")
	os.WriteFile(bad, []byte(strings.Join(append(lines[:3:3], lines[4:]...), "\n")), 0o644)
	_, errOut, code = runAccord(t, "replay", bad)
	if code != 1 || !strings.Contains(errOut, "log entry 5 (tick at 2026-01-01T00:00:00Z): sequence number 5, want 4") {
		t.Errorf("gap: exit %d %s", code, errOut)
	}
}

func TestAgreementCheckStatusDraft(t *testing.T) {
	out, errOut, code := runAccord(t, "agreement", "check", "reference")
	if code != 0 || !strings.Contains(out, "ukraine-2025-ceasefire: valid") {
		t.Fatalf("check reference: exit %d %s %s", code, out, errOut)
	}
	out, _, code = runAccord(t, "agreement", "status", "reference", "--log", "../../engine/testdata/compliance.ndjson")
	if code != 0 || !strings.Contains(out, "reconstruction  open") || !strings.Contains(out, "relief-3  released") {
		t.Errorf("status: exit %d\n%s", code, out)
	}
	// A cycle between phase conditions.
	data, _ := os.ReadFile("../../scenarios/ukraine-2025/agreement.yaml")
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "monitoring"), 0o755)
	geom, _ := os.ReadFile("../../scenarios/ukraine-2025/monitoring/geometry.geojson")
	os.WriteFile(filepath.Join(dir, "monitoring", "geometry.geojson"), geom, 0o644)
	cyclic := strings.Replace(string(data), `entry: "true"`, `entry: "phase(permanent) == open"`, 1)
	os.WriteFile(filepath.Join(dir, "agreement.yaml"), []byte(cyclic), 0o644)
	_, errOut, code = runAccord(t, "agreement", "check", filepath.Join(dir, "agreement.yaml"))
	if code != 1 || !strings.Contains(errOut, "phases[0] (ceasefire-30).entry: depends on phase permanent") {
		t.Errorf("cyclic: exit %d %s", code, errOut)
	}
	// A draft from the Nash package passes check.
	out, errOut, code = runAccord(t, "agreement", "draft", "../../scenarios/ukraine-2025", "--package", "nash")
	if code != 0 {
		t.Fatalf("draft: exit %d %s", code, errOut)
	}
	draft := filepath.Join(dir, "draft.yaml")
	os.WriteFile(draft, []byte(out), 0o644)
	if out, errOut, code = runAccord(t, "agreement", "check", draft); code != 0 {
		t.Errorf("draft does not check: exit %d %s %s", code, out, errOut)
	}
	_, errOut, code = runAccord(t, "agreement", "draft", "../../scenarios/ukraine-2025", "--package", "no-such")
	if code != 1 || !strings.Contains(errOut, `--package "no-such": not a solution concept`) {
		t.Errorf("unknown package: exit %d %s", code, errOut)
	}
}
