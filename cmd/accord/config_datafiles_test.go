package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// dirFile is a file of a data directory as a check must leave it.
type dirFile struct {
	data  []byte
	mtime time.Time
}

// snapshotDir reads every regular file of dir, with its modification time.
func snapshotDir(t *testing.T, dir string) map[string]dirFile {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]dirFile{}
	for _, de := range des {
		p := filepath.Join(dir, de.Name())
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if !st.Mode().IsRegular() {
			files[de.Name()] = dirFile{mtime: st.ModTime()}
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[de.Name()] = dirFile{data: b, mtime: st.ModTime()}
	}
	return files
}

// copyDataDir copies the regular files of src into a new directory.
func copyDataDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	for name, f := range snapshotDir(t, src) {
		if f.data == nil {
			continue
		}
		if err := os.WriteFile(filepath.Join(dst, name), f.data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// config check finds what serve's start would refuse in the data
// directory's files — a store that is not a SQLite database or was cut
// short, a mediation key that holds no key — naming the file and what is
// wrong, with exit 1; it reads them only: every file's bytes and
// modification time are as they were, and no file is added (no -wal,
// no -shm, no key made).
func TestConfigCheckFindsDamagedDataFiles(t *testing.T) {
	// A data directory as a server leaves it: its stores, ledger and keys.
	made := t.TempDir()
	_, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", made, "--scenario", "none")
	if code := stop(); code != 0 {
		t.Fatalf("serve stopped with exit %d", code)
	}
	halve := func(name string) func(dir string) error {
		return func(dir string) error {
			p := filepath.Join(dir, name)
			st, err := os.Stat(p)
			if err != nil {
				return err
			}
			return os.Truncate(p, st.Size()/2)
		}
	}
	write := func(name, content string) func(dir string) error {
		return func(dir string) error { return os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600) }
	}
	for _, c := range []struct {
		name   string
		damage func(dir string) error
		want   []string // in the error, beside the file's path
		file   string   // the damaged file; "" for the intact directory
	}{
		{"intact", func(string) error { return nil }, nil, ""},
		{"accord.db not a database", write("accord.db", strings.Repeat("not a database ", 400)), []string{"not a database", "restore it from a backup"}, "accord.db"},
		{"accord.db cut short", halve("accord.db"), []string{"malformed", "restore it from a backup"}, "accord.db"},
		{"incidents.db cut short", halve("incidents.db"), []string{"malformed"}, "incidents.db"},
		{"mediation.key cut short", halve("mediation.key"), []string{"mediation key", "restore it from a backup"}, "mediation.key"},
		{"mediation.key without its key", write("mediation.key", "# accord mediation key\n"), []string{"no AGE-SECRET-KEY line"}, "mediation.key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := copyDataDir(t, made)
			if err := c.damage(dir); err != nil {
				t.Fatal(err)
			}
			// Times a write would move.
			old := time.Now().Add(-time.Hour).Truncate(time.Second)
			for name := range snapshotDir(t, dir) {
				if err := os.Chtimes(filepath.Join(dir, name), old, old); err != nil {
					t.Fatal(err)
				}
			}
			before := snapshotDir(t, dir)
			out, errs, code := runAccord(t, "config", "check", "--data", dir, "--scenario", "none")
			if c.file == "" {
				if code != 0 {
					t.Errorf("config check on a server's intact directory: exit %d:\n%s%s", code, out, errs)
				}
			} else {
				want := append([]string{filepath.Join(dir, c.file)}, c.want...)
				if code != 1 || strings.Contains(errs, "this is a bug") {
					t.Errorf("config check with %s: exit %d, want 1:\n%s%s", c.name, code, out, errs)
				}
				for _, w := range want {
					if !strings.Contains(errs, w) {
						t.Errorf("config check with %s does not say %q:\n%s%s", c.name, w, out, errs)
					}
				}
			}
			after := snapshotDir(t, dir)
			for name, b := range before {
				a, ok := after[name]
				switch {
				case !ok:
					t.Errorf("config check removed %s", name)
				case !bytes.Equal(a.data, b.data):
					t.Errorf("config check changed the bytes of %s", name)
				case !a.mtime.Equal(b.mtime):
					t.Errorf("config check moved the modification time of %s: %v, was %v", name, a.mtime, b.mtime)
				}
			}
			for name := range after {
				if _, ok := before[name]; !ok {
					t.Errorf("config check made %s in the data directory", name)
				}
			}
		})
	}
}
