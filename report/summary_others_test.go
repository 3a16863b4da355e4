package report_test

import (
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/report"
)

// The summary names a party's three commonest rules: the others are
// counted (how many rules, how many violations), not "others" alone, so
// that the sentence's counts add up to the party's total.
func TestSummaryCountsTheOtherRules(t *testing.T) {
	day := time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)
	ru := "ru"
	var ins []monitor.Incident
	add := func(rule string, n int) {
		for range n {
			ins = append(ins, monitor.Incident{ID: "inc-" + rule + string(rune('a'+len(ins))), FirstObserved: day.Add(time.Hour), State: "confirmed",
				Violations: []monitor.Violation{{Rule: rule, Party: &ru}}})
		}
	}
	for _, c := range []struct {
		name  string
		rules map[string]int
		want  string
	}{
		{"three", map[string]int{"zone:a": 3, "zone:b": 2, "zone:c": 1}, ": in zone a (3), in zone b (2), in zone c (1)."},
		{"four", map[string]int{"zone:a": 3, "zone:b": 2, "zone:c": 1, "zone:d": 1}, ": in zone a (3), in zone b (2), in zone c (1) and 1 other rule (1)."},
		{"six", map[string]int{"zone:a": 4, "zone:b": 3, "zone:c": 2, "zone:d": 1, "zone:e": 1, "zone:f": 1}, ": in zone a (4), in zone b (3), in zone c (2) and 3 other rules (3)."},
	} {
		t.Run(c.name, func(t *testing.T) {
			ins = nil
			for _, r := range []string{"zone:a", "zone:b", "zone:c", "zone:d", "zone:e", "zone:f"} {
				add(r, c.rules[r])
			}
			r := report.Build("ref", day, ins, nil)
			s := strings.Join(r.Summary(), "\n")
			if !strings.Contains(s, c.want) {
				t.Errorf("the summary lacks %q:\n%s", c.want, s)
			}
		})
	}
}
