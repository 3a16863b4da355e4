package ledger_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/accord-peace/accord/ledger"
)

// FuzzVerify: a ledger file's bytes, whatever they are (a reader's copy,
// a registry given to 'report daily', a copy given to 'negotiation
// reveal'), are verified without a panic, and the report says each
// problem with the entry it is at; bytes that verify are entries that
// verify again alike.
func FuzzVerify(f *testing.F) {
	dir := f.TempDir()
	path := filepath.Join(dir, "log")
	l, err := ledger.Open(path)
	if err != nil {
		f.Fatal(err)
	}
	for i, body := range []string{`{"a":1}`, `{"b":"x"}`, `{}`} {
		if _, err := l.Append(ledger.Entry{Kind: ledger.KindDerived, Type: "incident", Body: []byte(body)}); err != nil {
			f.Fatal(i, err)
		}
	}
	l.Close()
	data, _ := os.ReadFile(path)
	f.Add(data)
	f.Add(data[:len(data)-3])
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 4, '{', '}', '\n', 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, rep := range []*ledger.Report{ledger.VerifyChain(data, nil), ledger.Verify(data, &ledger.Registry{}, nil)} {
			if rep.Entries < 0 {
				t.Fatalf("%d entries", rep.Entries)
			}
			for _, p := range rep.Problems {
				if p.String() == "" {
					t.Fatal("a problem that says nothing")
				}
			}
			if rep.OK() != (rep.Err() == nil) {
				t.Fatalf("OK %v, Err %v", rep.OK(), rep.Err())
			}
		}
		if rep := ledger.VerifyChain(data, nil); rep.OK() {
			if again := ledger.VerifyChain(data, nil); again.Entries != rep.Entries || !again.OK() {
				t.Fatalf("verified %d entries, then %d (%v)", rep.Entries, again.Entries, again.Problems)
			}
		}
	})
}
