package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runAccord runs the command in-process, as main does.
func runAccord(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

const tiny = "testdata/tiny.yaml"

func TestAnalyzeJSON(t *testing.T) {
	out, errs, code := runAccord(t, "analyze", tiny, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r struct {
		Scenario        string `json:"scenario"`
		Packages        int    `json:"packages"`
		AcceptableCount int    `json:"acceptable_count"`
		ParetoCount     int    `json:"pareto_count"`
		Solutions       map[string]*struct {
			Value   float64           `json:"value"`
			Package map[string]string `json:"package"`
		} `json:"solutions"`
		Proposals map[string]struct {
			Partial bool `json:"partial"`
			Parties map[string]struct {
				Utility  float64  `json:"utility"`
				Accepts  bool     `json:"accepts"`
				RedLines []string `json:"red_lines"`
			} `json:"parties"`
			Bridge *struct {
				Changes int               `json:"changes"`
				Package map[string]string `json:"package"`
				Nash    float64           `json:"nash"`
			} `json:"bridge"`
		} `json:"proposals"`
		Conflicts        *[][]map[string]string `json:"conflicts"`
		SequencingCycles [][]string             `json:"sequencing_cycles"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if r.Scenario != "tiny" || r.Packages != 18 || r.AcceptableCount != 3 || r.ParetoCount != 2 {
		t.Errorf("scenario %q packages %d acceptable %d pareto %d; want tiny 18 3 2", r.Scenario, r.Packages, r.AcceptableCount, r.ParetoCount)
	}
	// Nash: (defacto, neutral, now): ua 58.33−35, ru 55−30 → 583.33.
	if n := r.Solutions["nash"]; n == nil || abs(n.Value-583.3333333333) > 1e-6 {
		t.Errorf("nash = %+v, want 583.33", n)
	}
	if u := r.Solutions["utilitarian"]; u == nil || u.Package["nato"] != "closed" {
		t.Errorf("utilitarian = %+v, want nato=closed", u)
	}
	p1 := r.Proposals["p1"]
	if p1.Partial || p1.Parties["ua"].Accepts || strings.Join(p1.Parties["ua"].RedLines, ",") != "crimea" || !p1.Parties["ru"].Accepts {
		t.Errorf("p1 = %+v", p1)
	}
	if p1.Bridge == nil || p1.Bridge.Changes != 1 || p1.Bridge.Package["crimea"] != "defacto-reserved" {
		t.Errorf("p1 bridge = %+v, want 1 change to crimea=defacto-reserved", p1.Bridge)
	}
	if p2 := r.Proposals["p2"]; !p2.Partial || p2.Bridge != nil || abs(p2.Parties["ua"].Utility-55) > 1e-9 {
		t.Errorf("p2 = %+v, want partial, no bridge, ua utility 55", p2)
	}
	if r.Conflicts != nil {
		t.Errorf("conflicts present with a non-empty acceptable set")
	}
	if len(r.SequencingCycles) != 1 || strings.Join(r.SequencingCycles[0], ",") != "ceasefire,territory" {
		t.Errorf("cycles = %v", r.SequencingCycles)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestCommands(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want []string // substrings of stdout (or stderr when code != 0)
	}{
		{[]string{"analyze", tiny}, 0, []string{"Acceptable to every veto party: 3", "deadlock among ceasefire, territory", "nearest acceptable package: 1 change(s): crimea→defacto-reserved"}},
		{[]string{"evaluate", tiny, "--proposal", "p1"}, 0, []string{"REJECTS (red lines crossed: crimea; below its BATNA 35)"}},
		{[]string{"evaluate", tiny, "--proposal", "nope"}, 1, []string{`unknown proposal "nope"`}},
		{[]string{"compare", tiny}, 0, []string{"| **crimea** (territory) | dejure-ru ⛔ ua | defacto-reserved |", "| *ua (veto)* | ✗ 16.7 (red line: crimea) | ✓ 55.0 |"}},
		{[]string{"compare", tiny, "--format", "html"}, 0, []string{"<table>", `class="red" title="red line of ua"`}},
		{[]string{"compare", tiny, "--format", "json"}, 0, []string{`"red_lines": [`}},
		{[]string{"compare", tiny, "--format", "pdf"}, 2, []string{`unknown --format "pdf"`}},
		{[]string{"solve", tiny, "--concept", "common"}, 0, []string{"common: least normalised gain = 0.595238"}},
		{[]string{"solve", tiny, "--concept", "utilitarian", "--json"}, 0, []string{`"value": 119.2222`}},
		{[]string{"bridge", tiny}, 0, []string{"p1\n  nearest acceptable package: 1 change(s)", "p2: partial proposal, no bridge"}},
		{[]string{"frontier", tiny, "--x", "ua", "--y", "ru"}, 0, []string{"<svg", `class="frontier-point"`, ">p1</text>"}},
		{[]string{"frontier", tiny, "--x", "ua", "--y", "zz"}, 1, []string{`unknown party "zz"`}},
		{[]string{"frontier", tiny}, 2, []string{"frontier needs --x and --y"}},
		{[]string{"analyze"}, 2, []string{"analyze needs one SCENARIO, got 0"}},
		{[]string{"analyze", "testdata/missing.yaml"}, 1, []string{"no such file"}},
		{[]string{"analyze", tiny, "--bogus"}, 2, []string{"unknown flag: --bogus"}},
		{[]string{"completion", "bash"}, 0, []string{"bash completion"}},
		{[]string{"analyze", "--help"}, 0, []string{"Counts are exact"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, errs, code := runAccord(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errs)
			}
			text := out
			if code != 0 {
				text = errs
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("output lacks %q:\n%s", w, text)
				}
			}
		})
	}
}

func TestInvalidScenarioChangesNothing(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("id: x\nparties: [{id: a}]\ntracks: [{id: t}]\nissues: [{id: i, track: t, options: [{id: o}]}]\npositions: {a: {issues: {i: {weight: -2}}}}\n"), 0o644)
	svg := filepath.Join(dir, "f.svg")
	_, errs, code := runAccord(t, "frontier", bad, "--x", "a", "--y", "a", "--out", svg)
	if code != 1 || !strings.Contains(errs, "bad.yaml:5:38: positions.a.issues.i.weight: weight must be >= 0, got -2") {
		t.Errorf("exit %d, stderr %s", code, errs)
	}
	if _, err := os.Stat(svg); !os.IsNotExist(err) {
		t.Errorf("output file written despite the error")
	}
}

// The built binary's exit codes, through a real process.
func TestBinaryExitCodes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "accord")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	// bridge counts the acceptable set of a large scenario for seconds:
	// the first Ctrl-C ends it (it ignored the first until the eleventh
	// session, and a second was needed), with exit 130.
	big := filepath.Join(t.TempDir(), "big.yaml")
	if yaml, errs, code := runAccord(t, "generate", "--issues", "30", "--options", "5", "--parties", "6"); code != 0 {
		t.Fatalf("generate: %d %s", code, errs)
	} else {
		os.WriteFile(big, []byte(yaml), 0o644)
	}
	slow := exec.Command(bin, "bridge", big)
	var stderr bytes.Buffer
	slow.Stderr = &stderr
	if err := slow.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	slow.Process.Signal(os.Interrupt)
	sent := time.Now()
	done := make(chan error, 1)
	go func() { done <- slow.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted || !strings.Contains(stderr.String(), "accord: interrupted: counting the acceptable set stopped") {
			t.Errorf("bridge after a Ctrl-C: %v, stderr %q; want exit %d, interrupted while counting", err, stderr.String(), exitInterrupted)
		}
		t.Logf("bridge ended %v after the Ctrl-C", time.Since(sent).Round(time.Millisecond))
	case <-time.After(5 * time.Second):
		slow.Process.Kill()
		t.Errorf("bridge still running 5 s after the Ctrl-C")
	}
	for args, want := range map[string]int{"analyze " + tiny: 0, "analyze": 2, "analyze nope.yaml": 1} {
		cmd := exec.Command(bin, strings.Fields(args)...)
		err := cmd.Run()
		got := 0
		if ee, ok := err.(*exec.ExitError); ok {
			got = ee.ExitCode()
		}
		if got != want {
			t.Errorf("accord %s: exit %d, want %d", args, got, want)
		}
	}
}

func TestFrontierOutFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "f.svg")
	if _, errs, code := runAccord(t, "frontier", tiny, "--x", "ua", "--y", "ru", "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(out)
	if !strings.HasPrefix(string(b), "<svg") {
		t.Errorf("not an SVG: %.40s", b)
	}
	if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

// A write the system refuses (stdout on a full disk) fails the command with
// the system's error, exit 1, and is not called a bug of accord's.
func TestStdoutRefusedIsNotABug(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full here: %v", err)
	}
	defer full.Close()
	for _, args := range [][]string{{"analyze", tiny}, {"analyze", tiny, "--json"}, {"simulate", "--duration", "1h"}} {
		var errb bytes.Buffer
		code := run(context.Background(), args, full, &errb)
		if code != exitFailure || !strings.Contains(errb.String(), "no space left on device") || strings.Contains(errb.String(), "this is a bug") {
			t.Errorf("accord %s > /dev/full: exit %d, stderr %q; want exit %d with the system's error, not called a bug", strings.Join(args, " "), code, errb.String(), exitFailure)
		}
	}
	// The truth of a simulation whose observations did not go out is not
	// written either.
	truth := filepath.Join(t.TempDir(), "truth.ndjson")
	if code := run(context.Background(), []string{"simulate", "--duration", "1h", "--truth", truth}, full, io.Discard); code != exitFailure {
		t.Errorf("simulate --truth > /dev/full: exit %d", code)
	}
	if _, err := os.Stat(truth); err == nil {
		t.Error("simulate wrote its truth file though its observations did not go out")
	}
}
