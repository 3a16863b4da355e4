package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// listDir names what dir holds, sorted.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

// ageDir sets dir's modification time an hour back, where any file made
// or removed in it would move it, and returns that time.
func ageDir(t *testing.T, dir string) time.Time {
	t.Helper()
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(dir, old, old); err != nil {
		t.Fatal(err)
	}
	return old
}

// dirUnchanged fails when dir's listing or modification time is not
// what it was.
func dirUnchanged(t *testing.T, what, dir string, names []string, mtime time.Time) {
	t.Helper()
	st, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !st.ModTime().Equal(mtime) {
		t.Errorf("config check moved the modification time of %s %s: %v, was %v (a file made or removed in it)", what, dir, st.ModTime(), mtime)
	}
	if got := listDir(t, dir); !slices.Equal(got, names) {
		t.Errorf("config check changed what %s %s holds: %q, was %q", what, dir, got, names)
	}
}

// config check says whether the data directory can be written in without
// writing in it: neither the directory nor, when it is not made yet, the
// parent it would be made in has a file made or removed (their listing
// and modification time are as they were); a directory its user may not
// write in is still said to be one.
func TestConfigCheckDataDirWritesNothing(t *testing.T) {
	t.Run("existing", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("kept"), 0o600); err != nil {
			t.Fatal(err)
		}
		names := listDir(t, dir)
		mtime := ageDir(t, dir)
		out, errs, code := runAccord(t, "config", "check", "--data", dir, "--scenario", "none")
		if code != 0 {
			t.Errorf("config check on a writable empty data directory: exit %d:\n%s%s", code, out, errs)
		}
		dirUnchanged(t, "the data directory", dir, names, mtime)
	})
	t.Run("not made yet", func(t *testing.T) {
		parent := t.TempDir()
		dir := filepath.Join(parent, "data", "accord")
		names := listDir(t, parent)
		mtime := ageDir(t, parent)
		out, errs, code := runAccord(t, "config", "check", "--data", dir, "--scenario", "none")
		if code != 0 {
			t.Errorf("config check on a data directory to be made in a writable parent: exit %d:\n%s%s", code, out, errs)
		}
		dirUnchanged(t, "the parent directory", parent, names, mtime)
	})
	t.Run("read-only", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("run as root, who may write in a directory of mode 0555: there is no read-only directory to find (the existing and not-made-yet cases still check that nothing is written)")
		}
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		names := listDir(t, dir)
		mtime := ageDir(t, dir)
		out, errs, code := runAccord(t, "config", "check", "--data", dir, "--scenario", "none")
		if code != 1 || !strings.Contains(errs, "cannot write in "+dir) {
			t.Errorf("config check on a read-only data directory: exit %d, want 1 saying it cannot write in %s:\n%s%s", code, dir, out, errs)
		}
		dirUnchanged(t, "the data directory", dir, names, mtime)
	})
}
