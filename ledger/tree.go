package ledger

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/internal/fsync"
)

// A log keeps its latest known tree in a file beside it (its path and
// ".tree"): every tree a checkpoint is signed from, and the tree at Close.
// A log that does not extend it — fewer entries (a rollback), or another
// tree at its size (a fork, or a changed entry) — does not open.

// treeHeader begins a saved tree.
const treeHeader = "accord ledger tree\n"

func (l *Log) treePath() string { return l.path + ".tree" }

// formatTree is a saved tree's text.
func formatTree(t tlog.Tree) []byte {
	return fmt.Appendf(nil, "%s%d\n%s\n", treeHeader, t.N, base64.StdEncoding.EncodeToString(t.Hash[:]))
}

// parseTree reads a saved tree.
func parseTree(text string) (tlog.Tree, error) {
	var t tlog.Tree
	rest, ok := strings.CutPrefix(text, treeHeader)
	lines := strings.Split(rest, "\n")
	if !ok || len(lines) != 3 || lines[2] != "" {
		return t, fmt.Errorf("want %q, the tree size and the root hash in base64, each on its line", strings.TrimSpace(treeHeader))
	}
	n, err := strconv.ParseInt(lines[0], 10, 64)
	if err != nil || n < 0 {
		return t, fmt.Errorf("tree size %q", lines[0])
	}
	h, err := base64.StdEncoding.DecodeString(lines[1])
	if err != nil || len(h) != tlog.HashSize {
		return t, fmt.Errorf("root hash %q", lines[1])
	}
	t.N = n
	copy(t.Hash[:], h)
	return t, nil
}

// SavedTree is the tree saved beside the log file at path (see Remember),
// what a reader of the file holds it to (VerifyChain) as Open does; ok is
// false when there is none. A saved tree that cannot be read is an
// *accord.Error of code EINVALID naming its file.
func SavedTree(path string) (t tlog.Tree, ok bool, err error) {
	tp := path + ".tree"
	text, err := os.ReadFile(tp)
	if errors.Is(err, fs.ErrNotExist) {
		return tlog.Tree{}, false, nil
	}
	if err != nil {
		return tlog.Tree{}, false, err
	}
	t, err = parseTree(string(text))
	if err != nil {
		return tlog.Tree{}, false, accord.Errorf(accord.EINVALID, "%s: not a saved tree: %v", tp, err)
	}
	return t, true, nil
}

// checkSaved refuses a log that does not extend its saved tree.
func (l *Log) checkSaved() error {
	saved, ok, err := SavedTree(l.path)
	if err != nil || !ok {
		return err
	}
	n := int64(len(l.offsets))
	if saved.N > n {
		return accord.Errorf(accord.EINVALID, "%s: the log has %d entries, but its saved tree has %d: entries %d to %d were lost (a rollback); the file is left as it is", l.path, n, saved.N, n, saved.N-1)
	}
	h, err := tlog.TreeHash(saved.N, l.hashReader())
	if err != nil {
		return err
	}
	if h != saved.Hash {
		return accord.Errorf(accord.EINVALID, "%s: the tree of its first %d entries is not the saved one: the log was rewritten (a fork) or an entry changed; the file is left as it is", l.path, saved.N)
	}
	l.saved = saved
	return nil
}

// Remember saves a tree of the log beside it (atomically: a temporary
// file, fsynced, renamed over the last, the directory fsynced) — call it
// with every tree a checkpoint is signed from; Close saves the last. A
// tree smaller than the one saved changes nothing; a tree that is not the
// log's is refused.
func (l *Log) Remember(t tlog.Tree) error {
	cur, err := l.Tree(t.N)
	if err != nil || cur != t {
		return accord.Errorf(accord.EINVALID, "%s: a tree of %d entries that is not the log's tree: not saved", l.path, t.N)
	}
	l.treeMu.Lock()
	defer l.treeMu.Unlock()
	if t.N <= l.saved.N {
		return nil
	}
	if err := writeAtomic(l.treePath(), formatTree(t)); err != nil {
		return fmt.Errorf("saving the tree of %d entries: %w", t.N, err)
	}
	l.saved = t
	return nil
}

// Saved is the tree saved beside the log, and whether there is one.
func (l *Log) Saved() (tlog.Tree, bool) {
	l.treeMu.Lock()
	defer l.treeMu.Unlock()
	return l.saved, l.saved.N > 0
}

// WriteFileAtomic replaces a file's contents durably, whole or not at all
// (a temporary file, fsynced, renamed over the old one, the directory
// fsynced): how the log saves its tree, and a witness its state.
func WriteFileAtomic(path string, data []byte) error { return writeAtomic(path, data) }

// writeAtomic replaces a file's contents durably: whole or not at all.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = fsync.File(tmp)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	dir, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer dir.Close()
	return fsync.File(dir)
}
