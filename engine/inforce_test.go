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
		{"provision:withdrawal", "", 14, false}, // the deadline itself: still in time
		{"provision:withdrawal", "", 15, true},
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

// A provision's deadline is the last instant it is in time, and belongs to
// the period before it: a rule from provision:ID is in force from the first
// instant the provision is late, one until provision:ID through the
// deadline itself — for a deadline counted (within) as for a due_date, whose
// deadline is the last instant of its day.
func TestRuleInForceAroundAProvisionsDeadline(t *testing.T) {
	tp := func(t time.Time) *time.Time { return &t }
	within := time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)
	dated := time.Date(2026, 1, 31, 23, 59, 59, 999999999, time.UTC)
	s := &State{Provisions: []ProvisionState{{ID: "within", Due: tp(within)}, {ID: "dated", Due: tp(dated)}}}
	tests := []struct {
		from, until string
		at          time.Time
		want        bool
	}{
		{"provision:within", "", within.Add(-time.Nanosecond), false},
		{"provision:within", "", within, false}, // the provision is in time
		{"provision:within", "", within.Add(time.Nanosecond), true},
		{"", "provision:within", within, true},
		{"", "provision:within", within.Add(time.Nanosecond), false},
		{"provision:dated", "", dated, false},
		{"provision:dated", "", time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), true},
		{"", "provision:dated", dated, true},
		{"", "provision:dated", time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		if got := s.RuleInForce(tt.from, tt.until, tt.at); got != tt.want {
			t.Errorf("from %q until %q at %s: %v, want %v", tt.from, tt.until, tt.at.Format(time.RFC3339Nano), got, tt.want)
		}
	}
}
