package mediation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/sqlite"
	"github.com/accord-peace/accord/talks"
)

// failing makes the store's or the record's writes fail on demand.
type failing struct {
	Ledger
	Store
	store, record bool
}

var errDisk = errors.New("disk full")

func (w *failing) AppendAll(es []ledger.Entry) ([]int64, error) {
	if w.record {
		return nil, errDisk
	}
	return w.Ledger.AppendAll(es)
}

func (w *failing) PutConfidential(ctx context.Context, c string, ct []byte) error {
	if w.store {
		return errDisk
	}
	return w.Store.PutConfidential(ctx, c, ct)
}

// TestBrokenStops: a write that fails once the state has changed stops
// the mediation — every later call fails, naming the failure — and a
// restart replays the record to the state before it.
func TestBrokenStops(t *testing.T) {
	for _, which := range []string{"store", "record"} {
		t.Run(which, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			w := &failing{Ledger: f.led, Store: sqlite.NewConfidentialStore(f.db)}
			key, _ := LoadKey(f.dir + "/mediation.key")
			m, err := Open(ctx, Config{Ledger: w, Store: w, Key: key})
			if err != nil {
				t.Fatal(err)
			}
			f.m = m
			if _, err := m.OpenNegotiation(ctx, "mediator", Opening{Public: f.public}); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{"us", "ru", "ua", "eu", "cn-gs"} {
				if _, err := f.submit(p, talks.Event{Type: talks.TypePosition, Version: 1}, f.positions[p]); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := m.Draft(ctx, "mediator", "ukraine-2025", DraftRequest{Proposal: "us-28-points"}); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, f)
			w.store, w.record = which == "store", which == "record"
			_, err = f.submit("ua", talks.Event{Type: talks.TypePosition, Version: 2}, f.positions["ua"])
			if accord.ErrorCode(err) != accord.EINTERNAL || !strings.Contains(err.Error(), "disk full") {
				t.Fatalf("the failed write: %v", err)
			}
			w.store, w.record = false, false
			calls := map[string]func() error{
				"view":     func() error { _, err := m.View("ukraine-2025", "ua"); return err },
				"public":   func() error { _, err := m.Public("ukraine-2025"); return err },
				"position": func() error { _, err := m.Position(ctx, "ukraine-2025", "ua", "ua", 1); return err },
				"submit": func() error {
					_, err := f.submit("ua", talks.Event{Type: talks.TypeRequest, Round: 1}, []byte(`{"text":{}}`))
					return err
				},
				"draft":   func() error { _, err := m.Draft(ctx, "mediator", "ukraine-2025", DraftRequest{}); return err },
				"propose": func() error { _, err := m.Propose("mediator", "ukraine-2025", ""); return err },
				"open": func() error {
					_, err := m.OpenNegotiation(ctx, "mediator", Opening{Public: strings.Replace(f.public, "id: ukraine-2025", "id: other", 1)})
					return err
				},
				"agreement": func() error { _, err := m.Agreement("ukraine-2025", "ua"); return err },
				"sign": func() error {
					sub, _ := ledger.Sign(f.keys["ua"], "ua", "s-1", talks.TypeSigned, talks.Event{Type: talks.TypeSigned, Negotiation: "ukraine-2025", Party: "ua"})
					_, err := m.Sign(ctx, "ua", sub)
					return err
				},
			}
			for name, call := range calls {
				if err := call(); accord.ErrorCode(err) != accord.EINTERNAL || !strings.Contains(err.Error(), "restart") {
					t.Errorf("%s after the failed write: %v", name, err)
				}
			}
			f.restart()
			if after := snapshot(t, f); after != before {
				t.Fatalf("the restart did not replay the state before the failed write:\n%s\n%s", before, after)
			}
			if _, err := f.submit("ua", talks.Event{Type: talks.TypePosition, Version: 2}, f.positions["ua"]); err != nil {
				t.Fatal(fmt.Errorf("after the restart: %v", err))
			}
		})
	}
}
