package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
)

// recoverWait bounds how long an ingest node's start waits for JetStream
// to acknowledge what its pending records list; the rest waits in the
// outbox (published by the drainer, and by Ingest before it stores).
const recoverWait = 30 * time.Second

// Recover publishes what the store's outbox still lists for the node
// (Node): batches it stored whose messages JetStream may not have
// acknowledged, the node having died in between. Each record's
// observations are read back from the store and its messages rebuilt as
// Ingest built them — the same lines, so the same batch digest and
// message ids — from the routing state Ingest kept with the record (the
// clock, the last look, the batch before, the vessels' clock: routing), so that they are
// the messages the batch was first split into, headers and all, however
// many of them reached the stream before the node died; a record kept
// without it (by an older node) is split on the clock read from the
// stream (SeedClock). The node then goes on from the later of that clock
// and the one its rebuilt batches leave, after the last of them
// (HeaderAfter). The messages ObsStream holds already (the node died after
// JetStream acknowledged them, before the store forgot the record) are
// looked for there and not published again (publishedAlready): within
// JetStream's duplicate window it would keep them once anyway, but a node
// that starts again after it would have them fused twice. The others are
// published in order and the record forgotten. What JetStream does not
// acknowledge by wait stays in the outbox, published by the drainer, and
// by Ingest before it stores anything. It returns the number of records
// found. A regional ingest node stores nothing: it has none.
//
// Call it before the node takes a batch.
func (g *Ingester) Recover(ctx context.Context, wait time.Duration) (int, error) {
	if g.Region != "" {
		return 0, nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	// The clock as seeded from the stream (SeedClock), which may hold
	// other nodes' later batches: the node goes on from the later of it
	// and the clock its rebuilt batches leave.
	seededClock, seededScanned, seededVessels := g.clock, g.scanned, g.vessels
	later := func() {
		if seededClock.After(g.clock) {
			g.clock = seededClock
		}
		if seededVessels.After(g.vessels) {
			g.vessels = seededVessels
		}
		if seededScanned.After(g.scanned) {
			g.scanned = seededScanned
		}
	}
	var recs []pendingBatch
	err := g.m.Pending(ctx, g.Node, func(id int64, storedAt time.Time, state []byte, fresh []monitor.Observation) error {
		ptrs := make([]*monitor.Observation, len(fresh))
		for i := range fresh {
			ptrs[i] = &fresh[i]
		}
		// The batch's messages made from the routing state they were
		// first made from: the same headers, whatever the stream holds
		// of the batch now. A record without it (kept by an older
		// node) is split on the state as it stands.
		if err := g.setRoutingState(state); err != nil {
			if g.Logger != nil {
				g.Logger.Warn("stream: a pending record's routing state does not decode; its batch's messages are made on the clock read from the stream, and may count other parts than those it published", "node", g.Node, "record", id, "err", err)
			}
			later()
		} else if state == nil {
			later()
		}
		recs = append(recs, pendingBatch{id: id, storedAt: storedAt, msgs: g.messages(fresh, ptrs, g.route(fresh))})
		return nil
	})
	later()
	if err != nil {
		return len(recs), fmt.Errorf("ingest node %q: reading its pending records from the store: %w", g.Node, err)
	}
	if len(recs) == 0 {
		return 0, nil
	}
	sctx, cancel := context.WithTimeout(ctx, wait)
	had, err := g.publishedAlready(sctx, recs)
	cancel()
	if err != nil && g.Logger != nil {
		g.Logger.Warn("stream: could not look in the stream for the messages of the batches this node stored before it stopped; they are published again (JetStream keeps them once within its duplicate window)", "node", g.Node, "records", len(recs), "err", err)
	}
	g.outMu.Lock()
	defer g.outMu.Unlock()
	skipped := 0
	for _, r := range recs {
		var left []*nats.Msg
		for _, msg := range r.msgs {
			if !had[msg.Header.Get(nats.MsgIdHdr)] {
				left = append(left, msg)
			}
		}
		skipped += len(r.msgs) - len(left)
		if len(left) == 0 {
			g.forget(ctx, r.id)
			continue
		}
		g.parkLocked(left, r.id)
	}
	if skipped > 0 && g.Logger != nil {
		g.Logger.Info("stream: messages of the batches this node stored before it stopped were in the stream already; not published again", "node", g.Node, "messages", skipped)
	}
	if len(g.outbox) == 0 {
		return len(recs), nil
	}
	if err := g.flush(ctx, time.Now().Add(wait)); err != nil && g.Logger != nil {
		g.Logger.Warn("stream: JetStream did not acknowledge every message of the batches this node stored before it stopped; they wait in its outbox, published before it stores anything", "node", g.Node, "records", len(recs), "messages", len(g.outbox), "err", err)
	}
	return len(recs), nil
}

// routing is an ingest node's routing state, from which a batch's
// messages are made (messages): kept with the batch's pending record as
// it was before the batch (routingState), so that a node restarted makes
// the batch's messages again as they were first made (Recover) — not
// from what it read back from the stream (SeedClock), which holds the
// part of the batch published before the node died: the batch itself as
// the last (no HeaderAfter), its looks with the clock counted (fewer
// HeaderTicks, a part of ticks alone missing: another HeaderParts).
// Times in Unix nanoseconds, as the headers tell them; absent when zero.
type routing struct {
	Clock   *int64 `json:"clock,omitempty"`
	Scanned *int64 `json:"scanned,omitempty"`
	Last    string `json:"last,omitempty"`
	Vessels *int64 `json:"vessels,omitempty"` // HeaderPresenceTicks
}

// routingState is the node's routing state, encoded, for the pending
// record of the batch whose messages it makes next. The caller holds mu.
func (g *Ingester) routingState() []byte {
	var r routing
	nanos := func(t time.Time) *int64 {
		if t.IsZero() {
			return nil
		}
		ns := t.UnixNano()
		return &ns
	}
	r.Clock, r.Scanned, r.Last, r.Vessels = nanos(g.clock), nanos(g.scanned), g.last, nanos(g.vessels)
	b, err := json.Marshal(r)
	if err != nil {
		panic(err) // a struct of numbers and a string
	}
	return b
}

// setRoutingState sets the node's routing state to one routingState
// encoded; nil leaves it as it is. The caller holds mu.
func (g *Ingester) setRoutingState(b []byte) error {
	if b == nil {
		return nil
	}
	var r routing
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("routing state %.100q: %w", b, err)
	}
	at := func(ns *int64) time.Time {
		if ns == nil {
			return time.Time{}
		}
		return time.Unix(0, *ns).UTC()
	}
	g.clock, g.scanned, g.last, g.vessels = at(r.Clock), at(r.Scanned), r.Last, at(r.Vessels)
	return nil
}

// pendingBatch is a pending record of the store's outbox with the
// messages its batch was published as.
type pendingBatch struct {
	id       int64
	storedAt time.Time // zero: not noted (a record kept by an older store)
	msgs     []*nats.Msg
}

// clockSkew is how far the clock of the node that stored a batch may be
// from the stream servers', which time their messages: the stream is
// read for a batch's messages from this long before it was stored.
const clockSkew = time.Minute

// publishedAlready returns the message ids of recs that ObsStream holds:
// its messages' headers (not their observations) read from the oldest
// record's time, less clockSkew, to the stream's last message when the
// reading began; from the stream's start when a record's time is not
// known. Messages the stream no longer holds are not found.
func (g *Ingester) publishedAlready(ctx context.Context, recs []pendingBatch) (map[string]bool, error) {
	want := map[string]bool{}
	var since time.Time
	unknown := false
	for _, r := range recs {
		for _, msg := range r.msgs {
			want[msg.Header.Get(nats.MsgIdHdr)] = true
		}
		if r.storedAt.IsZero() {
			unknown = true
		} else if since.IsZero() || r.storedAt.Before(since) {
			since = r.storedAt
		}
	}
	if unknown {
		since = time.Time{}
	}
	s, err := g.js.Stream(ctx, ObsStream)
	if err != nil {
		return nil, err
	}
	state := s.CachedInfo().State
	last := state.LastSeq
	from := since.Add(-clockSkew)
	if state.Msgs == 0 || len(want) == 0 || !since.IsZero() && from.After(state.LastTime) {
		return nil, nil
	}
	cfg := jetstream.OrderedConsumerConfig{FilterSubjects: []string{ObsSubjects}, HeadersOnly: true, DeliverPolicy: jetstream.DeliverAllPolicy}
	if !since.IsZero() {
		cfg.DeliverPolicy, cfg.OptStartTime = jetstream.DeliverByStartTimePolicy, &from
	}
	c, err := s.OrderedConsumer(ctx, cfg)
	if err != nil {
		return nil, err
	}
	found := map[string]bool{}
	for {
		batch, err := c.Fetch(1000, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			return found, err
		}
		n := 0
		for msg := range batch.Messages() {
			n++
			if id := msg.Headers().Get(nats.MsgIdHdr); want[id] {
				found[id] = true
			}
			md, err := msg.Metadata()
			if err != nil {
				return found, err
			}
			if md.Sequence.Stream >= last || md.NumPending == 0 || len(found) == len(want) {
				return found, nil
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
			return found, err
		}
		if n == 0 { // none after the last one read
			return found, nil
		}
		if err := ctx.Err(); err != nil {
			return found, err
		}
	}
}

// CheckNodeName refuses an ingest node's name (Config.Node) that is empty
// or holds spaces or control characters.
func CheckNodeName(name string) error {
	if name == "" || len(name) > 200 || strings.ContainsFunc(name, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return accord.Errorf(accord.EINVALID, "--node %q: want the ingest node's name, at most 200 bytes without spaces or control characters, the same across its restarts and unique in the deployment (default: the host's name)", name)
	}
	return nil
}

// ingestNode checks what a node that stores batches needs (every role
// that ingests, but a regional node's): a name, the host's by default,
// and a store with an outbox.
func ingestNode(m *mission.Mission, c *Config) error {
	if c.Region != "" || (c.Role != RoleAll && c.Role != RoleIngest) {
		return nil
	}
	if c.Node == "" {
		h, err := os.Hostname()
		if err != nil {
			return fmt.Errorf("--node not given, and the host's name, its default, is unknown: %w", err)
		}
		c.Node = h
	}
	if err := CheckNodeName(c.Node); err != nil {
		return err
	}
	if err := m.CheckOutbox(); err != nil {
		return fmt.Errorf("ingest node %q: %w", c.Node, err)
	}
	return nil
}

// startIngester starts the ingest stage of a node that stores batches,
// once its workers and recorder run: its pending records are published
// before it takes a batch.
func (n *Node) startIngester(ctx context.Context, m *mission.Mission, c Config) error {
	g := NewIngester(m, n.Conn, c.Sectors.Plan, c.Metrics)
	g.Node, g.Logger = c.Node, c.Logger
	n.Ingester = g
	seedClock(ctx, g, c.Logger)
	k, err := g.Recover(ctx, recoverWait)
	if k > 0 {
		c.Logger.Info("stream: published the batches this ingest node had stored before it stopped", "node", c.Node, "records", k, "unacknowledged", g.Unpublished())
	}
	if err != nil {
		return err
	}
	warnOthersPending(ctx, m, c.Node, c.Logger)
	return nil
}

// warnOthersPending warns of the pending records of ingest nodes other
// than node: batches those nodes stored and may not have published, which
// only a node started under their name publishes (a node renamed, or one
// whose machine is gone, leaves them waiting).
func warnOthersPending(ctx context.Context, m *mission.Mission, node string, logger *slog.Logger) {
	counts, err := m.PendingNodes(ctx)
	if err != nil {
		logger.Warn("stream: the other ingest nodes' pending records could not be counted", "err", err)
		return
	}
	for _, other := range slices.Sorted(maps.Keys(counts)) {
		if other == node {
			continue
		}
		logger.Warn("stream: another ingest node left batches it stored and may not have published; only a node started under its name publishes them", "node", other, "records", counts[other], "fix", fmt.Sprintf("start an ingest node with --node %s on this store and streams (it publishes them at its start), even for a moment", other))
	}
}

// seedClock seeds an ingest node's clock from the stream (SeedClock); a
// stream it cannot read now is logged, and the node starts on the clock
// of what it publishes: the sectors' timing is then late until its
// batches catch up with the front, nothing is lost.
func seedClock(ctx context.Context, g *Ingester, logger *slog.Logger) {
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := g.SeedClock(sctx); err != nil {
		logger.Warn("stream: the front's clock could not be read from the stream; the sectors are told the clock of what this node publishes until it catches up", "err", err)
		return
	}
	if at := g.Clock(); !at.IsZero() {
		logger.Info("stream: the front's clock read from the stream", "clock", at)
	}
}
