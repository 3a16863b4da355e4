package agreement_test

import (
	"strings"
	"testing"

	"github.com/accord-peace/accord/agreement"
)

const phasedBase = `agreement: a
date: 2025-11-30
parties: [ua, ru]
roles:
  - {actor: us, role: guarantor}
  - {actor: eu, role: guarantor}
provisions:
  - {id: p1, obliged: [ua, ru], after: signature, within: 14d}
phases:
  - {id: one, entry: "true"}
  - {id: two, entry: "since(phase:one) >= 30d and provision(p1) == done"}
consultation: {response_days: 3, joint_days: 15, ministers_days: 15, advisory_days: 5, quorum: 2}
enforcement:
  snapback_days: 30
  snapback_on: [ru]
  tranches:
    - {id: t1, release: "phase(two) == open"}
`

func TestPhasedErrors(t *testing.T) {
	if _, err := agreement.Parse("a.yaml", []byte(phasedBase)); err != nil {
		t.Fatalf("base: %v", err)
	}
	tests := []struct{ name, old, new, want string }{
		{"nobody obliged", "obliged: [ua, ru]", "obliged: []", "provisions[0] (p1).obliged: nobody is obliged to this provision"},
		{"unknown obliged", "obliged: [ua, ru]", "obliged: [ua, by]", `"by" is neither a party nor an actor with a role`},
		{"deadline in the past", "after: signature, within: 14d", "due_date: 2024-01-01", "due_date: 2024-01-01 is before the agreement's date 2025-11-30: a deadline in the past"},
		{"bad duration", "within: 14d", "within: 2w", `provisions[0] (p1).within: "2w": want a duration`},
		{"unknown event", "after: signature", "after: armistice", `provisions[0] (p1).after: no event "armistice"`},
		{"unknown party in a condition", `provision(p1) == done"`, `provision(p1) == done and violations(party=us2) == 0"`, `phases[1] (two).entry: column 72: no party "us2"`},
		{"unknown provision", "provision(p1)", "provision(p9)", `phases[1] (two).entry: column 39: no provision "p9"`},
		{"cycle", `entry: "true"`, `entry: "phase(two) == open"`, "phases[0] (one).entry: depends on phase two, which can only open after it: a cycle between phase conditions"},
		{"self", `entry: "true"`, `entry: "since(phase:one) > 1d"`, "phases[0] (one).entry: depends on itself"},
		{"never", `entry: "true"`, `entry: "false"`, "phases[0] (one).entry: is false: the phase can never open"},
		{"quorum", "quorum: 2", "quorum: 3", "consultation.quorum: 3, but there are 2 guarantors"},
		{"zero days", "response_days: 3", "response_days: 0", "consultation.response_days: must be from 1 to 36500 days (a century), got 0"},
		// Longer periods wrapped time.Duration: a snapback 213,504 days
		// away took effect 25 minutes after the finding, a deadline of
		// 106,752 days fell in 1733.
		{"days past a century", "response_days: 3", "response_days: 106752", "consultation.response_days: must be from 1 to 36500 days (a century), got 106752"},
		{"snapback past a century", "snapback_days: 30", "snapback_days: 213504", "enforcement.snapback_days: must be from 0 to 36500 days (a century), got 213504"},
		{"duration past a century", "within: 14d", "within: 213504d", `provisions[0] (p1).within: "213504d": at most 36500 days (a century), 36500d`},
		{"hours past a century", "within: 14d", "within: 876001h", `"876001h": at most 36500 days (a century), 876000h`},
		{"tranche condition", `release: "phase(two) == open"`, `release: "phase(three) == open"`, `enforcement.tranches[0].release: column 7: no phase "three"`},
		{"lift unknown name", "snapback_on: [ru]", "snapback_on: [ru]\n  lift: \"since(snapback) >= 60d and phase(three) == open\"", `line 16: enforcement.lift: column 34: no phase "three"`},
		{"lift not a condition", "snapback_on: [ru]", "snapback_on: [ru]\n  lift: \"since(snapback)\"", `line 16: enforcement.lift: column 1: since(snapback) is a duration, not a condition`},
		{"lift syntax", "snapback_on: [ru]", "snapback_on: [ru]\n  lift: \"since(snapback) >= \"", "line 16: enforcement.lift: column"},
		{"lift unknown event", "snapback_on: [ru]", "snapback_on: [ru]\n  lift: \"since(lifting) >= 1d\"", `line 16: enforcement.lift: column 7: no event "lifting"`},
		{"lift never", "snapback_on: [ru]", "snapback_on: [ru]\n  lift: \"false\"", "line 16: enforcement.lift: is false: the snapback can never be lifted"},
		{"snapback party", "snapback_on: [ru]", "snapback_on: [us]", `enforcement.snapback_on: "us" is not a party`},
		{"snapback_at", "snapback_on: [ru]", "snapback_on: [ru]\n  snapback_at: noon", `line 16: enforcement.snapback_at: "noon": want midnight (the default: 00:00 UTC after the snapback_days-th day after the notification's) or elapsed (snapback_days × 24 h after the notification)`},
		{"role", "role: guarantor}\n  - {actor: eu", "role: arbiter}\n  - {actor: eu", `roles[0].role: "arbiter" is not one of`},
		{"temporary without end", "within: 14d}", "within: 14d, nature: temporary}", "a temporary provision needs expires or review"},
	}
	lifted := strings.Replace(phasedBase, "snapback_on: [ru]", "snapback_on: [ru]\n  lift: \"since(snapback) >= 60d and violations(party=ru, severity>=major, within=60d) == 0\"", 1)
	a, err := agreement.Parse("a.yaml", []byte(lifted))
	if err != nil || a.SnapbackLift() == nil {
		t.Fatalf("lift: %v %v", err, a)
	}
	if b, _ := agreement.Parse("a.yaml", []byte(phasedBase)); b.SnapbackLift() != nil {
		t.Error("a lift without lift")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(phasedBase, tt.old) {
				t.Fatalf("base lacks %q", tt.old)
			}
			_, err := agreement.Parse("a.yaml", []byte(strings.Replace(phasedBase, tt.old, tt.new, 1)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\nwant %q", err, tt.want)
			}
		})
	}
}

// A problem of an element named by its id is located at its field's own
// line, not at the list's (the path's " (id)" label kept it from the
// document's lines until a review found it).
func TestErrorLineOfALabelledElement(t *testing.T) {
	doc := strings.NewReplacer(
		"  - {id: p1, obliged: [ua, ru], after: signature, within: 14d}",
		"  - id: p1\n    obliged: [ua, ru]\n    after: signature\n    within: 2w",
		`  - {id: two, entry: "since(phase:one) >= 30d and provision(p1) == done"}`,
		"  - id: two\n    entry: \"since(phase:one) >= 30d and provision(p9) == done\"",
	).Replace(phasedBase)
	_, err := agreement.Parse("a.yaml", []byte(doc))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{`a.yaml: line 11: provisions[0] (p1).within: "2w"`, `line 15: phases[1] (two).entry: column 39: no provision "p9"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error:\n%v\nwant %q", err, want)
		}
	}
}
