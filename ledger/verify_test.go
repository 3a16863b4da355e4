package ledger_test

import (
	"encoding/binary"
	"os"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/accord-peace/accord/ledger"
)

// A torn tail after the entries a checkpoint covers — a write that never
// completed, so never acknowledged — is not a problem: it is reported
// apart. Before them, the log is short of the checkpoint: a problem.
func TestVerifyTornTail(t *testing.T) {
	path, offs := writeLog(t, t.TempDir(), 5, "i")
	data, _ := os.ReadFile(path)
	l, err := ledger.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := l.Tree(5)
	four, _ := l.Tree(4)
	l.Close()
	header := binary.BigEndian.AppendUint32(nil, 80)
	// A frame whose data stops at a page boundary, zeros from there on.
	paged := append([]byte(nil), data...)
	page := (len(paged)/4096 + 1) * 4096
	paged = binary.BigEndian.AppendUint32(paged, uint32(page-len(paged)-4+100))
	paged = append(paged, `{"seq":5,"prev":"`...)
	paged = append(paged, strings.Repeat("x", page-len(paged))...)
	paged = append(paged, make([]byte, 4096)...)
	cases := []struct {
		name string
		data []byte
		cp   *tlog.Tree
		torn int64  // the torn tail reported, when it verifies
		want string // the first problem, when it does not
	}{
		{"short header after the checkpoint", append(append([]byte(nil), data...), 0, 0), &all, 2, ""},
		{"short record after the checkpoint", append(append(append([]byte(nil), data...), header...), `{"seq":5`...), &all, 12, ""},
		{"zeros after the checkpoint", append(append([]byte(nil), data...), make([]byte, 5000)...), &all, 5000, ""},
		{"torn tail after an entry the checkpoint does not cover", append(append([]byte(nil), data...), 0, 0, 0), &four, 3, ""},
		{"data stopping at a page after the checkpoint", paged, &all, int64(len(paged) - len(data)), ""},
		{"torn inside the checkpoint's entries", data[:offs[4]+10], &all, 0, "unreadable frame"},
		{"garbage after the checkpoint", append(append([]byte(nil), data...), "garbage"...), &all, 0, "unreadable frame"},
		{"torn tail and no checkpoint", append(append([]byte(nil), data...), 0, 0), nil, 0, "with no checkpoint to show where the entries end"},
		{"torn inside the checkpoint's entries, said so", data[:offs[4]+10], &all, 0, "before the last entry a checkpoint covers"},
	}
	for _, c := range cases {
		rep := ledger.Verify(c.data, &ledger.Registry{}, c.cp)
		switch {
		case c.want == "" && (!rep.OK() || rep.TornTail != c.torn || rep.Entries != 5):
			t.Errorf("%s: %d entries, torn tail %d, problems %v; want 5 entries, a torn tail of %d, no problem", c.name, rep.Entries, rep.TornTail, rep.Problems, c.torn)
		case c.want != "" && (rep.OK() || !strings.Contains(rep.Problems[0].Msg, c.want) || rep.TornTail != 0):
			t.Errorf("%s: torn tail %d, problems %v; want %q", c.name, rep.TornTail, rep.Problems, c.want)
		}
	}
}
