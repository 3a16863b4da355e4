package engine_test

import (
	"testing"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
)

// Two agreements: "watch" opens its phase "two" on an upheld finding under
// "base", and has a deadline of its own a day after signature.
const (
	beforeBase = `agreement: base
date: 2026-01-01
parties: [ua, ru]
roles:
  - {actor: us, role: guarantor}
phases:
  - {id: one, entry: "true"}
consultation: {response_days: 3, joint_days: 15, ministers_days: 15, advisory_days: 5, quorum: 1}
`
	beforeWatch = `agreement: watch
date: 2026-01-01
parties: [ua, ru]
roles:
  - {actor: us, role: guarantor}
provisions:
  - {id: p, obliged: [ru], after: signature, within: 1d}
phases:
  - {id: one, entry: "true"}
  - {id: two, entry: "findings(agreement=base, outcome=upheld) > 0"}
consultation: {response_days: 3, joint_days: 15, ministers_days: 15, advisory_days: 5, quorum: 1}
`
)

// At a deadline of its own between two entries an agreement sees the others
// as they stood after the previous entry, not with what the next entry
// brought them: a finding under base at 2026-01-05 is not seen by watch's
// deadline of 2026-01-03 (its phase two opens at the finding, not two days
// before it), whether or not a tick came between.
func TestSetDeadlineDoesNotSeeTheNextEntry(t *testing.T) {
	as, err := agreement.ParseSet(agreement.File{Name: "base.yaml", Data: []byte(beforeBase)}, agreement.File{Name: "watch.yaml", Data: []byte(beforeWatch)})
	if err != nil {
		t.Fatal(err)
	}
	signed := []engine.Event{
		{Type: "sign", Agreement: "base", Party: "ua", At: at("2026-01-02T00:00:00Z")},
		{Type: "sign", Agreement: "base", Party: "ru", At: at("2026-01-02T00:00:00Z")},
		{Type: "sign", Agreement: "watch", Party: "ua", At: at("2026-01-02T00:00:00Z")},
		{Type: "sign", Agreement: "watch", Party: "ru", At: at("2026-01-02T00:00:00Z")},
		{Type: "violation", Agreement: "base", ID: "v1", Party: "ru", Rule: "x", Severity: "major", At: at("2026-01-02T01:00:00Z")},
		{Type: "response", Agreement: "base", Consultation: "v1", Party: "ru", Answer: "dispute", Evidence: "e", At: at("2026-01-02T02:00:00Z")},
	}
	finding := engine.Event{Type: "finding", Agreement: "base", Consultation: "v1", Outcome: "upheld", SignedBy: []string{"us"}, At: at("2026-01-05T00:00:00Z")}
	cases := []struct {
		name string
		log  []engine.Event
	}{
		{"no entry between", append(append([]engine.Event{}, signed...), finding)},
		{"a tick between", append(append([]engine.Event{}, signed...), engine.Event{Type: "tick", At: at("2026-01-04T00:00:00Z")}, finding)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			states, err := engine.ReplaySet(as, numbered(c.log...))
			if err != nil {
				t.Fatal(err)
			}
			p := phaseOf(states[1], "two")
			if p.Status != engine.Open || !p.OpenedAt.Equal(time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("watch's phase two %s at %v, want open at the finding, 2026-01-05T00:00:00Z", p.Status, p.OpenedAt)
			}
		})
	}
}
