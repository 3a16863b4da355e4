package witness_test

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/witness"
)

// live is the world's server on a fixed loopback address, which the test
// can stop and start again (a restart), counting the checkpoints fetched.
type live struct {
	t           *testing.T
	addr        string
	handler     http.Handler
	srv         *http.Server
	checkpoints atomic.Int64
	entries     atomic.Int64 // GET /v1/entries/{index}: one entry a request
}

func newLive(t *testing.T, w *world) *live {
	s := &live{t: t}
	s.handler = http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/checkpoint" {
			s.checkpoints.Add(1)
		}
		if strings.HasPrefix(r.URL.Path, "/v1/entries/") {
			s.entries.Add(1)
		}
		w.current.Load().ServeHTTP(rw, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	s.serve(ln)
	t.Cleanup(s.stop)
	return s
}

func (s *live) url() string { return "http://" + s.addr }

func (s *live) serve(ln net.Listener) {
	s.srv = &http.Server{Handler: s.handler}
	go s.srv.Serve(ln)
}

// stop closes the server and every connection, the feed's streams too.
func (s *live) stop() { s.srv.Close() }

// start listens again on the same address.
func (s *live) start() {
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.t.Fatalf("listening again on %s: %v", s.addr, err)
	}
	s.serve(ln)
}

// serveFeed makes the world's server serve a ledger with its feed.
func (w *world) serveFeed(l *ledger.Ledger, signer note.Signer, withFeed bool) *api.Feed {
	mux := http.NewServeMux()
	(&api.Record{Ledger: l, Origin: origin, Signer: signer, Witnesses: w.wKeys}).Register(mux)
	feed := &api.Feed{Ledger: l}
	if withFeed {
		mux.Handle("GET /v1/feed", feed)
	}
	w.current.Store(mux)
	return feed
}

// follower is a witness following the live server, its events in a
// channel and its log in a buffer.
type follower struct {
	name   string
	events chan witness.Event
	mu     sync.Mutex
	log    bytes.Buffer
}

func (f *follower) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.log.Write(p)
}

func (f *follower) logged() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.log.String()
}

// follow starts the three witnesses following url until the test ends.
func (w *world) follow(t *testing.T, url string, fc witness.FollowConfig) []*follower {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	var out []*follower
	for _, s := range w.wSigners {
		x, err := witness.Open(witness.Config{Server: url, Origin: origin, Log: w.logKey, Signer: s,
			Dir: filepath.Join(w.dir, s.Name()), Registry: w.reg, Agreements: w.as})
		if err != nil {
			t.Fatal(err)
		}
		f := &follower{name: s.Name(), events: make(chan witness.Event, 10000)}
		cfg := fc
		cfg.Logger = slog.New(slog.NewTextHandler(f, nil))
		wg.Add(1)
		go func() {
			defer wg.Done()
			x.Follow(ctx, cfg, func(ev witness.Event) { f.events <- ev })
		}()
		out = append(out, f)
	}
	return out
}

// await waits until each follower reports an event that ok accepts; it
// fails after a minute (a failure, not a measure).
func await(t *testing.T, fs []*follower, what string, ok func(witness.Event) bool) {
	t.Helper()
	t0 := time.Now()
	defer func() { t.Logf("%s: %v", what, time.Since(t0)) }()
	deadline := time.After(time.Minute)
	for _, f := range fs {
		for done := false; !done; {
			select {
			case ev := <-f.events:
				done = ok(ev)
			case <-deadline:
				t.Fatalf("%s: no %s within a minute; its log:\n%s", f.name, what, f.logged())
			}
		}
	}
}

func cosigned(n int64) func(witness.Event) bool {
	return func(ev witness.Event) bool { return ev.Event == "cosigned" && ev.Size == n }
}

// Three witnesses follow a server's feed: they cosign each batch as it
// arrives, a burst of batches in a few rounds, not one poll per interval
// nor one round per event; they reconnect to the server restarted (with
// what was appended while it was down, and the cosignatures it lost),
// refuse the fork it then serves, announced on its feed, and cosign the
// honest continuation — following all along.
func TestWitnessFollowsTheFeed(t *testing.T) {
	w := newWorld(t)
	srv := newLive(t, w)
	honest := w.ledger(4, 4, "")
	feed := w.serveFeed(honest, w.logSigner, true)
	fs := w.follow(t, srv.url(), witness.FollowConfig{Every: 200 * time.Millisecond, Poll: time.Hour, MaxBackoff: 500 * time.Millisecond})
	await(t, fs, "first checkpoint cosigned", cosigned(4))

	// Batches one at a time: each cosigned before the next.
	batch := func(n int) {
		w.grow(honest, n, n, "")
		feed.Publish(honest.Len() - 1)
	}
	start := srv.checkpoints.Load()
	const batches = 5
	for i := 1; i <= batches; i++ {
		batch(4 + 2*i)
		await(t, fs, "batch cosigned", cosigned(int64(4+2*i)))
	}
	one := srv.checkpoints.Load() - start
	t.Logf("%d batches one at a time: %d checkpoint fetches by 3 witnesses", batches, one)
	if one < 3*batches || one > 3*2*batches {
		t.Fatalf("%d checkpoint fetches for %d batches and 3 witnesses: want one or two a batch and witness", one, batches)
	}

	// A burst: many batches, a few rounds.
	start = srv.checkpoints.Load()
	const burst = 40
	for i := 1; i <= burst; i++ {
		batch(14 + 2*i)
	}
	size := int64(14 + 2*burst)
	await(t, fs, "burst cosigned", cosigned(size))
	b := srv.checkpoints.Load() - start
	t.Logf("a burst of %d batches: %d checkpoint fetches by 3 witnesses", burst, b)
	if b >= 3*burst/2 {
		t.Fatalf("%d checkpoint fetches for a burst of %d batches and 3 witnesses: the rounds are not debounced", b, burst)
	}
	// The new entries came in ranges of the ledger, not one a request.
	if e := srv.entries.Load(); e != 0 {
		t.Fatalf("%d entries fetched one at a time: the witnesses did not ask for ranges", e)
	}

	// The server restarts: what it appended while down, and the
	// cosignatures it lost, are caught up on reconnecting.
	srv.stop()
	w.grow(honest, int(size)+4, int(size)+4, "")
	feed = w.serveFeed(honest, w.logSigner, true)
	srv.start()
	size += 4
	await(t, fs, "checkpoint after the restart cosigned", cosigned(size))
	for _, f := range fs {
		if l := f.logged(); !strings.Contains(l, "the server's feed dropped: reconnecting") || strings.Count(l, "following the server's feed") < 2 {
			t.Fatalf("%s: the drop and the reconnection are not logged:\n%s", f.name, l)
		}
	}
	batch(int(size) + 2)
	size += 2
	await(t, fs, "batch after the restart cosigned", cosigned(size))
	w.cosignedByAt(srv.url(), size)

	// The server restarts serving a fork: refused by every witness on
	// reconnecting, and again when the forked log grows on its feed.
	forked := w.ledger(int(size)+6, 6, "B")
	srv.stop()
	ffeed := w.serveFeed(forked, w.logSigner, true)
	srv.start()
	refused := func(ev witness.Event) bool {
		return ev.Event == "refused" && ev.Refusal.Index == 6 && strings.Contains(ev.Refusal.Reason, "a fork at entry 6")
	}
	await(t, fs, "refusal of the fork", refused)
	w.grow(forked, int(size)+8, 6, "B")
	ffeed.Publish(forked.Len() - 1)
	await(t, fs, "refusal of the fork grown", func(ev witness.Event) bool { return refused(ev) && ev.Size == size+8 })
	// Back to the honest log, grown: cosigned.
	srv.stop()
	feed = w.serveFeed(honest, w.logSigner, true)
	srv.start()
	batch(int(size) + 2)
	size += 2
	await(t, fs, "honest continuation cosigned", cosigned(size))
	w.cosignedByAt(srv.url(), size)
	for _, f := range fs {
		if strings.Contains(f.logged(), "polling") {
			t.Fatalf("%s polled a server with a feed:\n%s", f.name, f.logged())
		}
	}
}

// A server without a feed: the witnesses say so and poll.
func TestWitnessPollsWithoutAFeed(t *testing.T) {
	w := newWorld(t)
	srv := newLive(t, w)
	l := w.ledger(4, 4, "")
	w.serveFeed(l, w.logSigner, false)
	fs := w.follow(t, srv.url(), witness.FollowConfig{Every: 10 * time.Millisecond, Poll: 50 * time.Millisecond})
	await(t, fs, "first checkpoint cosigned", cosigned(4))
	w.grow(l, 8, 8, "")
	await(t, fs, "polled checkpoint cosigned", cosigned(8))
	for _, f := range fs {
		if !strings.Contains(f.logged(), "the server's feed is not available: polling instead") || !strings.Contains(f.logged(), "404 Not Found") {
			t.Fatalf("%s: polling is not logged:\n%s", f.name, f.logged())
		}
	}
}

// cosignedByAt checks the checkpoint of a server at url as cosignedBy.
func (w *world) cosignedByAt(url string, n int64) {
	w.t.Helper()
	old := w.srv.URL
	w.srv.URL = url
	defer func() { w.srv.URL = old }()
	w.cosignedBy(n)
}
