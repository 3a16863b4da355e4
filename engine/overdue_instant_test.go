package engine_test

import (
	"testing"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
)

// overdueYAML has a phase that opens when a provision is overdue: what the
// overdue brings comes with it.
const overdueYAML = `agreement: overdue
date: 2026-01-31
parties: [ua, ru]
roles:
  - {actor: us, role: guarantor}
  - {actor: eu, role: guarantor}
provisions:
  - {id: dated, obliged: [ru], due_date: 2026-01-31}
phases:
  - {id: one, entry: "true"}
  - {id: penalty, entry: "provision(dated) == overdue"}
consultation:
  response_days: 3
  joint_days: 15
  ministers_days: 15
  advisory_days: 5
  quorum: 2
  severity: []
`

// A provision is late from the first instant after its deadline T, and
// the rules from provision:ID are in force from then (T+1ns); the engine
// dated its overdue at T, and settled the conditions at T, so that a phase
// opening on the overdue opened at T: its rules were in force at T, when
// the provision was still in time and the rules from provision:ID were
// not, and the daily report listed the phase on the deadline's day and
// the overdue on the next. One instant for all: the first the provision is
// late.
func TestOverdueAtTheFirstInstantLate(t *testing.T) {
	a, err := agreement.Parse("overdue.yaml", []byte(overdueYAML))
	if err != nil {
		t.Fatal(err)
	}
	deadline := at("2026-01-31T23:59:59.999999999Z")
	late := at("2026-02-01T00:00:00Z")
	for _, c := range []struct {
		name string
		last engine.Event // the entry after the deadline
	}{
		{"the midnight tick", engine.Event{Type: "tick", At: late}},
		{"an entry a day later", engine.Event{Type: "tick", At: at("2026-02-02T00:00:00Z")}},
		{"the provision done late", engine.Event{Type: "provision_done", Party: "ru", Provision: "dated", At: at("2026-02-01T08:00:00Z")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := engine.Replay(a, numbered(
				engine.Event{Type: "sign", Party: "ua", At: at("2026-01-31T10:00:00Z")},
				engine.Event{Type: "sign", Party: "ru", At: at("2026-01-31T10:00:00Z")},
				c.last,
			))
			if err != nil {
				t.Fatal(err)
			}
			when := map[string]time.Time{}
			for _, d := range s.Derived {
				when[d.What] = d.At
			}
			for _, what := range []string{"provision dated overdue (due 2026-01-31T23:59:59.999999999Z)", "phase penalty opens"} {
				if got, ok := when[what]; !ok || !got.Equal(late) {
					t.Errorf("%q at %s, want %s (the first instant the provision is late)", what, got.Format(time.RFC3339Nano), late.Format(time.RFC3339Nano))
				}
			}
			for _, x := range []time.Time{deadline, late} {
				phase, provision := s.RuleInForce("phase:penalty", "", x), s.RuleInForce("provision:dated", "", x)
				if phase != provision || phase != x.Equal(late) {
					t.Errorf("at %s: a rule from phase:penalty in force %v, from provision:dated %v; want both %v", x.Format(time.RFC3339Nano), phase, provision, x.Equal(late))
				}
			}
		})
	}
	// Done at the deadline itself: in time, no penalty.
	s, err := engine.Replay(a, numbered(
		engine.Event{Type: "sign", Party: "ua", At: at("2026-01-31T10:00:00Z")},
		engine.Event{Type: "sign", Party: "ru", At: at("2026-01-31T10:00:00Z")},
		engine.Event{Type: "provision_done", Party: "ru", Provision: "dated", At: deadline},
		engine.Event{Type: "tick", At: late},
	))
	if err != nil {
		t.Fatal(err)
	}
	if p := s.Phases[1]; p.Status == engine.Open {
		t.Errorf("the penalty phase opened on a provision done at its deadline")
	}
}
