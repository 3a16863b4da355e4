//go:build unix

package flock

import (
	"errors"
	"os"
	"syscall"
)

// TryLock takes an exclusive lock on f without waiting: false when
// another holder (another process, or another open file of this one) has
// it. The lock goes with the open file: a crash releases it.
func TryLock(f *os.File) (bool, error) { return try(f, syscall.LOCK_EX) }

// TryShared takes a shared lock on f without waiting: false when an
// exclusive holder has it. Any number of shared holders may hold it at
// once, and while one does TryLock is refused: a probe that only looks
// whether a holder is there takes this one (and lets it go at once), so
// that an exclusive taker can tell a probe from a holder.
func TryShared(f *os.File) (bool, error) { return try(f, syscall.LOCK_SH) }

func try(f *os.File, how int) (bool, error) {
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, nil
		case errors.Is(err, syscall.EINTR):
			continue
		default:
			return false, err
		}
	}
}

// Unlock lets go of the lock TryLock took.
func Unlock(f *os.File) { syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
