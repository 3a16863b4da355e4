package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord/engine"
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
	// A log with an entry missing is refused with the line and entry named.
	data, _ := os.ReadFile(log)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	bad := filepath.Join(t.TempDir(), "gap.ndjson")
	os.WriteFile(bad, []byte(strings.Join(append(lines[:3:3], lines[4:]...), "\n")), 0o644)
	_, errOut, code = runAccord(t, "replay", bad)
	if code != 1 || !strings.Contains(errOut, "gap.ndjson:4: seq: 5 after 3: an entry is missing, repeated or out of order") {
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

// One file: check and status print what they printed before sets
// (testdata/agreement-one, from the binary before them).
func TestAgreementOneFileUnchanged(t *testing.T) {
	tests := []struct {
		golden string
		args   []string
	}{
		{"check-reference.txt", []string{"agreement", "check", "reference"}},
		{"status-compliance.txt", []string{"agreement", "status", "reference", "--log", "../../engine/testdata/compliance.ndjson"}},
		{"status-snapback.json", []string{"agreement", "status", "reference", "--log", "../../engine/testdata/snapback.ndjson", "--json"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", "agreement-one", tt.golden))
			if err != nil {
				t.Fatal(err)
			}
			out, errOut, code := runAccord(t, tt.args...)
			if code != 0 || out != string(want) {
				t.Errorf("exit %d %s\n%s\nwant\n%s", code, errOut, out, want)
			}
		})
	}
}

// check and status of several agreements side by side.
func TestAgreementSetCheckStatus(t *testing.T) {
	const d = "../../engine/testdata/set/"
	cf, gc, pe := d+"ceasefire.yaml", d+"grain-corridor.yaml", d+"prisoner-exchange.yaml"
	dir := t.TempDir()
	write := func(name, from, old, new string) string {
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), old) {
			t.Fatalf("%s lacks %q", from, old)
		}
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644)
		return p
	}
	// The grain corridor reads the ceasefire's phase: a cycle of two; the
	// prisoner exchange's read by the corridor: a cycle of three.
	gc2 := write("gc2.yaml", gc, `entry: "true"`, `entry: "phase(ceasefire/ceasefire) == open"`)
	gc3 := write("gc3.yaml", gc, `entry: "true"`, `entry: "agreement(prisoner-exchange) == in_force"`)
	pe3 := write("pe3.yaml", pe, `phase(grain-corridor/inspections) == open`, `provision(ceasefire/withdrawal) == done`)
	log, _ := os.ReadFile(d + "compliance.ndjson")
	unknown := filepath.Join(dir, "unknown.ndjson")
	lines := strings.SplitAfter(string(log), "\n")
	os.WriteFile(unknown, []byte(lines[0]+lines[1]+`{"seq":3,"at":"2025-12-01T06:00:00Z","type":"sign","agreement":"ceasefire","party":"ua"}`+"\n"), 0o644)
	tests := []struct {
		name string
		args []string
		code int
		want []string // in stdout (exit 0) or stderr
	}{
		{"check a set of three", []string{"check", cf, gc, pe}, 0, []string{"ceasefire: valid\n", "grain-corridor: valid\n", "prisoner-exchange: valid\n",
			"set of 3 agreements: valid; settled after each entry in the order grain-corridor, prisoner-exchange, ceasefire\n  ceasefire reads grain-corridor, prisoner-exchange\n  prisoner-exchange reads grain-corridor\n"}},
		{"check a file alone that needs others", []string{"check", cf}, 1, []string{"it needs grain-corridor, prisoner-exchange; check it together with their files, as a set",
			`line 16: phases[1] (reconstruction).entry: column 7: unknown agreement "grain-corridor": the agreement is checked alone`}},
		{"check without an agreement read", []string{"check", cf, gc}, 1, []string{`ceasefire.yaml: line 16: phases[1] (reconstruction).entry: column 129: unknown agreement "prisoner-exchange" (the set has grain-corridor)`}},
		{"check a cycle of two", []string{"check", cf, gc2, pe}, 1, []string{"a cycle between agreements: ceasefire -> grain-corridor -> ceasefire (", "ceasefire.yaml: line 12: provisions[1] (corridor-demining).after reads grain-corridor; ", "gc2.yaml: line 11: phases[0] (inspections).entry, column 7, reads ceasefire): each must be settled after the other"}},
		{"check a cycle of three", []string{"check", cf, gc3, pe3}, 1, []string{"a cycle between agreements: ceasefire -> grain-corridor -> prisoner-exchange -> ceasefire (", "gc3.yaml: line 11: phases[0] (inspections).entry, column 11, reads prisoner-exchange; ", "pe3.yaml: line 10: phases[0] (exchange).entry, column 11, reads ceasefire)"}},
		{"check a duplicate", []string{"check", gc, gc}, 1, []string{`"grain-corridor" is the id of ../../engine/testdata/set/grain-corridor.yaml too`}},
		{"check a missing file", []string{"check", gc, d + "none.yaml"}, 1, []string{"agreement ../../engine/testdata/set/none.yaml: open"}},
		{"status of three", []string{"status", cf, gc, pe, "--log", d + "violation.ndjson"}, 0, []string{"ceasefire at 2026-02-09T00:00:01Z (log entry 15): in force since 2025-12-01T06:00:00Z\n", "reconstruction  open    2026-02-09T00:00:01Z", "port-credit         released  2026-01-30T00:00:00Z",
			"\n\ngrain-corridor at 2026-02-09T00:00:01Z (log entry 15)", "snapback (violation g1): effective since 2026-01-26T00:00:00Z\n\nprisoner-exchange at"}},
		{"status of a log with an unknown agreement", []string{"status", gc, pe, "--log", unknown}, 1, []string{`log entry 3 (sign at 2025-12-01T06:00:00Z): no agreement "ceasefire" in the set (grain-corridor, prisoner-exchange)`}},
		{"status, entries without an agreement are the first file's", []string{"status", gc, cf, pe, "--log", d + "violation.ndjson"}, 1, []string{"log entry 3 (sign at 2025-12-01T06:00:00Z): ua signed already"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runAccord(t, append([]string{"agreement"}, tt.args...)...)
			got := out
			if tt.code != 0 {
				got = errOut
			}
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("%s\nwant %q", got, w)
				}
			}
		})
	}
	// --json: an array of the states in the order of the files, each the
	// bytes of the state; a log entry for an agreement not in the set.
	out, errOut, code := runAccord(t, "agreement", "status", cf, pe, gc, "--log", d+"compliance.ndjson", "--json")
	if code != 0 {
		t.Fatalf("exit %d %s", code, errOut)
	}
	var states []engine.State
	if err := json.Unmarshal([]byte(out), &states); err != nil || len(states) != 3 {
		t.Fatalf("%v %d\n%s", err, len(states), out)
	}
	if states[0].Agreement != "ceasefire" || states[1].Agreement != "prisoner-exchange" || states[2].Agreement != "grain-corridor" || states[0].Phases[1].Status != engine.Open {
		t.Errorf("states %s %s %s %+v", states[0].Agreement, states[1].Agreement, states[2].Agreement, states[0].Phases)
	}
	again, _, _ := runAccord(t, "agreement", "status", cf, pe, gc, "--log", d+"compliance.ndjson", "--json")
	if again != out {
		t.Error("two runs differ")
	}
}
