package ledger

import (
	"errors"
	"io/fs"
	"os"
)

// Check says what Open would refuse in the log file at path and the tree
// saved beside it — an acknowledged entry damaged, a saved tree that
// cannot be read or that the log does not extend — with Open's error,
// naming the file, entry and byte offset ('accord config check'). It
// reads them only: the file is opened read-only, a torn tail Open would
// cut is not cut (nor refused: Open repairs it), and a log not there yet
// (Open makes it) is no error.
func Check(path string) error {
	l := &Log{path: path}
	f, err := os.Open(path)
	switch {
	case err == nil:
		defer f.Close()
		l.f = f
		if _, err := l.load(); err != nil {
			return err
		}
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	return l.checkSaved() // a log not made yet is held to its tree too
}
