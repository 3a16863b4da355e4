package local

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/internal/flock"
)

// LockName is the file in a data directory that the deployment using it
// holds locked: two processes writing one ledger would each sign
// checkpoints the other's appends contradict.
const LockName = "accord.lock"

// dirLock is a data directory held by this process, with the names it
// held when taken (had), so that a refused start can remove what it made.
type dirLock struct {
	f    *os.File
	path string
	had  map[string]bool
}

// lockDir takes the data directory dir for this process, or says which
// process holds it. The lock goes with the process (a crash releases it);
// the file stays, naming the last holder's pid, until Close removes it.
func lockDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, LockName)
	for attempt := 0; ; attempt++ {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, &accord.Error{Code: accord.EINVALID, Message: "locking the data directory " + dir, Err: err}
		}
		held, probed, err := takeLock(f)
		if err != nil {
			f.Close()
			return nil, &accord.Error{Code: accord.EINVALID, Message: "locking the data directory " + dir, Err: err}
		}
		if !held {
			f.Close()
			if probed {
				return nil, accord.Errorf(accord.EINVALID, "the data directory %s: its lock %s was probed without pause for %v (by accord config check or accord ledger checkpoint, shared locks), and no holder was there; try again", dir, path, probeWait)
			}
			return nil, inUse(dir, path)
		}
		// The holder before may have removed the file between our open
		// and our lock: then the lock is on a file no one else will
		// open, and the path must be locked again.
		if same, err := samePath(f, path); err != nil || !same {
			flock.Unlock(f)
			f.Close()
			if err != nil || attempt == 3 {
				return nil, accord.Errorf(accord.EINVALID, "locking the data directory %s: %s keeps changing", dir, path)
			}
			continue
		}
		if err := f.Truncate(0); err == nil {
			f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		}
		had := map[string]bool{LockName: true}
		des, _ := os.ReadDir(dir)
		for _, de := range des {
			had[de.Name()] = true
		}
		return &dirLock{f: f, path: path, had: had}, nil
	}
}

// probeWait is how long a deployment taking its data directory waits out
// probes of the lock (CheckLock, InUse: accord config check, accord
// ledger checkpoint), each of which holds it shared for a moment. A
// holder, which holds it exclusive, is refused at once.
const probeWait = 500 * time.Millisecond

// takeLock takes f's exclusive lock, waiting up to probeWait while only
// probes stand in the way: held false with probed false when another
// holder has it, with probed true when probes kept it the whole time.
func takeLock(f *os.File) (held, probed bool, err error) {
	deadline := time.Now().Add(probeWait)
	for {
		if held, err := flock.TryLock(f); err != nil || held {
			return held, false, err
		}
		// Refused by a holder (exclusive), or by probes (shared): a
		// shared lock of our own is to be had only in the second case.
		shared, err := flock.TryShared(f)
		if err != nil || !shared {
			return false, false, err
		}
		flock.Unlock(f)
		if time.Now().After(deadline) {
			return false, true, nil
		}
		time.Sleep(time.Millisecond)
	}
}

// inUse is the refusal of a data directory another process holds.
func inUse(dir, path string) error {
	b, _ := os.ReadFile(path)
	who := "another process"
	if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
		who = fmt.Sprintf("another process (pid %d)", pid)
	}
	return accord.Errorf(accord.EINVALID, "the data directory %s is in use by %s: one directory serves one process (its ledger is signed by one writer); stop it, or give this one another --data", dir, who)
}

// CheckLock says, as Open would, whether another process holds the data
// directory dir, without making or changing anything in it ('accord
// config check'): nil when it is free or has no lock file. It holds the
// lock shared for a moment, which a deployment starting then waits out
// (takeLock): a probe does not make the directory in use.
func CheckLock(dir string) error {
	path := filepath.Join(dir, LockName)
	f, err := os.Open(path)
	if err != nil {
		return nil // no lock file: no holder (Open says what else is wrong)
	}
	defer f.Close()
	held, err := flock.TryShared(f)
	if err != nil {
		return nil
	}
	if !held {
		return inUse(dir, path)
	}
	flock.Unlock(f)
	return nil
}

// samePath reports whether path still names the file f has open.
func samePath(f *os.File, path string) (bool, error) {
	a, err := f.Stat()
	if err != nil {
		return false, err
	}
	b, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(a, b), nil
}

// removeNew removes the regular files the directory holds that it did
// not when the lock was taken (stores, ledger, keys a refused start made);
// the caller still holds the lock, so they are nobody else's.
func (l *dirLock) removeNew() error {
	if l == nil {
		return nil
	}
	dir := filepath.Dir(l.path)
	des, err := os.ReadDir(dir)
	var errs []error
	for _, de := range des {
		if !l.had[de.Name()] && de.Type().IsRegular() {
			errs = append(errs, os.Remove(filepath.Join(dir, de.Name())))
		}
	}
	return errors.Join(append(errs, err)...)
}

// release removes the lock file and lets the directory go.
func (l *dirLock) release() error {
	if l == nil {
		return nil
	}
	err := os.Remove(l.path)
	flock.Unlock(l.f)
	return errors.Join(err, l.f.Close())
}

// InUse says whether a deployment holds the data directory dir (its
// accord.lock locked) and which process: for commands that open a file in
// it as a writer (accord ledger checkpoint cuts a torn tail, and saves the
// tree), which must not while a server writes there.
func InUse(dir string) (who string, inUse bool) {
	path := filepath.Join(dir, LockName)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return "", false // no lock file: no deployment there
	}
	defer f.Close()
	held, err := flock.TryShared(f) // a probe, as CheckLock's
	if err != nil {
		return "", false
	}
	if held {
		flock.Unlock(f)
		return "", false
	}
	who = "another process"
	if b, _ := os.ReadFile(path); len(b) > 0 {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
			who = fmt.Sprintf("another process (pid %d)", pid)
		}
	}
	return who, true
}
