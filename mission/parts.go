package mission

import (
	"time"

	"github.com/accord-peace/accord/monitor"
)

// A batch split over sectors (the stream deployment) reaches the engine
// stage a part at a time, each sector's when its worker is through, and
// the parts of several batches interleave. One pipeline decides a batch
// whole: its violations in time order, each at its confirmation, then
// the clock to its latest observation. So that the parts give the same,
// the engine stage holds a batch's violations until its last part is in
// and applies batches in the order their first parts came: a part's
// incident versions are recorded when it comes, its violations when its
// batch is whole.

// maxHeld bounds the batches held: past it the oldest is applied as it
// stands, its missing parts taken for lost (a message its worker could
// not read), so that no violation waits for ever.
const maxHeld = 256

// heldBatch is a batch whose parts are not all in, or one behind such a
// batch.
type heldBatch struct {
	id    string
	dues  []due
	now   time.Time // the latest observation of its parts
	whole bool
}

// part takes a step's incidents as a part of a batch ("" a batch of its
// own) and applies, with apply, every batch at the head of the held ones
// that is whole, oldest first. The caller holds c.mu.
func (c *Consequences) part(ins []monitor.Incident, batch string, whole bool, now time.Time, apply func(*heldBatch)) {
	b := c.heldOf(batch)
	b.dues = c.dues(ins, b.dues)
	b.now = laterOf(b.now, now)
	b.whole = b.whole || whole || batch == ""
	for len(c.held) > 0 && (c.held[0].whole || len(c.held) > maxHeld) {
		head := c.held[0]
		c.held[0] = nil
		c.held = c.held[1:]
		if apply != nil {
			apply(head)
		}
	}
}

// heldOf is the held batch of an id, appended when new (a batch of its
// own always is). The caller holds c.mu.
func (c *Consequences) heldOf(batch string) *heldBatch {
	if batch != "" {
		for _, b := range c.held {
			if b.id == batch {
				return b
			}
		}
	}
	b := &heldBatch{id: batch}
	c.held = append(c.held, b)
	return b
}

// RestorePart takes a part recorded before a restart (the recorder
// reading the fused log back): its violations are held as ObservePart
// held them, and a batch that was whole then is let go unapplied — the
// ledger has what it applied, and the engine was restored from it — so
// that the batches not whole at the restart wait for their parts again.
func (c *Consequences) RestorePart(ins []monitor.Incident, batch string, whole bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.latest
	for _, in := range ins {
		now = laterOf(now, in.LastObserved)
	}
	c.part(ins, batch, whole, now, nil)
}
