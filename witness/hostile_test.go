package witness_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/witness"
)

// hostile puts f in front of what the server serves: f answers the
// requests it takes (true) and leaves the others to the server.
func (w *world) hostile(f func(rw http.ResponseWriter, r *http.Request) bool) {
	next := w.current.Load()
	mux := http.NewServeMux()
	mux.Handle("/", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if !f(rw, r) {
			next.ServeHTTP(rw, r)
		}
	}))
	w.current.Store(mux)
}

// signedText is a note of text signed by s: what a server holding the
// log's key may sign.
func signedText(t *testing.T, s note.Signer, text string) []byte {
	t.Helper()
	b, err := note.Sign(&note.Note{Text: text}, s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A server that signs a checkpoint of a huge log (a new witness trusts
// its first checkpoint) and serves ranges of records that are no entries
// is refused at the first range, naming its first entry: the witness
// checks each range as it comes. It read range after range, checking
// nothing until the whole size claimed was read — 376 MB in 3 s on
// loopback, until its memory ran out.
func TestWitnessRefusesEntriesThatAreNoneAtTheFirstRange(t *testing.T) {
	w := newWorld(t)
	w.serve(w.ledger(4, 4, ""), w.logSigner)
	claim := signedText(t, w.logSigner, string(ledger.CheckpointText(origin, tlog.Tree{N: 1 << 40})))
	var ranges atomic.Int64
	w.hostile(func(rw http.ResponseWriter, r *http.Request) bool {
		switch r.URL.Path {
		case "/v1/checkpoint":
			rw.Write(claim)
		case "/v1/ledger":
			if ranges.Add(1) > 4 {
				http.Error(rw, "no more", http.StatusServiceUnavailable)
				return true
			}
			var b []byte
			for range 512 {
				rec := bytes.Repeat([]byte("x"), 1000)
				b = binary.BigEndian.AppendUint32(b, uint32(len(rec)))
				b = append(b, rec...)
			}
			rw.Write(b)
		default:
			return false
		}
		return true
	})
	x := refusedRound(t, w, 0, "entry 0 (byte 0): not an entry", "ranges of records that are no entries: %v; want a refusal at entry 0, not an entry")
	defer x.Close()
	if n := ranges.Load(); n != 1 {
		t.Fatalf("%d ranges read, want the first only", n)
	}
	if x.Last().N != 0 {
		t.Fatalf("cosigned %d entries", x.Last().N)
	}
}

// A checkpoint is one text per tree (the C2SP form the log writes: the
// size in decimal without sign or leading zero, the root in canonical
// base64). A server that signs another spelling of the tree it serves is
// refused, saying which and why: the witness cosigned "+4" and "04" and
// kept them as its state, then posted a cosignature the server's own
// rule refuses (it would not verify over the checkpoint published).
func TestWitnessRefusesACheckpointSpelledOtherwise(t *testing.T) {
	for _, tt := range []struct {
		name string
		text func(root string) string
	}{
		{"a sign", func(root string) string { return origin + "\n+4\n" + root + "\n" }},
		{"a leading zero", func(root string) string { return origin + "\n04\n" + root + "\n" }},
		{"the root's unused bits set", func(root string) string {
			const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
			last := strings.IndexByte(b64, root[42]) | 3 // the 2 bits past the hash's 256
			return origin + "\n4\n" + root[:42] + string(b64[last]) + "=\n"
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			l := w.ledger(4, 4, "")
			w.serve(l, w.logSigner)
			tree, _ := l.Tree(4)
			text := tt.text(tree.Hash.String())
			if text == string(ledger.CheckpointText(origin, tree)) {
				t.Fatalf("%q is the canonical text", text)
			}
			if _, got, err := ledger.ParseCheckpoint(text); err != nil || got != tree {
				t.Fatalf("%q: %v, %v: want the tree of 4 entries, spelt otherwise", text, got, err)
			}
			msg := signedText(t, w.logSigner, text)
			var posted atomic.Int64
			w.hostile(func(rw http.ResponseWriter, r *http.Request) bool {
				switch r.URL.Path {
				case "/v1/checkpoint":
					rw.Write(msg)
					return true
				case "/v1/checkpoint/cosignatures":
					posted.Add(1)
				}
				return false
			})
			x, err := w.openWitness(0)
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			err = x.Round(context.Background(), func(witness.Event) {})
			var r *witness.Refusal
			if !errors.As(err, &r) || r.Index != -1 || !strings.Contains(r.Reason, "not the text of the tree of 4 entries as a log writes it") || !strings.Contains(r.Reason, fmt.Sprintf("%q", text)) {
				t.Fatalf("checkpoint %q: %v; want it refused, spelt otherwise than a log writes it", text, err)
			}
			if x.Last().N != 0 || posted.Load() != 0 {
				t.Fatalf("checkpoint %q: cosigned %d entries, %d cosignature(s) posted", text, x.Last().N, posted.Load())
			}
		})
	}
}

// A range the server does not answer as its records is fetched one entry
// at a time, and each entry is checked as it comes: a server that answers
// each with 16 MiB of what is no entry is refused at the first, not read
// 512 times over (8 GiB held before anything was checked, for a checkpoint
// of a mere 512 entries).
func TestWitnessRefusesEntriesThatAreNoneOneAtATime(t *testing.T) {
	w := newWorld(t)
	l := w.ledger(4, 4, "")
	w.serve(l, w.logSigner)
	claim := signedText(t, w.logSigner, string(ledger.CheckpointText(origin, tlog.Tree{N: 512})))
	var fetched atomic.Int64
	junk := bytes.Repeat([]byte("x"), ledger.MaxEntry)
	w.hostile(func(rw http.ResponseWriter, r *http.Request) bool {
		switch {
		case r.URL.Path == "/v1/checkpoint":
			rw.Write(claim)
		case r.URL.Path == "/v1/ledger":
			rw.Write([]byte("not the records asked for"))
		case strings.HasPrefix(r.URL.Path, "/v1/entries/"):
			if fetched.Add(1) > 3 {
				http.Error(rw, "no more", http.StatusServiceUnavailable)
				return true
			}
			rw.Write(junk)
		default:
			return false
		}
		return true
	})
	x := refusedRound(t, w, 0, "entry 0 (byte 0): not an entry", "entries that are none, one at a time: %v; want a refusal at entry 0, not an entry")
	defer x.Close()
	if n := fetched.Load(); n != 1 {
		t.Fatalf("%d entries read, want the first only", n)
	}
}

// A checkpoint is three lines and its signatures, a few KiB: an answer
// of megabytes is refused as too large, read no further — not read up to
// an entry's bound (16 MiB), then refused as a note not signed by the
// log's key (cut there), or its origin line of megabytes echoed in the
// refusal (on stdout, in the node's /v1/witness).
func TestWitnessRefusesACheckpointOfMegabytes(t *testing.T) {
	w := newWorld(t)
	w.serve(w.ledger(4, 4, ""), w.logSigner)
	for _, tt := range []struct {
		name string
		msg  []byte
	}{
		{"signed, an origin of 2 MiB", signedText(t, w.logSigner, strings.Repeat("o", 2<<20)+"\n4\n"+tlog.Hash{}.String()+"\n")},
		{"20 MiB", bytes.Repeat([]byte("accord/test\n"), 20<<20/12)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w.hostile(func(rw http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path != "/v1/checkpoint" {
					return false
				}
				rw.Write(tt.msg)
				return true
			})
			x, err := w.openWitness(0)
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			err = x.Round(context.Background(), func(witness.Event) {})
			var r *witness.Refusal
			if !errors.As(err, &r) || r.Index != -1 || !strings.Contains(r.Reason, "the checkpoint is larger than") || len(r.Reason) > 1000 {
				reason := fmt.Sprint(err)
				t.Fatalf("a checkpoint of %d bytes: %d bytes of reason: %.300s; want it refused as too large, in a few words", len(tt.msg), len(reason), reason)
			}
		})
	}
}

// A feed that answers with a stream and drops it at once (a proxy that
// cuts streams, a server set on it) is reconnected with the backoff, as
// one that cannot be reached: the backoff starts again from 100 ms once
// the feed is heard (a keepalive, an event), not on each connection. It
// was reconnected eleven times a second for as long as it lasted, two
// lines logged each time.
func TestWitnessBacksOffAFeedThatDropsAtOnce(t *testing.T) {
	w := newWorld(t)
	w.serve(w.ledger(4, 4, ""), w.logSigner)
	var feeds atomic.Int64
	w.hostile(func(rw http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/v1/feed" {
			return false
		}
		feeds.Add(1)
		rw.Header().Set("Content-Type", "text/event-stream")
		rw.WriteHeader(http.StatusOK)
		return true
	})
	x, err := w.openWitness(0)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	var modes []string
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	x.Follow(ctx, witness.FollowConfig{OnMode: func(m string) { modes = append(modes, m) }}, func(witness.Event) {})
	// 100 + 200 + 400 + 800 + 1600 ms, less a quarter of jitter: 6 at most.
	if n := feeds.Load(); n > 6 {
		t.Fatalf("a feed dropped at once: %d connections in 3 s, want the backoff (6 at most)", n)
	}
	for i, m := range modes {
		if m == witness.ModeFeed && i+1 < len(modes) && modes[i+1] != witness.ModeReconnecting {
			t.Fatalf("modes %v: want reconnecting after each drop of the feed", modes)
		}
	}
}

// Entries the record's verification passes but the engine's replay
// refuses (a derived entry that is no engine event) are refused at their
// range too: the replay goes on as the ranges come. It read every entry
// the checkpoint claimed before replaying any.
func TestWitnessRefusesWhatTheEngineRefusesAtItsRange(t *testing.T) {
	w := newWorld(t)
	l := w.ledger(0, 0, "")
	es := make([]ledger.Entry, 4*512)
	for i := range es {
		es[i] = ledger.Entry{Kind: ledger.KindDerived, Type: accord.EntryEvent, Body: []byte(fmt.Sprintf(`{"not":"an event %d"}`, i))}
	}
	if _, err := l.AppendAll(es); err != nil {
		t.Fatal(err)
	}
	w.serve(l, w.logSigner)
	claim := signedText(t, w.logSigner, string(ledger.CheckpointText(origin, tlog.Tree{N: 1 << 40})))
	var ranges atomic.Int64
	w.hostile(func(rw http.ResponseWriter, r *http.Request) bool {
		switch r.URL.Path {
		case "/v1/checkpoint":
			rw.Write(claim)
			return true
		case "/v1/ledger":
			if ranges.Add(1) > 4 {
				http.Error(rw, "no more", http.StatusServiceUnavailable)
				return true
			}
		}
		return false
	})
	x := refusedRound(t, w, anyEntry, "the agreement engine's replay fails: entry 0: not an engine event", "entries the engine refuses: %v; want a refusal of the replay at entry 0")
	defer x.Close()
	if n := ranges.Load(); n != 1 {
		t.Fatalf("%d ranges read, want the first only", n)
	}
}

// A feed that sends lines but never a whole event nor a keepalive says
// nothing: it is dropped after Idle as a silent one is, and reconnected
// (a round each time). The lines kept it up for ever, and the witness,
// following it, ran no round after the first.
func TestWitnessDropsAFeedThatSaysNothing(t *testing.T) {
	w := newWorld(t)
	w.serve(w.ledger(4, 4, ""), w.logSigner)
	var feeds, checkpoints atomic.Int64
	w.hostile(func(rw http.ResponseWriter, r *http.Request) bool {
		switch r.URL.Path {
		case "/v1/checkpoint":
			checkpoints.Add(1)
			return false
		case "/v1/feed":
		default:
			return false
		}
		feeds.Add(1)
		rw.Header().Set("Content-Type", "text/event-stream")
		rw.WriteHeader(http.StatusOK)
		for {
			if _, err := rw.Write([]byte("data: more to come\n")); err != nil {
				return true
			}
			rw.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return true
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
	x, err := w.openWitness(0)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	x.Follow(ctx, witness.FollowConfig{Idle: 500 * time.Millisecond}, func(witness.Event) {})
	if f, c := feeds.Load(), checkpoints.Load(); f < 2 || c < 2 {
		t.Fatalf("a feed of lines and no event, Idle 500ms: %d connections and %d rounds in 3 s; want it dropped and reconnected, a round each time", f, c)
	}
}

// anyEntry is refusedRound's index when the refusal may name any.
const anyEntry = -2

// refusedRound opens the world's first witness and runs a round, which
// must be refused at entry index (anyEntry: any), its reason saying
// reason; it fails the test with want (a format taking the error)
// otherwise, and returns the witness, open.
func refusedRound(t *testing.T, w *world, index int64, reason, want string) *witness.Witness {
	t.Helper()
	x, err := w.openWitness(0)
	if err != nil {
		t.Fatal(err)
	}
	err = x.Round(context.Background(), func(witness.Event) {})
	var r *witness.Refusal
	if !errors.As(err, &r) || index != anyEntry && r.Index != index || !strings.Contains(r.Reason, reason) {
		x.Close()
		t.Fatalf(want, err)
	}
	return x
}
