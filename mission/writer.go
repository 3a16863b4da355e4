package mission

import (
	"context"
	"sync"
	"time"

	"github.com/accord-peace/accord/monitor"
)

// writer keeps the incident store up to date off the record stage, as a
// write-behind buffer: the versions the steps hand it are merged (the last
// version of each incident, in the order each first appeared) and written
// by one goroutine in one transaction when a read asks for them, or when
// closed incidents wait (flushAt of them, or one for flushEvery), so that
// memory holds no more than the open incidents and a few closed ones.
// Without reads an incident is written about once, when it closes, however
// often it changed; a read sees every step acknowledged before it. The
// store is derived data (Open rebuilds it from the observations and the
// ledger), so a step is acknowledged once the ledger has it.
type writer struct {
	store monitor.IncidentStore

	mu      sync.Mutex
	cond    *sync.Cond
	pend    chunks
	at      map[string]int // incident id → index in pend
	closed  int            // closed incidents among the pending
	since   time.Time      // when the first of them came
	asked   bool           // a read waits
	queued  int64          // steps handed in
	written int64          // steps written
	err     error          // the first write that failed: every later read reports it
	closing bool
	done    chan struct{}
}

// When the writer flushes closed incidents without being asked.
const (
	flushAt    = 1000
	flushEvery = 250 * time.Millisecond
)

// chunks are the pending incident versions, kept in chunks of
// chunkLen so that the list grows without copying what it holds (a
// version is some 300 bytes, and the list holds every incident changed
// since the last write).
type chunks struct {
	c [][]monitor.Incident
	n int
}

const chunkLen = 256

func (c *chunks) add(in monitor.Incident) {
	if c.n%chunkLen == 0 {
		c.c = append(c.c, make([]monitor.Incident, 0, chunkLen))
	}
	last := &c.c[len(c.c)-1]
	*last = append(*last, in)
	c.n++
}

func (c *chunks) at(i int) *monitor.Incident { return &c.c[i/chunkLen][i%chunkLen] }

// all is the versions in one list, in order.
func (c *chunks) all() []monitor.Incident {
	out := make([]monitor.Incident, 0, c.n)
	for _, x := range c.c {
		out = append(out, x...)
	}
	return out
}

// versions are incident versions.
type versions struct {
	ins []monitor.Incident
}

func newWriter(store monitor.IncidentStore) *writer {
	w := &writer{store: store, at: map[string]int{}, done: make(chan struct{})}
	w.cond = sync.NewCond(&w.mu)
	go w.run()
	go w.tick()
	return w
}

// add hands in one step's incident versions.
func (w *writer) add(v versions) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, in := range v.ins {
		if in.ClosedAt != nil {
			if w.closed == 0 {
				w.since = time.Now()
			}
			w.closed++
		}
		if i, ok := w.at[in.ID]; ok {
			*w.pend.at(i) = in
			continue
		}
		w.at[in.ID] = w.pend.n
		w.pend.add(in)
	}
	w.queued++
	if w.closed >= flushAt {
		w.cond.Broadcast()
	}
}

// sync waits until every step handed in so far is written, and returns
// the store's error if a write failed.
func (w *writer) sync() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	target := w.queued
	for w.written < target && w.err == nil {
		w.asked = true
		w.cond.Broadcast()
		w.cond.Wait()
	}
	return w.err
}

// close writes what is pending and stops the goroutines.
func (w *writer) close() error {
	w.mu.Lock()
	w.closing = true
	w.cond.Broadcast()
	w.mu.Unlock()
	<-w.done
	return w.err
}

// tick wakes the writer so that nothing waits longer than flushEvery.
func (w *writer) tick() {
	t := time.NewTicker(flushEvery / 2)
	defer t.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-t.C:
			w.mu.Lock()
			w.cond.Broadcast()
			w.mu.Unlock()
		}
	}
}

// due reports whether the pending versions are to be written now. The
// caller holds mu.
func (w *writer) due() bool {
	if w.written == w.queued {
		return false
	}
	return w.asked || w.closing || w.closed >= flushAt || w.closed > 0 && time.Since(w.since) >= flushEvery
}

func (w *writer) run() {
	defer close(w.done)
	for {
		w.mu.Lock()
		for !w.due() && !w.closing {
			w.cond.Wait()
		}
		if w.written == w.queued {
			w.mu.Unlock()
			return // closing, nothing pending
		}
		v, n := w.pend, w.queued
		w.pend, w.at, w.asked, w.closed = chunks{}, map[string]int{}, false, 0
		failed := w.err != nil
		w.mu.Unlock()
		var err error
		if !failed {
			err = w.store.PutIncidents(context.Background(), v.all())
		}
		w.mu.Lock()
		if err != nil && w.err == nil {
			w.err = err
		}
		w.written = n
		w.cond.Broadcast()
		w.mu.Unlock()
	}
}
