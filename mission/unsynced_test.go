package mission_test

import (
	"bytes"
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/internal/benchdata"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sqlite"
)

// order counts, in a mission's ingestion, the writes made without
// waiting for the disk, their waits returned, and the ledger's appends;
// it fails the test when an append comes with a write not yet waited for.
type order struct {
	t                        *testing.T
	mu                       sync.Mutex
	writes, waited, appended int
}

func (o *order) wrote() func(func() error) func() error {
	o.mu.Lock()
	o.writes++
	o.mu.Unlock()
	return func(durable func() error) func() error {
		return func() error {
			err := durable()
			o.mu.Lock()
			o.waited++
			o.mu.Unlock()
			return err
		}
	}
}

type orderedObservations struct {
	*sqlite.ObservationStore
	o *order
}

func (s orderedObservations) PutUnsynced(ctx context.Context, batch []accord.Observation) (accord.PutResult, func() error, error) {
	res, durable, err := s.ObservationStore.PutUnsynced(ctx, batch)
	if err != nil {
		return res, nil, err
	}
	return res, s.o.wrote()(durable), nil
}

type orderedSeals struct {
	*sqlite.SealedStore
	o *order
}

func (s orderedSeals) PutSealedUnsynced(ctx context.Context, sealed []accord.Sealed) (func() error, error) {
	durable, err := s.SealedStore.PutSealedUnsynced(ctx, sealed)
	if err != nil {
		return nil, err
	}
	return s.o.wrote()(durable), nil
}

type orderedLedger struct {
	*ledger.Ledger
	o *order
}

func (l orderedLedger) AppendAll(es []ledger.Entry) ([]int64, error) {
	l.check()
	return l.Ledger.AppendAll(es)
}

func (l orderedLedger) AppendAllLater(es []ledger.Entry) (func() ([]int64, error), error) {
	l.check()
	return l.Ledger.AppendAllLater(es)
}

func (l orderedLedger) check() {
	l.o.mu.Lock()
	defer l.o.mu.Unlock()
	if l.o.waited != l.o.writes {
		l.o.t.Errorf("the ledger appended to with %d writes made without sync and %d waited for", l.o.writes, l.o.waited)
	}
	l.o.appended++
}

// Ingest stores a batch, and seals what the engine restricts, without
// waiting for the disk, and waits for both before the ledger holds
// anything of the batch: an acknowledged batch, and every seal the record
// holds, is on disk.
func TestIngestWaitsForTheDiskBeforeTheLedger(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l, err := ledger.OpenLedger(filepath.Join(dir, "ledger"), &ledger.Registry{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	o := &order{t: t}
	a, k := mustReference(t)
	m, err := mission.Open(ctx, mission.Config{Agreement: a, Kernel: k,
		Observations: orderedObservations{sqlite.NewObservationStore(db), o},
		Sealed:       orderedSeals{sqlite.NewSealedStore(db), o},
		Incidents:    monitor.NewMemIncidentStore(),
		Ledger:       orderedLedger{l, o},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	lines, err := benchdata.Lines(a, k, 6, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for lo := 0; lo < len(lines); lo += 500 {
		batch, err := monitor.DecodeBytes(append(bytes.Join(lines[lo:min(lo+500, len(lines))], []byte("\n")), '\n'), "batch")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Ingest(ctx, batch, nil); err != nil {
			t.Fatal(err)
		}
	}
	if o.writes == 0 || o.appended == 0 || o.writes == len(lines)/500+1 {
		t.Fatalf("%d writes without sync, %d appends: want the batches' and the seals' (more writes than batches)", o.writes, o.appended)
	}
	t.Logf("%d batches: %d writes without sync, each waited for before the ledger's %d appends", len(lines)/500+1, o.writes, o.appended)
}
