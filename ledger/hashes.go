package ledger

import "golang.org/x/mod/sumdb/tlog"

// hashList is the log's tlog stored hashes, in chunks of at most
// hashChunk, so that growing it copies at most one chunk: one slice of
// every hash was copied, and its new memory faulted in, each time it
// outgrew its capacity, a cost that grew with the log.
type hashList struct {
	chunks [][]tlog.Hash // each full but the last
	n      int64
}

// hashChunk is the number of hashes a chunk holds at most (2 MiB).
const hashChunk = 1 << 16

func (h *hashList) len() int64 { return h.n }

// at is hash i (i < len).
func (h *hashList) at(i int64) tlog.Hash { return h.chunks[i/hashChunk][i%hashChunk] }

// append adds hashes at the end.
func (h *hashList) append(hs ...tlog.Hash) {
	for _, x := range hs {
		c := h.n / hashChunk
		if c == int64(len(h.chunks)) {
			// The first chunk grows as a slice does (a small log stays
			// small); the others are allocated whole.
			h.chunks = append(h.chunks, make([]tlog.Hash, 0, min(64+c*hashChunk, hashChunk)))
		}
		h.chunks[c] = append(h.chunks[c], x)
		h.n++
	}
}

// truncate keeps the first n hashes (n ≤ len).
func (h *hashList) truncate(n int64) {
	k := (n + hashChunk - 1) / hashChunk
	h.chunks = h.chunks[:k]
	if k > 0 {
		h.chunks[k-1] = h.chunks[k-1][:n-(k-1)*hashChunk]
	}
	h.n = n
}
