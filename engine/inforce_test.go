package engine

import (
	"testing"
	"time"
)

// A rule is in force from its From (included) to its Until (excluded); a
// point the engine has not reached keeps it out of force (From) or in it
// (Until).
func TestRuleInForce(t *testing.T) {
	at := func(d int) time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d) }
	tp := func(t time.Time) *time.Time { return &t }
	s := &State{
		Provisions: []ProvisionState{{ID: "withdrawal", Due: tp(at(14))}, {ID: "elections"}},
		Phases:     []PhaseState{{ID: "ceasefire", OpenedAt: tp(at(0))}, {ID: "permanent", OpenedAt: tp(at(40))}, {ID: "reconstruction"}},
	}
	tests := []struct {
		from, until string
		day         int
		want        bool
	}{
		{"", "", 0, true},
		{"provision:withdrawal", "", 13, false},
		{"provision:withdrawal", "", 14, true},
		{"provision:elections", "", 400, false}, // no deadline yet
		{"phase:ceasefire", "phase:permanent", 39, true},
		{"phase:ceasefire", "phase:permanent", 40, false},
		{"phase:permanent", "phase:reconstruction", 500, true}, // not reached: still in force
		{"phase:reconstruction", "", 500, false},
	}
	for _, tt := range tests {
		if got := s.RuleInForce(tt.from, tt.until, at(tt.day)); got != tt.want {
			t.Errorf("from %q until %q on day %d: %v, want %v", tt.from, tt.until, tt.day, got, tt.want)
		}
	}
}
