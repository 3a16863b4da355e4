package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/accord-peace/accord/mission"
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
// sequences, increasing.
type Recorder struct {
	m       *mission.Mission
	js      jetstream.JetStream
	seq     Sequencer
	metrics *Metrics
	pos     string
	logger  *slog.Logger

	mu   sync.Mutex
	cond *sync.Cond
	at   uint64 // the last FusedStream sequence taken
	err  error
}

// position is the recorder's note of the step it is recording.
type position struct {
	Seq       uint64 `json:"seq"`
	LedgerLen int64  `json:"ledger_len"`
}

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
		err = f.Sync()
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
	oc, err := r.js.OrderedConsumer(ctx, FusedStream, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy})
	if err != nil {
		return fmt.Errorf("the recorder's consumer of %s: %w", FusedStream, err)
	}
	it, err := oc.Messages(jetstream.PullMaxMessages(256))
	if err != nil {
		return fmt.Errorf("the recorder's consumer of %s: %w", FusedStream, err)
	}
	go func() { <-ctx.Done(); it.Stop() }()
	taken := map[int]uint64{} // sector → the last ObsStream sequence taken
	for {
		msg, err := it.Next()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				return nil
			}
			r.logger.Warn("recorder: next message", "err", err)
			continue
		}
		md, err := msg.Metadata()
		if err != nil {
			return err
		}
		seq := md.Sequence.Stream
		var f fused
		if err := json.Unmarshal(msg.Data(), &f); err != nil {
			return fmt.Errorf("%s message %d: %v", FusedStream, seq, err)
		}
		// A sector's outputs come in its messages' order; one published
		// again after the duplicate window (a worker down longer than it)
		// is known by its ObsStream sequence and skipped.
		if f.ObsSeq <= taken[f.Sector] {
			r.logger.Warn("recorder: a sector's output again, skipped", "sector", f.Sector, "obs_seq", f.ObsSeq, "fused_seq", seq)
			r.mu.Lock()
			r.at = seq
			r.cond.Broadcast()
			r.mu.Unlock()
			continue
		}
		taken[f.Sector] = f.ObsSeq
		ins := r.seq.Apply(f.Sector, f.Versions)
		if seq <= done {
			err = r.m.Restore(ctx, ins)
		} else {
			_, err = r.m.Decide(ctx, ins, func(n int64) error { return r.note(position{Seq: seq, LedgerLen: n}) })
		}
		if err != nil {
			return fmt.Errorf("recording %s message %d (sector %d): %w", FusedStream, seq, f.Sector, err)
		}
		if r.metrics != nil {
			r.metrics.Pending.WithLabelValues(RecorderConsumer).Set(float64(md.NumPending))
		}
		r.mu.Lock()
		r.at = seq
		r.cond.Broadcast()
		r.mu.Unlock()
	}
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
