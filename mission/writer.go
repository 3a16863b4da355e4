package mission

import (
	"context"
	"sync"

	"github.com/accord-peace/accord/monitor"
)

// writer keeps the incident store up to date off the record stage: the
// versions the steps hand it are written in order by one goroutine, several
// steps' worth in one transaction with only the last version of each
// incident, and every read waits until the steps acknowledged before it
// are written. The store is derived data (Open rebuilds it from the
// observations and the ledger), so a step is acknowledged once the ledger
// has it.
type writer struct {
	store monitor.IncidentStore

	mu      sync.Mutex
	cond    *sync.Cond
	queue   []versions
	queued  int64 // steps handed in
	written int64 // steps written
	err     error // the first write that failed: every later read reports it
	closing bool
	done    chan struct{}
}

func newWriter(store monitor.IncidentStore) *writer {
	w := &writer{store: store, done: make(chan struct{})}
	w.cond = sync.NewCond(&w.mu)
	go w.run()
	return w
}

// versions are one step's incident versions and, when the ledger has
// them, their JSON encodings (nil otherwise).
type versions struct {
	ins  []monitor.Incident
	json [][]byte
}

// add hands in one step's incident versions.
func (w *writer) add(v versions) {
	w.mu.Lock()
	w.queue = append(w.queue, v)
	w.queued++
	w.cond.Broadcast()
	w.mu.Unlock()
}

// sync waits until every step handed in so far is written, and returns
// the store's error if a write failed.
func (w *writer) sync() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	target := w.queued
	for w.written < target && w.err == nil {
		w.cond.Wait()
	}
	return w.err
}

// close writes what is queued and stops the goroutine.
func (w *writer) close() error {
	w.mu.Lock()
	w.closing = true
	w.cond.Broadcast()
	w.mu.Unlock()
	<-w.done
	return w.err
}

func (w *writer) run() {
	defer close(w.done)
	for {
		w.mu.Lock()
		for len(w.queue) == 0 && !w.closing {
			w.cond.Wait()
		}
		if len(w.queue) == 0 {
			w.mu.Unlock()
			return
		}
		steps, n := w.queue, int64(len(w.queue))
		w.queue = nil
		failed := w.err != nil
		w.mu.Unlock()
		var err error
		if !failed {
			v := latestVersions(steps)
			if es, ok := w.store.(monitor.EncodedIncidentStore); ok {
				err = es.PutEncoded(context.Background(), v.ins, v.json)
			} else {
				err = w.store.PutIncidents(context.Background(), v.ins)
			}
		}
		w.mu.Lock()
		if err != nil && w.err == nil {
			w.err = err
		}
		w.written += n
		w.cond.Broadcast()
		w.mu.Unlock()
	}
}

// latestVersions merges steps' versions: the last version of each
// incident, in the order each first appears (the order the store lists
// them in, as if every step had been written in turn).
func latestVersions(steps []versions) versions {
	if len(steps) == 1 {
		return steps[0]
	}
	var out versions
	at := map[string]int{}
	for _, v := range steps {
		for j, in := range v.ins {
			var b []byte
			if v.json != nil {
				b = v.json[j]
			}
			if i, ok := at[in.ID]; ok {
				out.ins[i], out.json[i] = in, b
				continue
			}
			at[in.ID] = len(out.ins)
			out.ins = append(out.ins, in)
			out.json = append(out.json, b)
		}
	}
	return out
}
