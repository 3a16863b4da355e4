package engine_test

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
)

func mustAgreement(t testing.TB) *agreement.Agreement {
	t.Helper()
	a, err := agreement.Load("../scenarios/ukraine-2025/agreement.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustLog(t *testing.T, path string) []engine.Event {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	log, err := engine.ReadLog(f, path)
	if err != nil {
		t.Fatal(err)
	}
	return log
}

func statuses[T any](items []T, f func(T) string) string {
	var out []string
	for _, it := range items {
		out = append(out, f(it))
	}
	return strings.Join(out, " ")
}

// From signature through a confirmed violation, a disputed notice, an
// upheld finding and snapback.
func TestTimelineSnapback(t *testing.T) {
	a := mustAgreement(t)
	s, err := engine.Replay(a, mustLog(t, "testdata/snapback.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	phases := statuses(s.Phases, func(p engine.PhaseState) string { return p.ID + ":" + p.Status })
	if phases != "ceasefire-30:open permanent:open reconstruction:suspended" {
		t.Errorf("phases %s", phases)
	}
	tranches := statuses(s.Tranches, func(p engine.TrancheState) string { return p.ID + ":" + p.Status })
	if tranches != "relief-1:reimposed relief-2:blocked relief-3:blocked" {
		t.Errorf("tranches %s", tranches)
	}
	c := s.Consultations[0]
	if c.Stage != engine.StageClosed || c.Outcome != engine.Upheld || c.Answer != "dispute" || c.Severity != "major" {
		t.Errorf("consultation %+v", c)
	}
	if s.Snapback == nil || !s.Snapback.Effective || !s.Snapback.EffectiveAt.Equal(time.Date(2026, 2, 20, 0, 0, 0, 0, time.UTC)) { // notified 2026-01-20T15:00Z: 00:00 UTC after the 30th day
		t.Errorf("snapback %+v", s.Snapback)
	}
	// The permanent phase opened the moment 30 days of the ceasefire phase
	// had passed: that is also the deadline of the znpp-demilitarisation
	// provision (30 days after signature), which the engine processes at its
	// own time, evaluating the conditions then.
	if p := s.Phases[1]; !p.OpenedAt.Equal(time.Date(2025, 12, 31, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("permanent opened at %v", p.OpenedAt)
	}
	// Provisions not done in time are overdue from the instant after their
	// due time.
	for _, p := range s.Provisions {
		if p.ID == "ceasefire" && p.Status != engine.Overdue {
			t.Errorf("ceasefire provision %s", p.Status)
		}
	}
}

// Through full compliance to the last phase.
func TestTimelineCompliance(t *testing.T) {
	a := mustAgreement(t)
	s, err := engine.Replay(a, mustLog(t, "testdata/compliance.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	phases := statuses(s.Phases, func(p engine.PhaseState) string { return p.ID + ":" + p.Status })
	if phases != "ceasefire-30:open permanent:open reconstruction:open" {
		t.Errorf("phases %s", phases)
	}
	tranches := statuses(s.Tranches, func(p engine.TrancheState) string { return p.ID + ":" + p.Status })
	if tranches != "relief-1:released relief-2:released relief-3:released" {
		t.Errorf("tranches %s", tranches)
	}
	overdue := statuses(s.Provisions, func(p engine.ProvisionState) string {
		if p.Status != engine.Done {
			return p.ID + ":" + p.Status
		}
		return ""
	})
	if strings.TrimSpace(overdue) != "line-of-control:pending" {
		t.Errorf("provisions not done: %q", overdue)
	}
	if s.Snapback != nil {
		t.Errorf("snapback %+v", s.Snapback)
	}
}

// The same log gives the same bytes, and a log written and read back too.
func TestReplayIsDeterministic(t *testing.T) {
	a := mustAgreement(t)
	for _, path := range []string{"testdata/snapback.ndjson", "testdata/compliance.ndjson"} {
		log := mustLog(t, path)
		s1, _ := engine.Replay(a, log)
		s2, _ := engine.Replay(mustAgreement(t), log)
		var buf bytes.Buffer
		if err := engine.WriteLog(&buf, log); err != nil {
			t.Fatal(err)
		}
		again, err := engine.ReadLog(&buf, "again")
		if err != nil {
			t.Fatal(err)
		}
		s3, _ := engine.Replay(a, again)
		if !bytes.Equal(s1.JSON(), s2.JSON()) || s1.Hash() != s3.Hash() {
			t.Errorf("%s: replays differ", path)
		}
	}
}

func TestBadEntriesChangeNothing(t *testing.T) {
	a := mustAgreement(t)
	log := mustLog(t, "testdata/snapback.ndjson")
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	tests := []struct {
		name  string
		after int // entries applied first
		ev    engine.Event
		want  string
	}{
		{"gap in sequence", 2, engine.Event{Seq: 4, At: at("2025-12-02T00:00:00Z"), Type: "tick"}, "sequence number 4, want 3"},
		{"time backwards", 2, engine.Event{Seq: 3, At: at("2025-11-30T00:00:00Z"), Type: "tick"}, "time goes backwards"},
		{"unknown type", 2, engine.Event{Seq: 3, At: at("2025-12-02T00:00:00Z"), Type: "ceasefire"}, `unknown type "ceasefire"`},
		{"signing twice", 2, engine.Event{Seq: 3, At: at("2025-12-02T00:00:00Z"), Type: "sign", Party: "ua"}, "ua signed already"},
		{"a non-party signs", 1, engine.Event{Seq: 2, At: at("2025-12-02T00:00:00Z"), Type: "sign", Party: "us"}, `"us" is not a party`},
		{"violation before force", 1, engine.Event{Seq: 2, At: at("2025-12-02T00:00:00Z"), Type: "violation", ID: "v0", Rule: "crossing", Party: "ru"}, "not in force"},
		{"unknown provision", 2, engine.Event{Seq: 3, At: at("2025-12-02T00:00:00Z"), Type: "provision_done", Provision: "amnesty"}, `no provision "amnesty"`},
		{"not obliged", 2, engine.Event{Seq: 3, At: at("2025-12-02T00:00:00Z"), Type: "provision_done", Provision: "znpp-demilitarisation", Party: "ua"}, `"ua" is not obliged`},
		{"answer by the wrong party", 6, engine.Event{Seq: 7, At: at("2026-01-11T00:00:00Z"), Type: "response", Consultation: "v1", Party: "ua", Answer: "dispute", Evidence: "x"}, "the notice went to ru"},
		{"dispute without evidence", 6, engine.Event{Seq: 7, At: at("2026-01-11T00:00:00Z"), Type: "response", Consultation: "v1", Party: "ru", Answer: "dispute"}, "a dispute needs evidence"},
		{"late answer", 6, engine.Event{Seq: 7, At: at("2026-01-14T00:00:00Z"), Type: "response", Consultation: "v1", Party: "ru", Answer: "dispute", Evidence: "x"}, "at stage closed"},
		{"finding by a non-guarantor", 7, engine.Event{Seq: 8, At: at("2026-01-20T00:00:00Z"), Type: "finding", Consultation: "v1", Outcome: "upheld", SignedBy: []string{"us", "ua"}}, `signed by "ua", not a guarantor`},
		{"finding below quorum", 7, engine.Event{Seq: 8, At: at("2026-01-20T00:00:00Z"), Type: "finding", Consultation: "v1", Outcome: "upheld", SignedBy: []string{"us"}}, "the quorum is 2"},
		{"finding before a dispute", 6, engine.Event{Seq: 7, At: at("2026-01-11T00:00:00Z"), Type: "finding", Consultation: "v1", Outcome: "upheld", SignedBy: []string{"us", "eu"}}, "a finding comes after a dispute"},
		{"bad outcome", 7, engine.Event{Seq: 8, At: at("2026-01-20T00:00:00Z"), Type: "finding", Consultation: "v1", Outcome: "guilty", SignedBy: []string{"us", "eu"}}, `outcome "guilty"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := engine.New(a)
			for _, ev := range log[:tt.after] {
				if err := e.Apply(ev); err != nil {
					t.Fatal(err)
				}
			}
			before := e.State().Hash()
			err := e.Apply(tt.ev)
			if err == nil || !strings.Contains(err.Error(), tt.want) || accord.ErrorCode(err) != accord.EINVALID {
				t.Errorf("error %v\nwant %q", err, tt.want)
			}
			if e.State().Hash() != before {
				t.Error("a refused entry changed the state")
			}
		})
	}
}

func TestMissedDeadlines(t *testing.T) {
	a := mustAgreement(t)
	log := mustLog(t, "testdata/snapback.ndjson")[:7] // up to the dispute
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	// No finding at any stage: joint 15 d, ministers 15 d, advisory 5 d, then
	// unresolved, which notifies snapback like an upheld finding.
	log = append(log, engine.Event{Seq: 8, At: at("2026-03-01T00:00:00Z"), Type: "tick"})
	s, err := engine.Replay(a, log)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Consultations[0]
	if c.Outcome != engine.Unresolved || !c.ClosedAt.Equal(at("2026-02-16T09:00:00Z")) {
		t.Errorf("consultation %+v", c)
	}
	var whats []string
	for _, d := range s.Derived {
		whats = append(whats, d.What)
	}
	all := strings.Join(whats, "\n")
	for _, want := range []string{"to the ministers", "to the advisory board", "unresolved", "snapback notified"} {
		if !strings.Contains(all, want) {
			t.Errorf("no derived event %q in\n%s", want, all)
		}
	}
	// No answer to a notice: upheld by default.
	log = mustLog(t, "testdata/snapback.ndjson")[:6]
	log = append(log, engine.Event{Seq: 7, At: at("2026-01-20T00:00:00Z"), Type: "tick"})
	s, _ = engine.Replay(a, log)
	if c := s.Consultations[0]; c.Outcome != engine.Upheld || !c.ClosedAt.Equal(at("2026-01-13T03:12:00Z")) {
		t.Errorf("unanswered notice: %+v", c)
	}
}

// Any log, however wrong, is either replayed or refused with an error:
// never a panic, and a refused entry leaves the state unchanged.
func FuzzReplay(f *testing.F) {
	for _, p := range []string{"testdata/snapback.ndjson", "testdata/compliance.ndjson"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	a, err := agreement.Load("../scenarios/ukraine-2025/agreement.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		log, err := engine.ReadLog(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		e := engine.New(a)
		for _, ev := range log {
			before := e.State().Hash()
			if err := e.Apply(ev); err != nil {
				if e.State().Hash() != before {
					t.Fatalf("refused entry %d changed the state", ev.Seq)
				}
				return
			}
		}
	})
}
