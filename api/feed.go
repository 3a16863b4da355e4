package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/accord-peace/accord/ledger"
)

// Feed streams the record's derived entries (incident changes and the like)
// as server-sent events. The event id is the entry's index in the ledger,
// so a client that reconnects with Last-Event-ID resumes where it stopped
// and misses nothing: what it missed is read back from the ledger.
type Feed struct {
	Ledger *ledger.Ledger

	mu   sync.Mutex
	subs map[chan int64]bool
}

// Publish tells subscribers that entries up to seq exist.
func (f *Feed) Publish(seq int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for ch := range f.subs {
		select {
		case ch <- seq:
		default: // a slow subscriber catches up from the ledger
		}
	}
}

func (f *Feed) subscribe() chan int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.subs == nil {
		f.subs = map[chan int64]bool{}
	}
	ch := make(chan int64, 64)
	f.subs[ch] = true
	return ch
}

func (f *Feed) unsubscribe(ch chan int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.subs, ch)
}

// ServeHTTP streams the feed.
func (f *Feed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	next := int64(0)
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		v, err := strconv.ParseInt(id, 10, 64)
		if err != nil || v < 0 {
			writeError(w, http.StatusBadRequest, fmt.Errorf("Last-Event-ID %q is not an entry index", id))
			return
		}
		next = v + 1
	}
	ch := f.subscribe() // before reading back, so nothing falls between
	defer f.unsubscribe(ch)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	fl.Flush()
	keepalive := time.NewTicker(15 * time.Second)
	defer keepalive.Stop()
	for {
		for n := f.Ledger.Len(); next < n; next++ {
			rec, err := f.Ledger.Record(next)
			if err != nil {
				return
			}
			var e ledger.Entry
			if json.Unmarshal(rec, &e) != nil || e.Kind != ledger.KindDerived {
				continue
			}
			fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", next, e.Type, e.Body)
		}
		fl.Flush()
		select {
		case <-r.Context().Done():
			return
		case <-ch:
		case <-keepalive.C:
			fmt.Fprint(w, ": keepalive\n\n")
			fl.Flush()
		}
	}
}
