package ledger_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
)

// VerifyChain, for a reader without the authors' keys, checks all that
// Verify checks but the signatures: signed submissions by authors it has
// no key of verify, every change to the bytes is still caught and located,
// and with no checkpoint a torn tail is taken as Open takes it. Err lists
// the problems, at most ten.
func TestVerifyChain(t *testing.T) {
	data, _, tree := recordLog(t, 40)
	if rep := ledger.Verify(data, &ledger.Registry{}, nil); rep.OK() {
		t.Fatal("Verify without the keys takes the submissions' signatures")
	}
	fr := frames(data)
	cases := []struct {
		name string
		data []byte
		cp   *tlog.Tree
		want string // the first problem; "" when it verifies
	}{
		{"as recorded, no checkpoint", data, nil, ""},
		{"as recorded, its tree", data, &tree, ""},
		{"a torn tail, no checkpoint", append(bytes.Clone(data), 0, 0, 0), nil, ""},
		{"a byte of entry 7 changed", func() []byte {
			d := bytes.Clone(data)
			i := bytes.Index(d[fr[7][0]:fr[7][1]], []byte(`"entry"`)) + fr[7][0]
			d[i+1] = 'E'
			return d
		}(), nil, "entry 8 (byte " + strconv.Itoa(fr[8][0]) + "): its prev hash does not match entry 7"},
		{"entry 3 dropped", append(bytes.Clone(data[:fr[3][0]]), data[fr[4][0]:]...), nil, "sequence number 4, want 3"},
		{"the tail cut, against its tree", data[:fr[39][0]], &tree, "missing: the checkpoint covers 40 entries"},
		{"garbage after the entries", append(bytes.Clone(data), "garbage"...), nil, "unreadable frame"},
	}
	for _, c := range cases {
		rep := ledger.VerifyChain(c.data, c.cp)
		err := rep.Err()
		switch {
		case c.want == "" && (err != nil || rep.Entries != 40):
			t.Errorf("%s: %d entries, %v; want 40 that verify", c.name, rep.Entries, err)
		case c.want != "" && (err == nil || accord.ErrorCode(err) != accord.EINVALID || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v; want %s and %q", c.name, err, accord.EINVALID, c.want)
		}
	}
	// Every entry from 5 on out of sequence: ten problems listed, and how
	// many more.
	d := append(bytes.Clone(data[:fr[4][0]]), data[fr[5][0]:]...)
	err := ledger.VerifyChain(d, nil).Err()
	if err == nil || strings.Count(err.Error(), "\n  entry ") != 10 || !strings.Contains(err.Error(), "\n  and 25 more") {
		t.Errorf("35 problems: %v", err)
	}
}
