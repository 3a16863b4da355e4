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
	// When each write was done: when its ticket was given, in the writing
	// call (a time taken after PutUnsynced returned could follow the
	// beginning of an fsync that serves the write: a false failure).
	type storedKey struct{}
	db.syncer.issued = func(ctx context.Context, _ uint64) {
		*ctx.Value(storedKey{}).(*time.Time) = time.Now()
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			batch := []accord.Observation{monitortest.Observation("s", string(rune('a'+i)))}
			var stored time.Time
			_, durable, err := s.PutUnsynced(context.WithValue(ctx, storedKey{}, &stored), batch)
			if err != nil {
				errs <- err
				return
			}
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
	none := func(when string) {
		t.Helper()
		walVFS.mu.Lock()
		defer walVFS.mu.Unlock()
		if len(walVFS.deferred) != 0 {
			t.Errorf("%s: syncs still deferred: %v (a durable write after would not reach the disk)", when, walVFS.deferred)
		}
	}
	none("after writes without sync")
	bad := monitortest.Observation("s", "a")
	bad.Confidence /= 2 // stored with other content
	if _, _, err := s.PutUnsynced(ctx, []accord.Observation{bad}); accord.ErrorCode(err) != accord.EINVALID {
		t.Fatalf("a key stored with other content: %v, want EINVALID", err)
	}
	none("after a refused write without sync")
}

// Writes without sync still checkpoint: the WAL's frames reach the
// database file (the checkpoint's own sync of the WAL is made), so the
// WAL does not grow without end.
func TestUnsyncedWritesCheckpoint(t *testing.T) {
	ctx := context.Background()
	db := openSynced(t)
	s := NewObservationStore(db)
	size := func(path string) int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size(db.path)
	for b := range 60 {
		batch := make([]accord.Observation, 500)
		for i := range batch {
			batch[i] = monitortest.Observation("s", fmt.Sprintf("%d-%d", b, i))
		}
		_, durable, err := s.PutUnsynced(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		if err := durable(); err != nil {
			t.Fatal(err)
		}
	}
	grew, wal := size(db.path)-before, size(db.syncer.path)
	if grew < 4<<20 || wal > 2*walCheckpointPages*4096 {
		t.Fatalf("after 30,000 observations written without sync the database file grew %d bytes and the WAL holds %d: no checkpoint", grew, wal)
	}
	t.Logf("database file +%d bytes, WAL %d bytes", grew, wal)
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

// Only the next sync of a WAL is deferred (its commit's): the ones after
// it — a checkpoint's, which must reach the disk before frames are
// copied into the database file — are made.
func TestOnlyTheNextSyncIsDeferred(t *testing.T) {
	db := openSynced(t)
	if _, err := NewObservationStore(db).Put(context.Background(), []accord.Observation{monitortest.Observation("s", "1")}); err != nil {
		t.Fatal(err) // the WAL open
	}
	var f uintptr
	walVFS.mu.Lock()
	for k, w := range walVFS.files {
		if w.name == db.syncer.path {
			f = k
		}
	}
	walVFS.mu.Unlock()
	if f == 0 {
		t.Fatalf("the WAL %s is not among the files the VFS opened", db.syncer.path)
	}
	if syncDeferred(f) {
		t.Fatal("a sync deferred before any write asked it")
	}
	deferSync(db.syncer.path, true)
	if first, second := syncDeferred(f), syncDeferred(f); !first || second {
		t.Fatalf("deferred: the first sync %v, the second %v; want the first only", first, second)
	}
}
