package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// A search the budget cut must say so in text and JSON: never a partial
// answer presented as the complete one.

// TestFrontierBudgetCutSaysPartial: with --budget 5 the two-party frontier
// of tiny finds one of its two points; --json and the SVG said nothing of
// the cut (the JSON had no count, no bounds, no exact flag), and with
// --budget 1 the frontier was null, read as "no acceptable package".
func TestFrontierBudgetCutSaysPartial(t *testing.T) {
	for _, tc := range []struct {
		budget string
		exact  bool
		points int
	}{
		{"1", false, 0},
		{"5", false, 1},
		{"200000000", true, 2},
	} {
		out, errs, code := runAccord(t, "frontier", tiny, "--x", "ua", "--y", "ru", "--json", "--budget", tc.budget)
		if code != 0 {
			t.Fatalf("budget %s: exit %d: %s", tc.budget, code, errs)
		}
		var r map[string]json.RawMessage
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("budget %s: %v\n%s", tc.budget, err, out)
		}
		var pts []json.RawMessage
		if string(r["frontier"]) == "null" {
			t.Errorf("budget %s: \"frontier\": null, want a list", tc.budget)
		}
		_ = json.Unmarshal(r["frontier"], &pts)
		if len(pts) != tc.points {
			t.Errorf("budget %s: %d frontier points, want %d", tc.budget, len(pts), tc.points)
		}
		var exact *bool
		_ = json.Unmarshal(r["exact"], &exact)
		if exact == nil || *exact != tc.exact {
			t.Errorf("budget %s: \"exact\" is %s, want %v (the search was cut: %v)", tc.budget, r["exact"], tc.exact, !tc.exact)
		}
		svg, _, _ := runAccord(t, "frontier", tiny, "--x", "ua", "--y", "ru", "--budget", tc.budget)
		if got := strings.Contains(svg, "budget ran out"); got == tc.exact {
			t.Errorf("budget %s: the SVG says \"budget ran out\": %v, want %v", tc.budget, got, !tc.exact)
		}
	}
}

// TestConflictsBudgetCutNotReservation: when the budget cuts the search for
// the red lines that block agreement before it finds any package meeting the
// BATNAs, analyze said "The reservation values conflict" (text) and
// "reservation_conflict": true (--json), and bridge --json "Reservation":
// true — a claim the search never proved: lifting one red line (a: i1≠x)
// makes agreement possible.
func TestConflictsBudgetCutNotReservation(t *testing.T) {
	const sc = "testdata/blocked-redlines.yaml"
	text, errs, code := runAccord(t, "analyze", sc, "--budget", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.Contains(text, "reservation values conflict") {
		t.Errorf("analyze --budget 1 claims a reservation conflict:\n%s", text)
	}
	if !strings.Contains(text[strings.Index(text, "Why nothing"):], "budget") {
		t.Errorf("analyze --budget 1 does not say the search for blocking red lines was cut:\n%s", text)
	}
	out, errs, code := runAccord(t, "analyze", sc, "--budget", "1", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if string(r["reservation_conflict"]) == "true" {
		t.Errorf("analyze --json --budget 1: \"reservation_conflict\": true, not proven")
	}
	if string(r["conflicts_cut"]) != "true" {
		t.Errorf("analyze --json --budget 1: \"conflicts_cut\" is %s, want true", r["conflicts_cut"])
	}
	out, _, _ = runAccord(t, "analyze", sc, "--json")
	r = nil
	_ = json.Unmarshal([]byte(out), &r)
	if _, ok := r["conflicts_cut"]; ok || string(r["min_blocking_red_lines"]) != "1" {
		t.Errorf("analyze --json: conflicts_cut %s, min_blocking_red_lines %s; want none and 1", r["conflicts_cut"], r["min_blocking_red_lines"])
	}
	out, _, _ = runAccord(t, "bridge", sc, "--budget", "1", "--json")
	if strings.Contains(out, `"reservation_conflict": true`) {
		t.Errorf("bridge --json --budget 1 claims a reservation conflict:\n%s", out)
	}
}

// TestAnalyzeBridgeCutJSON: at --budget 5 the bridge from p1 is found but
// not proven nearest; the text says so, analyze --json dropped the flag.
func TestAnalyzeBridgeCutJSON(t *testing.T) {
	for _, tc := range []struct {
		budget string
		exact  bool
	}{{"5", false}, {"200000000", true}} {
		text, _, _ := runAccord(t, "analyze", tiny, "--budget", tc.budget)
		if got := strings.Contains(text, "not proven nearest"); got == tc.exact {
			t.Fatalf("budget %s: text says \"not proven nearest\": %v; the probe needs %v", tc.budget, got, !tc.exact)
		}
		out, errs, code := runAccord(t, "analyze", tiny, "--budget", tc.budget, "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var r struct {
			Proposals map[string]struct {
				Bridge map[string]json.RawMessage `json:"bridge"`
			} `json:"proposals"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		b := r.Proposals["p1"].Bridge
		if b == nil {
			t.Fatalf("budget %s: no bridge for p1", tc.budget)
		}
		if want := map[bool]string{true: "true", false: "false"}[tc.exact]; string(b["exact"]) != want {
			t.Errorf("budget %s: p1's bridge \"exact\" is %s, want %s", tc.budget, b["exact"], want)
		}
	}
}
