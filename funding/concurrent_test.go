package funding

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/reconstruction"
)

// Commitments raced from several callers never overcommit a fund, and
// the record replays to the same registry.
func TestConcurrentCommitments(t *testing.T) {
	l := &syncLedger{}
	cfg := Config{Ledger: l, Now: func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }}
	f, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	eur := func(n int64) reconstruction.Money { return reconstruction.Money{Amount: n, Currency: "EUR"} }
	if _, err := f.RegisterFund(By("eu"), reconstruction.Fund{ID: "f", Source: reconstruction.Pledge, Amount: eur(10)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.RegisterProject(By("un"), reconstruction.Project{ID: "p", Sector: "housing", Oblast: "kyivska", Cost: eur(100), Implementer: "x"}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.Commit(By("eu"), reconstruction.Commitment{ID: fmt.Sprint("c", i), Fund: "f", Project: "p", Amount: eur(1)})
			f.Totals()
		}()
	}
	wg.Wait()
	tot := f.Totals()
	if tot.Funds[0].Committed != 10 || tot.Refusals != 30 {
		t.Fatalf("%+v", tot)
	}
	g, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if string(g.Registry().JSON()) != string(f.Registry().JSON()) {
		t.Fatal("the record replays to another registry")
	}
}

type syncLedger struct {
	mu sync.Mutex
	memLedger
}

func (l *syncLedger) AppendAll(es []ledger.Entry) ([]int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.memLedger.AppendAll(es)
}
