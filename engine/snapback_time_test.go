package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
)

// snapbackYAML is a small agreement whose relief snaps back 30 days after
// an upheld major violation by ru; ENFORCEMENT is replaced by the test.
const snapbackYAML = `agreement: snap
date: 2025-08-01
parties: [ua, ru]
roles:
  - {actor: us, role: guarantor}
phases:
  - {id: one, entry: "true"}
consultation: {response_days: 3, joint_days: 15, ministers_days: 15, advisory_days: 5, quorum: 1, severity: []}
enforcement:
  snapback_days: 30
  snapback_on: [ru]
  tranches:
    - {id: t1, release: "true"}
ENFORCEMENT`

func snapbackAgreement(t *testing.T, extra string) *agreement.Agreement {
	t.Helper()
	a, err := agreement.Parse("snap.yaml", []byte(strings.Replace(snapbackYAML, "ENFORCEMENT", extra, 1)))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The JCPOA's snapback (FACTS.md, UNSCR 2231: notification 28 August 2025,
// sanctions back 28 September) takes effect at 00:00:00 UTC after the
// snapback_days-th day after the notification's day (UTC), not 30 × 24 h
// after the notification's instant; snapback_at: elapsed keeps the latter.
// The notification is the acceptance that upholds the violation.
func TestSnapbackTakesEffectAtMidnightAfterTheLastDay(t *testing.T) {
	cases := []struct {
		name, extra string
		notified    string
		tick        string // a tick at this instant
		effectiveAt string
		effective   bool // at the tick
	}{
		{"FACTS.md's dates", "", "2025-08-28T14:00:00Z", "2025-09-27T14:00:00Z", "2025-09-28T00:00:00Z", false},
		{"the 30th day's last instant", "", "2025-08-28T14:00:00Z", "2025-09-27T23:59:59.999999999Z", "2025-09-28T00:00:00Z", false},
		{"midnight after the 30th day", "", "2025-08-28T14:00:00Z", "2025-09-28T00:00:00Z", "2025-09-28T00:00:00Z", true},
		{"notified at the day's first instant", "", "2025-08-28T00:00:00Z", "2025-09-27T00:00:00Z", "2025-09-28T00:00:00Z", false},
		{"notified at the day's last instant", "", "2025-08-28T23:59:59.999999999Z", "2025-09-28T00:00:00Z", "2025-09-28T00:00:00Z", true},
		{"notified the next day", "", "2025-08-29T00:00:00Z", "2025-09-28T00:00:00Z", "2025-09-29T00:00:00Z", false},
		{"the notification's UTC day, not its zone's", "", "2025-08-29T01:00:00+03:00", "2025-09-28T00:00:00Z", "2025-09-28T00:00:00Z", true},
		{"said so: midnight", "  snapback_at: midnight\n", "2025-08-28T14:00:00Z", "2025-09-28T00:00:00Z", "2025-09-28T00:00:00Z", true},
		{"said so: elapsed", "  snapback_at: elapsed\n", "2025-08-28T14:00:00Z", "2025-09-27T14:00:00Z", "2025-09-27T14:00:00Z", true},
		{"elapsed, an instant before", "  snapback_at: elapsed\n", "2025-08-28T14:00:00Z", "2025-09-27T13:59:59.999999999Z", "2025-09-27T14:00:00Z", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := snapbackAgreement(t, c.extra)
			log := numbered(
				engine.Event{Type: "sign", Party: "ua", At: at("2025-08-02T00:00:00Z")},
				engine.Event{Type: "sign", Party: "ru", At: at("2025-08-02T00:00:00Z")},
				engine.Event{Type: "violation", ID: "v1", Party: "ru", Rule: "x", Severity: "major", At: at("2025-08-27T00:00:00Z")},
				engine.Event{Type: "response", Consultation: "v1", Party: "ru", Answer: "accept", At: at(c.notified)},
				engine.Event{Type: "tick", At: at(c.tick)},
			)
			s, err := engine.Replay(a, log)
			if err != nil {
				t.Fatal(err)
			}
			sb := s.Snapback
			if sb == nil {
				t.Fatal("no snapback notified")
			}
			if want := at(c.effectiveAt); !sb.EffectiveAt.Equal(want) {
				t.Errorf("effective at %s, want %s", sb.EffectiveAt.Format(time.RFC3339Nano), c.effectiveAt)
			}
			if sb.Effective != c.effective {
				t.Errorf("effective %v at the tick %s, want %v", sb.Effective, c.tick, c.effective)
			}
			if tr := s.Tranches[0]; c.effective && (tr.Status != engine.Reimposed || !tr.At.Equal(at(c.effectiveAt))) {
				t.Errorf("tranche %s at %v, want reimposed at %s", tr.Status, tr.At, c.effectiveAt)
			}
		})
	}
}

// A snapback that takes effect at the instant it is notified (snapback_at:
// elapsed, snapback_days: 0) is in effect in the state after the entry that
// notified it, as after a tick at that same instant: the state at an instant
// does not depend on whether another entry came at it.
func TestSnapbackEffectiveAtItsNotification(t *testing.T) {
	a := snapbackAgreement(t, "  snapback_at: elapsed\n")
	a.Enforcement.SnapbackDays = 0
	log := numbered(
		engine.Event{Type: "sign", Party: "ua", At: at("2025-08-02T00:00:00Z")},
		engine.Event{Type: "sign", Party: "ru", At: at("2025-08-02T00:00:00Z")},
		engine.Event{Type: "violation", ID: "v1", Party: "ru", Rule: "x", Severity: "major", At: at("2025-08-27T00:00:00Z")},
		engine.Event{Type: "response", Consultation: "v1", Party: "ru", Answer: "accept", At: at("2025-08-28T14:00:00Z")},
		engine.Event{Type: "tick", At: at("2025-08-28T14:00:00Z")},
	)
	notified, err := engine.Replay(a, log[:4])
	if err != nil {
		t.Fatal(err)
	}
	ticked, err := engine.Replay(a, log)
	if err != nil {
		t.Fatal(err)
	}
	if sb := notified.Snapback; sb == nil || !sb.Effective || notified.Tranches[0].Status != engine.Reimposed {
		t.Errorf("after the notification at its effective instant: snapback %+v, tranche %s; want effective, reimposed", sb, notified.Tranches[0].Status)
	}
	ticked.Seq = notified.Seq
	for i := range ticked.Derived {
		ticked.Derived[i].Seq = min(ticked.Derived[i].Seq, notified.Seq)
	}
	if string(notified.JSON()) != string(ticked.JSON()) {
		t.Errorf("the state after the notification differs from the state after a tick at the same instant:\n%s\nwant\n%s", notified.JSON(), ticked.JSON())
	}
}
