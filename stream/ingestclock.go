package stream

import (
	"context"
	"errors"
	"fmt"
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
		obs, _, clocks, err := decodeObsParts(raw.Subject, raw.Data, raw.Header)
		if err != nil {
			continue
		}
		for i, o := range obs {
			if !monitor.IsVesselEvent(o.Event) && o.ObservedAt.After(g.clock) {
				g.clock = o.ObservedAt
			}
			if i < len(clocks) && clocks[i].After(g.clock) {
				g.clock = clocks[i]
			}
		}
	}
	return nil
}

// Clock is the front's clock the ingest node tells the sectors
// (HeaderClock): the latest observed_at of what it published for fusion,
// or of what the stream held when it started (SeedClock).
func (g *Ingester) Clock() time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.clock
}
