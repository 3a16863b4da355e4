package stream

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/accord-peace/accord/monitor"
)

// SeedClock sets the ingest node's clock (HeaderClock) to the front's as
// the stream holds it: for each sector, the latest observed_at among the
// last message's observations that fusion takes and the clock its
// header told — whichever node published it. Without it an ingest node
// restarted would tell the sectors' workers the latest of what it
// published since, below the front until its own batches caught up: a
// sector that had not been told the front's clock before the restart
// would confirm, open and close incidents late. ObsStream's last
// messages are read on the stream cluster; a regional node (Region) reads
// its own stream's. A stream, or a sector, without messages leaves the
// clock as it is; a message that does not decode is skipped (its worker
// drops it too).
func (g *Ingester) SeedClock(ctx context.Context) error {
	name, subject := ObsStream, ObsSubject
	if g.Region != "" {
		name, subject = RegionStream(g.Region), func(s int) string { return RegionSubject(g.Region, s) }
	}
	st, err := g.js.Stream(ctx, name)
	if err != nil {
		return fmt.Errorf("reading the front's clock from the stream %s: %w", name, err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for s := range g.plan.N() {
		raw, err := st.GetLastMsgForSubject(ctx, subject(s))
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("reading the front's clock from the stream %s, the last message of %s: %w", name, subject(s), err)
		}
		g.takeClock(raw)
		if raw.Sequence > g.lastSeq {
			// The stream's last batch: the first this node publishes
			// comes after it (HeaderAfter).
			g.last, g.lastSeq = raw.Header.Get(HeaderBatch), raw.Sequence
		}
	}
	return nil
}

// clockFollow is how often an ingest node of a deployment split over
// sectors reads the front's clock from the stream (FollowClock).
const clockFollow = time.Second

// FollowClock keeps the ingest node's clock up with what other ingest
// nodes publish: every clockFollow, until ctx ends or the node is
// closed, it takes in the clock of ObsStream's last message (its
// observations and its HeaderClock), which JetStream stored before any
// message this node publishes next — so the clock told stays what one
// pipeline reading the stream in its order would have, only late by up
// to a clockFollow. A stream it cannot read now is tried again at the
// next tick. Not on a regional node, whose stream holds its own batches
// alone.
func (g *Ingester) FollowClock(ctx context.Context) {
	if g.Region != "" || g.plan.N() < 2 {
		return
	}
	t := time.NewTicker(clockFollow)
	defer t.Stop()
	var last uint64
	for {
		select {
		case <-ctx.Done():
			return
		case <-g.stop:
			return
		case <-t.C:
		}
		if seq, err := g.takeLastClock(ctx, last); err == nil {
			last = seq
		}
	}
}

// takeLastClock takes in the clock of ObsStream's last message unless it
// is message done (read already); it returns the message's sequence.
func (g *Ingester) takeLastClock(ctx context.Context, done uint64) (uint64, error) {
	rctx, cancel := context.WithTimeout(ctx, clockFollow)
	defer cancel()
	st, err := g.js.Stream(rctx, ObsStream)
	if err != nil {
		return done, err
	}
	seq := st.CachedInfo().State.LastSeq
	if seq == 0 || seq == done {
		return done, nil
	}
	raw, err := st.GetMsg(rctx, seq)
	if err != nil {
		return done, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.takeClock(raw)
	return seq, nil
}

// takeClock moves the clock to a stored message's latest observation
// that fusion takes and the clock its header told, when later, and the
// vessels' (presenceClock) to its latest vessel's report and the times
// its HeaderPresenceTicks told. The caller holds mu.
func (g *Ingester) takeClock(raw *jetstream.RawStreamMsg) {
	if ns, err := strconv.ParseInt(raw.Header.Get(HeaderFront), 10, 64); err == nil {
		// A tick (tick.go): no observation, the front's clock in its
		// header.
		if at := time.Unix(0, ns).UTC(); at.After(g.clock) {
			g.clock = at
		}
	}
	obs, _, clocks, err := decodeObsParts(raw.Subject, raw.Data, raw.Header)
	if err != nil {
		return // its worker drops it too
	}
	if pres, err := decodeTicksOf(raw.Subject, raw.Header, HeaderPresenceTicks); err == nil {
		for _, t := range pres { // a vessel's time, told another sector
			if t.Clock.After(g.vessels) {
				g.vessels = t.Clock
			}
		}
	}
	if ns, err := strconv.ParseInt(raw.Header.Get(HeaderScanned), 10, 64); err == nil {
		if at := time.Unix(0, ns).UTC(); at.After(g.scanned) {
			g.scanned = at
		}
	}
	for i, o := range obs {
		if !monitor.IsVesselEvent(o.Event) && o.ObservedAt.After(g.clock) {
			g.clock = o.ObservedAt
		}
		if monitor.IsVesselEvent(o.Event) && o.ObservedAt.After(g.vessels) {
			g.vessels = o.ObservedAt // the presence duties' clock (presenceClock)
		}
		if i < len(clocks) && clocks[i].After(g.clock) {
			g.clock = clocks[i]
		}
	}
}

// Clock is the front's clock the ingest node tells the sectors
// (HeaderClock): the latest observed_at of what it published for fusion,
// or of what the stream held when it started (SeedClock).
func (g *Ingester) Clock() time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.clock
}
