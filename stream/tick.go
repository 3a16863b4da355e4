package stream

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/mission"
)

// Ticks of the agreement's clock on a stream deployment.
//
// The embedded deployment ticks its engine in place (mission.Tick). On
// streams the engine is the recorder's and runs in the fused log's
// order, so an ingest node publishes a tick as a batch without
// observations, through its batches' path: under the same lock, its
// outbox published first, in its turn to publish (after the batch before
// it is acknowledged or parked), one message to every sector (HeaderParts) that
// names the batch the node published before (HeaderAfter) and is named
// by the next; each worker forwards its part (worker.go) and the
// recorder, once the tick's parts are all in, ticks the mission where
// the tick lies among the batches (mission.DecideAll): the same tick
// event, derived entries and state as the embedded default's Tick after
// the same batches. The answer is deferred, as a batch's incidents are
// (mission.ClockResult.Deferred).

// tickBatch is the batch name (HeaderBatch) of a tick to at; a tick is
// named by its time, and its message ids by that name and the sector, so
// that a tick sent again within the duplicate window is kept once (and
// once decided, a tick to the same time again records nothing).
func tickBatch(at time.Time, ifDue bool) string {
	kind := "tick/"
	if ifDue {
		kind = "tick-if-due/"
	}
	return kind + strconv.FormatInt(at.UnixNano(), 10)
}

// Tick publishes a tick of the agreement's clock to at; it implements the
// API's tick on a stream node (api.Server.Tick). It is answered once
// JetStream acknowledged every sector's message, Deferred: the recorder
// decides it later, in the log's order (mission.Mission.Tick's rules
// there: nothing recorded for a time no later than the clock; before the
// parties have signed the recorder records nothing and logs the refusal,
// which the ingest node cannot foresee — the batch that signs may be
// published and not yet recorded). Refused at once, nothing published:
// on a regional node (it keeps no record, and its stream is sourced on
// its own link, out of the centre's order), for no time or one its
// header cannot carry (firstTick, lastTick), and without an
// agreement engine (ENOTFOUND); EUNAVAILABLE when JetStream does not
// acknowledge (the tick then waits in the outbox while the node lives:
// send it again).
func (g *Ingester) Tick(ctx context.Context, at time.Time) (mission.ClockResult, error) {
	return g.tick(ctx, at, false)
}

// TickIfDue is Tick decided as mission.TickIfDue: recorded only when it
// derives something where the recorder decides it (serve --tick-every).
func (g *Ingester) TickIfDue(ctx context.Context, at time.Time) (mission.ClockResult, error) {
	return g.tick(ctx, at, true)
}

func (g *Ingester) tick(ctx context.Context, at time.Time, ifDue bool) (mission.ClockResult, error) {
	if g.Region != "" {
		return mission.ClockResult{}, accord.Errorf(accord.EINVALID, "this regional ingest node (region %s) keeps no record and its stream reaches the centre on its own link, out of the centre's order: post the tick (POST /v1/clock) to a node of the centre that ingests (--role all or ingest)", g.Region)
	}
	if err := g.m.CheckTick(at); err != nil {
		return mission.ClockResult{}, err
	}
	if at.Before(firstTick) || at.After(lastTick) {
		// Its nanoseconds would wrap round in the header (HeaderTick),
		// and the recorder tick the clock to another time.
		return mission.ClockResult{}, accord.Errorf(accord.EINVALID, "a tick on a stream deployment is to a time from %s to %s (its UNIX nanoseconds travel in the stream): %s is not",
			firstTick.Format(time.RFC3339Nano), lastTick.Format(time.RFC3339Nano), at.UTC().Format(time.RFC3339Nano))
	}
	at = at.UTC()
	res := mission.ClockResult{Now: at, Derived: []engine.Derived{}, Deferred: true}
	g.mu.Lock()
	if err := g.flushOutbox(ctx, "the tick was not published; send it again later"); err != nil {
		g.mu.Unlock()
		return mission.ClockResult{}, err
	}
	msgs := g.tickMessages(at, ifDue)
	// The tick takes its turn to publish as a batch does (Ingest): after
	// the batch before it is acknowledged or parked, so that a message of
	// that batch published again is in the stream before the tick's.
	prior, done := g.turn, make(chan struct{})
	g.turn = done
	g.mu.Unlock()
	err := g.publishInTurn(context.WithoutCancel(ctx), prior, done, msgs, 0, "tick")
	if err == nil {
		g.mu.Lock()
		if at.After(g.ticked) {
			g.ticked = at
		}
		g.mu.Unlock()
	}
	if err != nil {
		// Parked in the outbox (in memory: a tick has no pending record
		// in the store), published by the drainer before anything else;
		// the next batch names the tick. Kept once, same message ids.
		return mission.ClockResult{}, &accord.Error{Code: accord.EUNAVAILABLE, Message: "JetStream did not acknowledge the tick, or what this node published before it (unreachable, or no leader): it waits in the node's outbox, published as soon as JetStream answers while the node lives; send it again to be answered once it is", Err: err}
	}
	return res, nil
}

// PresenceDueAt reports whether a tick to at passes a presence duty's
// deadline that neither the observations published (the front's clock)
// nor a tick this node published has passed: the sectors may then judge
// a period missing at it (sector.Worker.TickPresence), which the
// recorder's engine cannot tell (accord serve --tick-every asks both).
// Before the first observation, nothing is due: periods are counted
// from it.
func (g *Ingester) PresenceDueAt(at time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	from := g.presenceClock()
	if from.IsZero() {
		return false
	}
	if g.ticked.After(from) {
		from = g.ticked
	}
	if !at.After(from) {
		return false
	}
	for _, d := range g.deadlines {
		if !d.Judged(at).Equal(d.Judged(from)) {
			return true
		}
	}
	return false
}

// presenceClock is one pipeline's presence duties' clock as far as the
// node published: the later of the front's (fusion's) and the vessels'
// reports' (the caller holds mu).
func (g *Ingester) presenceClock() time.Time {
	if g.vessels.After(g.clock) {
		return g.vessels
	}
	return g.clock
}

// firstTick and lastTick bound the times a tick's header carries: UNIX
// nanoseconds, an int64.
var (
	firstTick = time.Unix(0, math.MinInt64).UTC()
	lastTick  = time.Unix(0, math.MaxInt64).UTC()
)

// tickMessages are a tick's messages, one per sector, and the tick the
// batch this node published last (HeaderAfter of the next). The caller
// holds mu.
func (g *Ingester) tickMessages(at time.Time, ifDue bool) []*nats.Msg {
	n := g.plan.N()
	name := tickBatch(at, ifDue)
	msgs := make([]*nats.Msg, 0, n)
	for s := range n {
		msg := nats.NewMsg(ObsSubject(s))
		msg.Header.Set(HeaderTick, strconv.FormatInt(at.UnixNano(), 10))
		if ifDue {
			msg.Header.Set(HeaderTickIfDue, "true")
		}
		msg.Header.Set(HeaderBatch, name)
		if n > 1 && g.last != "" && g.last != name {
			msg.Header.Set(HeaderAfter, g.last)
		}
		if n > 1 {
			msg.Header.Set(HeaderParts, strconv.Itoa(n))
		}
		if !g.clock.IsZero() {
			msg.Header.Set(HeaderFront, strconv.FormatInt(g.clock.UnixNano(), 10))
		}
		if n > 1 && !g.scanned.IsZero() {
			msg.Header.Set(HeaderScanned, strconv.FormatInt(g.scanned.UnixNano(), 10))
		}
		msg.Header.Set(nats.MsgIdHdr, name+"/"+strconv.Itoa(s))
		msgs = append(msgs, msg)
	}
	g.last = name
	return msgs
}

// tickOf reads a message's tick (HeaderTick, HeaderTickIfDue): zero when
// the message is not one, or its time does not read (an error).
func tickOf(h nats.Header) (at time.Time, ifDue bool, err error) {
	v := h.Get(HeaderTick)
	if v == "" {
		return time.Time{}, false, nil
	}
	ns, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("header %s: %q is not UNIX nanoseconds", HeaderTick, v)
	}
	return time.Unix(0, ns).UTC(), h.Get(HeaderTickIfDue) != "", nil
}
