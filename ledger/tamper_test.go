package ledger_test

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/accord-peace/accord/ledger"
)

// recordLog writes a log of submissions, refusals and derived entries and
// returns its bytes, the registry and the tree a checkpoint would sign.
func recordLog(t *testing.T, n int) ([]byte, *ledger.Registry, tlog.Tree) {
	t.Helper()
	k := newKeys(t, "mission", "ru", "ua", "us", "eu")
	path := filepath.Join(t.TempDir(), "log")
	l, err := ledger.OpenLedger(path, k.reg)
	if err != nil {
		t.Fatal(err)
	}
	authors := []string{"mission", "ru", "ua", "us", "eu"}
	for i := 0; i < n; i++ {
		switch {
		case i%17 == 5:
			l.Submit(k.sub(t, "mission", fmt.Sprint(i-1), "observations", i)) // a replay: refused, recorded
		case i%11 == 3:
			if _, err := l.Append(ledger.Entry{Kind: ledger.KindDerived, Type: "incident", Body: []byte(fmt.Sprintf(`{"id":"inc-%d","state":"confirmed"}`, i))}); err != nil {
				t.Fatal(err)
			}
		default:
			a := authors[i%len(authors)]
			if _, err := l.Submit(k.sub(t, a, fmt.Sprint(i), "event", map[string]any{"seq": i, "note": "entry"})); err != nil {
				t.Fatal(err)
			}
		}
	}
	tree, _ := l.Tree(l.Len())
	l.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data, k.reg, tree
}

// frames returns the byte ranges of the entries.
func frames(data []byte) [][2]int {
	var out [][2]int
	for off := 0; off+4 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[off:]))
		out = append(out, [2]int{off, off + 4 + n})
		off += 4 + n
	}
	return out
}

// A thousand single mutations of a recorded log — a changed byte, a dropped
// entry, two entries swapped, an entry repeated, the tail cut — each caught
// and located by verification against the signed tree.
func TestTamperingIsCaught(t *testing.T) {
	data, reg, tree := recordLog(t, 100)
	if rep := ledger.Verify(data, reg, &tree); !rep.OK() {
		t.Fatalf("the untouched log does not verify: %v", rep.Problems)
	}
	fr := frames(data)
	r := rand.New(rand.NewPCG(5, 6))
	kinds := map[string]int{}
	for m := 0; m < 1000; m++ {
		var bad []byte
		var kind string
		switch x := r.IntN(10); {
		case x < 6:
			kind = "byte"
			bad = append([]byte(nil), data...)
			i := r.IntN(len(bad))
			bad[i] ^= byte(1 + r.IntN(255))
		case x < 7:
			kind = "drop"
			i := r.IntN(len(fr))
			bad = append(append([]byte(nil), data[:fr[i][0]]...), data[fr[i][1]:]...)
		case x < 8:
			kind = "swap"
			i := r.IntN(len(fr) - 1)
			j := i + 1 + r.IntN(len(fr)-1-i)
			bad = append([]byte(nil), data[:fr[i][0]]...)
			bad = append(bad, data[fr[j][0]:fr[j][1]]...)
			bad = append(bad, data[fr[i][1]:fr[j][0]]...)
			bad = append(bad, data[fr[i][0]:fr[i][1]]...)
			bad = append(bad, data[fr[j][1]:]...)
		case x < 9:
			kind = "repeat"
			i := r.IntN(len(fr))
			bad = append(append(append([]byte(nil), data[:fr[i][1]]...), data[fr[i][0]:fr[i][1]]...), data[fr[i][1]:]...)
		default:
			kind = "truncate"
			bad = data[:r.IntN(len(data))]
		}
		kinds[kind]++
		rep := ledger.Verify(bad, reg, &tree)
		if rep.OK() {
			t.Fatalf("mutation %d (%s) not caught", m, kind)
		}
		if kind != "truncate" && rep.Problems[0].Entry < 0 {
			t.Errorf("mutation %d (%s) caught but not located: %v", m, kind, rep.Problems)
		}
	}
	t.Logf("1,000 mutations caught: %v", kinds)
}
