package reconstruction

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func day(n int) time.Time { return t0.Add(time.Duration(n) * 24 * time.Hour) }

func usd(n int64) Money { return Money{n * 100, "USD"} }

// stub is an agreement state for the rules tests.
type stub struct {
	holds, snapback bool
	seq             int
}

func (s stub) Holds(string) (bool, error) { return s.holds, nil }
func (s stub) Snapback() bool             { return s.snapback }
func (s stub) Seq() int                   { return s.seq }
func (s stub) Guarantor(a string) bool    { return a == "eu" || a == "us" }

// sample is a registry with two funds, two projects, two commitments and a
// disbursement.
func sample(t *testing.T) *Registry {
	t.Helper()
	r := New()
	for i, ev := range []Event{
		{At: day(0), Type: FundEv, Fund: &Fund{ID: "eu-era", Source: Loan, Owner: "eu", Amount: usd(1000)}},
		{At: day(0), Type: FundEv, Fund: &Fund{ID: "ca-frozen", Source: FrozenAssets, Owner: "ca", Amount: Money{50000, "CAD"}}},
		{At: day(1), Type: ProjectEv, Project: &Project{ID: "kharkiv-grid", Title: "Kharkiv substation", Sector: "energy", Oblast: "kharkivska", Cost: usd(600), Implementer: "ukrenergo", Status: Planned}},
		{At: day(1), Type: ProjectEv, Project: &Project{ID: "odesa-port", Sector: "transport", Oblast: "odeska", Cost: usd(800), Implementer: "uspa", Status: Planned}},
		{At: day(2), Type: CommitmentEv, Commitment: &Commitment{ID: "c1", Fund: "eu-era", Project: "kharkiv-grid", Amount: usd(500), Condition: "phase(permanent) == open"}},
		{At: day(2), Type: CommitmentEv, Commitment: &Commitment{ID: "c2", Fund: "eu-era", Project: "odesa-port", Amount: usd(300)}},
	} {
		if _, err := r.Submit(ev); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
	}
	if _, err := r.Disburse(Disbursement{ID: "d1", Commitment: "c1", Amount: usd(200), At: day(3)}, day(3), stub{holds: true, seq: 7}); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestBalances(t *testing.T) {
	r := sample(t)
	if got := r.Uncommitted("eu-era"); got != usd(200).Amount {
		t.Errorf("uncommitted %d", got)
	}
	if got := r.Unfunded("kharkiv-grid"); got != usd(100).Amount {
		t.Errorf("unfunded %d", got)
	}
	if got := r.Undisbursed("c1"); got != usd(300).Amount {
		t.Errorf("undisbursed %d", got)
	}
	if d := r.Disbursements[0]; d.AgreementSeq != 7 {
		t.Errorf("disbursement %+v", d)
	}
}

// Replay of the log, and of the log written and read back, gives the same
// registry, byte for byte.
func TestReplayIsDeterministic(t *testing.T) {
	r := sample(t)
	// A refusal is part of the log too.
	if _, err := r.Disburse(Disbursement{ID: "d2", Commitment: "c1", Amount: usd(10), At: day(4)}, day(4), stub{snapback: true}); err == nil {
		t.Fatal("no refusal under snapback")
	}
	again, err := Replay(r.Log)
	if err != nil {
		t.Fatal(err)
	}
	data := MarshalLog(r.Log)
	log, err := UnmarshalLog(data)
	if err != nil {
		t.Fatal(err)
	}
	third, err := Replay(log)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(r.JSON(), again.JSON()) || !bytes.Equal(r.JSON(), third.JSON()) {
		t.Errorf("replays differ:\n%s\n%s", r.JSON(), third.JSON())
	}
	if !bytes.Equal(data, MarshalLog(third.Log)) {
		t.Error("log bytes differ")
	}
	if len(third.Refusals) != 1 {
		t.Errorf("refusals %+v", third.Refusals)
	}
}

// Each rule refuses with a precise error, records the refusal as an event
// and changes nothing else.
func TestRulesRefuse(t *testing.T) {
	cases := []struct {
		name string
		ev   Event
		want string
	}{
		{"fund in an unknown currency", Event{At: day(5), Type: FundEv, Fund: &Fund{ID: "x", Source: Pledge, Owner: "uk", Amount: Money{100, "XYZ"}}}, `fund "x" refused: unknown currency "XYZ"`},
		{"fund of an unknown source", Event{At: day(5), Type: FundEv, Fund: &Fund{ID: "x", Source: "gift", Owner: "uk", Amount: usd(1)}}, `fund "x" refused: source "gift"`},
		{"fund twice", Event{At: day(5), Type: FundEv, Fund: &Fund{ID: "eu-era", Source: Pledge, Owner: "uk", Amount: usd(1)}}, `fund "eu-era" refused: already registered`},
		{"over the fund's balance", Event{At: day(5), Type: CommitmentEv, Commitment: &Commitment{ID: "c3", Fund: "eu-era", Project: "odesa-port", Amount: usd(201)}}, `commitment "c3" refused: 201.00 USD exceeds fund eu-era's uncommitted balance of 200.00 USD`},
		{"currency other than the fund's", Event{At: day(5), Type: CommitmentEv, Commitment: &Commitment{ID: "c4", Fund: "ca-frozen", Project: "odesa-port", Amount: usd(1)}}, `commitment "c4" refused: currency USD: fund ca-frozen is in CAD`},
		{"unknown currency", Event{At: day(5), Type: CommitmentEv, Commitment: &Commitment{ID: "c5", Fund: "eu-era", Project: "odesa-port", Amount: Money{1, "usd"}}}, `commitment "c5" refused: unknown currency "usd"`},
		{"unknown fund", Event{At: day(5), Type: CommitmentEv, Commitment: &Commitment{ID: "c6", Fund: "nope", Project: "odesa-port", Amount: usd(1)}}, `commitment "c6" refused: unknown fund "nope"`},
		{"bad condition", Event{At: day(5), Type: CommitmentEv, Commitment: &Commitment{ID: "c7", Fund: "eu-era", Project: "odesa-port", Amount: usd(1), Condition: "phase(permanent) =="}}, `commitment "c7" refused: condition`},
		{"over the commitment", Event{At: day(5), Type: DisbursementEv, Disbursement: &Disbursement{ID: "d9", Commitment: "c1", Amount: usd(301), At: day(5)}}, `disbursement "d9" refused: 301.00 USD exceeds commitment c1's undisbursed 300.00 USD`},
		{"disbursement in another currency", Event{At: day(5), Type: DisbursementEv, Disbursement: &Disbursement{ID: "d8", Commitment: "c1", Amount: Money{1, "EUR"}, At: day(5)}}, `disbursement "d8" refused: currency EUR: commitment c1 is in USD`},
	}
	for _, c := range cases {
		r := sample(t)
		before := r.JSON()
		rec, err := r.Submit(c.ev)
		var e *Error
		if !errors.As(err, &e) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %s", c.name, err, c.want)
			continue
		}
		if rec.Type != RefusalEv || rec.Refusal.ID != e.ID || rec.Refusal.Reason != e.Why {
			t.Errorf("%s: recorded %+v", c.name, rec)
		}
		// Nothing but the refusal changed.
		r.Refusals, r.Seq, r.Now = nil, r.Seq-1, day(3)
		if !bytes.Equal(before, r.JSON()) {
			t.Errorf("%s: the registry changed", c.name)
		}
	}
}

func TestCommitmentOverProjectCost(t *testing.T) {
	r := sample(t)
	if _, err := r.Submit(Event{At: day(5), Type: FundEv, Fund: &Fund{ID: "uk", Source: Pledge, Owner: "uk", Amount: usd(10000)}}); err != nil {
		t.Fatal(err)
	}
	_, err := r.Submit(Event{At: day(5), Type: CommitmentEv, Commitment: &Commitment{ID: "c3", Fund: "uk", Project: "kharkiv-grid", Amount: usd(101)}})
	if err == nil || err.Error() != `commitment "c3" refused: 101.00 USD exceeds project kharkiv-grid's unfunded cost of 100.00 USD` {
		t.Errorf("got %v", err)
	}
}

func TestDisbursementBlocked(t *testing.T) {
	r := sample(t)
	d := Disbursement{ID: "d2", Commitment: "c1", Amount: usd(100), At: day(4)}
	_, err := r.Disburse(d, day(4), stub{holds: true, snapback: true, seq: 9})
	if err == nil || err.Error() != `disbursement "d2" refused: blocked: snapback is in force (agreement entry 9)` {
		t.Errorf("snapback: %v", err)
	}
	_, err = r.Disburse(d, day(4), stub{holds: false, seq: 9})
	if err == nil || !strings.Contains(err.Error(), `commitment c1's condition "phase(permanent) == open" does not hold (agreement entry 9)`) {
		t.Errorf("condition: %v", err)
	}
	if len(r.Refusals) != 2 || len(r.Disbursements) != 1 {
		t.Errorf("refusals %+v disbursements %+v", r.Refusals, r.Disbursements)
	}
	// c2 has no condition: snapback still blocks it.
	if _, err := r.Disburse(Disbursement{ID: "d3", Commitment: "c2", Amount: usd(1), At: day(4)}, day(4), stub{snapback: true}); err == nil {
		t.Error("unconditional commitment disbursed under snapback")
	}
	if _, err := r.Disburse(d, day(5), stub{holds: true, seq: 10}); err != nil {
		t.Errorf("released: %v", err)
	}
}

func TestApplyRefusesBrokenEvents(t *testing.T) {
	r := sample(t)
	before := r.JSON()
	for _, ev := range []Event{
		{Seq: r.Seq + 2, At: day(5), Type: FundEv, Fund: &Fund{ID: "z", Source: Pledge, Owner: "uk", Amount: usd(1)}},
		{Seq: r.Seq + 1, At: day(0), Type: FundEv, Fund: &Fund{ID: "z", Source: Pledge, Owner: "uk", Amount: usd(1)}},
		{Seq: r.Seq + 1, At: day(5), Type: "gift"},
		{Seq: r.Seq + 1, At: day(5), Type: FundEv, Project: &Project{ID: "p"}},
	} {
		if err := r.Apply(ev); err == nil {
			t.Errorf("%+v applied", ev)
		}
	}
	if !bytes.Equal(before, r.JSON()) {
		t.Error("the registry changed")
	}
}

func TestMajor(t *testing.T) {
	for _, c := range []struct {
		m    Money
		want string
	}{{Money{5, "USD"}, "0.05"}, {Money{12345, "UAH"}, "123.45"}, {Money{700, "JPY"}, "700"}, {Money{-5, "EUR"}, "-0.05"}} {
		if got := c.m.Major(); got != c.want {
			t.Errorf("%v: %s", c.m, got)
		}
	}
}
