package main

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ledgerDamage is a way a data directory's ledger can be found, with what
// serve's start says of it: want are the words of its refusal beside the
// ledger's path, none when it starts (a torn tail with no saved tree to
// hold the log to: the tail is cut, as after a crash).
type ledgerDamage struct {
	name   string
	damage func(t *testing.T, dir string)
	file   string   // the file named: ledger or ledger.tree
	want   []string // nil: serve starts
}

// ledgerDamages are the ledgers serve's start refuses, and one it
// repairs.
func ledgerDamages() []ledgerDamage {
	cut := func(t *testing.T, dir string) {
		t.Helper()
		p := filepath.Join(dir, "ledger")
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(p, st.Size()-7); err != nil { // inside the last entry
			t.Fatal(err)
		}
	}
	return []ledgerDamage{
		{"cut mid-entry", cut, "ledger", []string{"but its saved tree has", "were lost", "the file is left as it is"}},
		{"cut mid-entry, no saved tree", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "ledger.tree")); err != nil {
				t.Fatal(err)
			}
			cut(t, dir)
		}, "ledger", nil},
		{"a byte flipped", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "ledger")
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			b[4+20] ^= 0x01 // in the first entry's record
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}, "ledger", []string{"at byte", "the file is left as it is"}},
		{"not a ledger", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "ledger"), []byte(strings.Repeat("this is not a ledger\n", 50)), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "ledger", []string{"entry 0 at byte 0", "frame length", "out of range"}},
		{"ledger gone, its saved tree left", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "ledger")); err != nil {
				t.Fatal(err)
			}
		}, "ledger", []string{"the log has 0 entries, but its saved tree has", "were lost"}},
		{"ledger.tree not a saved tree", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "ledger.tree"), []byte("a tree\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "ledger.tree", []string{"not a saved tree"}},
		{"ledger.tree of another history", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "ledger.tree")
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(b), "\n")
			lines[2] = base64.StdEncoding.EncodeToString(make([]byte, 32))
			if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "ledger", []string{"is not the saved one", "a fork"}},
	}
}

// servedDataDir is a data directory as a server that recorded
// observations leaves it: a ledger of several entries, its saved tree.
func servedDataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	obs, _ := simulateTo(t, "--seed", "4", "--duration", "1h")
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	body, err := os.ReadFile(obs)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", bytes.NewReader(body))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("post: %v %v", err, resp)
	}
	resp.Body.Close()
	if code := stop(); code != 0 {
		t.Fatalf("serve stopped with exit %d", code)
	}
	if st, err := os.Stat(filepath.Join(dir, "ledger")); err != nil || st.Size() < 200 {
		t.Fatalf("the served directory's ledger: %v, %v", st, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "ledger.tree")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// serve's start refuses a damaged ledger — cut short with its saved
// tree beside it, a byte changed, not a ledger at all, its saved tree
// unreadable or of another history — with exit 1 naming the file and
// what is wrong, leaving the ledger and its tree as they were; a ledger
// cut short with no saved tree (a crash before any checkpoint) is
// repaired: the torn tail cut, the server started.
func TestServeRefusesDamagedLedger(t *testing.T) {
	made := servedDataDir(t)
	for _, c := range ledgerDamages() {
		t.Run(c.name, func(t *testing.T) {
			dir := copyDataDir(t, made)
			c.damage(t, dir)
			before := snapshotDir(t, dir)
			if c.want == nil {
				_, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", dir)
				if code := stop(); code != 0 {
					t.Fatalf("serve stopped with exit %d", code)
				}
				if a, b := len(snapshotDir(t, dir)["ledger"].data), len(before["ledger"].data); a >= b {
					t.Errorf("serve's start left the torn tail: the ledger has %d bytes, had %d", a, b)
				}
				return
			}
			out, errs, code := runAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", dir)
			if code != 1 || strings.Contains(errs, "this is a bug") {
				t.Errorf("serve with %s: exit %d, want 1:\n%s%s", c.name, code, out, errs)
			}
			for _, w := range append([]string{filepath.Join(dir, c.file)}, c.want...) {
				if !strings.Contains(errs, w) {
					t.Errorf("serve with %s does not say %q:\n%s%s", c.name, w, out, errs)
				}
			}
			after := snapshotDir(t, dir)
			for _, name := range []string{"ledger", "ledger.tree"} {
				if !bytes.Equal(after[name].data, before[name].data) {
					t.Errorf("serve's refused start changed %s", name)
				}
			}
		})
	}
}

// config check finds in the data directory's ledger and its saved tree
// what serve's start refuses — naming the file and saying what is wrong
// as serve says it, exit 1 — and passes the torn tail serve's start cuts
// (exit 0); either way it reads only: every file's bytes and modification
// time, and the directory's listing and modification time, are as they
// were.
func TestConfigCheckFindsDamagedLedger(t *testing.T) {
	made := servedDataDir(t)
	for _, c := range ledgerDamages() {
		t.Run(c.name, func(t *testing.T) {
			dir := copyDataDir(t, made)
			c.damage(t, dir)
			for name := range snapshotDir(t, dir) {
				ageDir(t, filepath.Join(dir, name))
			}
			before := snapshotDir(t, dir)
			names := listDir(t, dir)
			mtime := ageDir(t, dir)
			out, errs, code := runAccord(t, "config", "check", "--data", dir)
			if c.want == nil {
				if code != 0 {
					t.Errorf("config check with %s (serve starts): exit %d, want 0:\n%s%s", c.name, code, out, errs)
				}
			} else {
				if code != 1 || strings.Contains(errs, "this is a bug") {
					t.Errorf("config check with %s: exit %d, want 1:\n%s%s", c.name, code, out, errs)
				}
				for _, w := range append([]string{filepath.Join(dir, c.file)}, c.want...) {
					if !strings.Contains(errs, w) {
						t.Errorf("config check with %s does not say %q:\n%s%s", c.name, w, out, errs)
					}
				}
			}
			after := snapshotDir(t, dir)
			for name, b := range before {
				a := after[name]
				if !bytes.Equal(a.data, b.data) || !a.mtime.Equal(b.mtime) {
					t.Errorf("config check changed %s (bytes or modification time)", name)
				}
			}
			dirUnchanged(t, "the data directory", dir, names, mtime)
		})
	}
}
