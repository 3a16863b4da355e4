package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSolveBridgeBudgetCut: a search the budget cuts before it finds any
// acceptable package is said to be cut, in text and --json; "no package is
// acceptable" and "partial proposal" are kept for what is true.
func TestSolveBridgeBudgetCut(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		code     int
		has, not []string // in stdout+stderr
	}{
		{[]string{"solve", tiny, "--budget", "1"}, 1,
			[]string{"nash solution needs more than the search budget of 1 node(s)", "does not show that none exists", "raise --budget"},
			[]string{"no package is acceptable", "this is a bug"}},
		{[]string{"solve", tiny, "--budget", "1", "--json"}, 1,
			[]string{"nash solution needs more than the search budget of 1 node(s)"},
			[]string{"null", "this is a bug"}},
		{[]string{"solve", tiny, "--budget", "1", "--concept", "common"}, 1,
			[]string{"common solution needs more than the search budget of 1 node(s)"},
			[]string{"no package is acceptable", "this is a bug"}},
		{[]string{"solve", tiny}, 0, []string{"nash: Nash product = 583.333"}, []string{"budget"}},
		{[]string{"bridge", tiny, "--budget", "1"}, 0,
			[]string{"p1: no bridge found: the budget of 1 node(s) ran out", "p2: partial proposal, no bridge"},
			[]string{"p1: partial"}},
		{[]string{"bridge", tiny}, 0,
			[]string{"p1\n  nearest acceptable package: 1 change(s): crimea→defacto-reserved", "p2: partial proposal, no bridge"},
			[]string{"budget"}},
		{[]string{"analyze", tiny, "--budget", "1"}, 0,
			[]string{"nash: none found before the budget ran out", "nearest acceptable package: none found before the budget ran out"},
			[]string{"this is a bug"}},
	} {
		name := strings.Join(tc.args, " ")
		out, errs, code := runAccord(t, tc.args...)
		all := out + errs
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d:\n%s", name, code, tc.code, all)
		}
		for _, s := range tc.has {
			if !strings.Contains(all, s) {
				t.Errorf("%s: no %q in:\n%s", name, s, all)
			}
		}
		for _, s := range tc.not {
			if strings.Contains(all, s) {
				t.Errorf("%s: %q in:\n%s", name, s, all)
			}
		}
	}
}

// TestBridgeBudgetCutJSON: --json lists the cut searches apart from the
// partial proposals.
func TestBridgeBudgetCutJSON(t *testing.T) {
	for _, tc := range []struct {
		budget string
		cut    []string
		bridge bool // p1 has a bridge
	}{
		{"1", []string{"p1"}, false},
		{"200000000", []string{}, true},
	} {
		out, errs, code := runAccord(t, "bridge", tiny, "--budget", tc.budget, "--json")
		if code != 0 {
			t.Fatalf("budget %s: exit %d: %s", tc.budget, code, errs)
		}
		var r struct {
			Acceptable *bool                      `json:"acceptable"`
			Bridges    map[string]json.RawMessage `json:"bridges"`
			Cut        []string                   `json:"cut"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("budget %s: %v\n%s", tc.budget, err, out)
		}
		if strings.Join(r.Cut, ",") != strings.Join(tc.cut, ",") || r.Cut == nil {
			t.Errorf("budget %s: cut %v, want %v", tc.budget, r.Cut, tc.cut)
		}
		if got := string(r.Bridges["p1"]) != "null"; got != tc.bridge {
			t.Errorf("budget %s: p1 bridge %s", tc.budget, r.Bridges["p1"])
		}
		// tiny's count, cut or not, proves packages acceptable.
		if r.Acceptable == nil || !*r.Acceptable {
			t.Errorf("budget %s: acceptable %v, want true", tc.budget, r.Acceptable)
		}
	}
}

// TestBudgetRefused: a budget below one node is a usage error, not the
// default in disguise.
func TestBudgetRefused(t *testing.T) {
	for _, args := range [][]string{
		{"solve", tiny, "--budget", "0"},
		{"solve", tiny, "--budget", "-1"},
		{"bridge", tiny, "--budget", "-5"},
		{"analyze", tiny, "--budget", "0"},
		{"frontier", tiny, "--x", "ua", "--y", "ru", "--budget", "-1"},
		{"robust", tiny, "--budget", "0"},
		{"solve", tiny, "--budget", "many"},
	} {
		_, errs, code := runAccord(t, args...)
		if code != 2 || !strings.Contains(errs, `for "--budget" flag`) || strings.Contains(errs, "this is a bug") {
			t.Errorf("%s: exit %d, want 2:\n%s", strings.Join(args, " "), code, errs)
		}
	}
}
