package mission

import (
	"slices"
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
// batch is whole. (Package stream's recorder now holds a split batch's
// parts itself, to give their incidents ids together, and hands the
// batch here whole: a caller that decides parts as they come still may.)

// maxHeld bounds the batches held: past it the oldest is applied as it
// stands, its missing parts taken for lost (a message its worker could
// not read), so that no violation waits for ever.
const maxHeld = 256

// maxGone bounds the batches remembered as applied.
const maxGone = 4096

// heldBatch is a batch whose parts are not all in, or one behind such a
// batch.
type heldBatch struct {
	id      string
	dues    []due
	now     time.Time // the latest observation of its parts
	whole   bool
	signing signing // of its incidents, for the first batch
}

// part takes a step's incidents as a part of a batch ("" a batch of its
// own; a batch applied already is a part come again or late: of its own
// too) and applies, with apply, every batch at the head of the held ones
// that is whole, oldest first. The caller holds c.mu.
func (c *Consequences) part(ins []monitor.Incident, batch string, whole bool, now time.Time, apply func(*heldBatch)) {
	if c.gone[batch] {
		batch = ""
	}
	b := c.heldOf(batch)
	b.dues = c.dues(ins, b.dues)
	b.now = laterOf(b.now, now)
	b.whole = b.whole || whole || batch == ""
	if c.seq == 0 {
		b.signing.add(ins)
	}
	for len(c.held) > 0 && (c.held[0].whole || len(c.held) > maxHeld) {
		head := c.held[0]
		c.held[0] = nil
		c.held = c.held[1:]
		if !head.whole {
			c.released++
		}
		c.forget(head.id)
		if apply != nil {
			apply(head)
		}
	}
}

// forget remembers a batch as applied, among the last maxGone. The
// caller holds c.mu.
func (c *Consequences) forget(batch string) {
	if batch == "" {
		return
	}
	if c.gone == nil {
		c.gone = map[string]bool{}
	}
	c.gone[batch] = true
	c.goneOrder = append(c.goneOrder, batch)
	if len(c.goneOrder) > maxGone {
		delete(c.gone, c.goneOrder[0])
		c.goneOrder = slices.Delete(c.goneOrder, 0, 1)
	}
}

// Held is the number of batches whose violations wait for parts, and of
// batches applied without all their parts (maxHeld reached).
func (c *Consequences) Held() (held, released int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.held), c.released
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
