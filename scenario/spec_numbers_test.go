package scenario_test

import (
	"strings"
	"testing"

	"github.com/accord-peace/accord/scenario"
)

// TestNumbersFollowYAML12Core: the contract (spec/scenario.md, Semantics)
// reads a scenario with the "YAML 1.2 core schema". There an integer is
// [-+]?[0-9]+ in base 10 (so 010 is ten, not eight as in YAML 1.1), 0o and
// 0x are the only prefixed forms, and 1_000 or 0b11 are strings, not
// numbers: a weight, utility, batna or bonus written so is refused as a
// string, not read as YAML 1.1 would.
func TestNumbersFollowYAML12Core(t *testing.T) {
	doc := func(w string) string {
		return "id: s\nparties: [{id: a, veto: true}]\nissues: [{id: i, options: [{id: x}]}]\npositions:\n  a: {batna: 0, issues: {i: {weight: " + w + ", utility: {x: 50}}}}\n"
	}
	for _, c := range []struct {
		in   string
		want float64
	}{{"010", 10}, {"0010.5", 10.5}, {"-010", -1}, {"0o10", 8}, {"0x10", 16}, {"1e2", 100}, {"100.0", 100}, {".5", 0.5}, {"+3", 3}, {"100.", 100}} {
		s, err := scenario.Parse("f.yaml", []byte(doc(c.in)))
		if c.want < 0 { // -010 is ten below zero: a weight must be >= 0
			if err == nil || !strings.Contains(err.Error(), "got -10") {
				t.Errorf("weight: %s: %v, want refused as -10", c.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("weight: %s: %v", c.in, err)
			continue
		}
		if got := s.Positions["a"].Issues["i"].Weight; got != c.want {
			t.Errorf("weight: %s read as %v, want %v (YAML 1.2 core)", c.in, got, c.want)
		}
	}
	for _, in := range []string{"1_000", "0b11", "1_0.5", "0x_10"} {
		_, err := scenario.Parse("f.yaml", []byte(doc(in)))
		if err == nil || !strings.Contains(err.Error(), "positions.a.issues.i.weight: must be a number, got a string") {
			t.Errorf("weight: %s: %v, want refused as a string (YAML 1.2 core)", in, err)
		}
	}
}
