package engine_test

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
)

const liftCond = "since(snapback) >= 60d and violations(party=ru, severity>=major, within=60d) == 0"

// liftAgreement is the reference agreement with a lift (and the phase a
// snapback suspends, if suspend is not "").
func liftAgreement(t *testing.T, lift, suspend string) *agreement.Agreement {
	t.Helper()
	data, err := os.ReadFile("../scenarios/ukraine-2025/agreement.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The reference's own lift out: each case says its own, or none.
	src := regexp.MustCompile(`(?m)^  lift: .*\n`).ReplaceAllString(string(data), "")
	if suspend != "" {
		src = strings.Replace(src, "suspend_phase: reconstruction", "suspend_phase: "+suspend, 1)
	}
	if lift != "" {
		src = strings.Replace(src, "  snapback_on: [ru]\n", "  snapback_on: [ru]\n  lift: "+lift+"\n", 1)
	}
	a, err := agreement.Parse("agreement.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func at(s string) time.Time {
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return v
}

// after is the snapback log (notified 2026-01-20T15:00, effective 2026-02-20T00:00) followed by these
// entries, numbered on.
func after(t *testing.T, evs ...engine.Event) []engine.Event {
	log := mustLog(t, "testdata/snapback.ndjson")
	for _, ev := range evs {
		ev.Seq = len(log) + 1
		log = append(log, ev)
	}
	return log
}

func tick(s string) engine.Event { return engine.Event{At: at(s), Type: "tick"} }

// A second upheld major violation by ru, after the lift.
func secondViolation() []engine.Event {
	return []engine.Event{
		{At: at("2026-04-25T08:00:00Z"), Type: "violation", ID: "v2", Rule: "crossing", Party: "ru"},
		{At: at("2026-04-26T08:00:00Z"), Type: "response", Consultation: "v2", Party: "ru", Answer: "dispute", Evidence: "s3://ru-mod/0425.pdf"},
		{At: at("2026-04-30T12:00:00Z"), Type: "finding", Consultation: "v2", Outcome: "upheld", SignedBy: []string{"us", "eu"}},
	}
}

func TestLift(t *testing.T) {
	tests := []struct {
		name, lift, suspend string
		log                 []engine.Event
		lifted              string // lifted_at, "" none
		phases, tranches    string
		history             int // lifted snapbacks in the history
		derived             []string
	}{
		{
			name:     "no lift in the agreement",
			log:      after(t, tick("2026-09-01T00:00:00Z")),
			phases:   "ceasefire-30:open permanent:open reconstruction:suspended",
			tranches: "relief-1:reimposed relief-2:blocked relief-3:blocked",
		},
		{
			name:     "lift does not hold yet",
			lift:     liftCond,
			log:      after(t, tick("2026-04-01T00:00:00Z"), tick("2026-04-20T14:00:00Z")),
			phases:   "ceasefire-30:open permanent:open reconstruction:suspended",
			tranches: "relief-1:reimposed relief-2:blocked relief-3:blocked",
		},
		{
			// The reconstruction phase was suspended before it opened: it is
			// pending again, and opens at once (its entry holds); the
			// tranches are pending, not released, at the lift's instant.
			name:     "lift holds",
			lift:     liftCond,
			log:      after(t, tick("2026-04-21T00:00:00Z")),
			lifted:   "2026-04-21T00:00:00Z",
			phases:   "ceasefire-30:open permanent:open reconstruction:open",
			tranches: "relief-1:pending relief-2:pending relief-3:pending",
			derived:  []string{"snapback lifted: " + liftCond + " holds (violation v1, effective since 2026-02-20T00:00:00Z)", "phase reconstruction resumes (pending)", "phase reconstruction opens", "tranche relief-1 pending again"},
		},
		{
			name:     "tranches re-released at a later tick",
			lift:     liftCond,
			log:      after(t, tick("2026-04-21T00:00:00Z"), tick("2026-04-22T00:00:00Z")),
			lifted:   "2026-04-21T00:00:00Z",
			phases:   "ceasefire-30:open permanent:open reconstruction:open",
			tranches: "relief-1:released relief-2:released relief-3:released",
			derived:  []string{"tranche relief-1 released", "tranche relief-3 released"},
		},
		{
			// A violation within the last 60 days keeps the snapback.
			name:     "a recent violation keeps it",
			lift:     liftCond,
			log:      after(t, engine.Event{At: at("2026-03-01T00:00:00Z"), Type: "violation", ID: "v2", Rule: "crossing", Party: "ru"}, tick("2026-04-22T00:00:00Z")),
			phases:   "ceasefire-30:open permanent:open reconstruction:suspended",
			tranches: "relief-1:reimposed relief-2:blocked relief-3:blocked",
		},
		{
			// A suspended phase that had opened resumes open, its opening
			// kept; the later phase waited for it and opens after.
			name:     "an opened phase resumes",
			lift:     liftCond,
			suspend:  "permanent",
			log:      after(t, tick("2026-04-21T00:00:00Z"), tick("2026-04-22T00:00:00Z")),
			lifted:   "2026-04-21T00:00:00Z",
			phases:   "ceasefire-30:open permanent:open reconstruction:open",
			tranches: "relief-1:released relief-2:released relief-3:released",
			derived:  []string{"phase permanent suspended", "phase permanent resumes (open)"},
		},
		{
			name:     "a second snapback after the lift",
			lift:     liftCond,
			log:      after(t, append(append([]engine.Event{tick("2026-04-21T00:00:00Z"), tick("2026-04-22T00:00:00Z")}, secondViolation()...), tick("2026-06-01T00:00:00Z"))...),
			phases:   "ceasefire-30:open permanent:open reconstruction:suspended",
			tranches: "relief-1:reimposed relief-2:reimposed relief-3:reimposed",
			history:  1,
			derived:  []string{"snapback notified (violation v2, upheld)", "tranche relief-3 re-imposed"},
		},
		{
			name:     "a second snapback lifted too",
			lift:     liftCond,
			log:      after(t, append(append([]engine.Event{tick("2026-04-21T00:00:00Z"), tick("2026-04-22T00:00:00Z")}, secondViolation()...), tick("2026-07-30T00:00:00Z"), tick("2026-07-31T00:00:00Z"))...),
			lifted:   "2026-07-30T00:00:00Z",
			phases:   "ceasefire-30:open permanent:open reconstruction:open",
			tranches: "relief-1:released relief-2:released relief-3:released",
			history:  1,
			derived:  []string{"(violation v2, effective since 2026-05-31T00:00:00Z)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := liftAgreement(t, tt.lift, tt.suspend)
			s, err := engine.Replay(a, tt.log)
			if err != nil {
				t.Fatal(err)
			}
			if got := statuses(s.Phases, func(p engine.PhaseState) string { return p.ID + ":" + p.Status }); got != tt.phases {
				t.Errorf("phases %s\nwant   %s", got, tt.phases)
			}
			if got := statuses(s.Tranches, func(p engine.TrancheState) string { return p.ID + ":" + p.Status }); got != tt.tranches {
				t.Errorf("tranches %s\nwant     %s", got, tt.tranches)
			}
			sb := s.Snapback
			if sb == nil || !sb.Effective {
				t.Fatalf("snapback %+v", sb)
			}
			if tt.lifted == "" {
				if !sb.InForce() || sb.LiftedAt != nil || (tt.history == 0 && strings.Contains(string(s.JSON()), "lifted_at")) {
					t.Errorf("snapback %+v, want in force", sb)
				}
			} else if sb.InForce() || sb.LiftedAt == nil || !sb.LiftedAt.Equal(at(tt.lifted)) {
				t.Errorf("snapback lifted at %v, want %s", sb.LiftedAt, tt.lifted)
			}
			if len(s.Snapbacks) != tt.history {
				t.Fatalf("history %+v", s.Snapbacks)
			}
			for _, h := range s.Snapbacks {
				if h.Cause != "v1" || h.LiftedAt == nil || !h.LiftedAt.Equal(at("2026-04-21T00:00:00Z")) {
					t.Errorf("history %+v", h)
				}
			}
			if tt.history == 0 && strings.Contains(string(s.JSON()), `"snapbacks"`) {
				t.Error("an empty history in the state's JSON")
			}
			var whats []string
			for _, d := range s.Derived {
				whats = append(whats, d.What)
			}
			all := strings.Join(whats, "\n")
			for _, want := range tt.derived {
				if !strings.Contains(all, want) {
					t.Errorf("no derived event %q in\n%s", want, all)
				}
			}
			if tt.lift == "" && strings.Contains(all, "lifted") {
				t.Errorf("lifted without lift:\n%s", all)
			}
		})
	}
}

// The lifted permanent phase keeps its opening.
func TestLiftKeepsOpening(t *testing.T) {
	a := liftAgreement(t, liftCond, "permanent")
	s, err := engine.Replay(a, after(t, tick("2026-04-21T00:00:00Z")))
	if err != nil {
		t.Fatal(err)
	}
	if p := s.Phases[1]; p.Status != engine.Open || !p.OpenedAt.Equal(at("2025-12-31T06:00:00Z")) {
		t.Errorf("permanent %+v", p)
	}
}

// A history with a lift and a second snapback replays to the same bytes,
// entry by entry as in one replay, and written and read back; a refused
// entry after the lift leaves the state as it was.
func TestLiftReplayIsDeterministic(t *testing.T) {
	a := liftAgreement(t, liftCond, "")
	log := after(t, append(append([]engine.Event{tick("2026-04-21T00:00:00Z"), tick("2026-04-22T00:00:00Z")}, secondViolation()...), tick("2026-07-31T00:00:00Z"))...)
	s1, err := engine.Replay(a, log)
	if err != nil {
		t.Fatal(err)
	}
	e := engine.New(liftAgreement(t, liftCond, ""))
	for _, ev := range log {
		if err := e.Apply(ev); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := engine.WriteLog(&buf, log); err != nil {
		t.Fatal(err)
	}
	again, err := engine.ReadLog(&buf, "again")
	if err != nil {
		t.Fatal(err)
	}
	s3, err := engine.Replay(a, again)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(s1.JSON(), e.State().JSON()) || s1.Hash() != s3.Hash() {
		t.Error("replays differ")
	}
	before := e.State().Hash()
	if err := e.Apply(engine.Event{Seq: len(log) + 1, At: at("2026-07-01T00:00:00Z"), Type: "tick"}); err == nil {
		t.Error("time went backwards")
	}
	if e.State().Hash() != before {
		t.Error("a refused entry changed the state")
	}
}
