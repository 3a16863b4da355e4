package witness_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/accord-peace/accord/witness"
)

// A fork deep in a long history is located in about log2(n) requests —
// consistency proofs from prefixes of the witness's copy, checked against
// its own hashes — not one request an entry cosigned (2,003 for a fork at
// entry 2,002, before the witness could refuse), and at the same entry,
// for a fork at the same size and a longer one.
func TestForkLocatedInFewRequests(t *testing.T) {
	const n, at = 2400, 2002 // entries of even index hold the submissions a variant changes
	for _, tt := range []struct {
		name     string
		size     int
		wantAt   int64
		wantWhat string
	}{
		{"same size", n, at, "the server's tree does not hold it"},
		{"longer", n + 300, at, "the server's tree does not hold it"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.serve(w.ledger(n, n, ""), w.logSigner)
			x, err := w.openWitness(0)
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			if err := x.Round(context.Background(), func(witness.Event) {}); err != nil {
				t.Fatal(err)
			}
			w.serve(w.ledger(tt.size, at, "B"), w.logSigner)
			var requests atomic.Int64
			forked := w.current.Load()
			mux := http.NewServeMux()
			mux.Handle("/", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(r.URL.Path, "/v1/entries/") || strings.HasPrefix(r.URL.Path, "/v1/proofs/") {
					requests.Add(1)
				}
				forked.ServeHTTP(rw, r)
			}))
			w.current.Store(mux)
			err = x.Round(context.Background(), func(witness.Event) {})
			var r *witness.Refusal
			if !errors.As(err, &r) {
				t.Fatalf("a fork: %v, want a refusal", err)
			}
			// The round's own proof and entries, then the search: 12–13
			// halvings of 2,400, and the entry at the fork.
			t.Logf("%d requests for entries and proofs", requests.Load())
			if got := requests.Load(); got > 20 {
				t.Fatalf("%d requests for entries and proofs to locate a fork at entry %d of %d; want about log2(n)", got, tt.wantAt, n)
			}
			if r.Index != tt.wantAt || !strings.Contains(r.Reason, fmt.Sprintf("a fork at entry %d", tt.wantAt)) || !strings.Contains(r.Reason, tt.wantWhat) {
				t.Fatalf("refused at entry %d: %s\nwant a fork at entry %d, %q", r.Index, r.Reason, tt.wantAt, tt.wantWhat)
			}
			if r.Cosigned == "" || r.Served == "" || r.Cosigned == r.Served {
				t.Fatalf("refused at entry %d: cosigned %q, served %q; want both, differing", r.Index, r.Cosigned, r.Served)
			}
		})
	}
}
