package engine_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/accord-peace/accord/engine"
)

// A due_date D is in time through the last instant of D (UTC), 23:59:59.999999999,
// and late from D+1 00:00:00 on: that instant is the next day's. Provision
// "dated" is due on 2026-01-31 in boundaryYAML.
func TestDueDateEndsWithItsDay(t *testing.T) {
	a := boundaryAgreement(t)
	cases := []struct {
		at   string
		want []string // the derived events about "dated"
	}{
		{"2026-01-31T12:00:00Z", []string{"provision dated done"}},
		{"2026-01-31T23:59:59.999999999Z", []string{"provision dated done"}},
		{"2026-02-01T00:00:00Z", []string{"provision dated overdue (due 2026-01-31T23:59:59.999999999Z)", "provision dated done, late"}},
		{"2026-02-01T00:00:00.000000001Z", []string{"provision dated overdue (due 2026-01-31T23:59:59.999999999Z)", "provision dated done, late"}},
	}
	for _, c := range cases {
		t.Run(c.at, func(t *testing.T) {
			log := numbered(
				engine.Event{Type: "sign", Party: "ua", At: at("2026-01-31T10:00:00Z")},
				engine.Event{Type: "sign", Party: "ru", At: at("2026-01-31T10:00:00Z")},
				engine.Event{Type: "provision_done", Party: "ru", Provision: "dated", At: at(c.at)},
			)
			s, err := engine.Replay(a, log)
			if err != nil {
				t.Fatal(err)
			}
			if got := dated(s); !slices.Equal(got, c.want) {
				t.Errorf("derived %q, want %q", got, c.want)
			}
			if due := s.Provisions[0].Due; due == nil || !due.Equal(at("2026-01-31T23:59:59.999999999Z")) {
				t.Errorf("due %v, want 2026-01-31T23:59:59.999999999Z (the last instant in time)", due)
			}
		})
	}
}

// The daily tick at midnight finds a provision due the day before overdue:
// it need not wait for a later entry.
func TestMidnightTickFindsDueDateOverdue(t *testing.T) {
	a := boundaryAgreement(t)
	log := numbered(
		engine.Event{Type: "sign", Party: "ua", At: at("2026-01-31T10:00:00Z")},
		engine.Event{Type: "sign", Party: "ru", At: at("2026-01-31T10:00:00Z")},
		engine.Event{Type: "tick", At: at("2026-02-01T00:00:00Z")},
	)
	s, err := engine.Replay(a, log)
	if err != nil {
		t.Fatal(err)
	}
	if p := s.Provisions[0]; p.Status != engine.Overdue {
		t.Errorf("provision dated %s after the midnight tick, want overdue", p.Status)
	}
}

// dated lists the derived events about provision "dated".
func dated(s *engine.State) []string {
	var out []string
	for _, d := range s.Derived {
		if strings.HasPrefix(d.What, "provision dated ") {
			out = append(out, d.What)
		}
	}
	return out
}
