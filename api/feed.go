package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
)

// Limits of the feed (the defaults of Feed's fields).
const (
	DefaultFeedPerAddr      = 8               // streams open at once from one remote address
	DefaultFeedClients      = 1000            // streams open at once in all
	DefaultFeedWriteTimeout = 5 * time.Second // for one write to a client, else it is dropped
	DefaultFeedMaxReplay    = 10000           // entries a resuming client may be behind
	DefaultFeedWindow       = 1 << 16         // recent events kept in memory for every client
	DefaultFeedSendBuffer   = 64 << 10        // bytes the kernel may hold for one stream
	feedWindowBytes         = 32 << 20        // and at most so many bytes of them
	feedLedgerChunk         = 1000            // entries read from the ledger for one client at a time
	feedKeepalive           = 15 * time.Second
)

// CodeTooMany is the error code of a request refused because a cap of the
// server is reached (429): retry later.
const CodeTooMany = "too_many_requests"

// Feed streams the record's derived entries (incident changes and the like)
// as server-sent events. The event id is the entry's index in the ledger,
// so a client that reconnects with Last-Event-ID resumes where it stopped
// and misses nothing: what it missed is read back from the ledger.
//
// A client without Last-Event-ID is not replayed the ledger: its first
// event is `snapshot`, whose id is the ledger's length minus one and whose
// data is {"ledger_len": N}; the incidents as they stand up to there are in
// GET /v1/incidents, and the events that follow are those of entries N and
// after (a later incident event replaces the incident). A client that
// resumes more than MaxReplay entries behind, or from an id past the end,
// is sent a snapshot too, and starts at the end.
//
// Every new entry is read from the ledger and encoded once, into a window
// of recent events that every client is served from; only a client behind
// the window reads the ledger for itself. A write to a client that does not
// complete within WriteTimeout drops the client (it reconnects with
// Last-Event-ID). Streams are capped per remote address and in all; beyond
// either cap the answer is 429.
type Feed struct {
	Ledger *ledger.Ledger
	// MaxPerAddr caps the streams open at once from one remote address
	// (DefaultFeedPerAddr when 0); MaxClients caps them all
	// (DefaultFeedClients when 0).
	MaxPerAddr int
	MaxClients int
	// WriteTimeout is how long one write to a client may take before the
	// client is dropped (DefaultFeedWriteTimeout when 0).
	WriteTimeout time.Duration
	// MaxReplay is how many entries behind a resuming client may be
	// before it is sent a snapshot instead (DefaultFeedMaxReplay when 0).
	MaxReplay int64
	// Window is how many recent events are kept in memory for every client
	// (DefaultFeedWindow when 0; 32 MiB of them at most): enough for the
	// events of the largest batch (100,000 observations changed 21,645
	// incidents in a simulated one, 13 MB of events), so that clients
	// that keep up never read the ledger for themselves.
	Window int
	// SendBuffer bounds the kernel's send buffer of a stream
	// (DefaultFeedSendBuffer when 0; with ConnContext on the server), so
	// that a client that stops reading blocks its writes, and is dropped,
	// after so many bytes rather than the megabytes TCP autotuning allows.
	// It also bounds a stream's throughput to about SendBuffer per round
	// trip (64 KiB at 100 ms: 640 KB/s); raise it for distant clients.
	SendBuffer int

	mu      sync.Mutex // the subscribers and their counts
	subs    map[chan struct{}]bool
	perAddr map[string]int
	closing chan struct{} // closed by Close

	fillMu sync.Mutex   // one reader of new entries at a time
	winMu  sync.RWMutex // the window
	events []feedEvent  // the derived entries of [lo, hi), in order
	bytes  int
	lo, hi int64
	begun  bool

	reads, dropped atomic.Int64
}

type feedEvent struct {
	seq   int64
	frame []byte // the event as sent
}

// FeedStats is what the feed is doing: the streams open, the ledger
// entries it has read (once each for every client, plus what clients
// behind the window read for themselves) and the clients it dropped
// because a write to them did not complete within WriteTimeout.
type FeedStats struct {
	Clients     int   `json:"clients"`
	LedgerReads int64 `json:"ledger_reads"`
	Dropped     int64 `json:"dropped"`
}

// Stats returns the feed's counters.
func (f *Feed) Stats() FeedStats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return FeedStats{Clients: len(f.subs), LedgerReads: f.reads.Load(), Dropped: f.dropped.Load()}
}

// Publish tells subscribers that entries up to seq exist. It only wakes
// them: the first one awake reads the new entries for all.
func (f *Feed) Publish(seq int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for ch := range f.subs {
		select {
		case ch <- struct{}{}:
		default: // already woken
		}
	}
}

func orDefault[T int | int64 | time.Duration](v, d T) T {
	if v > 0 {
		return v
	}
	return d
}

// subscribe registers a stream from addr, unless a cap is reached.
func (f *Feed) subscribe(addr string) (chan struct{}, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.subs == nil {
		f.subs, f.perAddr = map[chan struct{}]bool{}, map[string]int{}
	}
	if max := orDefault(f.MaxPerAddr, DefaultFeedPerAddr); f.perAddr[addr] >= max {
		return nil, accord.Errorf(CodeTooMany, "%s has %d feed streams open, the most one address may: close one first (a stream resumes with Last-Event-ID)", addr, f.perAddr[addr])
	}
	if max := orDefault(f.MaxClients, DefaultFeedClients); len(f.subs) >= max {
		return nil, accord.Errorf(CodeTooMany, "the feed has %d streams open, the most it serves at once: retry later", len(f.subs))
	}
	ch := make(chan struct{}, 1)
	f.subs[ch] = true
	f.perAddr[addr]++
	return ch, nil
}

func (f *Feed) unsubscribe(ch chan struct{}, addr string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.subs, ch)
	if f.perAddr[addr]--; f.perAddr[addr] <= 0 {
		delete(f.perAddr, addr)
	}
}

// Close ends every stream, and every stream opened after it, at once (the
// clients reconnect with Last-Event-ID): the server's shutdown calls it
// (HTTPServer), since http.Server.Shutdown waits for active requests and
// a stream stays active until its client goes.
func (f *Feed) Close() {
	ch := f.done()
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case <-ch: // closed already
	default:
		close(ch)
	}
}

// done is closed when the feed is closed.
func (f *Feed) done() chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closing == nil {
		f.closing = make(chan struct{})
	}
	return f.closing
}

type connKey struct{}

// ConnContext keeps each connection in its requests' context, so that the
// feed can bound the kernel's send buffer of its streams; set it as the
// http.Server's ConnContext.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

// remoteHost is the address a request comes from, without its port.
func remoteHost(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

// ServeHTTP streams the feed.
func (f *Feed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, ok := w.(http.Flusher); !ok {
		writeError(w, http.StatusInternalServerError, errors.New("streaming unsupported"))
		return
	}
	resume := false
	next := int64(0)
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		v, err := strconv.ParseInt(id, 10, 64)
		if err != nil || v < -1 {
			writeError(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, "Last-Event-ID %q is not an entry index (-1 for the start)", id))
			return
		}
		resume, next = true, v+1
		if v == math.MaxInt64 {
			next = v // past any end: the snapshot below
		}
	}
	addr := remoteHost(r)
	ch, err := f.subscribe(addr) // before reading the length, so nothing falls between
	if err != nil {
		w.Header().Set("Retry-After", "10")
		writeError(w, http.StatusTooManyRequests, err)
		return
	}
	defer f.unsubscribe(ch, addr)
	rc := http.NewResponseController(w)
	if c, ok := r.Context().Value(connKey{}).(*net.TCPConn); ok {
		c.SetWriteBuffer(orDefault(f.SendBuffer, DefaultFeedSendBuffer))
	}
	n := f.Ledger.Len()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	if !resume || next > n || n-next > orDefault(f.MaxReplay, DefaultFeedMaxReplay) {
		next = n
		err = f.write(w, rc, [][]byte{fmt.Appendf(nil, "id: %d\nevent: snapshot\ndata: {\"ledger_len\":%d}\n\n", n-1, n)})
	} else {
		err = f.write(w, rc, nil)
	}
	keepalive := time.NewTicker(feedKeepalive)
	defer keepalive.Stop()
	closing := f.done()
	for err == nil {
		if err = f.send(w, rc, &next); err != nil {
			break
		}
		select {
		case <-r.Context().Done():
			return
		case <-closing:
			return
		case <-ch:
		case <-keepalive.C:
			err = f.write(w, rc, [][]byte{[]byte(": keepalive\n\n")})
		}
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		f.dropped.Add(1) // a write that did not complete in time: the client goes
	}
}

// write sends frames and flushes them, each write given the write timeout:
// a client that reads slowly but steadily is served, one that takes no
// frame for that long is dropped.
func (f *Feed) write(w http.ResponseWriter, rc *http.ResponseController, frames [][]byte) error {
	timeout := orDefault(f.WriteTimeout, DefaultFeedWriteTimeout)
	for _, fr := range frames {
		if err := rc.SetWriteDeadline(time.Now().Add(timeout)); err != nil {
			return err
		}
		if _, err := w.Write(fr); err != nil {
			return err
		}
	}
	if err := rc.SetWriteDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}
	return rc.Flush()
}

// send writes the events from next on, as far as the ledger goes.
func (f *Feed) send(w http.ResponseWriter, rc *http.ResponseController, next *int64) error {
	for {
		frames, upto, err := f.since(*next)
		if err != nil {
			return err
		}
		if upto == *next {
			return nil
		}
		if len(frames) > 0 {
			if err := f.write(w, rc, frames); err != nil {
				return err
			}
		}
		*next = upto
	}
}

// since returns the events of entries next and after up to upto (not
// included): from the window, else, for a client behind it, read from the
// ledger a chunk at a time.
func (f *Feed) since(next int64) ([][]byte, int64, error) {
	if err := f.fill(); err != nil {
		return nil, next, err
	}
	f.winMu.RLock()
	if next >= f.lo {
		i := sort.Search(len(f.events), func(i int) bool { return f.events[i].seq >= next })
		frames := make([][]byte, 0, len(f.events)-i)
		for _, e := range f.events[i:] {
			frames = append(frames, e.frame)
		}
		hi := max(f.hi, next)
		f.winMu.RUnlock()
		return frames, hi, nil
	}
	upto := min(f.lo, next+feedLedgerChunk)
	f.winMu.RUnlock()
	var frames [][]byte
	for i := next; i < upto; i++ {
		fr, err := f.frame(i)
		if err != nil {
			return nil, next, err
		}
		if fr != nil {
			frames = append(frames, fr)
		}
	}
	return frames, upto, nil
}

// frame reads entry i and encodes its event (nil for an entry that is not
// derived).
func (f *Feed) frame(i int64) ([]byte, error) {
	rec, err := f.Ledger.Record(i)
	if err != nil {
		return nil, err
	}
	f.reads.Add(1)
	var e ledger.Entry
	if json.Unmarshal(rec, &e) != nil || e.Kind != ledger.KindDerived {
		return nil, nil
	}
	return fmt.Appendf(nil, "id: %d\nevent: %s\ndata: %s\n\n", i, e.Type, e.Body), nil
}

// fill reads the entries appended since the last fill into the window, once
// for every client, and trims the window to its bounds.
func (f *Feed) fill() error {
	f.fillMu.Lock()
	defer f.fillMu.Unlock()
	n := f.Ledger.Len()
	f.winMu.RLock()
	begun, hi := f.begun, f.hi
	f.winMu.RUnlock()
	if !begun {
		f.winMu.Lock()
		f.lo, f.hi, f.begun = n, n, true
		f.winMu.Unlock()
		return nil
	}
	if hi >= n {
		return nil
	}
	var add []feedEvent
	for i := hi; i < n; i++ {
		fr, err := f.frame(i)
		if err != nil {
			return err
		}
		if fr != nil {
			add = append(add, feedEvent{seq: i, frame: fr})
		}
	}
	f.winMu.Lock()
	defer f.winMu.Unlock()
	f.events = append(f.events, add...)
	for _, e := range add {
		f.bytes += len(e.frame)
	}
	f.hi = n
	max := orDefault(f.Window, DefaultFeedWindow)
	drop := 0
	for drop < len(f.events) && (len(f.events)-drop > max || f.bytes > feedWindowBytes) {
		f.bytes -= len(f.events[drop].frame)
		f.lo = f.events[drop].seq + 1
		drop++
	}
	if drop > 0 {
		f.events = append([]feedEvent(nil), f.events[drop:]...)
	}
	return nil
}
