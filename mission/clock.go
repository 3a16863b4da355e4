package mission

import (
	"cmp"
	"context"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/monitor"
)

// The agreement engine's clock moves with the observations' time (a
// batch's latest observation: Consequences.Observe). When none come —
// a quiet front, a sensor outage, the night — a deadline that passes is
// recorded only at the next batch. A tick moves the clock without data:
// the same tick event a batch's clock records, through the same stages
// (the engine, then the record), so that a witness replays it.

// ClockResult answers a tick of the agreement's clock.
type ClockResult struct {
	// Ticked says that the clock moved, and the tick was recorded with
	// what it derived; false when the time given was not after the clock
	// (nothing changed, nothing recorded), or, for TickIfDue, when the
	// tick would have derived nothing.
	Ticked bool `json:"ticked"`
	// Now is the engine's clock as it now stands.
	Now time.Time `json:"now"`
	// Derived is what the tick derived: a provision overdue, a
	// consultation's stage missed or closed, a snapback taking effect, a
	// phase opening.
	Derived []engine.Derived `json:"derived"`
	// LastEntry is the ledger index of the last entry the tick wrote,
	// when the mission keeps a record.
	LastEntry *int64 `json:"last_entry,omitempty"`
	// Missing are the missing presence reports the tick judged (its time
	// passed a period's deadline with no report of the duty's monitor):
	// incidents recorded with the tick, before its engine's entries.
	Missing []monitor.Incident `json:"missing_reports,omitempty"`
	// Deferred says that the tick was published, durably, to a stream
	// deployment's log (package stream: an ingest node's Tick), and is
	// decided later by the recorder at its place in the log's order —
	// after the batches the node published before it —, as Tick decides
	// it there: Ticked, Derived and LastEntry say nothing then (false,
	// none) and Now is the time the tick moves the clock to, unless the
	// clock is past it by then. GET /v1/agreement and the feed show what
	// it derived once recorded.
	Deferred bool `json:"deferred,omitempty"`
}

// Tick moves the agreement engine's clock on to at, without data: every
// deadline up to at is processed, as the next batch's entry would process
// it, and the tick event and what it derived are recorded (and restored
// at restart, and replayed by `accord verify` and the witnesses, like the
// tick a batch records). A time no later than the clock changes nothing
// and records nothing (Ticked false, no error): a tick is idempotent, so a
// client may send it again when its answer was lost, and a tick to the
// past cannot move the clock back. Refused, changing nothing: EINVALID
// before the parties have signed (the agreement is not in force: the
// clock starts at the first batch), for no time, or on a mission fed by
// a stream (its clock moves at the recorder, in the fused log's order: a
// stream node's ingest publishes the tick, stream.Ingester.Tick, and the
// recorder decides it, DecideAll); ENOTFOUND without an agreement
// engine. How far past the wall clock at
// may be is the caller's rule (the server's: api.DefaultMaxClockSkew).
func (m *Mission) Tick(ctx context.Context, at time.Time) (ClockResult, error) {
	return m.tick(ctx, at, false)
}

// TickIfDue is Tick only when the tick would derive something — a
// deadline passed, a stage missed, a snapback in effect (engine.Set.
// DerivesAt, decided with the tick under one lock) — so that a server
// ticking to its wall clock now and then (accord serve --tick-every)
// records a deadline when it passes, and nothing otherwise. Before the
// parties have signed it does nothing, without an error — unless it
// judges a presence report missing, an incident at which they sign.
func (m *Mission) TickIfDue(ctx context.Context, at time.Time) (ClockResult, error) {
	return m.tick(ctx, at, true)
}

func (m *Mission) tick(ctx context.Context, at time.Time, ifDue bool) (ClockResult, error) {
	if err := m.CheckTick(at); err != nil {
		return ClockResult{}, err
	}
	if m.cfg.StreamFed {
		return ClockResult{}, accord.Errorf(accord.EINVALID, "this mission is fed by a stream: its agreement's clock moves at the recorder, in the fused log's order; a tick goes through the stream (POST /v1/clock on an ingest node)")
	}
	// The pipeline stage first, after the batches before the tick: the
	// presence duties judge the periods whose deadline it passes.
	m.pipeMu.Lock()
	m.engineMu.Lock()
	missing := m.pipeline.TickPresence(at.UTC())
	m.pipeMu.Unlock()
	res, recs, err := m.tickWith(missing, at, ifDue)
	if len(recs) == 0 {
		m.engineMu.Unlock()
		return res, err
	}
	m.recordMu.Lock()
	m.engineMu.Unlock()
	defer m.recordMu.Unlock()
	seqs, rerr := m.recordAll(context.WithoutCancel(ctx), recs)
	res.LastEntry = lastOf(seqs)
	return res, cmp.Or(rerr, err)
}

// tickWith is the engine stage of a tick: the missing presence reports
// the pipeline judged at it decided first, as a batch's incidents (the
// parties sign at them when they are the first incidents), then the
// engine's tick (tickLocked) — recorded, whatever ifDue says, when a
// report was missing, so that the engine's clock, restored from the
// record, is past the deadlines the tick judged. It returns the records to
// append in order (none: nothing to record), and the engine's refusal of
// the tick, if any, besides them. The caller holds engineMu.
func (m *Mission) tickWith(missing []monitor.Incident, at time.Time, ifDue bool) (ClockResult, []pending, error) {
	var recs []pending
	if len(missing) > 0 {
		rec, err := m.decide(missing)
		if err != nil {
			return ClockResult{Derived: []engine.Derived{}}, nil, err
		}
		recs = append(recs, rec)
		ifDue = false
	}
	res, rec, err := m.tickLocked(at, ifDue)
	res.Missing = missing
	if res.Ticked {
		recs = append(recs, rec)
	}
	if err != nil && accord.ErrorCode(err) != accord.EINVALID {
		return res, nil, err // a failure of the record's preparation
	}
	res.Ticked = res.Ticked || len(missing) > 0
	return res, recs, err
}

// CheckTick refuses what Tick refuses whatever the engine's state:
// ENOTFOUND without an agreement engine, EINVALID for no time. A stream
// node's ingest checks a tick so before it publishes it.
func (m *Mission) CheckTick(at time.Time) error {
	if m.consequences == nil {
		return errNoEngine()
	}
	if at.IsZero() {
		return accord.Errorf(accord.EINVALID, "a tick needs a time")
	}
	return nil
}

// tickLocked is the engine stage of a tick: the tick applied (ifDue:
// only when it derives something) and its record prepared; res.Ticked
// says whether there is anything to record. The caller holds engineMu.
func (m *Mission) tickLocked(at time.Time, ifDue bool) (ClockResult, pending, error) {
	at = at.UTC() // as the engine reads it, and so recorded
	events, derived, verdicts, now, err := m.consequences.Tick(at, ifDue)
	res := ClockResult{Ticked: len(events) > 0, Now: now, Derived: derived}
	if res.Derived == nil {
		res.Derived = []engine.Derived{}
	}
	if err != nil || len(events) == 0 {
		return res, pending{}, err
	}
	rec, err := m.prepare(nil, verdicts, "", nil, events, derived)
	if err != nil {
		res.Ticked = false
	}
	return res, rec, err
}

// DueAt reports whether a tick to at would derive something now
// (TickIfDue's test, without the tick): false before the parties have
// signed, for a time no later than the clock, or without an engine. A
// stream node's ticker (accord serve --tick-every) looks so at the
// recorder's engine before it publishes a tick.
func (m *Mission) DueAt(at time.Time) (bool, error) {
	if m.consequences == nil || at.IsZero() {
		return false, nil
	}
	m.engineMu.Lock()
	defer m.engineMu.Unlock()
	return m.consequences.DueAt(at.UTC())
}

// Tick applies a tick at at, when it is after the clock, and returns it
// with what the engine derived, the consultations' verdicts it gives and
// the clock then; ifDue applies it only when it derives something. Before
// the parties have signed it is an EINVALID error (nothing for ifDue).
func (c *Consequences) Tick(at time.Time, ifDue bool) ([]engine.Event, []engine.Derived, map[string]string, time.Time, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seq == 0 {
		if ifDue {
			return nil, nil, nil, c.latest, nil
		}
		return nil, nil, nil, c.latest, accord.Errorf(accord.EINVALID, "the agreement is not in force yet (the parties sign at the first observation batch that gives an incident): its clock has not started")
	}
	if !at.After(c.latest) {
		return nil, nil, nil, c.latest, nil
	}
	if ifDue {
		n, err := c.set.DerivesAt(at)
		if err != nil || n == 0 {
			return nil, nil, nil, c.latest, err
		}
	}
	applied := c.tick(at, nil)
	return applied, c.fresh(), c.verdicts(applied), c.latest, nil
}

// DueAt reports whether a tick to at would derive something (after the
// signatures, after the clock, engine.Set.DerivesAt).
func (c *Consequences) DueAt(at time.Time) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seq == 0 || !at.After(c.latest) {
		return false, nil
	}
	n, err := c.set.DerivesAt(at)
	return n > 0, err
}
