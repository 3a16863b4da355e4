package reconstruction

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
)

// replay is the reference agreement's state after the first n entries of
// an engine test log (all of them for n < 0).
func replay(t *testing.T, log string, n int) EngineState {
	t.Helper()
	data, err := os.ReadFile("../scenarios/ukraine-2025/agreement.yaml")
	if err != nil {
		t.Fatal(err)
	}
	a, err := agreement.Parse("agreement.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../engine/testdata/" + log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	events, err := engine.ReadLog(f, log)
	if err != nil {
		t.Fatal(err)
	}
	if n >= 0 {
		events = events[:n]
	}
	s, err := engine.Replay(a, events)
	if err != nil {
		t.Fatal(err)
	}
	return EngineState{A: a, S: s}
}

// A disbursement conditioned on the permanent ceasefire is refused once
// the upheld violation's snapback takes effect, although the permanent
// phase is still open, and the same disbursement is released over a state
// without snapback: the compliance history of the engine's tests. The
// reference agreement has no lift; TestEngineSnapbackLifted shows the
// same disbursement refused and released in one history.
func TestEngineSnapbackBlocksDisbursement(t *testing.T) {
	r := sample(t)
	snap := replay(t, "snapback.ndjson", -1)
	if !snap.Snapback() {
		t.Fatal("no snapback in the snapback log")
	}
	if ok, err := snap.Holds("phase(permanent) == open"); !ok || err != nil {
		t.Fatalf("permanent phase: %v %v", ok, err)
	}
	d := Disbursement{ID: "d2", Commitment: "c1", Amount: usd(100), At: day(4)}
	ev, err := r.Disburse(d, day(4), snap)
	if err == nil || !strings.Contains(err.Error(), "blocked: snapback is in force (agreement entry 9)") {
		t.Fatalf("under snapback: %v", err)
	}
	if ev.Type != RefusalEv || ev.Refusal.ID != "d2" {
		t.Errorf("recorded %+v", ev)
	}

	// Before the snapback took effect (the finding upheld, snapback
	// notified, 30 days to run) the condition holds and nothing blocks.
	notified := replay(t, "snapback.ndjson", 8)
	if notified.Snapback() || notified.S.Snapback == nil {
		t.Fatalf("snapback after entry 8: %+v", notified.S.Snapback)
	}
	if _, err := r.Disburse(Disbursement{ID: "d1b", Commitment: "c1", Amount: usd(50), At: day(4)}, day(4), notified); err != nil {
		t.Errorf("before snapback took effect: %v", err)
	}

	clean := replay(t, "compliance.ndjson", -1)
	ev, err = r.Disburse(d, day(5), clean)
	if err != nil || ev.Type != DisbursementEv || ev.Disbursement.AgreementSeq != clean.Seq() {
		t.Fatalf("released: %+v %v", ev, err)
	}
	if got := r.Undisbursed("c1"); got != usd(150).Amount {
		t.Errorf("undisbursed %d", got)
	}
}

// A condition naming what the agreement does not have is refused with the
// condition language's error, recorded.
func TestEngineConditionErrors(t *testing.T) {
	s := replay(t, "compliance.ndjson", -1)
	if _, err := s.Holds("phase(nowhere) == open"); err == nil {
		t.Error("unknown phase accepted")
	}
	if ok, err := s.Holds("phase(reconstruction) == open and violations(party=ru, severity>=major, within=30d) == 0"); err != nil || !ok {
		t.Errorf("reconstruction condition: %v %v", ok, err)
	}
	r := sample(t)
	if _, err := r.Submit(Event{At: day(4), Type: CommitmentEv, Commitment: &Commitment{ID: "c9", Fund: "eu-era", Project: "kharkiv-grid", Amount: usd(10), Condition: "phase(nowhere) == open"}}); err != nil {
		t.Fatal(err)
	}
	_, err := r.Disburse(Disbursement{ID: "d9", Commitment: "c9", Amount: usd(1), At: day(5)}, day(5), s)
	if err == nil || !strings.Contains(err.Error(), `commitment c9's condition "phase(nowhere) == open"`) || len(r.Refusals) != 1 {
		t.Errorf("got %v, refusals %+v", err, r.Refusals)
	}
}

// In one history, over a copy of the reference agreement with a lift
// (testdata/agreement-lift.yaml): the disbursement is refused while the
// snapback is in force, and released once the lift's sixty days without a
// major violation have passed and the engine lifted it.
func TestEngineSnapbackLifted(t *testing.T) {
	data, err := os.ReadFile("testdata/agreement-lift.yaml")
	if err != nil {
		t.Fatal(err)
	}
	a, err := agreement.Parse("agreement-lift.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../engine/testdata/snapback.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	log, err := engine.ReadLog(f, "snapback.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	lift := time.Date(2026, 4, 21, 0, 0, 0, 0, time.UTC)
	log = append(log,
		engine.Event{Seq: len(log) + 1, At: lift.Add(-24 * time.Hour), Type: "tick"},
		engine.Event{Seq: len(log) + 2, At: lift, Type: "tick"})
	e := engine.New(a)
	apply := func(evs []engine.Event) EngineState {
		t.Helper()
		for _, ev := range evs {
			if err := e.Apply(ev); err != nil {
				t.Fatal(err)
			}
		}
		return EngineState{A: a, S: e.State()}
	}
	r := sample(t)
	d := Disbursement{ID: "d2", Commitment: "c1", Amount: usd(100), At: day(4)}

	// Under snapback (entry 9), and still the day before the lift (entry
	// 10: sixty days of snapback not yet run).
	for i, s := range []EngineState{apply(log[:9]), apply(log[9:10])} {
		if !s.Snapback() {
			t.Fatalf("no snapback in force at entry %d", s.Seq())
		}
		_, err := r.Disburse(d, day(4+i), s)
		if want := fmt.Sprintf("blocked: snapback is in force (agreement entry %d)", s.Seq()); err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("under snapback: %v, want %q", err, want)
		}
	}

	// Lifted (entry 11): the same disbursement is released against it.
	lifted := apply(log[10:])
	if lifted.Snapback() || lifted.S.Snapback == nil || lifted.S.Snapback.LiftedAt == nil || !lifted.S.Snapback.LiftedAt.Equal(lift) {
		t.Fatalf("snapback after the lift: %+v", lifted.S.Snapback)
	}
	ev, err := r.Disburse(d, day(6), lifted)
	if err != nil || ev.Type != DisbursementEv || ev.Disbursement.AgreementSeq != 11 {
		t.Fatalf("after the lift: %+v %v", ev, err)
	}
	if len(r.Refusals) != 2 || r.Undisbursed("c1") != usd(200).Amount {
		t.Errorf("refusals %+v, undisbursed %d", r.Refusals, r.Undisbursed("c1"))
	}
}
