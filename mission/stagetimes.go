package mission

import (
	"sync/atomic"
	"time"
)

// Stages names the four stages a batch goes through in Ingest, in order,
// and then its wait for the ledger's commit ("commit": outside the
// stages, the next batch's record meanwhile; its wait is always zero).
var Stages = [5]string{"store", "pipeline", "engine", "record", "commit"}

// StageTimes is where one batch's time went in Ingest: for each stage (in
// the order of Stages), how long the batch waited for it — the batches
// before it still there; a batch keeps the stage it is in while it waits
// for the next, which keeps their order — and how long it worked in it,
// from taking it to asking for the next (the record: until its entries
// are queued in the ledger; the batch then waits for the ledger's commit
// outside the stages: the Work of "commit").
type StageTimes struct {
	Wait, Work [len(Stages)]time.Duration
}

// WatchStages has f called with the StageTimes of every batch Ingest
// records (nil: none), for the server's metrics and the benchmarks. f
// runs on the batch's goroutine once the ledger's commit of the batch
// returned.
func (m *Mission) WatchStages(f func(StageTimes)) {
	if f == nil {
		m.stages.Store(nil)
		return
	}
	m.stages.Store(&f)
}

// stageClock marks a batch's way through the stages: asked before a
// stage is asked for, took once it is taken.
type stageClock struct {
	t     StageTimes
	last  time.Time
	stage int
}

func (c *stageClock) asked() {
	now := time.Now()
	if c.stage > 0 {
		c.t.Work[c.stage-1] = now.Sub(c.last)
	}
	c.last = now
}

func (c *stageClock) took() {
	now := time.Now()
	c.t.Wait[c.stage] = now.Sub(c.last)
	c.last = now
	c.stage++
}

// recorded ends the record stage (the entries queued in the ledger);
// the commit is timed from here.
func (c *stageClock) recorded() {
	now := time.Now()
	c.t.Work[c.stage-1] = now.Sub(c.last)
	c.last = now
}

// done ends the wait for the ledger's commit and tells the watcher, if
// any.
func (c *stageClock) done(w *atomic.Pointer[func(StageTimes)]) {
	if f := w.Load(); f != nil {
		c.t.Work[len(Stages)-1] = time.Since(c.last)
		(*f)(c.t)
	}
}
