package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const ranged = "testdata/ranges.yaml"

// accord robust end to end: the same seed twice gives the same JSON, another
// seed other draws; the probabilities are those of the runs; the text and
// the SVG are written.
func TestRobustCLI(t *testing.T) {
	out1, errs, code := runAccord(t, "robust", ranged, "--runs", "3000", "--seed", "5", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if errs != "" {
		t.Errorf("stderr not a terminal, no --progress, yet: %q", errs)
	}
	out2, _, _ := runAccord(t, "robust", ranged, "--runs", "3000", "--seed", "5", "--json", "--workers", "1")
	if out1 != out2 {
		t.Errorf("same seed, different JSON:\n%s\n%s", out1, out2)
	}
	if out3, _, _ := runAccord(t, "robust", ranged, "--runs", "3000", "--seed", "6", "--json"); out3 == out1 {
		t.Errorf("seeds 5 and 6 give the same JSON")
	}
	var r struct {
		Scenario string `json:"scenario"`
		Runs     int    `json:"runs"`
		Seed     uint64 `json:"seed"`
		Inputs   []any  `json:"inputs"`
		Targets  []struct {
			Kind          string  `json:"kind"`
			ID            string  `json:"id"`
			Accepted      int     `json:"accepted"`
			Probability   float64 `json:"probability"`
			PointAccepted bool    `json:"point_accepted"`
		} `json:"targets"`
		Issues []struct {
			Group struct{ Issue, Party string } `json:"group"`
			Mean  float64                       `json:"mean"`
		} `json:"issues"`
	}
	if err := json.Unmarshal([]byte(out1), &r); err != nil {
		t.Fatal(err)
	}
	if r.Scenario != "ranges" || r.Runs != 3000 || r.Seed != 5 || len(r.Inputs) != 7 {
		t.Errorf("header %+v", r)
	}
	want := map[string]bool{"proposal p1": false, "proposal p2": true, "proposal p3": true, "solution nash": true, "solution common": true, "solution utilitarian": true}
	if len(r.Targets) != len(want) {
		t.Fatalf("targets %+v", r.Targets)
	}
	for _, tg := range r.Targets {
		point, ok := want[tg.Kind+" "+tg.ID]
		if !ok || tg.PointAccepted != point {
			t.Errorf("%s %s: point accepted %v", tg.Kind, tg.ID, tg.PointAccepted)
		}
		if tg.Probability != float64(tg.Accepted)/3000 {
			t.Errorf("%s: probability %v of %d runs", tg.ID, tg.Probability, tg.Accepted)
		}
	}
	if r.Targets[0].Probability != 0 || r.Targets[1].Probability < 0.8 || r.Targets[1].Probability > 0.99 {
		t.Errorf("probabilities %+v", r.Targets)
	}
	if len(r.Issues) == 0 || r.Issues[0].Group.Issue != "crimea" {
		t.Errorf("top issue %+v, want crimea", r.Issues)
	}

	svg := filepath.Join(t.TempDir(), "acceptance.svg")
	text, errs, code := runAccord(t, "robust", ranged, "--runs", "2000", "--svg", svg, "--progress")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, s := range []string{"3000", "p2*", "Issues whose uncertainty matters most", "1. crimea"} {
		if s == "3000" {
			s = "2000 runs, seed 1"
		}
		if !strings.Contains(text, s) {
			t.Errorf("text lacks %q:\n%s", s, text)
		}
	}
	if !strings.Contains(errs, "accord: robust: 2000/2000 runs (100%)") {
		t.Errorf("--progress: stderr %q", errs)
	}
	data, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(data, new(struct{})); err != nil {
		t.Errorf("SVG is not XML: %v", err)
	}
	if n := strings.Count(string(data), `<g class="proposal">`) + strings.Count(string(data), `<g class="solution">`); n != 6 {
		t.Errorf("%d bars, want 6", n)
	}
}

// Ranges are read by every command as their midpoints: ranges.yaml, whose
// midpoints are tiny.yaml's numbers, analyses as tiny.yaml does.
func TestRangesAnalyseAtMidpoints(t *testing.T) {
	a, _, _ := runAccord(t, "solve", ranged, "--json")
	b, _, _ := runAccord(t, "solve", tiny, "--json")
	if a == "" || a != b {
		t.Errorf("solve differs between ranges.yaml and tiny.yaml:\n%s\n%s", a, b)
	}
}

func TestRobustBadInput(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(ranged)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(data), "batna: [25, 45]", "batna: [45, 25]", 1)
	path := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, code := runAccord(t, "robust", path, "--runs", "10")
	if code != 1 || !strings.Contains(errs, "bad.yaml:25:12: positions.ua.batna: range [45, 25] has lo > hi") {
		t.Errorf("lo > hi: exit %d, stderr %q", code, errs)
	}
	for _, args := range [][]string{
		{"robust", ranged, "--runs", "0"},
		{"robust", ranged, "--runs", "x"},
		{"robust"},
	} {
		if _, errs, code := runAccord(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", args, code, errs)
		}
	}
}

// The briefing on a proposal of a scenario with ranges says how sure it is;
// without ranges it has no such section.
func TestBriefingRobustness(t *testing.T) {
	dir := t.TempDir()
	html := filepath.Join(dir, "b.html")
	if _, errs, code := runAccord(t, "report", "briefing", ranged, "--proposal", "p3", "--out", html, "--runs", "2000"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	data, _ := os.ReadFile(html)
	for _, want := range []string{"How sure: acceptance over the scenario", "Over 2000 runs (seed 1)", "of the runs (±", "Probability that every veto party accepts (2000 runs)"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("briefing lacks %q", want)
		}
	}
	if _, errs, code := runAccord(t, "report", "briefing", tiny, "--proposal", "p1", "--out", html); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if data, _ := os.ReadFile(html); strings.Contains(string(data), "How sure") {
		t.Errorf("a briefing without ranges has a robustness section")
	}
}
