package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sector"
)

// fused is a FusedStream message: the incident versions a sector's fusion
// produced from one ObsStream message, with the sector's own ids.
type fused struct {
	Sector int `json:"sector"`
	// ObsSeq is the ObsStream sequence of the message fused.
	ObsSeq   uint64           `json:"obs_seq"`
	Versions []sector.Version `json:"versions"`
}

// WorkerConfig tunes a sector worker.
type WorkerConfig struct {
	// AckWait is how long JetStream waits for a worker's acknowledgement
	// before it delivers the message again (zero: 30s).
	AckWait time.Duration
	Logger  *slog.Logger
	// Store puts observations in the observation store, each key once
	// (the mission's store stage without a submission): a message marked
	// HeaderUnstored (from a regional ingest node) has its own lines
	// stored there before they are fused. Without it such a message is
	// not acknowledged (it waits for a worker that can store it).
	Store func(ctx context.Context, obs []monitor.Observation) error
	// Lease is how the worker holds its sector (lease.go): it replays
	// and consumes only while it holds the sector's lease, and waits as a
	// standby while another worker does.
	Lease LeaseConfig
	// beforeAck, in tests, runs before a message is acknowledged; an
	// error stops the worker there, as if it died.
	beforeAck func(sector int, seq uint64) error
	// dieOnStop, in tests: when ctx ends, the lease is neither released
	// nor renewed any more, as if the process died (nor the node's
	// presence, spread.go).
	dieOnStop bool
	// onHeld, in tests, sees each change of the lease gauge.
	onHeld func(sector int, held bool)
	// spread is the node's share of the sectors (spread.go), set by
	// Start; nil: the worker takes its sector whenever it is free.
	spread *spread
}

// Worker is sector i's worker: one durable pull consumer on its subject
// of ObsStream, explicit acknowledgement, one message at a time (so that
// its fusion sees the sector's messages in the stream's order even across
// redeliveries), each acknowledged only once its output is durable in
// FusedStream.
//
// Idempotence: a worker that restarts first reads its subject back from
// the stream's start to its consumer's acknowledgement floor, through its
// fusion, publishing nothing (the state it had); then what follows is
// delivered, the unacknowledged message again. Its output carries the
// message id sector/sequence, so an output published before a crash and
// again after is kept once (JetStream's duplicate window); an observation
// is never fused twice, since it is in one message of the sector and the
// fusion is rebuilt to just before it.
//
// One worker per sector: Run first takes the sector's lease (lease.go),
// waiting as a standby while another worker holds it, and consumes only
// while it holds it; a worker that loses it stops before acknowledging
// anything more and returns ErrLeaseLost (its fusion is then stale: a
// new Worker, with a new fusion, waits as a standby).
//
// A message a regional ingest node published (HeaderUnstored) has not
// been stored: the worker puts its own lines in the observation store
// (WorkerConfig.Store, each key once) before it fuses them, and the
// acknowledgement follows the store's commit and the output's PubAck.
type Worker struct {
	sector  int
	js      jetstream.JetStream
	fuse    Fuser
	metrics *Metrics
	cfg     WorkerConfig
	// done is the stream sequence of the last message fused and whose
	// output is durable: delivered again (its acknowledgement lost), it
	// is acknowledged without being fused again.
	done uint64
	// lease is the sector's lease once taken.
	lease atomic.Pointer[lease]
}

// NewWorker returns sector's worker.
func NewWorker(c *Conn, sector int, fuse Fuser, metrics *Metrics, cfg WorkerConfig) *Worker {
	if cfg.AckWait <= 0 {
		cfg.AckWait = 30 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Worker{sector: sector, js: c.JS, fuse: fuse, metrics: metrics, cfg: cfg}
}

// ConsumerName is the durable consumer of sector i's worker.
func ConsumerName(sector int) string { return "accord-sector-" + strconv.Itoa(sector) }

// Run waits for the sector's lease, rebuilds the worker's state and then
// fuses until ctx ends (it returns nil then, the lease released) or the
// lease is lost (an error wrapping ErrLeaseLost); or it returns the error
// that stopped it. A Worker runs once: its fusion is its sector's state.
func (w *Worker) Run(ctx context.Context) error {
	kv, err := EnsureLeases(ctx, w.js, w.cfg.Lease)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("sector %d's worker: %w", w.sector, err)
	}
	l, err := newLease(ctx, kv, w.sector, w.cfg.Lease, w.cfg.Logger, w.setHeld)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	l.spread = w.cfg.spread
	if !l.acquire(ctx) {
		return nil
	}
	w.lease.Store(l)
	lctx, stop := context.WithCancelCause(ctx)
	w.cfg.spread.hold(w.sector, func() { stop(fmt.Errorf("sector %d: %w", w.sector, errYielded)) })
	defer w.cfg.spread.drop(w.sector)
	kept := make(chan struct{})
	go func() {
		defer close(kept)
		l.keep(lctx, stop)
	}()
	err = w.consume(lctx)
	stop(nil)
	<-kept
	var d died
	switch {
	case errors.As(err, &d):
		return d.err // a test's death: the lease left to expire
	case errors.Is(err, ErrLeaseLost):
		return err
	case ctx.Err() != nil:
		if w.cfg.dieOnStop {
			return nil
		}
		l.release()
		return nil
	case errors.Is(context.Cause(lctx), errYielded):
		// Given up for balance (spread.go): released as at a clean
		// stop, nothing acknowledged since.
		l.release()
		return context.Cause(lctx)
	case errors.Is(context.Cause(lctx), ErrLeaseLost):
		return context.Cause(lctx)
	}
	l.release()
	return err
}

// Holds reports whether the worker holds its sector's lease (by its own
// clock: taken, renewed in time, not lost).
func (w *Worker) Holds() bool {
	l := w.lease.Load()
	return l != nil && l.valid()
}

// setHeld sets the lease gauge of the worker's sector.
func (w *Worker) setHeld(held bool) {
	if w.cfg.onHeld != nil {
		w.cfg.onHeld(w.sector, held)
	}
	if w.metrics == nil || w.metrics.Leases == nil {
		return
	}
	v := 0.0
	if held {
		v = 1
	}
	w.metrics.Leases.WithLabelValues(strconv.Itoa(w.sector)).Set(v)
}

// consume replays the sector and fuses what follows until ctx ends (nil)
// or an error stops it.
func (w *Worker) consume(ctx context.Context) error {
	name := ConsumerName(w.sector)
	cons, err := w.js.CreateOrUpdateConsumer(ctx, ObsStream, jetstream.ConsumerConfig{
		Durable: name, FilterSubject: ObsSubject(w.sector), AckPolicy: jetstream.AckExplicitPolicy,
		AckWait: w.cfg.AckWait, MaxAckPending: 1, DeliverPolicy: jetstream.DeliverAllPolicy,
		Description: fmt.Sprintf("accord: sector %d's worker", w.sector),
	})
	if err != nil {
		return fmt.Errorf("sector %d's consumer %s on %s: %w", w.sector, name, ObsStream, err)
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return fmt.Errorf("sector %d's consumer %s: %w", w.sector, name, err)
	}
	if floor := info.AckFloor.Stream; floor > 0 {
		if err := w.replay(ctx, floor); err != nil {
			return err
		}
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(1), jetstream.PullExpiry(5*time.Second))
	if err != nil {
		return fmt.Errorf("sector %d's consumer %s: %w", w.sector, name, err)
	}
	go func() { <-ctx.Done(); it.Stop() }()
	for {
		msg, err := it.Next()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				return nil
			}
			w.cfg.Logger.Warn("sector worker: next message", "sector", w.sector, "err", err)
			continue
		}
		if err := w.handle(ctx, msg); err != nil {
			var d died
			if errors.As(err, &d) {
				it.Stop()
				return d
			}
			if ctx.Err() != nil || errors.Is(err, ErrLeaseLost) {
				it.Stop()
				if errors.Is(context.Cause(ctx), ErrLeaseLost) || errors.Is(err, ErrLeaseLost) {
					// Not acknowledged: handed back at once to whoever
					// takes the lease next (it is unacknowledged either
					// way: this only saves the AckWait).
					_ = msg.Nak()
				}
				if errors.Is(err, ErrLeaseLost) {
					return err
				}
				return nil
			}
			// Not acknowledged: delivered again after AckWait, and then
			// acknowledged only (done).
			w.cfg.Logger.Error("sector worker: message not acknowledged", "sector", w.sector, "subject", msg.Subject(), "err", err)
		}
	}
}

// replay feeds the fusion the sector's messages up to floor, publishing
// nothing: through an ordered consumer, and, where that fails (after a
// stream node's crash the consumer may find no server to place it on
// and answer "no responders" for minutes), from where it stopped by
// reading the messages one by one (the stream's next message on the
// sector's subject), retrying while JetStream does not answer.
func (w *Worker) replay(ctx context.Context, floor uint64) error {
	err := w.replayOrdered(ctx, floor)
	if err == nil || ctx.Err() != nil {
		return err
	}
	w.cfg.Logger.Warn("sector worker: reading the sector back through a consumer failed; reading it message by message", "sector", w.sector, "from", w.done+1, "to", floor, "err", err)
	return w.replayByGet(ctx, floor)
}

func (w *Worker) replayOrdered(ctx context.Context, floor uint64) error {
	oc, err := w.js.OrderedConsumer(ctx, ObsStream, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{ObsSubject(w.sector)}, DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: w.done + 1})
	if err != nil {
		return fmt.Errorf("sector %d: reading %s back: %w", w.sector, ObsStream, err)
	}
	for w.done < floor {
		msg, err := oc.Next(jetstream.FetchMaxWait(30 * time.Second))
		if err != nil {
			return fmt.Errorf("sector %d: reading %s back to sequence %d: %w", w.sector, ObsStream, floor, err)
		}
		md, err := msg.Metadata()
		if err != nil {
			return err
		}
		if md.Sequence.Stream > floor {
			return nil
		}
		if err := w.replayed(ctx, md.Sequence.Stream, msg.Subject(), msg.Data(), msg.Headers()); err != nil {
			return err
		}
	}
	return nil
}

// replayByGet reads the sector's messages after the last replayed up to
// floor one request each, each retried until JetStream answers or ctx
// ends.
func (w *Worker) replayByGet(ctx context.Context, floor uint64) error {
	subject := ObsSubject(w.sector)
	var st jetstream.Stream
	for wait := 100 * time.Millisecond; w.done < floor; {
		var raw *jetstream.RawStreamMsg
		var err error
		if st == nil {
			st, err = w.js.Stream(ctx, ObsStream)
		}
		if err == nil {
			raw, err = st.GetMsg(ctx, w.done+1, jetstream.WithGetMsgSubject(subject))
		}
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			return fmt.Errorf("sector %d: reading %s back: no message on %s after %d, though the consumer acknowledged up to %d", w.sector, ObsStream, subject, w.done, floor)
		}
		if err != nil {
			st = nil
			w.cfg.Logger.Warn("sector worker: reading the sector back message by message: JetStream did not answer; retrying", "sector", w.sector, "at", w.done+1, "err", err)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(wait):
			}
			wait = min(2*wait, 5*time.Second)
			continue
		}
		wait = 100 * time.Millisecond
		if raw.Sequence > floor {
			return nil
		}
		if err := w.replayed(ctx, raw.Sequence, raw.Subject, raw.Data, raw.Header); err != nil {
			return err
		}
	}
	return nil
}

// replayed feeds the fusion one message read back (stream sequence seq).
func (w *Worker) replayed(ctx context.Context, seq uint64, subject string, data []byte, header nats.Header) error {
	if header.Get(HeaderTick) != "" {
		w.tickPresence(header) // as when it came: its missing reports were published then
		w.done = seq
		return nil
	}
	if p, err := decodeObsMsg(subject, data, header); err == nil { // an unreadable one was dropped
		if region := header.Get(HeaderUnstored); region != "" {
			// Stored before it was acknowledged; stored again to learn
			// which lines the store refused (the same as then: it keeps
			// each key's first content for ever).
			if p, err = w.store(ctx, region, seq, p); err != nil {
				return fmt.Errorf("sector %d: reading %s back: %w", w.sector, ObsStream, err)
			}
		}
		w.observe(p)
	}
	w.done = seq
	return nil
}

// handle fuses one message, publishes what it produced and acknowledges
// the message once that is durable.
func (w *Worker) handle(ctx context.Context, msg jetstream.Msg) error {
	md, err := msg.Metadata()
	if err != nil {
		return err
	}
	if w.metrics != nil {
		if md.NumDelivered > 1 {
			w.metrics.Redelivered.Inc()
		}
		w.metrics.Pending.WithLabelValues(ConsumerName(w.sector)).Set(float64(md.NumPending))
	}
	if md.Sequence.Stream <= w.done {
		return w.ack(ctx, msg, md.Sequence.Stream)
	}
	if msg.Headers().Get(HeaderTick) != "" {
		// A tick of the agreement's clock (tick.go): forwarded to the
		// recorder with the missing presence reports it judged in the
		// sector; nothing fused (a tick does not move fusion's clock, as
		// in the embedded default).
		return w.forward(ctx, msg, md.Sequence.Stream, w.tickPresence(msg.Headers()))
	}
	p, err := decodeObsMsg(msg.Subject(), msg.Data(), msg.Headers())
	if err != nil {
		// A message no worker can read would block the sector for ever:
		// it is logged and terminated, never fused.
		w.cfg.Logger.Error("sector worker: unreadable message dropped", "sector", w.sector, "seq", md.Sequence.Stream, "err", err)
		return msg.Term()
	}
	if region := msg.Headers().Get(HeaderUnstored); region != "" {
		if p, err = w.store(ctx, region, md.Sequence.Stream, p); err != nil {
			// Not fused, not acknowledged: delivered again soon, and
			// stored then (the store keeps each key once).
			w.cfg.Logger.Error("sector worker: storing a regional message's observations", "sector", w.sector, "seq", md.Sequence.Stream, "region", region, "err", err)
			return msg.NakWithDelay(time.Second)
		}
	}
	return w.forward(ctx, msg, md.Sequence.Stream, w.observe(p))
}

// forward publishes what the sector's fusion produced from a message
// (vs; none for a tick) to FusedStream and acknowledges the message once
// that is durable.
func (w *Worker) forward(ctx context.Context, msg jetstream.Msg, seq uint64, vs []sector.Version) error {
	// A part of a batch split over sectors has an output, without
	// versions too: the recorder counts the batch's parts; and so has a
	// message whose batch comes after another (HeaderAfter), which the
	// batches after it wait for, and a tick (HeaderTick), which the
	// recorder decides.
	parts, after, tick := msg.Headers().Get(HeaderParts), msg.Headers().Get(HeaderAfter), msg.Headers().Get(HeaderTick)
	if len(vs) > 0 || parts != "" || after != "" || tick != "" {
		body, err := json.Marshal(fused{Sector: w.sector, ObsSeq: seq, Versions: vs})
		if err != nil {
			return err
		}
		out := nats.NewMsg(FusedSubject)
		out.Data = body
		out.Header.Set(HeaderBatch, msg.Headers().Get(HeaderBatch))
		if parts != "" {
			out.Header.Set(HeaderParts, parts)
		}
		if after != "" {
			out.Header.Set(HeaderAfter, after)
		}
		if tick != "" {
			out.Header.Set(HeaderTick, tick)
			if v := msg.Headers().Get(HeaderTickIfDue); v != "" {
				out.Header.Set(HeaderTickIfDue, v)
			}
		}
		id := fmt.Sprintf("%d/%d", w.sector, seq)
		for wait := 100 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			_, err = w.js.PublishMsg(pctx, out, jetstream.WithMsgID(id))
			cancel()
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			// The fusion has taken the message: the output must follow,
			// so the worker retries rather than letting it be redelivered.
			w.cfg.Logger.Warn("sector worker: publishing to "+FusedStream+", retrying", "sector", w.sector, "err", err)
			time.Sleep(wait)
		}
		if w.metrics != nil {
			w.metrics.Published.WithLabelValues(FusedStream).Inc()
		}
	}
	w.done = seq
	return w.ack(ctx, msg, seq)
}

// store puts the sector's own observations of a message a regional
// ingest node published unstored in the observation store, and returns
// the message's observations to fuse. The halo's lines are their own
// sectors' to store. A message delivered again is stored again: the store
// keeps each key once, and the fusion, rebuilt up to the message before,
// takes it once.
//
// An observation whose key the store holds with other content (the
// centre would have refused its batch; the region, which cannot see the
// store, acknowledged it) is refused alone, logged, and not fused; the
// rest of the message is stored and fused.
func (w *Worker) store(ctx context.Context, region string, seq uint64, p obsMsg) (obsMsg, error) {
	if w.cfg.Store == nil {
		return obsMsg{}, fmt.Errorf("message %d from region %s is not stored yet, and this worker has no observation store", seq, region)
	}
	mine := make([]monitor.Observation, 0, len(p.obs))
	for i, o := range p.obs {
		if p.own[i] {
			mine = append(mine, *o)
		}
	}
	if len(mine) == 0 {
		return p, nil
	}
	err := w.cfg.Store(ctx, mine)
	if err == nil {
		return p, nil
	}
	if accord.ErrorCode(err) != accord.EINVALID {
		return obsMsg{}, fmt.Errorf("storing the %d observations of sector %d in message %d from region %s: %w", len(mine), w.sector, seq, region, err)
	}
	// One by one: the refused ones left out (their clocks with them: a
	// later line's says as much; their lines of the batch too).
	var keep obsMsg
	for i, o := range p.obs {
		if p.own[i] {
			if err := w.cfg.Store(ctx, []monitor.Observation{*o}); err != nil {
				if accord.ErrorCode(err) != accord.EINVALID {
					return obsMsg{}, fmt.Errorf("storing observation %s of sector %d in message %d from region %s: %w", o.Key(), w.sector, seq, region, err)
				}
				w.cfg.Logger.Warn("sector worker: a regional observation refused by the store, not fused", "sector", w.sector, "seq", seq, "region", region, "key", o.Key(), "err", err)
				continue
			}
		}
		keep.obs, keep.own = append(keep.obs, o), append(keep.own, p.own[i])
		if p.clocks != nil {
			keep.clocks = append(keep.clocks, p.clocks[i])
		}
		if p.lines != nil {
			keep.lines = append(keep.lines, p.lines[i])
		}
	}
	keep.ticks = p.ticks
	return keep, nil
}

// obsMsg is an ObsStream message read: its observations in their batch's
// order, which lie in the sector (the others are its halo), the front's
// clock at each (HeaderClock; nil: none), the line of the whole batch
// of each (HeaderLines; nil: a batch in one part) and the front's clock
// where fusion looks for incidents to close between them (HeaderTicks).
type obsMsg struct {
	obs    []*monitor.Observation
	own    []bool
	clocks []time.Time
	lines  []int
	ticks  []sector.Tick
}

// decodeObsMsg reads an ObsStream message's subject, data and headers.
func decodeObsMsg(subject string, data []byte, header nats.Header) (obsMsg, error) {
	obs, own, clocks, err := decodeObsParts(subject, data, header)
	if err != nil {
		return obsMsg{}, err
	}
	lines, err := decodeLines(subject, header, len(obs))
	if err != nil {
		return obsMsg{}, err
	}
	ticks, err := decodeTicks(subject, header)
	if err != nil {
		return obsMsg{}, err
	}
	return obsMsg{obs: obs, own: own, clocks: clocks, lines: lines, ticks: ticks}, nil
}

// lineFuser is a Fuser that takes each observation's line in the whole
// batch, and the ticks of the front's clock between them
// (sector.Worker.ObserveTicks), so that its versions say where in the
// batch each incident opened (sector.Version.Opened) and its incidents
// close where one pipeline's do.
type lineFuser interface {
	ObserveTicks(obs []*monitor.Observation, own []bool, clocks []time.Time, lines []int, ticks []sector.Tick) []sector.Version
}

// presenceTicker is a fusion whose presence duties a tick of the
// agreement's clock moves (sector.Worker.TickPresence).
type presenceTicker interface {
	TickPresence(at time.Time) []sector.Version
}

// tickPresence gives a tick of the agreement's clock (HeaderTick) to the
// sector's presence duties: the missing reports they judge at it (an
// unreadable tick, which the recorder drops, judges nothing).
func (w *Worker) tickPresence(h nats.Header) []sector.Version {
	pt, ok := w.fuse.(presenceTicker)
	if !ok {
		return nil
	}
	at, _, err := tickOf(h)
	if err != nil || at.IsZero() {
		return nil
	}
	return pt.TickPresence(at)
}

// observe fuses a message's observations: with their lines of the whole
// batch and its ticks when the message has them and the fusion takes
// them.
func (w *Worker) observe(p obsMsg) []sector.Version {
	if lf, ok := w.fuse.(lineFuser); ok && (p.lines != nil || p.ticks != nil) {
		return lf.ObserveTicks(p.obs, p.own, p.clocks, p.lines, p.ticks)
	}
	return w.fuse.ObserveBatchAt(p.obs, p.own, p.clocks)
}

// ack acknowledges a message, only while the worker holds the sector's
// lease: an acknowledgement after the lease's guard could reach the
// server after another worker took the sector and read its
// acknowledgement floor, and that worker would never fuse the message.
func (w *Worker) ack(ctx context.Context, msg jetstream.Msg, seq uint64) error {
	if w.cfg.beforeAck != nil {
		if err := w.cfg.beforeAck(w.sector, seq); err != nil {
			return died{err}
		}
	}
	if l := w.lease.Load(); l != nil && !l.valid() {
		return l.lose(fmt.Errorf("message %d fused and its output durable, but not acknowledged: %w", seq, l.err()))
	}
	return msg.DoubleAck(ctx)
}

// died is a test's worker stopped before acknowledging.
type died struct{ err error }

func (d died) Error() string { return d.err.Error() }
