package ledger

import (
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// A hash list holds what a slice would across its chunks' edges, cut back
// and grown again.
func TestHashList(t *testing.T) {
	var h hashList
	var want []tlog.Hash
	hash := func(i int) tlog.Hash { return tlog.Hash{byte(i), byte(i >> 8), byte(i >> 16), 1} }
	check := func() {
		t.Helper()
		if h.len() != int64(len(want)) {
			t.Fatalf("len %d, want %d", h.len(), len(want))
		}
		for i, x := range want {
			if h.at(int64(i)) != x {
				t.Fatalf("hash %d of %d differs", i, len(want))
			}
		}
	}
	next := 0
	grow := func(n int) {
		for range n {
			h.append(hash(next), hash(next+1))
			want = append(want, hash(next), hash(next+1))
			next += 2
		}
	}
	grow(hashChunk/2 + 3) // past the first chunk
	check()
	for _, n := range []int{hashChunk + 6, hashChunk, hashChunk - 1, 5, 0} {
		h.truncate(int64(n))
		want = want[:n]
		check()
		grow(hashChunk/2 + 1)
		check()
	}
}
