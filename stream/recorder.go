package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/accord-peace/accord/internal/fsync"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sector"
)

// RecorderConsumer names the recorder in the pending metric.
const RecorderConsumer = "recorder"

// Recorder is the one consumer of FusedStream: it reads the fused log in
// order, maps the sectors' incidents to the mission's (the sequencer) and
// runs the mission's engine and record stages on them (Decide).
//
// Restart: the ledger is the truth of what was recorded. Before each step
// reaches the ledger the recorder notes, durably, in its position file
// (recorder.pos), the step's sequence in FusedStream and the ledger's
// length then; at start the step is recorded iff the ledger is longer
// than noted. The recorder then reads FusedStream from its start (an
// ordered consumer: no state in JetStream to lose), restoring the
// sequencer and the incidents (mission.Restore, nothing recorded, the
// engine restored from the ledger by mission.Open) up to that step, and
// records what follows: nothing doubled, nothing skipped. A step without
// ledger entries that was not noted is simply taken again. A sector's
// output published twice (its worker restarted after the duplicate
// window) is taken once: a sector's outputs carry its messages' ObsStream
// sequences, increasing. Messages waiting together are taken as one
// step (up to groupMax): each goes through the engine on its own, their
// entries reach the ledger in one commit, and the position notes the
// first and the last of them.
//
// Batches split over sectors (several sectors, HeaderParts): the
// recorder holds each sector's output as a part of its batch and, once
// the batch's parts are all in, gives the batch's incidents their ids
// with its parts together (sector.Sequencer.ApplyBatch: one pipeline's
// ids) and decides it whole, as one pipeline takes a batch; a batch goes
// out once the batch its ingest node published before it (HeaderAfter)
// went out, else in the order its first part came, so that a batch in
// one part waits behind the one before it. A batch
// whose parts do not all come within PartWait is let go by a message the
// recorder writes into the fused log (HeaderRelease), decided where it
// lies in the log: the holding is a function of the log alone, so a
// restart that reads the log back from its start holds, lets go and
// numbers exactly as the live run did. Past maxWaiting batches held, the
// oldest is let go as it stands, at the message that made them too many.
//
// A tick of the agreement's clock (HeaderTick: an ingest node's
// Ingester.Tick, forwarded by every sector's worker) is held and
// ordered as a batch, and decided as mission.Tick (or TickIfDue,
// HeaderTickIfDue) where it goes out (mission.DecideAll); read back at a
// restart it restores nothing (the engine is restored from the ledger).
type Recorder struct {
	// Node names this recorder in the record's mark (recordmark.go): a
	// node name, else the host's. Replicas are the mark's bucket's when
	// the recorder creates it (zero: 1), as the streams'.
	Node     string
	Replicas int
	// Sectors is the number of sectors the front is split into
	// (Config.Sectors): with more than one, the recorder holds a batch's
	// parts until they are all in (see above); with one, it takes each
	// message as it comes, as the embedded pipeline takes each batch.
	Sectors int
	// PartWait is how long the recorder waits for a batch's other parts
	// before it lets the batch go as it stands (zero: DefaultPartWait),
	// by a message written into the fused log (HeaderRelease). A part may
	// never come (a message its worker could not read) or come late (a
	// regional node cut off while the centre's stream copied its batch),
	// and every later batch waits behind it; a part that comes after is a
	// batch of its own.
	PartWait time.Duration

	m       *mission.Mission
	js      jetstream.JetStream
	seq     Sequencer
	metrics *Metrics
	pos     string
	logger  *slog.Logger
	// unplaced is the sequencer's LateUnplaced when last looked at.
	unplaced int
	mark     *marker

	// waiting are the batches held, in the order their first parts came
	// (several sectors); parts those of them not whole yet, by batch
	// (HeaderParts); whole the batches that became whole or were let go
	// (the last maxDecided, decided.go); asked the batches whose
	// release the recorder wrote into the log and has not read back.
	waiting []*waiting
	parts   map[string]*waiting
	whole   decided
	asked   map[string]bool

	mu   sync.Mutex
	cond *sync.Cond
	at   uint64 // the last FusedStream sequence taken
	err  error
}

// position is the recorder's note of the steps it is recording: the
// FusedStream messages From to Seq, appended to the ledger together.
type position struct {
	From      uint64 `json:"from,omitempty"`
	Seq       uint64 `json:"seq"`
	LedgerLen int64  `json:"ledger_len"`
}

// groupMax is the most FusedStream messages the recorder takes in one
// step when several wait: their engine steps one by one, their ledger
// entries in one durable batch (mission.DecideSteps), so that the
// record's commits do not grow with the number of sectors.
const groupMax = 64

// NewRecorder returns the recorder of a mission (opened with
// Config.StreamFed); its position file is kept in dir.
func NewRecorder(m *mission.Mission, c *Conn, seq Sequencer, dir string, metrics *Metrics, logger *slog.Logger) *Recorder {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	r := &Recorder{m: m, js: c.JS, seq: seq, metrics: metrics, pos: filepath.Join(dir, "recorder.pos"), logger: logger}
	r.cond = sync.NewCond(&r.mu)
	return r
}

// recorded is the last FusedStream sequence the ledger has.
func (r *Recorder) recorded() (uint64, error) {
	b, err := os.ReadFile(r.pos)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("the recorder's position: %w", err)
	}
	var p position
	if err := json.Unmarshal(b, &p); err != nil {
		return 0, fmt.Errorf("the recorder's position %s: %v (delete it only with the ledger and the streams)", r.pos, err)
	}
	if r.m.LedgerLen() > p.LedgerLen {
		return p.Seq, nil
	}
	if p.From > 0 {
		return p.From - 1, nil
	}
	return p.Seq - 1, nil
}

// note writes the position durably (written, synced, renamed).
func (r *Recorder) note(p position) error {
	b, _ := json.Marshal(p)
	tmp := r.pos + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("the recorder's position: %w", err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = fsync.File(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, r.pos)
	}
	if err != nil {
		return fmt.Errorf("the recorder's position %s: %w", r.pos, err)
	}
	return nil
}

// Run restores the recorder and records until ctx ends (nil) or a step
// fails (its error: the process should stop, and a restart takes the step
// again).
func (r *Recorder) Run(ctx context.Context) error {
	err := r.run(ctx)
	r.mu.Lock()
	r.err = err
	if r.err == nil {
		r.err = context.Canceled
	}
	r.cond.Broadcast()
	r.mu.Unlock()
	return err
}

func (r *Recorder) run(ctx context.Context) error {
	done, err := r.recorded()
	if err != nil {
		return err
	}
	if err := r.startMark(ctx); err != nil {
		return err
	}
	defer func() {
		// The mark moved to what was recorded, on a clean stop too.
		mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := r.mark.move(mctx, true); err != nil && !errors.Is(err, ErrNotTheRecord) {
			r.logger.Error("recorder: the record's mark at its stop", "err", err)
		}
	}()
	// The consumer is made again until JetStream answers: at a node's
	// start the streams may be unreachable for a while (a server
	// restarting), which must not stop the record for good.
	var oc jetstream.Consumer
	err = untilAnswered(ctx, r.logger, "recorder: its consumer of the fused log could not be made; retrying", []any{"stream", FusedStream}, nil, func() (err error) {
		oc, err = r.js.OrderedConsumer(ctx, FusedStream, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy})
		return err
	})
	if err != nil {
		return fmt.Errorf("the recorder's consumer of %s: %w", FusedStream, err)
	}
	it, err := oc.Messages(jetstream.PullMaxMessages(256))
	if err != nil {
		return fmt.Errorf("the recorder's consumer of %s: %w", FusedStream, err)
	}
	go func() { <-ctx.Done(); it.Stop() }()
	// A reader hands the messages over, so that the loop can take every
	// message already waiting as one step.
	msgs := make(chan jetstream.Msg, groupMax)
	go func() {
		defer close(msgs)
		for {
			msg, err := it.Next()
			if err != nil {
				if ctx.Err() != nil || errors.Is(err, jetstream.ErrMsgIteratorClosed) {
					return
				}
				r.logger.Warn("recorder: next message", "err", err)
				continue
			}
			msgs <- msg
		}
	}()
	defer func() {
		it.Stop()
		for range msgs { // let the reader end
		}
	}()
	taken := map[int]uint64{} // sector → the last ObsStream sequence taken
	var group []jetstream.Msg
	stale := time.NewTicker(r.partWait() / 4)
	defer stale.Stop()
	for {
		var msg jetstream.Msg
		var ok bool
		select {
		case msg, ok = <-msgs:
		case <-stale.C:
			if err := r.releaseStale(ctx, done); err != nil {
				return err
			}
			continue
		}
		if !ok {
			return nil
		}
		group = append(group[:0], msg)
	more:
		for len(group) < groupMax {
			select {
			case msg, ok := <-msgs:
				if !ok {
					break more
				}
				group = append(group, msg)
			default:
				break more
			}
		}
		if err := r.take(ctx, group, done, taken); err != nil {
			return err
		}
	}
}

// startMark checks the ledger against the record's mark and moves the
// mark to it (recordmark.go), retried until JetStream answers; a ledger
// that is not the deployment's record stops the recorder.
func (r *Recorder) startMark(ctx context.Context) error {
	node := r.Node
	if node == "" {
		node, _ = os.Hostname()
	}
	notTheRecord := func(err error) bool { return errors.Is(err, ErrNotTheRecord) }
	return untilAnswered(ctx, r.logger, "recorder: the record's mark could not be read; retrying", []any{"bucket", RecordBucket}, notTheRecord, func() error {
		kv, err := ensureRecordBucket(ctx, r.js, r.Replicas)
		if err != nil {
			return err
		}
		r.mark = &marker{kv: kv, m: r.m, node: fmt.Sprintf("%s pid %d", node, os.Getpid()), logger: r.logger}
		return r.mark.start(ctx)
	})
}

// take records a group of FusedStream messages, in order: those the
// ledger already has (up to done) restored, the others decided and
// recorded together.
func (r *Recorder) take(ctx context.Context, group []jetstream.Msg, done uint64, taken map[int]uint64) error {
	var steps []mission.Step
	var from, last uint64
	var pending uint64
	for _, msg := range group {
		md, err := msg.Metadata()
		if err != nil {
			return err
		}
		seq := md.Sequence.Stream
		last, pending = seq, md.NumPending
		restoring := seq <= done
		var ready []mission.Step // the batches (and ticks) the message lets through
		if batch := msg.Headers().Get(HeaderRelease); batch != "" {
			ready = r.release(batch, seq, restoring)
		} else {
			var f fused
			if err := json.Unmarshal(msg.Data(), &f); err != nil {
				return fmt.Errorf("%s message %d: %v", FusedStream, seq, err)
			}
			// A sector's outputs come in its messages' order; one published
			// again after the duplicate window (a worker down longer than it)
			// is known by its ObsStream sequence and skipped.
			if f.ObsSeq <= taken[f.Sector] {
				r.logger.Warn("recorder: a sector's output again, skipped", "sector", f.Sector, "obs_seq", f.ObsSeq, "fused_seq", seq)
				continue
			}
			taken[f.Sector] = f.ObsSeq
			tick, ifDue, err := tickOf(msg.Headers())
			if err != nil {
				// Not a tick anyone can decide: dropped, as a worker
				// drops a message it cannot read.
				r.logger.Error("recorder: an unreadable tick dropped", "fused_seq", seq, "err", err)
				tick = time.Time{}
			}
			switch {
			case r.Sectors > 1:
				ready = r.hold(f, msg.Headers(), seq, restoring)
			case err != nil:
			default:
				var ins []monitor.Incident
				if len(f.Versions) > 0 {
					ins = r.seq.Apply(f.Sector, f.Versions)
					r.warnUnplaced(f.Sector, seq, restoring)
				}
				// A tick's: the missing presence reports judged at it.
				ready = []mission.Step{{Changed: ins, Tick: tick, IfDue: ifDue}}
			}
		}
		if restoring {
			// A tick recorded is restored with the engine, from the
			// ledger (mission.Open).
			for _, st := range ready {
				if !st.Tick.IsZero() && len(st.Changed) == 0 {
					continue
				}
				if err := r.m.Restore(ctx, st.Changed); err != nil {
					return fmt.Errorf("restoring %s message %d: %w", FusedStream, seq, err)
				}
			}
			continue
		}
		if len(ready) == 0 {
			continue // held
		}
		if from == 0 {
			from = seq
		}
		steps = append(steps, ready...)
	}
	if len(steps) > 0 {
		_, err := r.m.DecideAll(ctx, steps, func(n int64) error { return r.note(position{From: from, Seq: last, LedgerLen: n}) })
		if err != nil {
			return fmt.Errorf("recording %s messages %d to %d: %w", FusedStream, from, last, err)
		}
		for _, st := range steps {
			if st.Refused != nil {
				r.logger.Warn("recorder: a tick of the agreement's clock recorded nothing", "at", st.Tick.Format(time.RFC3339Nano), "err", st.Refused)
			}
		}
		if err := r.mark.move(ctx, false); err != nil {
			return err
		}
	}
	if r.metrics != nil {
		r.metrics.Pending.WithLabelValues(RecorderConsumer).Set(float64(pending))
	}
	r.mu.Lock()
	r.at = last
	r.cond.Broadcast()
	r.mu.Unlock()
	return nil
}

// waiting is a batch the recorder holds (several sectors): the parts
// seen, the sectors they came from out of n, and since when it waits.
// A batch in one part, or a part of a batch let go already, is whole at
// once and waits only behind the batches before it.
type waiting struct {
	batch   string
	n       int
	parts   []sector.Part
	sectors []int
	since   time.Time
	whole   bool
	after   string // the batch it comes after (HeaderAfter)
	// tick, when not zero, makes the batch a tick of the agreement's
	// clock (HeaderTick; ifDue: HeaderTickIfDue): its parts have no
	// versions, and it is decided as mission.Tick at its place.
	tick  time.Time
	ifDue bool
}

// hold takes a sector's output as a part of its batch (HeaderParts: the
// batch's parts are counted as the log is read, so a restart that reads
// it back from its start counts them again) and returns the batches it
// lets through.
func (r *Recorder) hold(f fused, h nats.Header, seq uint64, restoring bool) []mission.Step {
	n, _ := strconv.Atoi(h.Get(HeaderParts))
	tick, ifDue, _ := tickOf(h) // an unreadable one is logged by take, and held as a batch
	batch, after := h.Get(HeaderBatch), h.Get(HeaderAfter)
	part := sector.Part{Sector: f.Sector, Versions: f.Versions}
	if r.whole.has(batch) && !tick.IsZero() {
		// A part of a tick decided already, come again: the clock is
		// past it, it would record nothing.
		return r.ready(seq, restoring)
	}
	if r.whole.has(batch) {
		// A part of a batch whole already, come again (an ObsStream
		// message published again after the duplicate window), or late:
		// a batch of its own.
		r.waiting = append(r.waiting, &waiting{parts: []sector.Part{part}, whole: true})
		return r.ready(seq, restoring)
	}
	if n <= 1 && r.parts[batch] == nil {
		// In one part: whole, perhaps after another (HeaderAfter). A
		// part in one of a batch whose other parts said more (rebuilt
		// at an ingest node's restart, below) is a part of it.
		r.waiting = append(r.waiting, &waiting{batch: batch, parts: []sector.Part{part}, whole: true, after: after, since: time.Now(), tick: tick, ifDue: ifDue})
		if batch != "" {
			r.wholeNow(batch)
		}
		return r.ready(seq, restoring)
	}
	if r.parts == nil {
		r.parts = map[string]*waiting{}
	}
	w := r.parts[batch]
	if w == nil {
		w = &waiting{batch: batch, n: n, since: time.Now(), after: after, tick: tick, ifDue: ifDue}
		r.parts[batch] = w
		r.waiting = append(r.waiting, w)
	}
	if w.after == "" {
		// A part rebuilt by its ingest node at a restart names none
		// (the node read the batch back as the stream's last); the
		// batch's other parts name the one it comes after.
		w.after = after
	}
	n = max(n, 1)
	if n != w.n {
		// Parts that disagree on their number: a part rebuilt at an ingest
		// node's restart from a record kept before the record kept the
		// node's state (Recover) can count fewer. The batch waits for the
		// most any part says, PartWait at most: taken as whole at the
		// fewer, it was decided without the part of ticks alone.
		if !restoring {
			r.logger.Warn("stream: the parts of a batch disagree on how many they are; the recorder waits for the most any says (released after PartWait if one never comes)", "batch", batch, "parts", n, "before", w.n, "sector", f.Sector)
		}
		w.n = max(w.n, n)
	}
	w.parts = append(w.parts, part)
	if !slices.Contains(w.sectors, f.Sector) { // a sector's part counts once
		w.sectors = append(w.sectors, f.Sector)
	}
	if len(w.sectors) >= w.n {
		w.whole = true
		r.wholeNow(batch)
	}
	return r.ready(seq, restoring)
}

// release lets a batch go as it stands (a HeaderRelease message), unless
// it became whole before the message, and returns the batches that lets
// through.
func (r *Recorder) release(batch string, seq uint64, restoring bool) []mission.Step {
	w := r.parts[batch]
	if w == nil {
		if r.whole.has(batch) || r.held(batch) >= 0 {
			return nil // whole already, or let go by an earlier message
		}
		// Never seen: a batch another waits to come after
		// (HeaderAfter); its parts, should they come, are batches of
		// their own.
		if !restoring {
			r.logger.Warn("recorder: a batch that others come after never came; they are decided without it", "batch", batch, "fused_seq", seq)
		}
		r.wholeNow(batch)
		return r.ready(seq, restoring)
	}
	if !restoring {
		r.logger.Warn("recorder: a batch's parts did not all come; it is decided as it stands", "batch", batch, "sectors", w.sectors, "parts", w.n,
			"waited", time.Since(w.since).Round(time.Second), "fused_seq", seq)
	}
	w.whole = true
	r.wholeNow(batch)
	return r.ready(seq, restoring)
}

// ready gives the ids of the batches at the head of those held that are
// whole, oldest first — each batch's parts together, in the sectors'
// order (Sequencer.ApplyBatch) — and returns each batch's incidents, to
// decide as one step. Past maxWaiting batches held, the oldest goes as it
// stands.
func (r *Recorder) ready(seq uint64, restoring bool) []mission.Step {
	var out []mission.Step
	for {
		forced := len(r.waiting) > maxWaiting
		i := r.next()
		if i < 0 {
			break
		}
		w := r.waiting[i]
		r.waiting = slices.Delete(r.waiting, i, i+1)
		if a := w.after; forced && w.whole && a != "" && a != w.batch && !r.whole.has(a) && !restoring {
			r.logger.Warn("recorder: too many batches waited behind a batch whose batch before it (Accord-After) is not decided; it is decided before the batch it comes after",
				"batch", w.batch, "after", a, "waiting", len(r.waiting), "fused_seq", seq)
		}
		if !w.whole {
			if !restoring {
				r.logger.Warn("recorder: a batch's parts did not all come, and too many batches waited behind it; it is decided as it stands",
					"batch", w.batch, "sectors", w.sectors, "parts", w.n, "waiting", len(r.waiting), "fused_seq", seq)
			}
			r.wholeNow(w.batch)
		}
		// A tick (w.tick): the missing presence reports the sectors
		// judged at it, if any, then the mission's clock moved there.
		var ins []monitor.Incident
		if w.tick.IsZero() || slices.ContainsFunc(w.parts, func(p sector.Part) bool { return len(p.Versions) > 0 }) {
			slices.SortStableFunc(w.parts, func(a, b sector.Part) int { return a.Sector - b.Sector })
			ins = r.seq.ApplyBatch(w.parts)
			r.warnUnplaced(-1, seq, restoring)
		}
		out = append(out, mission.Step{Changed: ins, Tick: w.tick, IfDue: w.ifDue})
	}
	if len(r.waiting) == 0 {
		r.waiting = nil
	}
	return out
}

// next is the place among the batches held of the next to decide, -1
// when none may go: the first that is whole and comes after no batch
// held or not yet seen (HeaderAfter; one that names none, only at the
// head, or, a node's first batch, behind batches that all name one) —
// past maxWaiting batches held, the oldest.
func (r *Recorder) next() int {
	if len(r.waiting) > maxWaiting {
		return 0
	}
	chained := true // every batch before names the one it comes after
	for i, w := range r.waiting {
		if w.after == "" || w.after == w.batch {
			// A node's first batch (a batch name, none before it) goes
			// once whole if every batch before it waits on its own
			// node's: their order is their chains', not this one's.
			if w.whole && (i == 0 || chained && w.batch != "") {
				return i
			}
			chained = false
			continue
		}
		if !w.whole {
			continue
		}
		if r.whole.has(w.after) && r.held(w.after) < 0 {
			return i
		}
	}
	return -1
}

// held is the place of a batch among those held, -1 if not there.
func (r *Recorder) held(batch string) int {
	return slices.IndexFunc(r.waiting, func(w *waiting) bool { return w.batch == batch })
}

// maxWaiting bounds the batches the recorder holds, so that no batch
// waits for ever behind one whose part never comes.
const maxWaiting = 256

// wholeNow remembers a batch as whole or let go.
func (r *Recorder) wholeNow(batch string) {
	delete(r.parts, batch)
	delete(r.asked, batch)
	r.whole.add(batch)
}

// DefaultPartWait is the recorder's PartWait when none is set.
const DefaultPartWait = time.Minute

// partWait is the recorder's wait for a batch's missing parts.
func (r *Recorder) partWait() time.Duration {
	if r.PartWait > 0 {
		return r.PartWait
	}
	return DefaultPartWait
}

// releaseStale writes into the fused log the release of the batches
// that waited longer than PartWait for a part (HeaderRelease), oldest
// first; the recorder lets each go where it reads the message. Not while
// the fused log is read back (up to done): what was recorded before the
// restart is restored first, with the releases it read then. A release
// JetStream does not take is tried again at the next look.
func (r *Recorder) releaseStale(ctx context.Context, done uint64) error {
	if r.At() < done || len(r.waiting) == 0 {
		return nil
	}
	now := time.Now()
	type release struct {
		batch string
		since time.Time
	}
	var stale []release
	for _, w := range r.waiting {
		if now.Sub(w.since) < r.partWait() {
			continue
		}
		if !w.whole && !r.asked[w.batch] {
			stale = append(stale, release{w.batch, w.since})
		}
		// A batch it comes after that never came (HeaderAfter).
		if a := w.after; w.whole && a != "" && a != w.batch && !r.whole.has(a) && r.held(a) < 0 && !r.asked[a] {
			stale = append(stale, release{a, w.since})
		}
	}
	slices.SortStableFunc(stale, func(a, b release) int { return a.since.Compare(b.since) })
	for _, w := range stale {
		if r.asked[w.batch] {
			continue
		}
		msg := nats.NewMsg(FusedSubject)
		msg.Header.Set(HeaderRelease, w.batch)
		msg.Header.Set(HeaderBatch, w.batch)
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, err := r.js.PublishMsg(pctx, msg, jetstream.WithMsgID("release/"+w.batch))
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			r.logger.Warn("recorder: the release of a batch whose parts did not all come could not be written into the fused log; trying again", "batch", w.batch, "err", err)
			return nil
		}
		if r.asked == nil {
			r.asked = map[string]bool{}
		}
		r.asked[w.batch] = true
	}
	return nil
}

// WaitFor waits until the recorder took FusedStream's message seq (or
// stopped).
func (r *Recorder) WaitFor(ctx context.Context, seq uint64) error {
	stop := context.AfterFunc(ctx, func() {
		r.mu.Lock()
		r.cond.Broadcast()
		r.mu.Unlock()
	})
	defer stop()
	r.mu.Lock()
	defer r.mu.Unlock()
	for r.at < seq && r.err == nil && ctx.Err() == nil {
		r.cond.Wait()
	}
	if r.at >= seq {
		return nil
	}
	if r.err != nil {
		return r.err
	}
	return ctx.Err()
}

// At is the last FusedStream sequence the recorder took.
func (r *Recorder) At() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.at
}

// warnUnplaced logs the late versions (a ceiling's mark on a closed
// weapon) the sequencer could not hand out since the last look: their
// global incident was let go (sector.LateKept), so the mark is not in the
// record. A step read back at a restart (restoring) was logged before it.
func (r *Recorder) warnUnplaced(sector int, seq uint64, restoring bool) {
	lu, ok := r.seq.(interface{ LateUnplaced() int })
	if !ok {
		return
	}
	if n := lu.LateUnplaced(); n > r.unplaced {
		if restoring {
			r.unplaced = n
			return
		}
		r.logger.Warn("recorder: a ceiling's mark on a weapon closed too long ago is not recorded", "sector", sector, "fused_seq", seq, "since_start", n)
		r.unplaced = n
	}
}
