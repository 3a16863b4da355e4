package funding

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/reconstruction"
)

// memLedger is a record in memory; fail makes appends fail.
type memLedger struct {
	recs [][]byte
	fail bool
}

func (l *memLedger) AppendAll(es []ledger.Entry) ([]int64, error) {
	if l.fail {
		return nil, errors.New("disk full")
	}
	var seqs []int64
	for _, e := range es {
		e.Seq = int64(len(l.recs))
		b, _ := json.Marshal(e)
		l.recs = append(l.recs, b)
		seqs = append(seqs, e.Seq)
	}
	return seqs, nil
}
func (l *memLedger) Len() int64                     { return int64(len(l.recs)) }
func (l *memLedger) Record(i int64) ([]byte, error) { return l.recs[i], nil }

type state struct{ holds bool }

func (s state) Holds(string) (bool, error) { return s.holds, nil }
func (s state) Snapback() bool             { return false }
func (s state) Seq() int                   { return 7 }
func (s state) Guarantor(a string) bool    { return a == "us" || a == "eu" }

func TestFundingRecordsAndReplays(t *testing.T) {
	ctx := context.Background()
	l := &memLedger{}
	// an entry of another kind is skipped
	l.AppendAll([]ledger.Entry{{Kind: ledger.KindDerived, Type: "event", Body: []byte(`{}`)}})
	holds := false
	clock := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	cfg := Config{Ledger: l, Now: func() time.Time { return clock },
		Agreement: func() (reconstruction.Agreement, error) { return state{holds}, nil }}
	f, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	usd := func(n int64) reconstruction.Money { return reconstruction.Money{Amount: n * 100, Currency: "USD"} }
	if _, err := f.RegisterFund(By("eu"), reconstruction.Fund{ID: "eu-era", Source: reconstruction.Loan, Owner: "us", Amount: usd(100)}); accord.ErrorCode(err) != accord.EFORBIDDEN {
		t.Fatalf("a fund of another: %v", err)
	}
	if _, err := f.RegisterFund(By("eu"), reconstruction.Fund{ID: "eu-era", Source: reconstruction.Loan, Amount: usd(100)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.RegisterProject(By("un"), reconstruction.Project{ID: "grid", Sector: "energy", Oblast: "kharkivska", Cost: usd(80), Implementer: "ukrenergo"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Commit(By("us"), reconstruction.Commitment{ID: "c1", Fund: "eu-era", Project: "grid", Amount: usd(50)}); accord.ErrorCode(err) != accord.EFORBIDDEN {
		t.Fatalf("commit another's fund: %v", err)
	}
	res, err := f.Commit(By("eu"), reconstruction.Commitment{ID: "c1", Fund: "eu-era", Project: "grid", Amount: usd(500)})
	if accord.ErrorCode(err) != accord.EINVALID || res.Event.Type != reconstruction.RefusalEv {
		t.Fatalf("over the balance: %+v %v", res, err)
	}
	if _, err := f.Commit(By("eu"), reconstruction.Commitment{ID: "c1", Fund: "eu-era", Project: "grid", Amount: usd(50), Condition: "phase(permanent) == open"}); err != nil {
		t.Fatal(err)
	}
	res, err = f.Disburse(By("eu"), reconstruction.Disbursement{ID: "d1", Commitment: "c1", Amount: usd(10)})
	if err == nil || !strings.Contains(err.Error(), "does not hold") || res.Event.Type != reconstruction.RefusalEv {
		t.Fatalf("condition not holding: %+v %v", res, err)
	}
	holds = true
	if res, err = f.Disburse(By("eu"), reconstruction.Disbursement{ID: "d1", Commitment: "c1", Amount: usd(10)}); err != nil || res.Event.Disbursement.AgreementSeq != 7 {
		t.Fatalf("%+v %v", res, err)
	}
	tot := f.Totals()
	if tot.Refusals != 2 || tot.Funds[0].Committed != 5000 || tot.Funds[0].Disbursed != 1000 {
		t.Fatalf("%+v", tot)
	}
	g, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if string(g.Registry().JSON()) != string(f.Registry().JSON()) {
		t.Fatal("replaying the record gives another registry")
	}
	if _, _, err := g.Export("ocds"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := g.Export("csv"); accord.ErrorCode(err) != accord.EINVALID {
		t.Fatal(err)
	}
	// A failed write changes nothing and stops the registry.
	l.fail = true
	before := string(f.Registry().JSON())
	if _, err := f.RegisterProject(By("un"), reconstruction.Project{ID: "port", Sector: "transport", Oblast: "odeska", Cost: usd(8), Implementer: "uspa"}); accord.ErrorCode(err) != accord.EINTERNAL {
		t.Fatal(err)
	}
	l.fail = false
	if _, err := f.RegisterProject(By("un"), reconstruction.Project{ID: "port", Sector: "transport", Oblast: "odeska", Cost: usd(8), Implementer: "uspa"}); accord.ErrorCode(err) != accord.EINTERNAL {
		t.Fatalf("after a failed write: %v", err)
	}
	if string(f.Registry().JSON()) != before {
		t.Fatal("a failed write changed the registry")
	}
}

// A disbursement of a commitment to a project cancelled since is refused
// through the registry's one path (the server's route and the CLI's): an
// EINVALID error naming the project and when it was cancelled, the
// refusal recorded, the disbursement made before kept.
func TestFundingCancelledProjectIsNotPaid(t *testing.T) {
	l := &memLedger{}
	clock := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	cfg := Config{Ledger: l, Now: func() time.Time { return clock },
		Agreement: func() (reconstruction.Agreement, error) { return state{true}, nil }}
	f, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	usd := func(n int64) reconstruction.Money { return reconstruction.Money{Amount: n * 100, Currency: "USD"} }
	grid := reconstruction.Project{ID: "grid", Sector: "energy", Oblast: "kharkivska", Cost: usd(80), Implementer: "ukrenergo"}
	for _, step := range []func() (Result, error){
		func() (Result, error) {
			return f.RegisterFund(By("eu"), reconstruction.Fund{ID: "eu-era", Source: reconstruction.Loan, Amount: usd(100)})
		},
		func() (Result, error) { return f.RegisterProject(By("un"), grid) },
		func() (Result, error) {
			return f.Commit(By("eu"), reconstruction.Commitment{ID: "c1", Fund: "eu-era", Project: "grid", Amount: usd(50)})
		},
		func() (Result, error) {
			return f.Disburse(By("eu"), reconstruction.Disbursement{ID: "d1", Commitment: "c1", Amount: usd(10)})
		},
	} {
		if _, err := step(); err != nil {
			t.Fatal(err)
		}
	}
	clock = clock.Add(time.Hour)
	grid.Status = reconstruction.Cancelled
	if _, err := f.RegisterProject(By("un"), grid); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(time.Hour)
	res, err := f.Disburse(By("eu"), reconstruction.Disbursement{ID: "d2", Commitment: "c1", Amount: usd(10)})
	want := `disbursement "d2" refused: project grid was cancelled on 2026-03-01T10:00:00Z: no money is paid to a cancelled project; the refusal is recorded`
	if accord.ErrorCode(err) != accord.EINVALID || !strings.Contains(err.Error(), want) || res.Event.Type != reconstruction.RefusalEv {
		t.Fatalf("got %+v, %v; want an EINVALID error saying %q", res, err, want)
	}
	tot := f.Totals()
	if len(f.Registry().Disbursements) != 1 || tot.Funds[0].Disbursed != 1000 || tot.Refusals != 1 {
		t.Errorf("disbursements %+v, totals %+v: want d1 alone, 10.00 USD disbursed, the refusal counted", f.Registry().Disbursements, tot)
	}
	g, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if string(g.Registry().JSON()) != string(f.Registry().JSON()) {
		t.Fatal("replaying the record gives another registry")
	}
}
