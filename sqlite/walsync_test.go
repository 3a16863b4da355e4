package sqlite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/storetest"
)

// unsyncedPut is an observation store whose Put is PutUnsynced and its
// wait: the store's conformance suite then holds PutUnsynced to Put's
// contract.
type unsyncedPut struct{ *ObservationStore }

func (u unsyncedPut) Put(ctx context.Context, batch []accord.Observation) (accord.PutResult, error) {
	res, durable, err := u.PutUnsynced(ctx, batch)
	if err != nil {
		return res, err
	}
	return res, durable()
}

func openSynced(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestPutUnsyncedConformance(t *testing.T) {
	monitortest.RunObservationStoreTests(t, func(t *testing.T) monitor.ObservationStore {
		return unsyncedPut{NewObservationStore(openSynced(t))}
	})
}

// unsyncedSeals is a sealed store whose PutSealed is PutSealedUnsynced
// and its wait.
type unsyncedSeals struct{ *SealedStore }

func (u unsyncedSeals) PutSealed(ctx context.Context, sealed []accord.Sealed) error {
	durable, err := u.PutSealedUnsynced(ctx, sealed)
	if err != nil {
		return err
	}
	return durable()
}

func TestPutSealedUnsyncedConformance(t *testing.T) {
	storetest.RunSealedStoreTests(t, func(t *testing.T) accord.SealedStore { return unsyncedSeals{NewSealedStore(openSynced(t))} })
}

// A write without sync is durable once an fsync of the WAL begun after
// it ended: its wait returns only then, the batch's frames being in the
// WAL file already (not in the VFS's memory); writes made together share
// fsyncs; and the connection is back at synchronous=FULL after it,
// whether the write succeeded or was refused.
func TestUnsyncedWaitsForAnFsyncBegunAfterIt(t *testing.T) {
	ctx := context.Background()
	db := openSynced(t)
	s := NewObservationStore(db)
	type span struct{ begin, end time.Time }
	var mu sync.Mutex
	var syncs []span
	db.syncer.sync = func(path string) error {
		begin := time.Now()
		time.Sleep(20 * time.Millisecond) // a slow disk: writes pile up behind a flush
		err := fsyncFile(path)
		mu.Lock()
		syncs = append(syncs, span{begin, time.Now()})
		mu.Unlock()
		return err
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			batch := []accord.Observation{monitortest.Observation("s", string(rune('a'+i)))}
			_, durable, err := s.PutUnsynced(ctx, batch)
			if err != nil {
				errs <- err
				return
			}
			stored := time.Now()
			if fi, err := os.Stat(db.syncer.path); err != nil || fi.Size() == 0 {
				errs <- errors.New("the WAL file is empty after a put: its frames stayed in memory")
				return
			}
			if err := durable(); err != nil {
				errs <- err
				return
			}
			waited := time.Now()
			mu.Lock()
			defer mu.Unlock()
			for _, sp := range syncs {
				if !sp.begin.Before(stored) && !sp.end.After(waited) {
					return
				}
			}
			errs <- errors.New("a wait returned without an fsync begun after its write and ended before it returned")
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(syncs) == 0 || len(syncs) >= n {
		t.Errorf("%d fsyncs for %d writes made together: want at least one, and fewer than the writes", len(syncs), n)
	}
	t.Logf("%d writes, %d fsyncs", n, len(syncs))
	full := func(when string) {
		t.Helper()
		var mode int
		if err := db.db.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&mode); err != nil || mode != 2 {
			t.Errorf("%s: the connection's synchronous is %d (%v), want 2 (FULL)", when, mode, err)
		}
	}
	full("after writes without sync")
	bad := monitortest.Observation("s", "a")
	bad.Confidence /= 2 // stored with other content
	if _, _, err := s.PutUnsynced(ctx, []accord.Observation{bad}); accord.ErrorCode(err) != accord.EINVALID {
		t.Fatalf("a key stored with other content: %v, want EINVALID", err)
	}
	full("after a refused write without sync")
}

// What a write without sync committed is in the WAL file when it
// returns (written, not kept in the VFS's memory): the fsync that follows
// makes it durable.
func TestUnsyncedWritesTheWAL(t *testing.T) {
	ctx := context.Background()
	db := openSynced(t)
	s := NewObservationStore(db)
	for i := range 3 {
		id := fmt.Sprintf("marker-%d-%d", i, time.Now().UnixNano())
		if _, _, err := s.PutUnsynced(ctx, []accord.Observation{monitortest.Observation("s", id)}); err != nil {
			t.Fatal(err)
		}
		wal, err := os.ReadFile(db.syncer.path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(wal, []byte(id)) {
			t.Fatalf("write %d: observation %s is not in the WAL file when PutUnsynced returns", i, id)
		}
	}
}

// A failed fsync fails its wait and every later one: what the kernel kept
// of the file after it is not known.
func TestUnsyncedFsyncFailureSticks(t *testing.T) {
	ctx := context.Background()
	db := openSynced(t)
	s := NewObservationStore(db)
	failed := errors.New("the disk failed")
	db.syncer.sync = func(string) error { return failed }
	_, durable, err := s.PutUnsynced(ctx, []accord.Observation{monitortest.Observation("s", "1")})
	if err != nil {
		t.Fatal(err)
	}
	if err := durable(); !errors.Is(err, failed) {
		t.Fatalf("wait after a failed fsync: %v", err)
	}
	db.syncer.sync = fsyncFile
	_, durable, err = s.PutUnsynced(ctx, []accord.Observation{monitortest.Observation("s", "2")})
	if err != nil {
		t.Fatal(err)
	}
	if err := durable(); !errors.Is(err, failed) {
		t.Fatalf("a later wait, the disk answering again: %v, want the first failure", err)
	}
}
