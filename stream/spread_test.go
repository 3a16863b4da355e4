package stream

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	dto "github.com/prometheus/client_model/go"

	"github.com/accord-peace/accord/monitor"
)

// The spreading of sectors over worker nodes (spread.go): nodes of the
// sector workers alone (no ingest, no recorder), each on its own
// connection as separate processes would be, with the digest fusion of
// lease_test.go, a 1 s TTL.

// nPlan is a plan of n sectors that routes nothing (the tests publish
// to the sectors' subjects themselves).
type nPlan int

func (p nPlan) N() int                                           { return int(p) }
func (p nPlan) Route(*monitor.Observation) (own int, halo []int) { return 0, nil }

// holdLog checks that no two nodes ever hold one sector: every change
// of a node's lease gauge, in the order they happen (a holder's gauge
// goes to 0 before its key is deleted; a taker's to 1 after its Create
// was answered).
type holdLog struct {
	mu     sync.Mutex
	holder map[int]string
	bad    []string
}

func newHoldLog() *holdLog { return &holdLog{holder: map[int]string{}} }

func (h *holdLog) held(node string) func(sector int, held bool) {
	return func(sector int, held bool) {
		h.mu.Lock()
		defer h.mu.Unlock()
		switch {
		case held && h.holder[sector] != "" && h.holder[sector] != node:
			h.bad = append(h.bad, fmt.Sprintf("sector %d taken by %s while %s held it", sector, node, h.holder[sector]))
		case held:
			h.holder[sector] = node
		case h.holder[sector] == node:
			delete(h.holder, sector)
		}
	}
}

// dead forgets what a killed node held: its workers stopped.
func (h *holdLog) dead(node string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	maps.DeleteFunc(h.holder, func(_ int, n string) bool { return n == node })
}

func (h *holdLog) check(t *testing.T) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.bad) > 0 {
		t.Fatalf("two holders of a sector:\n%s", strings.Join(h.bad, "\n"))
	}
}

// workerNode is a worker node running in the test.
type workerNode struct {
	name    string
	n       *Node
	metrics *Metrics
	mu      sync.Mutex
	fusers  []*digestFuser // every worker's, replaced ones included
	cancel  context.CancelFunc
	stopped bool
}

// startWorkerNode starts a worker node of the given sectors, named name
// (its lease holder); dieOnStop makes its stop a death. Stopped at the
// test's end.
func startWorkerNode(t *testing.T, url, name string, sectors int, dieOnStop bool, log *holdLog) *workerNode {
	t.Helper()
	conn := leaseConn(t, url)
	wn := &workerNode{name: name, metrics: NewMetrics(nil)}
	logger := slog.New(slog.NewTextHandler(t.Output(), nil)).With("node", name)
	c := Config{
		Sectors: Sectors{Plan: nPlan(sectors), NewFuser: func(i int) (Fuser, error) {
			f := &digestFuser{sector: i}
			wn.mu.Lock()
			wn.fusers = append(wn.fusers, f)
			wn.mu.Unlock()
			return f, nil
		}},
		Worker: WorkerConfig{AckWait: time.Second, Logger: logger, Lease: LeaseConfig{TTL: leaseTTL, Holder: name},
			dieOnStop: dieOnStop, onHeld: log.held(name)},
		Metrics: wn.metrics,
		Logger:  logger,
	}
	wn.n = &Node{Conn: conn, logger: logger, failed: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	wn.cancel, wn.n.cancel = cancel, cancel
	wn.n.startWorkers(ctx, conn, c)
	t.Cleanup(func() { wn.stop(t) })
	return wn
}

// stop stops the node (a death if started so), and waits for its
// workers to return.
func (wn *workerNode) stop(t *testing.T) {
	t.Helper()
	if wn.stopped {
		return
	}
	wn.stopped = true
	wn.cancel()
	done := make(chan struct{})
	go func() { wn.n.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Errorf("node %s: its workers did not stop within a minute", wn.name)
	}
	if err := wn.n.Err(); err != nil {
		t.Errorf("node %s: %v", wn.name, err)
	}
}

// fused is how many messages the node's fusions took, replays included.
func (wn *workerNode) fused() int64 {
	wn.mu.Lock()
	defer wn.mu.Unlock()
	var n int64
	for _, f := range wn.fusers {
		n += f.calls.Load()
	}
	return n
}

// holders reads the sectors' keys: each sector's holder name ("" when
// free), and the number of node- keys.
func holders(t *testing.T, kv jetstream.KeyValue, sectors int) ([]string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out := make([]string, sectors)
	for i := range sectors {
		e, err := kv.Get(ctx, LeaseKey(i))
		if err == nil {
			out[i], _, _ = strings.Cut(string(e.Value()), " ")
		}
	}
	nodes := 0
	if keys, err := kv.Keys(ctx); err == nil {
		for _, k := range keys {
			if strings.HasPrefix(k, nodeKeyPrefix) {
				nodes++
			}
		}
	}
	return out, nodes
}

// counts is how many sectors each name holds.
func counts(hs []string) map[string]int {
	m := map[string]int{}
	for _, h := range hs {
		m[h]++
	}
	return m
}

// waitHolders waits (d at most) until the sectors' keys are held as
// want (name → sectors; "" for free ones), checking the hold log at
// each look.
func waitHolders(t *testing.T, kv jetstream.KeyValue, log *holdLog, sectors int, want map[string]int, d time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	var hs []string
	for time.Since(start) < d {
		log.check(t)
		hs, _ = holders(t, kv, sectors)
		if maps.Equal(counts(hs), want) {
			return time.Since(start)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the sectors' holders %q (%v), want %v, not within %s", hs, counts(hs), want, d)
	return 0
}

// steady checks, for d, that the sectors stay held as want: every look
// at the keys the same counts, every sector held.
func steady(t *testing.T, kv jetstream.KeyValue, log *holdLog, sectors int, want map[string]int, d time.Duration) {
	t.Helper()
	for start := time.Now(); time.Since(start) < d; time.Sleep(50 * time.Millisecond) {
		log.check(t)
		if hs, _ := holders(t, kv, sectors); !maps.Equal(counts(hs), want) {
			t.Fatalf("the sectors' holders moved to %q (%v) once balanced as %v", hs, counts(hs), want)
		}
	}
}

func leaseKV(t *testing.T, url string) jetstream.KeyValue {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	kv, err := EnsureLeases(ctx, leaseConn(t, url).JS, LeaseConfig{TTL: leaseTTL})
	if err != nil {
		t.Fatal(err)
	}
	return kv
}

// gaugeOf is a gauge's value.
func gaugeOf(t *testing.T, g interface{ Write(*dto.Metric) error }) float64 {
	t.Helper()
	var d dto.Metric
	if err := g.Write(&d); err != nil {
		t.Fatal(err)
	}
	return d.GetGauge().GetValue()
}

// Two worker nodes on 4 sectors: the first takes all 4; the second,
// started, gets 2 within seconds and the split stays; never two holders
// of a sector. The second stopped cleanly, the first holds all 4 again;
// killed (nothing released), the first takes all 4 after the TTL.
func TestSpreadTwoNodes(t *testing.T) {
	const sectors = 4
	url := leaseServer(t)
	kv := leaseKV(t, url)
	log := newHoldLog()
	a := startWorkerNode(t, url, "a", sectors, false, log)
	waitHolders(t, kv, log, sectors, map[string]int{"a": 4}, 30*time.Second)

	b := startWorkerNode(t, url, "b", sectors, false, log)
	d := waitHolders(t, kv, log, sectors, map[string]int{"a": 2, "b": 2}, 30*time.Second)
	t.Logf("balanced 2/2 %s after the second node started (TTL %s)", d.Round(time.Millisecond), leaseTTL)
	steady(t, kv, log, sectors, map[string]int{"a": 2, "b": 2}, 3*leaseTTL)
	if _, nodes := holders(t, kv, sectors); nodes != 2 {
		t.Fatalf("%d node keys, want 2", nodes)
	}
	for _, wn := range []*workerNode{a, b} {
		var held float64
		for i := range sectors {
			held += gaugeOf(t, wn.metrics.Leases.WithLabelValues(fmt.Sprint(i)))
		}
		if nodes := gaugeOf(t, wn.metrics.WorkerNodes); held != 2 || nodes != 2 {
			t.Fatalf("node %s: lease gauges sum to %v, worker nodes gauge %v; want 2 and 2", wn.name, held, nodes)
		}
	}

	b.stop(t)
	d = waitHolders(t, kv, log, sectors, map[string]int{"a": 4}, 30*time.Second)
	t.Logf("the second node stopped cleanly: the first holds all 4 %s later", d.Round(time.Millisecond))
	if _, nodes := holders(t, kv, sectors); nodes != 1 {
		t.Fatalf("%d node keys after the clean stop, want 1", nodes)
	}

	c := startWorkerNode(t, url, "c", sectors, true, log)
	waitHolders(t, kv, log, sectors, map[string]int{"a": 2, "c": 2}, 30*time.Second)
	log.dead("c")
	killed := time.Now()
	c.stop(t)
	d = waitHolders(t, kv, log, sectors, map[string]int{"a": 4}, 30*time.Second)
	if since := time.Since(killed); since < leaseTTL {
		t.Fatalf("the killed node's sectors were taken %s after its death, before the TTL of %s", since, leaseTTL)
	}
	t.Logf("a node killed (nothing released): the other holds all 4 %s later (TTL %s)", d.Round(time.Millisecond), leaseTTL)
	steady(t, kv, log, sectors, map[string]int{"a": 4}, 2*leaseTTL)
}

// A node holding 3 sectors alone, then a second and a third started:
// 2/1, then 1 each.
func TestSpreadThirdNode(t *testing.T) {
	const sectors = 3
	url := leaseServer(t)
	kv := leaseKV(t, url)
	log := newHoldLog()
	startWorkerNode(t, url, "a", sectors, false, log)
	waitHolders(t, kv, log, sectors, map[string]int{"a": 3}, 30*time.Second)
	startWorkerNode(t, url, "b", sectors, false, log)
	waitHolders(t, kv, log, sectors, map[string]int{"a": 2, "b": 1}, 30*time.Second)
	startWorkerNode(t, url, "c", sectors, false, log)
	d := waitHolders(t, kv, log, sectors, map[string]int{"a": 1, "b": 1, "c": 1}, 30*time.Second)
	t.Logf("1 each %s after the third node started", d.Round(time.Millisecond))
	steady(t, kv, log, sectors, map[string]int{"a": 1, "b": 1, "c": 1}, 3*leaseTTL)
}

// publishSectors publishes batches [from, to) of leaseBatch simulated
// observations, batch b to sector b mod sectors, each acknowledged
// before the next.
func publishSectors(t *testing.T, js jetstream.JetStream, lines [][]byte, sectors, from, to int) {
	t.Helper()
	if to*leaseBatch > len(lines) {
		t.Fatalf("%d batches of %d observations wanted, the simulation has %d", to, leaseBatch, len(lines))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for b := from; b < to; b++ {
		m := nats.NewMsg(ObsSubject(b % sectors))
		m.Data = append(bytes.Join(lines[b*leaseBatch:(b+1)*leaseBatch], []byte("\n")), '\n')
		m.Header.Set(nats.MsgIdHdr, fmt.Sprintf("spread-%d", b))
		m.Header.Set(HeaderBatch, fmt.Sprintf("spread-%d", b))
		if !clPublish(ctx, js, m) {
			t.Fatalf("batch %d not acknowledged by JetStream: %v", b, ctx.Err())
		}
	}
}

// waitAllAcked waits (two minutes at most) until every sector's consumer
// acknowledged its subject's last message.
func waitAllAcked(t *testing.T, js jetstream.JetStream, sectors int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	obs, err := js.Stream(ctx, ObsStream)
	if err != nil {
		t.Fatal(err)
	}
	for i := range sectors {
		m, err := obs.GetLastMsgForSubject(ctx, ObsSubject(i))
		if err != nil {
			t.Fatal(err)
		}
		var floor uint64
		for {
			if cons, err := js.Consumer(ctx, ObsStream, ConsumerName(i)); err == nil {
				if info, err := cons.Info(ctx); err == nil {
					floor = info.AckFloor.Stream
					if floor >= m.Sequence && info.NumAckPending == 0 {
						break
					}
				}
			}
			if ctx.Err() != nil {
				t.Fatalf("sector %d's consumer acknowledged up to %d, not %d, within two minutes", i, floor, m.Sequence)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// Two nodes sharing 4 sectors through every kind of handover (the
// second joins while messages flow and the first gives up its surplus,
// then the first is killed and the second takes its sectors after the
// TTL): each sector's fused output is exactly one lone node's on the
// same messages, every message fused once.
func TestSpreadHandoversExact(t *testing.T) {
	const sectors, batches = 4, 32
	lines := leaseLines(t)
	ref := func() []string {
		url := leaseServer(t)
		js := leaseConn(t, url).JS
		publishSectors(t, js, lines, sectors, 0, batches)
		a := startWorkerNode(t, url, "alone", sectors, false, newHoldLog())
		waitAllAcked(t, js, sectors)
		a.stop(t)
		return sortedFused(t, js)
	}
	want := ref()
	if len(want) != batches {
		t.Fatalf("the lone node fused %d messages, want %d", len(want), batches)
	}

	url := leaseServer(t)
	js := leaseConn(t, url).JS
	kv := leaseKV(t, url)
	log := newHoldLog()
	a := startWorkerNode(t, url, "a", sectors, true, log)
	waitHolders(t, kv, log, sectors, map[string]int{"a": 4}, 30*time.Second)
	publishSectors(t, js, lines, sectors, 0, 8)
	waitAllAcked(t, js, sectors)
	b := startWorkerNode(t, url, "b", sectors, false, log)
	for k := 8; k < 16; k += 2 { // while the first gives its surplus up
		publishSectors(t, js, lines, sectors, k, k+2)
		time.Sleep(leaseTTL / 4)
	}
	waitHolders(t, kv, log, sectors, map[string]int{"a": 2, "b": 2}, 30*time.Second)
	publishSectors(t, js, lines, sectors, 16, 24)
	waitAllAcked(t, js, sectors)
	log.dead("a")
	a.stop(t)
	publishSectors(t, js, lines, sectors, 24, batches)
	waitHolders(t, kv, log, sectors, map[string]int{"b": 4}, 30*time.Second)
	waitAllAcked(t, js, sectors)
	log.check(t)
	fusedA, fusedB := a.fused(), b.fused()
	if fusedA == 0 || fusedB == 0 {
		t.Fatalf("fusion calls: first %d, second %d; both should have fused", fusedA, fusedB)
	}
	got := sortedFused(t, js)
	if !slices.Equal(got, want) {
		t.Fatalf("fused output of the two nodes:\n%s\none lone node:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	t.Logf("%d messages fused exactly as by one node (fusion calls, replays included: first %d, second %d)", len(got), fusedA, fusedB)
}

// sortedFused is fusedLog in ObsStream's order.
func sortedFused(t *testing.T, js jetstream.JetStream) []string {
	t.Helper()
	out := fusedLog(t, js)
	slices.SortFunc(out, func(x, y string) int {
		var a, b uint64
		fmt.Sscan(x, &a)
		fmt.Sscan(y, &b)
		return int(a) - int(b)
	})
	return out
}

// NodeKey makes a valid KV key of any name, and never a sector's.
func TestNodeKey(t *testing.T) {
	for _, tc := range []struct{ holder, want string }{
		{"m2", "node-m2-ab12"},
		{"worker.eu west/1", "node-worker_eu_west_1-ab12"},
		{"", "node-_-ab12"},
		{"sector-3", "node-sector-3-ab12"},
	} {
		got := NodeKey(tc.holder, "ab12")
		if got != tc.want {
			t.Errorf("NodeKey(%q) = %q, want %q", tc.holder, got, tc.want)
		}
		if strings.HasPrefix(got, "sector-") {
			t.Errorf("NodeKey(%q) = %q looks like a sector's key", tc.holder, got)
		}
	}
}

// A node whose share is full while sectors stay free (another node
// announced, as a node whose workers cannot start would be, holding
// nothing): each free sector is taken after the grace whatever the
// share, never left free much longer than a TTL, and the node gives a
// sector up again only after a wait that grows.
func TestSpreadGraceTakesFreeSectors(t *testing.T) {
	const sectors = 4
	url := leaseServer(t)
	kv := leaseKV(t, url)
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := kv.PutString(ctx, NodeKey("ghost", "0000"), "ghost"); err != nil {
		t.Fatal(err)
	}
	ghost := make(chan struct{})
	go func() { // a node that announces itself and takes nothing
		defer close(ghost)
		for ctx.Err() == nil {
			if _, err := kv.PutString(ctx, NodeKey("ghost", "0000"), "ghost"); err != nil && ctx.Err() == nil {
				t.Errorf("the ghost's presence: %v", err)
			}
			select {
			case <-ctx.Done():
			case <-time.After(leaseTTL / 5):
			}
		}
	}()
	defer func() { cancel(); <-ghost }()
	log := newHoldLog()
	start := time.Now()
	startWorkerNode(t, url, "a", sectors, false, log)
	d := waitHolders(t, kv, log, sectors, map[string]int{"a": 4}, 30*time.Second)
	if d < leaseTTL {
		t.Fatalf("all 4 sectors held %s after the start, before the grace of %s: the share (2 of 4 with 2 nodes) was not kept", d, leaseTTL)
	}
	t.Logf("the share of 2 full, the 2 free sectors taken by the grace: all 4 held %s after the start", d.Round(time.Millisecond))
	// Then: sectors given up for balance and taken back by the grace,
	// each free for about a TTL at most.
	freeSince := make([]time.Time, sectors)
	var longest time.Duration
	releases := 0
	for time.Since(start) < 15*time.Second {
		log.check(t)
		hs, _ := holders(t, kv, sectors)
		for i, h := range hs {
			switch {
			case h == "" && freeSince[i].IsZero():
				freeSince[i] = time.Now()
				releases++
			case h != "" && !freeSince[i].IsZero():
				longest = max(longest, time.Since(freeSince[i]))
				freeSince[i] = time.Time{}
			}
			if !freeSince[i].IsZero() && time.Since(freeSince[i]) > 5*leaseTTL {
				t.Fatalf("sector %d free for %s, the grace being %s", i, time.Since(freeSince[i]).Round(time.Millisecond), leaseTTL)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("over 15 s: %d releases for balance, each sector free %s at most (grace %s)", releases, longest.Round(time.Millisecond), leaseTTL)
	if releases == 0 || releases > 4 {
		t.Fatalf("%d releases in 15 s; want at least one, and fewer as the wait doubles (1 s, 2 s, 4 s, 8 s after each grace take)", releases)
	}
}
