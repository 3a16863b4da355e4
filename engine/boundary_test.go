package engine_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
)

// boundaryYAML is a small agreement for the deadline boundaries: a
// provision due on the agreement's own date, three guarantors, quorum 2.
const boundaryYAML = `agreement: boundary
date: 2026-01-31
parties: [ua, ru]
roles:
  - {actor: us, role: guarantor}
  - {actor: eu, role: guarantor}
  - {actor: tr, role: guarantor}
provisions:
  - {id: dated, obliged: [ru], due_date: 2026-01-31}
  - {id: rel, obliged: [ru], after: signature, within: 1d}
phases:
  - {id: one, entry: "true"}
consultation:
  response_days: 3
  joint_days: 15
  ministers_days: 15
  advisory_days: 5
  quorum: 2
  severity: []
`

func boundaryAgreement(t *testing.T) *agreement.Agreement {
	t.Helper()
	a, err := agreement.Parse("boundary.yaml", []byte(boundaryYAML))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func numbered(evs ...engine.Event) []engine.Event {
	for i := range evs {
		evs[i].Seq = i + 1
	}
	return evs
}

// A deadline is met by an act at the deadline itself: "response due by T"
// takes a response at T, as a provision due at T is done in time at T
// (overdue only strictly after). Each act comes exactly at its deadline.
func TestActAtItsDeadlineIsInTime(t *testing.T) {
	a := boundaryAgreement(t)
	signed := []engine.Event{
		{Type: "sign", Party: "ua", At: at("2026-02-01T10:00:00Z")},
		{Type: "sign", Party: "ru", At: at("2026-02-01T10:00:00Z")},
		{Type: "violation", ID: "v1", Party: "ru", Rule: "x", Severity: "major", At: at("2026-02-02T00:00:00Z")},
	}
	cases := []struct {
		name string
		then []engine.Event
		want string // the consultation's stage and outcome after
	}{
		{"provision done at its due time", []engine.Event{
			{Type: "provision_done", Party: "ru", Provision: "rel", At: at("2026-02-02T10:00:00Z")},
		}, "notice"},
		{"response at the response deadline", []engine.Event{
			{Type: "response", Consultation: "v1", Party: "ru", Answer: "dispute", Evidence: "e", At: at("2026-02-05T00:00:00Z")},
		}, "joint"},
		{"finding at the advisory board's deadline", []engine.Event{
			{Type: "response", Consultation: "v1", Party: "ru", Answer: "dispute", Evidence: "e", At: at("2026-02-03T00:00:00Z")},
			// 15 + 15 + 5 days after the dispute
			{Type: "finding", Consultation: "v1", Outcome: "dismissed", SignedBy: []string{"us", "eu"}, At: at("2026-03-10T00:00:00Z")},
		}, "closed dismissed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			log := numbered(append(slices.Clone(signed), c.then...)...)
			s, err := engine.Replay(a, log)
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			cs := s.Consultations[0]
			if got := strings.TrimSpace(cs.Stage + " " + cs.Outcome); got != c.want {
				t.Errorf("consultation %s, want %s", got, c.want)
			}
			for _, p := range s.Provisions {
				if p.ID == "rel" && c.name == "provision done at its due time" && p.Status != engine.Done {
					t.Errorf("provision rel %s", p.Status)
				}
			}
		})
	}
}

// A due date is a day: a provision due on 2026-01-31 (the agreement's own
// date, which check allows) is done in time during that day, and is not
// overdue before the day is out.
func TestDueDateIsTheWholeDay(t *testing.T) {
	a := boundaryAgreement(t)
	log := numbered(
		engine.Event{Type: "sign", Party: "ua", At: at("2026-01-31T10:00:00Z")},
		engine.Event{Type: "sign", Party: "ru", At: at("2026-01-31T10:00:00Z")},
		engine.Event{Type: "provision_done", Party: "ru", Provision: "dated", At: at("2026-01-31T12:00:00Z")},
	)
	s, err := engine.Replay(a, log)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range s.Derived {
		if strings.Contains(d.What, "dated") && d.What != "provision dated done" {
			t.Errorf("derived %s %q, want none but \"provision dated done\"", d.At.Format("2006-01-02T15:04Z"), d.What)
		}
	}
}

// The derived events are in time order, and the state's clock never goes
// back, even when a due date passed before the entry that brought it: here
// the parties sign days after it.
func TestDerivedEventsInTimeOrder(t *testing.T) {
	a := boundaryAgreement(t)
	e := engine.New(a)
	log := numbered(
		engine.Event{Type: "sign", Party: "ua", At: at("2026-02-03T10:00:00Z")},
		engine.Event{Type: "sign", Party: "ru", At: at("2026-02-04T10:00:00Z")},
		engine.Event{Type: "tick", At: at("2026-02-06T00:00:00Z")},
	)
	for _, ev := range log {
		before := e.State().Now
		if err := e.Apply(ev); err != nil {
			t.Fatal(err)
		}
		if now := e.State().Now; now.Before(before) {
			t.Errorf("after entry %d the clock is %s, before %s", ev.Seq, now, before)
		}
	}
	s := e.State()
	for i := 1; i < len(s.Derived); i++ {
		if p, d := s.Derived[i-1], s.Derived[i]; d.At.Before(p.At) {
			t.Errorf("derived %d %q at %s comes after %q at %s", i, d.What, d.At.Format("2006-01-02T15:04Z"), p.What, p.At.Format("2006-01-02T15:04Z"))
		}
	}
}
