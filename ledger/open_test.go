package ledger_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
)

// writeLog writes a log of n derived entries, closes it and returns its
// path and the byte offset of each entry's frame.
func writeLog(t *testing.T, dir string, n int, tag string) (string, []int64) {
	t.Helper()
	path := filepath.Join(dir, "log")
	l, err := ledger.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, err := l.Append(ledger.Entry{Kind: ledger.KindDerived, Type: "incident", Body: []byte(fmt.Sprintf(`{"%s":%d}`, tag, i))}); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	var offs []int64
	for _, f := range frames(data) {
		offs = append(offs, int64(f[0]))
	}
	return path, offs
}

// Reopening cuts a torn tail — a write that never completed, so that no
// one was told it was stored — and says what it cut; anything else wrong
// is damage to an acknowledged entry: the log does not open, the error
// names the file, the entry, the byte and what is wrong, and the file is
// left as it is.
func TestOpenCutsOnlyATornTail(t *testing.T) {
	const n = 5
	header := func(k int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(k)) }
	cases := []struct {
		name   string
		change func(data []byte, offs []int64) []byte
		cut    int64  // bytes cut, when it opens
		want   string // in the error, when it does not
		entry  int    // the entry the error names
	}{
		{name: "short header", change: func(d []byte, _ []int64) []byte { return append(d, 0, 0, 1) }, cut: 3},
		{name: "short body", change: func(d []byte, _ []int64) []byte { return append(append(d, header(100)...), `{"seq":5,"prev":"`...) }, cut: 4 + 17},
		{name: "zero-filled tail", change: func(d []byte, _ []int64) []byte { return append(d, make([]byte, 8192)...) }, cut: 8192},
		{name: "a frame written in part, zeros from a page on", change: func(d []byte, _ []int64) []byte {
			// The pages of a write that a power loss left unwritten read
			// as zeros: the frame's first page holds data, the next zeros.
			page := (len(d)/4096 + 1) * 4096
			d = append(d, header(page-len(d)-4+200)...)
			d = append(d, `{"seq":5,"prev":"`...)
			d = append(d, bytes.Repeat([]byte("x"), page-len(d))...)
			return append(d, make([]byte, 4096)...)
		}, cut: -1},
		{name: "bit flip in the last entry", change: func(d []byte, o []int64) []byte { d[o[n-1]+4+7] ^= 0x01; return d }, want: "sequence number 5, want 4", entry: n - 1},
		{name: "bit flip in the last entry's body", change: func(d []byte, o []int64) []byte { d[len(d)-2] ^= 0x01; return d }, want: "invalid character", entry: n - 1},
		{name: "space in the last entry", change: func(d []byte, o []int64) []byte { d[o[n-1]+4+8] = ' '; return d }, want: "invalid character", entry: n - 1},
		{name: "last byte changed", change: func(d []byte, _ []int64) []byte { d[len(d)-1] = 0; return d }, want: "", entry: n - 1},
		{name: "bit flip in an earlier entry", change: func(d []byte, o []int64) []byte { d[o[1]+4+7] ^= 0x01; return d }, want: "sequence number 0, want 1", entry: 1},
		{name: "last frame's length grown", change: func(d []byte, o []int64) []byte { d[o[n-1]+2] ^= 0x01; return d }, want: "the frame says", entry: n - 1},
		{name: "last frame's length shrunk", change: func(d []byte, o []int64) []byte { d[o[n-1]+3] -= 2; return d }, want: "", entry: n - 1},
		{name: "last frame's length zero", change: func(d []byte, o []int64) []byte { copy(d[o[n-1]:], header(0)); return d }, want: "frame length 0 out of range", entry: n - 1},
		{name: "zeros, then data", change: func(d []byte, o []int64) []byte { return append(append(d, make([]byte, 100)...), 1) }, want: "frame length 0 out of range", entry: n},
		{name: "garbage after the last entry", change: func(d []byte, o []int64) []byte { return append(d, "garbage!"...) }, want: "out of range", entry: n},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path, offs := writeLog(t, dir, n, "i")
			os.Remove(path + ".tree") // the saved tree is another test's
			data, _ := os.ReadFile(path)
			good := int64(len(data))
			bad := c.change(data, offs)
			if err := os.WriteFile(path, bad, 0o644); err != nil {
				t.Fatal(err)
			}
			l, err := ledger.Open(path)
			if c.cut == -1 {
				c.cut = int64(len(bad)) - good
			}
			if c.cut > 0 {
				if err != nil {
					t.Fatalf("a torn tail refused: %v", err)
				}
				defer l.Close()
				if off, cut := l.Torn(); off != good || cut != c.cut || l.Len() != n {
					t.Errorf("cut %d bytes at byte %d, %d entries left; want %d at %d, %d entries", cut, off, l.Len(), c.cut, good, n)
				}
				if st, _ := os.Stat(path); st.Size() != good {
					t.Errorf("the file is %d bytes, want %d", st.Size(), good)
				}
				return
			}
			if err == nil {
				l.Close()
				t.Fatal("damage to an acknowledged entry was not refused")
			}
			at := offs[min(c.entry, n-1)]
			if c.entry == n {
				at = good
			}
			for _, w := range []string{path, fmt.Sprintf("entry %d at byte %d", c.entry, at), c.want} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "bug") || accord.ErrorCode(err) != accord.EINVALID {
				t.Errorf("error %q, code %s: want an EINVALID error about the file", err, accord.ErrorCode(err))
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, bad) {
				t.Error("the damaged file was changed")
			}
		})
	}
}

// The log keeps its latest tree beside it; a log that does not extend it —
// entries lost, or another history — does not open.
func TestOpenRefusesRollbackAndFork(t *testing.T) {
	const n = 6
	cases := []struct {
		name   string
		change func(t *testing.T, path string, offs []int64)
		want   string // "" when it opens
	}{
		{"untouched", func(*testing.T, string, []int64) {}, ""},
		{"extended after the tree was saved", func(t *testing.T, path string, _ []int64) {
			tree, _ := os.ReadFile(path + ".tree")
			l, _ := ledger.Open(path)
			l.Append(ledger.Entry{Kind: ledger.KindDerived, Type: "t", Body: []byte("1")})
			l.Close()
			os.WriteFile(path+".tree", tree, 0o644) // as if killed before saving
		}, ""},
		{"last entries cut at a frame boundary", func(t *testing.T, path string, offs []int64) { os.Truncate(path, offs[n-2]) },
			"the log has 4 entries, but its saved tree has 6: entries 4 to 5 were lost (a rollback)"},
		{"the last entry zero-filled", func(t *testing.T, path string, offs []int64) {
			d, _ := os.ReadFile(path)
			clear(d[offs[n-1]:])
			os.WriteFile(path, d, 0o644)
		}, "the log has 5 entries, but its saved tree has 6"},
		{"the last entry changed, still well-formed", func(t *testing.T, path string, offs []int64) {
			d, _ := os.ReadFile(path)
			i := bytes.LastIndex(d, []byte(`"derived"`))
			d[i+1] = 'D'
			os.WriteFile(path, d, 0o644)
		}, "the tree of its first 6 entries is not the saved one"},
		{"the file gone", func(t *testing.T, path string, _ []int64) { os.Remove(path) }, "the log has 0 entries, but its saved tree has 6"},
		{"another history", func(t *testing.T, path string, _ []int64) {
			other, _ := writeLog(t, t.TempDir(), n+2, "j")
			d, _ := os.ReadFile(other)
			os.WriteFile(path, d, 0o644)
		}, "the tree of its first 6 entries is not the saved one: the log was rewritten (a fork)"},
		{"the saved tree damaged", func(t *testing.T, path string, _ []int64) {
			os.WriteFile(path+".tree", []byte("accord ledger tree\n6\n"), 0o644)
		},
			".tree: not a saved tree"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path, offs := writeLog(t, t.TempDir(), n, "i")
			if _, err := os.Stat(path + ".tree"); err != nil {
				t.Fatalf("closing the log saved no tree: %v", err)
			}
			c.change(t, path, offs)
			before, _ := os.ReadFile(path)
			l, err := ledger.Open(path)
			if c.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				l.Close()
				return
			}
			if err == nil {
				l.Close()
				t.Fatalf("opened; want %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) || accord.ErrorCode(err) != accord.EINVALID {
				t.Errorf("error %q (code %s), want %q", err, accord.ErrorCode(err), c.want)
			}
			after, err := os.ReadFile(path)
			if !bytes.Equal(before, after) || (before == nil) != os.IsNotExist(err) {
				t.Errorf("the refused log was changed (%v)", err)
			}
		})
	}
}

// Remember saves a tree signed from the log; it refuses a tree of another
// log and never goes back to a smaller one.
func TestRemember(t *testing.T) {
	path, _ := writeLog(t, t.TempDir(), 3, "i")
	l, err := ledger.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	small, _ := l.Tree(2)
	if err := l.Remember(small); err != nil {
		t.Fatal(err)
	}
	if saved, _ := l.Saved(); saved.N != 3 {
		t.Errorf("saved tree of %d entries after remembering 2, want 3", saved.N)
	}
	for i := 0; i < 4; i++ {
		l.Append(ledger.Entry{Kind: ledger.KindDerived, Type: "t", Body: []byte("1")})
	}
	tree, _ := l.Tree(l.Len())
	if err := l.Remember(tree); err != nil {
		t.Fatal(err)
	}
	if saved, _ := l.Saved(); saved != tree {
		t.Errorf("saved %v, want %v", saved, tree)
	}
	bad := tree
	bad.Hash[0] ^= 1
	if err := l.Remember(bad); err == nil || !strings.Contains(err.Error(), "not the log's tree") {
		t.Errorf("a tree of another log: %v", err)
	}
}
