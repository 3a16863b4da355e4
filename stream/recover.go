package stream

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

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
// message ids: what JetStream had already is kept once within its
// duplicate window (and after it, the sector workers skip observations
// they took in already) — then they are published in order and the
// record forgotten. What JetStream does not acknowledge by wait stays in
// the outbox, published by the drainer, and by Ingest before it stores
// anything. It returns the number of records found. A regional ingest
// node stores nothing: it has none.
//
// Call it before the node takes a batch.
func (g *Ingester) Recover(ctx context.Context, wait time.Duration) (int, error) {
	if g.Region != "" {
		return 0, nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	err := g.m.Pending(ctx, g.Node, func(id int64, fresh []monitor.Observation) error {
		n++
		ptrs := make([]*monitor.Observation, len(fresh))
		for i := range fresh {
			ptrs[i] = &fresh[i]
		}
		g.parkLocked(g.messages(fresh, ptrs, g.route(fresh)), id)
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("ingest node %q: reading its pending records from the store: %w", g.Node, err)
	}
	if len(g.outbox) == 0 {
		return n, nil
	}
	if err := g.flush(ctx, time.Now().Add(wait)); err != nil && g.Logger != nil {
		g.Logger.Warn("stream: JetStream did not acknowledge every message of the batches this node stored before it stopped; they wait in its outbox, published before it stores anything", "node", g.Node, "records", n, "messages", len(g.outbox), "err", err)
	}
	return n, nil
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
