package stream

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	dto "github.com/prometheus/client_model/go"

	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/sector"
	"github.com/accord-peace/accord/sim"
)

// The sector lease's tests: one embedded server, workers of one sector
// each on its own connection (as separate processes would be), a fusion
// whose every version carries a digest of everything it took in order
// (so a fusion that missed or reordered a message shows in its output).

// leaseTTL is the tests' lease TTL: short, so a takeover takes seconds.
const leaseTTL = time.Second

// digestFuser is a Fuser whose version, for each message, names how many
// observations it has taken and a digest of their keys in order.
type digestFuser struct {
	sector int
	calls  atomic.Int64
	mu     sync.Mutex
	n      int
	sum    [32]byte
}

func (f *digestFuser) ObserveBatchAt(obs []*monitor.Observation, own []bool, _ []time.Time) []sector.Version {
	f.calls.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, o := range obs {
		f.sum = sha256.Sum256(append(f.sum[:], o.Source.ID+"/"+o.ID...))
		f.n++
	}
	return []sector.Version{{Incident: monitor.Incident{ID: fmt.Sprintf("s%d/%d-%x", f.sector, f.n, f.sum[:6])}}}
}

// leaseServer starts an embedded server with the mission's streams and
// returns its URL.
func leaseServer(t *testing.T) string {
	t.Helper()
	e, err := StartEmbedded(EmbeddedConfig{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Shutdown)
	c := leaseConn(t, e.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := EnsureStreams(ctx, c.JS, StreamConfig{}); err != nil {
		t.Fatal(err)
	}
	return e.URL()
}

func leaseConn(t *testing.T, url string) *Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := Connect(ctx, url, "lease-test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// leaseWorker is a worker of sector 0 running in the test, as its own
// process would.
type leaseWorker struct {
	name    string
	w       *Worker
	f       *digestFuser
	metrics *Metrics
	acks    atomic.Int64
	cancel  context.CancelFunc
	done    chan error
}

// startLeaseWorker starts a worker of sector 0 on its own connection;
// beforeAck, when not nil, sees each acknowledgement first. Stopped at
// the test's end.
func startLeaseWorker(t *testing.T, url, name string, dieOnStop bool, beforeAck func(seq uint64) error) *leaseWorker {
	t.Helper()
	c := leaseConn(t, url)
	lw := &leaseWorker{name: name, f: &digestFuser{}, metrics: NewMetrics(nil), done: make(chan error, 1)}
	cfg := WorkerConfig{
		AckWait:   time.Second,
		Logger:    slog.New(slog.NewTextHandler(t.Output(), nil)).With("worker", name),
		Lease:     LeaseConfig{TTL: leaseTTL, Holder: name},
		dieOnStop: dieOnStop,
		beforeAck: func(_ int, seq uint64) error {
			if beforeAck != nil {
				if err := beforeAck(seq); err != nil {
					return err
				}
			}
			lw.acks.Add(1)
			return nil
		},
	}
	lw.w = NewWorker(c, 0, lw.f, lw.metrics, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	lw.cancel = cancel
	go func() { lw.done <- lw.w.Run(ctx) }()
	t.Cleanup(func() { lw.stop(t) })
	return lw
}

// stop stops the worker and returns what Run returned (nil if it had
// returned already and was collected).
func (lw *leaseWorker) stop(t *testing.T) error {
	lw.cancel()
	select {
	case err, ok := <-lw.done:
		if ok {
			close(lw.done)
		}
		return err
	case <-time.After(time.Minute):
		t.Errorf("%s: Run did not return within a minute of its context's end", lw.name)
		return nil
	}
}

func (lw *leaseWorker) held() float64 {
	var m dto.Metric
	if err := lw.metrics.Leases.WithLabelValues("0").Write(&m); err != nil {
		panic(err)
	}
	return m.GetGauge().GetValue()
}

// leaseLines are the simulator's observations on the reference
// geometry, as NDJSON lines: the tests' batches, leaseBatch lines each.
func leaseLines(t *testing.T) [][]byte {
	t.Helper()
	a, k := monitortest.Reference(t)
	cfg := sim.FromAgreement(a.Monitoring, k)
	cfg.Seed, cfg.Start, cfg.Duration, cfg.Rate = 11, time.Date(2025, 6, 1, 4, 0, 0, 0, time.UTC), 12*time.Hour, 15
	res, err := sim.Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	lines := make([][]byte, len(res.Observations))
	for i, o := range res.Observations {
		if lines[i], err = json.Marshal(o); err != nil {
			t.Fatal(err)
		}
	}
	return lines
}

const leaseBatch = 5

// publishLease publishes batches [from, to) of sector 0 (leaseBatch
// simulated observations each) and returns the stream sequence of the
// last.
func publishLease(t *testing.T, js jetstream.JetStream, from, to int) uint64 {
	t.Helper()
	lines := leaseLines(t)
	if to*leaseBatch > len(lines) {
		t.Fatalf("%d batches of %d observations wanted, the simulation has %d", to, leaseBatch, len(lines))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for b := from; b < to; b++ {
		m := nats.NewMsg(ObsSubject(0))
		m.Data = append(bytes.Join(lines[b*leaseBatch:(b+1)*leaseBatch], []byte("\n")), '\n')
		m.Header.Set(nats.MsgIdHdr, fmt.Sprintf("lease-%d/0", b))
		m.Header.Set(HeaderBatch, fmt.Sprintf("lease-%d", b))
		if !clPublish(ctx, js, m) {
			t.Fatalf("batch %d not acknowledged by JetStream: %v", b, ctx.Err())
		}
	}
	s, err := js.Stream(ctx, ObsStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return info.State.LastSeq
}

// waitAcked waits (a minute at most) until sector 0's consumer has
// acknowledged everything up to last.
func waitAcked(t *testing.T, js jetstream.JetStream, last uint64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var floor uint64
	for ctx.Err() == nil {
		if cons, err := js.Consumer(ctx, ObsStream, ConsumerName(0)); err == nil {
			if info, err := cons.Info(ctx); err == nil {
				floor = info.AckFloor.Stream
				if floor >= last && info.NumAckPending == 0 {
					return
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("sector 0's consumer acknowledged up to %d, not %d, within a minute", floor, last)
}

// fusedLog is FusedStream's content: per ObsStream message fused, in the
// log's order, its sequence and its versions' ids; an output published
// twice must be the same both times and is listed once.
func fusedLog(t *testing.T, js jetstream.JetStream) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := js.Stream(ctx, FusedStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	oc, err := js.OrderedConsumer(ctx, FusedStream, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	seen := map[uint64]string{}
	for range info.State.Msgs {
		msg, err := oc.Next(jetstream.FetchMaxWait(30 * time.Second))
		if err != nil {
			t.Fatalf("reading %s: %v", FusedStream, err)
		}
		var f fused
		if err := json.Unmarshal(msg.Data(), &f); err != nil {
			t.Fatal(err)
		}
		ids := make([]string, len(f.Versions))
		for i, v := range f.Versions {
			ids[i] = v.Incident.ID
		}
		line := fmt.Sprintf("%d %s", f.ObsSeq, strings.Join(ids, ","))
		if had, ok := seen[f.ObsSeq]; ok {
			if had != line {
				t.Errorf("message %d fused twice, differently: %q, then %q", f.ObsSeq, had, line)
			}
			continue
		}
		seen[f.ObsSeq] = line
		out = append(out, line)
	}
	return out
}

// singleRun is FusedStream's content after one worker alone fused the
// same batches on a server of its own.
func singleRun(t *testing.T, batches int) []string {
	t.Helper()
	url := leaseServer(t)
	js := leaseConn(t, url).JS
	last := publishLease(t, js, 0, batches)
	lw := startLeaseWorker(t, url, "alone", false, nil)
	waitAcked(t, js, last)
	if err := lw.stop(t); err != nil {
		t.Fatalf("the lone worker: %v", err)
	}
	return fusedLog(t, js)
}

func waitLease(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A key whose value expired (the bucket's TTL, not renewed) can be
// created again, and not before the TTL: what a standby's takeover
// relies on.
func TestLeaseExpiredKeyCreatedAgain(t *testing.T) {
	url := leaseServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	kv, err := EnsureLeases(ctx, leaseConn(t, url).JS, LeaseConfig{TTL: leaseTTL})
	if err != nil {
		t.Fatal(err)
	}
	st, err := kv.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.TTL() != leaseTTL {
		t.Fatalf("bucket TTL %s, want %s", st.TTL(), leaseTTL)
	}
	taken := time.Now()
	if _, err := kv.Create(ctx, LeaseKey(0), []byte("first")); err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Create(ctx, LeaseKey(0), []byte("second")); !errors.Is(err, jetstream.ErrKeyExists) {
		t.Fatalf("Create on a held key: %v, want ErrKeyExists", err)
	}
	for {
		_, err := kv.Create(ctx, LeaseKey(0), []byte("second"))
		if err == nil {
			break
		}
		if !errors.Is(err, jetstream.ErrKeyExists) || ctx.Err() != nil {
			t.Fatalf("Create after the TTL: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if d := time.Since(taken); d < leaseTTL {
		t.Fatalf("the key was created again %s after it was taken, before the TTL of %s", d, leaseTTL)
	}
	e, err := kv.Get(ctx, LeaseKey(0))
	if err != nil || string(e.Value()) != "second" {
		t.Fatalf("after the takeover: %v %v", e, err)
	}
	// A renewal by the first holder, at its old revision, is refused.
	if _, err := kv.Update(ctx, LeaseKey(0), []byte("first"), 1); !errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		t.Fatalf("the expired holder's renewal: %v, want ErrKeyRevisionMismatch", err)
	}
}

// Two workers of one sector: the first takes the lease and fuses, the
// second waits as a standby and never fuses nor acknowledges while the
// first holds it; the first dies (stops renewing, nothing released), the
// second takes over within about the TTL, and the sector's fused output
// is exactly what one worker alone produces from the same messages.
func TestLeaseStandbyTakesOver(t *testing.T) {
	const half, batches = 8, 16
	want := singleRun(t, batches)
	if len(want) != batches {
		t.Fatalf("the lone worker fused %d messages, want %d", len(want), batches)
	}

	url := leaseServer(t)
	js := leaseConn(t, url).JS
	var firstAlive atomic.Bool
	firstAlive.Store(true)
	var early atomic.Int64 // the standby's acknowledgements while the first lived
	a := startLeaseWorker(t, url, "first", true, nil)
	waitLease(t, "the first worker takes the lease", 30*time.Second, a.w.Holds)
	b := startLeaseWorker(t, url, "second", false, func(uint64) error {
		if firstAlive.Load() {
			early.Add(1)
		}
		return nil
	})
	last := publishLease(t, js, 0, half)
	waitAcked(t, js, last)
	// Three TTLs more with both running: the standby stays one.
	time.Sleep(3 * leaseTTL)
	if n := b.f.calls.Load(); n != 0 || b.acks.Load() != 0 || b.w.Holds() {
		t.Fatalf("the standby fused %d times, acknowledged %d, holds %v, while the first held the lease", n, b.acks.Load(), b.w.Holds())
	}
	if a.acks.Load() != half || a.held() != 1 || b.held() != 0 {
		t.Fatalf("the first acknowledged %d of %d; lease gauges: first %v, second %v", a.acks.Load(), half, a.held(), b.held())
	}

	firstAlive.Store(false)
	killed := time.Now()
	if err := a.stop(t); err != nil {
		t.Fatalf("the first worker: %v", err)
	}
	last = publishLease(t, js, half, batches)
	waitLease(t, "the standby takes over", 30*time.Second, b.w.Holds)
	t.Logf("the standby took over %s after the first died (TTL %s)", time.Since(killed).Round(time.Millisecond), leaseTTL)
	waitAcked(t, js, last)
	if early.Load() != 0 {
		t.Fatalf("the standby acknowledged %d messages while the first lived", early.Load())
	}
	if a.acks.Load() != half || b.acks.Load() != batches-half {
		t.Fatalf("acknowledged: first %d, second %d; want %d and %d", a.acks.Load(), b.acks.Load(), half, batches-half)
	}
	if b.held() != 1 {
		t.Fatalf("the new holder's lease gauge: %v", b.held())
	}
	if got := fusedLog(t, js); !slices.Equal(got, want) {
		t.Fatalf("fused output after the takeover:\n%s\none worker alone:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A holder whose key is overwritten (another took it) stops: Run returns
// ErrLeaseLost, and it neither fuses nor acknowledges what follows.
func TestLeaseLostStopsConsuming(t *testing.T) {
	url := leaseServer(t)
	c := leaseConn(t, url)
	a := startLeaseWorker(t, url, "holder", false, nil)
	waitLease(t, "the worker takes the lease", 30*time.Second, a.w.Holds)
	last := publishLease(t, c.JS, 0, 4)
	waitAcked(t, c.JS, last)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	kv, err := c.JS.KeyValue(ctx, LeaseBucket)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Put(ctx, LeaseKey(0), []byte("intruder")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-a.done:
		close(a.done)
		if !errors.Is(err, ErrLeaseLost) {
			t.Fatalf("Run returned %v, want ErrLeaseLost", err)
		}
		t.Logf("stopped: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("the worker did not stop within a minute of losing its lease")
	}
	if a.w.Holds() || a.held() != 0 {
		t.Fatalf("after the loss: Holds %v, lease gauge %v", a.w.Holds(), a.held())
	}
	calls, acks := a.f.calls.Load(), a.acks.Load()
	publishLease(t, c.JS, 4, 8)
	time.Sleep(3 * leaseTTL)
	if a.f.calls.Load() != calls || a.acks.Load() != acks {
		t.Fatalf("after losing its lease the worker fused %d more messages and acknowledged %d more", a.f.calls.Load()-calls, a.acks.Load()-acks)
	}
	cons, err := c.JS.Consumer(ctx, ObsStream, ConsumerName(0))
	if err != nil {
		t.Fatal(err)
	}
	info, err := cons.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.AckFloor.Stream != last {
		t.Fatalf("the consumer's acknowledgement floor moved from %d to %d with no holder", last, info.AckFloor.Stream)
	}
}
