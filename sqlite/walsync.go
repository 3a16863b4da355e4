package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/accord-peace/accord/internal/fsync"
)

// Writes made durable later, together (a group fsync).
//
// A durable database (Open) syncs its WAL at every commit, inside the
// commit, holding the one connection: an ingested batch cost one fsync
// in the store stage and one for its sealed content in the record stage,
// each holding the connection the next batch's store stage waited for,
// before the ledger's own. A write "without sync"
// (ObservationStore.PutUnsynced, SealedStore.PutSealedUnsynced) commits
// as every write does, but its commit's sync of the WAL writes the frames
// without the fsync (unsynced, walSync), lets the connection go and
// returns a wait: the write is durable once an fsync of the WAL begun
// after it ended. The wait runs that fsync, or joins the one running,
// which then serves every write made before it began; the caller works
// meanwhile (the mission fuses the batch) and waits before anything that
// depends on the write is recorded or acknowledged. A batch and its seals
// thus share one fsync, and no stage holds the connection through one. A
// failed fsync fails every later wait: after it, what the kernel kept of
// the file is not known. Where the WAL's path is not the one the VFS was
// given (a link it cannot resolve), nothing is deferred: the commit syncs
// as any other.
//
// A write without sync is visible to the database's readers before it is
// durable; a crash of the machine (not of the process: the writes are
// the kernel's) before its fsync loses it, as it loses a write in
// progress, unacknowledged.

// walSyncer runs the fsyncs of a database's WAL, one at a time; each
// serves the writes made before it began.
type walSyncer struct {
	path string // the WAL's
	// sync is the fsync itself (tests count or fail it).
	sync func(path string) error
	// issued, when not nil, is told of each ticket as it is given, with
	// the writing call's context (tests: when the write was done).
	issued func(ctx context.Context, t uint64)

	mu      sync.Mutex
	cond    *sync.Cond
	running bool
	started uint64 // fsyncs begun
	done    uint64 // the last fsync that ended
	err     error  // the first that failed: every later wait fails
}

func newWALSyncer(path string) *walSyncer {
	s := &walSyncer{path: samePath(path) + "-wal", sync: fsyncFile}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// samePath is a file's path as both the WAL's opening (walOpen: the name
// SQLite gives) and the database's Open name it: absolute, its
// directory's symbolic links resolved.
func samePath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(abs))
	if err != nil {
		return abs
	}
	return filepath.Join(dir, filepath.Base(abs))
}

// ticket is the fsync that makes durable what was written before the
// call: the next to begin.
func (s *walSyncer) ticket() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.started + 1
}

// wait returns once fsync t ended (running it, or the ones before it,
// when none runs), with the first fsync error there was.
func (s *walSyncer) wait(t uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.done < t && s.err == nil {
		if s.running {
			s.cond.Wait()
			continue
		}
		s.running = true
		s.started++
		n := s.started
		s.mu.Unlock()
		err := s.sync(s.path)
		s.mu.Lock()
		s.running, s.done = false, n
		if err != nil && s.err == nil {
			s.err = fmt.Errorf("sqlite %s: syncing the WAL: %w", s.path, err)
		}
		s.cond.Broadcast()
	}
	return s.err
}

// fsyncFile syncs a file to disk. A WAL that is not there was
// checkpointed and removed when the database closed: nothing to sync.
func fsyncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	err = fsync.File(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// unsynced runs write (a transaction, committed) on a connection of its
// own, the first sync of its WAL deferred — its commit's: the commit is
// made as synchronous=FULL makes it, its frames written (walbuffer.go
// writes what it gathered at the sync, and a failed write fails the
// commit), but the WAL is not fsynced there (walSync). Any later sync in
// the write is made: a checkpoint after the commit syncs the WAL before
// it copies frames into the database file. It returns the wait: it runs
// an fsync of the WAL begun after the write, or joins the one running,
// or finds one done.
func (d *DB) unsynced(ctx context.Context, write func(*sql.Conn) error) (durable func() error, err error) {
	if d.syncer == nil {
		return nil, fmt.Errorf("sqlite %s: opened without the VFS that gathers writes: its writes cannot wait for their sync", d.path)
	}
	conn, err := d.db.Conn(context.WithoutCancel(ctx))
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	deferSync(d.syncer.path, true)
	err = write(conn)
	deferSync(d.syncer.path, false) // if the write did not sync (it failed before its commit)
	if err != nil {
		return nil, err
	}
	t := d.syncer.ticket()
	if d.syncer.issued != nil {
		d.syncer.issued(ctx, t)
	}
	return func() error { return d.syncer.wait(t) }, nil
}

// deferSync has the next sync of the WAL at path (as samePath gives it)
// made without fsync (on), or every sync with it again (off). The caller
// holds the one connection that writes it.
func deferSync(path string, on bool) {
	walVFS.mu.Lock()
	defer walVFS.mu.Unlock()
	if on {
		walVFS.deferred[path] = true
	} else {
		delete(walVFS.deferred, path)
	}
}
