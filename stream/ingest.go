package stream

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sector"
)

// Ingester is an ingest node's stage: a batch is stored (the mission's
// store stage: kept once per key, its signed submission, if any, recorded
// in the ledger there), then its new observations are published to
// ObsStream, one message per sector they lie in or near, and the batch is
// answered once JetStream acknowledged every message. Fusion and the
// record follow asynchronously (the sector workers, the recorder): the
// answer counts what was added, lists no incident and says so
// (incidents_deferred).
//
// The store keeps, in the transaction that stores a batch, a pending
// record of its new observations for the node (Node;
// mission.StorePending), forgotten once JetStream acknowledged every
// message of the batch. A node that dies in between leaves the record:
// the node started again under the same name publishes it before it takes
// a batch (Recover), with the same message ids, so that what JetStream
// had already is kept once. Without it, the client's retry of such a
// batch finds every observation stored and nothing is published: stored,
// never fused nor recorded.
//
// Signed submissions are recorded at ingest, by the store stage, as in
// the embedded deployment: the ledger then holds the submission before
// any incident its batch changes. An ingest node therefore holds the
// ledger (roles all, or ingest beside the recorder); carrying submissions
// through the stream to a recorder on another machine is not done.
type Ingester struct {
	m       *mission.Mission
	js      jetstream.JetStream
	plan    Plan
	metrics *Metrics
	// mu keeps the order of publication the store's order, so that one
	// sector's messages are in the order its observations were stored:
	// batches are stored, and their messages made, one at a time, and
	// each takes its turn to publish (turn) in that order.
	mu sync.Mutex
	// turn closes once the last batch stored has had its publication:
	// every message acknowledged, or those not acknowledged parked in the
	// outbox. The next batch publishes only then (under mu), so that a
	// message JetStream did not acknowledge at once, published again, is
	// still in the stream before the next batch's messages to its sector
	// (a sector's fusion takes them in the stream's order).
	turn chan struct{}
	// failedAt is when JetStream last failed to acknowledge a message
	// (a batch's within Retry, the outbox's by flush's deadline), as
	// nanoseconds since born, a monotonic reading (a step of the system's
	// clock does not move it), plus one; 0 once it acknowledges one
	// again: a batch whose turn
	// comes within firstAck of it does not try again (publishInTurn,
	// publish), nor does one that would publish the outbox before it is
	// stored (flushOutbox).
	failedAt atomic.Int64
	born     time.Time
	// outMu guards the outbox and its drainer; taken after mu when both
	// are.
	outMu sync.Mutex
	// Retry bounds how long a message JetStream did not acknowledge is
	// published again (with the same Nats-Msg-Id, so kept once) before
	// the batch is refused as unavailable.
	Retry time.Duration
	// Node names the ingest node in the store's outbox: its pending
	// records are this name's. It must be the same across the node's
	// restarts and differ from every other ingest node's of the
	// deployment (Config.Node).
	Node string
	// Logger tells of a record the store could not forget (nil: none).
	Logger *slog.Logger
	// Region, when set, makes this a regional ingest node (see
	// Ingester.Ingest): the connection is the regional NATS server's, the
	// batch is not stored, and its messages go to the region's own
	// stream, RegionSubject(Region, sector), marked HeaderUnstored.
	Region string

	// clock is the latest observed_at of the observations published that
	// fusion takes (not a vessel's), for HeaderClock (under mu).
	clock time.Time
	// scanned is one pipeline's fusion's clock when it last looked for
	// incidents to close, which it does when its clock passed the last
	// look by scanEvery (1/96 of its horizon), for HeaderTicks and
	// HeaderScanned (under mu); scanEvery zero: no ticks told.
	scanned   time.Time
	scanEvery time.Duration
	// duties are the presence duties whose missing reports a sector hands
	// out (the sector of the duty's zone's centre): that sector is told
	// the front's clock where it passes one of their deadlines
	// (HeaderTicks), where one pipeline judges the period.
	duties []presenceDuty
	// deadlines are every presence duty's, and ticked the latest tick of
	// the agreement's clock this node published (under mu), for
	// PresenceDueAt.
	deadlines []monitor.PresenceDeadline
	ticked    time.Time
	// vessels is the latest observed_at of the vessels' reports
	// published, or read back from the stream (SeedClock, FollowClock)
	// (under mu): one pipeline's presence duties' clock is the later of
	// it and clock (HeaderPresenceTicks, PresenceDueAt).
	vessels time.Time
	// last is the batch (HeaderBatch) this node published last, or at its
	// start the stream's last, with lastSeq its ObsStream sequence then,
	// for HeaderAfter (under mu).
	last    string
	lastSeq uint64

	// outbox holds the messages of stored batches that JetStream did not
	// acknowledge within Retry (their batch was answered unavailable),
	// and those of the records Recover found: a client's retry of such a
	// batch finds its observations stored, so nothing of it would be
	// published again. They are published, in order, before anything else
	// is stored (Ingest), and by a drainer while no batch comes (drain).
	// Guarded by outMu. The store's pending records keep them across a
	// restart.
	outbox   []parked
	draining bool
	stop     chan struct{}
	stopOnce sync.Once

	// afterStore, in tests, runs once a batch is stored, before its
	// messages are published; an error ends Ingest there, as if the node
	// died.
	afterStore func() error
	// beforeForget, in tests, runs once a batch's messages are all
	// acknowledged, before its pending record is forgotten; an error ends
	// Ingest there, as if the node died.
	beforeForget func() error
	// testPublishAsync, in tests, publishes a batch's messages
	// asynchronously instead of JetStream's PublishMsgAsync, and
	// beforeRepublish runs before await publishes again a message not
	// acknowledged at once.
	testPublishAsync func(*nats.Msg) (jetstream.PubAckFuture, error)
	beforeRepublish  func(*nats.Msg)
	// testPublishSync, in tests, publishes a message synchronously (the
	// outbox's, one published again) instead of JetStream's PublishMsg.
	testPublishSync func(context.Context, *nats.Msg) error
}

// parked is a message in the outbox; record, on the last message of a
// batch, is the batch's pending record in the store, forgotten once the
// message is acknowledged.
type parked struct {
	msg    *nats.Msg
	record int64
}

// firstAck is how long a message's first publication waits for its
// acknowledgement before it is published again (same message id): about
// a JetStream leader election.
const firstAck = 2 * time.Second

// NewIngester returns the ingest stage of a mission over a connection.
func NewIngester(m *mission.Mission, c *Conn, plan Plan, metrics *Metrics) *Ingester {
	horizon := m.FusionConfig().Horizon
	if horizon == 0 {
		horizon = 24 * time.Hour // fusion's default
	}
	g := &Ingester{m: m, js: c.JS, plan: plan, metrics: metrics, Retry: 30 * time.Second, stop: make(chan struct{}), scanEvery: horizon / 96, born: time.Now()}
	if m.Monitoring() != nil {
		g.deadlines = monitor.PresenceDeadlines(m.Monitoring())
	}
	if of, ok := plan.(interface{ Of(lon, lat float64) int }); ok && plan.N() > 1 && m.Monitoring() != nil {
		for _, d := range monitor.PresenceDeadlines(m.Monitoring()) {
			g.duties = append(g.duties, presenceDuty{sector: of.Of(d.Centre[0], d.Centre[1]), d: d})
		}
	}
	return g
}

// presenceDuty is a presence duty and the sector that hands out its
// missing reports.
type presenceDuty struct {
	sector int
	d      monitor.PresenceDeadline
}

// Close stops the outbox's drainer; messages still in it are logged by
// the caller from Unpublished.
func (g *Ingester) Close() { g.stopOnce.Do(func() { close(g.stop) }) }

// Unpublished is the number of messages of stored batches waiting in the
// outbox for JetStream.
func (g *Ingester) Unpublished() int {
	g.outMu.Lock()
	defer g.outMu.Unlock()
	return len(g.outbox)
}

// flush publishes the outbox's messages in order, each until acknowledged
// or the deadline; it returns the first error, the rest kept. The caller
// holds outMu.
func (g *Ingester) flush(ctx context.Context, deadline time.Time) error {
	for len(g.outbox) > 0 {
		msg := g.outbox[0].msg
		var err error
		for wait := 100 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err = g.publishSync(pctx, msg)
			cancel()
			if err == nil || !time.Now().Add(wait).Before(deadline) {
				break
			}
			select {
			case <-g.stop:
				return err
			case <-time.After(wait):
			}
		}
		if err != nil {
			g.failed()
			return err
		}
		g.published()
		g.forget(ctx, g.outbox[0].record)
		g.outbox[0] = parked{}
		g.outbox = g.outbox[1:]
	}
	g.outbox = nil
	return nil
}

// forget forgets a batch's pending record (none when 0) once its
// messages are all acknowledged. A record the store could not forget is
// logged and left: the node's next start finds its messages in the
// stream and does not publish them again (Recover).
func (g *Ingester) forget(ctx context.Context, record int64) {
	if record == 0 {
		return
	}
	if err := g.m.Published(context.WithoutCancel(ctx), record); err != nil && g.Logger != nil {
		g.Logger.Warn("stream: the store did not forget a batch's pending record once its messages were acknowledged; it is published again at the node's next start", "node", g.Node, "record", record, "err", err)
	}
}

// park puts messages of a stored batch that JetStream did not
// acknowledge into the outbox, the last with the batch's pending record,
// and starts the drainer.
func (g *Ingester) park(msgs []*nats.Msg, record int64) {
	g.outMu.Lock()
	defer g.outMu.Unlock()
	g.parkLocked(msgs, record)
}

// parkLocked is park; the caller holds outMu.
func (g *Ingester) parkLocked(msgs []*nats.Msg, record int64) {
	for i, msg := range msgs {
		p := parked{msg: msg}
		if i == len(msgs)-1 {
			p.record = record
		}
		g.outbox = append(g.outbox, p)
	}
	if !g.draining {
		g.draining = true
		go g.drain()
	}
}

// drain publishes the outbox while no batch does it, until it is empty
// or the ingester closes.
func (g *Ingester) drain() {
	for wait := time.Second; ; wait = min(2*wait, 10*time.Second) {
		select {
		case <-g.stop:
			return
		case <-time.After(wait):
		}
		g.outMu.Lock()
		err := g.flush(context.Background(), time.Now().Add(5*time.Second))
		if err == nil {
			g.draining = false
			g.outMu.Unlock()
			return
		}
		g.outMu.Unlock()
	}
}

// Ingest stores a batch and publishes its new observations; it implements
// the API's ingest (api.Server.Ingest).
//
// A regional ingest node (Region set) validates the batch as every node
// does (the API's decoder) but does not store it: the observation store is
// at the centre, which a region cut off cannot reach. It publishes every
// observation of the batch to the region's stream, marked HeaderUnstored,
// and answers once the regional stream acknowledged every message:
// durable on the regional node, link or no link. The sector worker that
// takes a message at the centre stores its own lines before fusing them
// (Worker). The answer counts the batch's observations as added: which of
// them the store already holds is known only there. A signed batch is
// refused: its submission is recorded in the ledger at ingest, and a
// regional node has none.
func (g *Ingester) Ingest(ctx context.Context, batch []monitor.Observation, sub *ledger.Submission) (mission.IngestResult, error) {
	res := mission.IngestResult{Incidents: []monitor.Incident{}, IncidentsDeferred: true}
	if g.Region != "" && sub != nil {
		return res, accord.Errorf(accord.EINVALID, "this regional ingest node (region %s) keeps no record and stores nothing: post signed batches to a node that runs the recorder (--role all), whose ledger records their submission", g.Region)
	}
	// Encoded and routed before the store's turn, so that batches
	// received at once do this in parallel.
	routed := g.route(batch)
	g.mu.Lock()
	// Messages of batches stored earlier and not yet acknowledged go
	// first: a retry of such a batch (its observations stored, so none
	// fresh) is answered only once they are published; and nothing more
	// is stored while they cannot be.
	if err := g.flushOutbox(ctx, "nothing of this batch was stored; retry later"); err != nil {
		g.mu.Unlock()
		return res, err
	}
	var fresh []*monitor.Observation
	var record int64
	if g.Region == "" {
		st, id, err := g.m.StorePending(ctx, batch, sub, g.Node, g.routingState())
		if err != nil {
			g.mu.Unlock()
			return res, err
		}
		res.Added, res.Duplicates, fresh, record = st.Added, st.Duplicates, st.Fresh, id
		if g.afterStore != nil {
			if err := g.afterStore(); err != nil {
				g.mu.Unlock()
				return res, err
			}
		}
	} else {
		fresh = make([]*monitor.Observation, len(batch))
		for i := range batch {
			fresh[i] = &batch[i]
		}
		res.Added = len(batch)
	}
	msgs := g.messages(batch, fresh, routed)
	prior, done := g.turn, make(chan struct{})
	g.turn = done
	g.mu.Unlock()
	// Stored (or, in a region, being published): the publication goes on
	// whatever the caller does; the next batch's waits for its end.
	err := g.publishInTurn(context.WithoutCancel(ctx), prior, done, msgs, record, "batch")
	if err != nil {
		return res, err
	}
	if g.beforeForget != nil {
		if err := g.beforeForget(); err != nil {
			return res, err
		}
	}
	g.forget(ctx, record)
	return res, nil
}

// publishInTurn publishes messages (a batch's, what is a batch says) in
// their turn: once the turn before, prior, is over (nil: none), its own,
// done, closing when they are all acknowledged, or, not acknowledged
// within Retry, parked in the outbox (a stored batch's, record its
// pending record) or given up (a regional node's). A turn that comes
// within firstAck of JetStream's last failure to acknowledge does not
// wait Retry again: the batches queued behind one that failed are
// answered unavailable at once, in turn, not each Retry later (a stored
// batch's messages parked, published by the drainer in order), until
// JetStream acknowledges a message again.
func (g *Ingester) publishInTurn(ctx context.Context, prior, done chan struct{}, msgs []*nats.Msg, record int64, what string) error {
	defer close(done)
	if prior != nil {
		<-prior
	}
	if g.failedLately() {
		if g.Region != "" {
			return &accord.Error{Code: accord.EUNAVAILABLE, Message: fmt.Sprintf(
				"the regional stream %s did not acknowledge the %s before this one within %v: this one is not published either; retry it (what it published already is kept once)", RegionStream(g.Region), what, g.Retry)}
		}
		if len(msgs) > 0 {
			g.park(msgs, record)
		}
		return &accord.Error{Code: accord.EUNAVAILABLE, Message: fmt.Sprintf(
			"JetStream did not acknowledge what this node published before this %s within %v (unreachable, or no leader): its messages wait in the node's outbox after those, published as soon as JetStream answers; a retry of it is answered once they are", what, g.Retry)}
	}
	futures, err := g.publish(ctx, msgs, record)
	if err != nil {
		return err
	}
	for i, f := range futures {
		if err := g.await(ctx, msgs[i], f); err != nil {
			g.failed()
			if g.Region == "" {
				// Stored: what is not acknowledged is published later,
				// before anything else is (a message acknowledged
				// meanwhile is kept once: same message id).
				g.park(msgs[i:], record)
			}
			return err
		}
	}
	return nil
}

// flushOutbox publishes the outbox's messages (of batches stored
// earlier), up to Retry; when it cannot, the error says so and then what
// of the batch at hand: consequence.
func (g *Ingester) flushOutbox(ctx context.Context, consequence string) error {
	g.outMu.Lock()
	defer g.outMu.Unlock()
	n := len(g.outbox)
	if n == 0 {
		return nil
	}
	if g.failedLately() {
		// Queued behind a batch (or the drainer) that could not publish
		// the outbox: refused at once, not Retry later again.
		return &accord.Error{Code: accord.EUNAVAILABLE, Message: fmt.Sprintf(
			"%d messages of batches stored earlier still wait for JetStream, which did not acknowledge them lately (unreachable, or no leader): %s", n, consequence)}
	}
	if err := g.flush(ctx, time.Now().Add(g.Retry)); err != nil {
		return &accord.Error{Code: accord.EUNAVAILABLE, Message: fmt.Sprintf(
			"%d messages of batches stored earlier still wait for JetStream (unreachable, or no leader): %s", n, consequence), Err: err}
	}
	return nil
}

// publish publishes a batch's messages asynchronously, in order, once
// the outbox is empty: what a batch before this one parked there is in
// the stream before them. When the outbox cannot be published, a stored
// batch's messages are parked after it (published by the drainer) and
// the error says so; a regional node's batch is refused.
func (g *Ingester) publish(ctx context.Context, msgs []*nats.Msg, record int64) ([]jetstream.PubAckFuture, error) {
	g.outMu.Lock()
	defer g.outMu.Unlock()
	if n := len(g.outbox); n > 0 {
		var err error
		if g.failedLately() {
			// The outbox failed while this batch waited for it (the
			// drainer's publication): not tried again Retry long.
			err = errors.New("JetStream did not acknowledge the outbox's messages lately")
		} else {
			err = g.flush(ctx, time.Now().Add(g.Retry))
		}
		if err != nil {
			if g.Region == "" && len(msgs) > 0 {
				g.parkLocked(msgs, record)
			}
			return nil, &accord.Error{Code: accord.EUNAVAILABLE, Message: fmt.Sprintf(
				"the batch is stored but %d messages of batches stored before it still wait for JetStream (unreachable, or no leader): its own are published after them, as soon as JetStream answers, and a retry of the batch is answered once they are", n), Err: err}
		}
	}
	futures := make([]jetstream.PubAckFuture, len(msgs))
	for i, msg := range msgs {
		f, err := g.publishAsync(msg)
		if err == nil {
			futures[i] = f
		} // else nil: published again by await
	}
	return futures, nil
}

// publishSync publishes a message and waits for its acknowledgement
// (testPublishSync, in tests, instead).
func (g *Ingester) publishSync(ctx context.Context, msg *nats.Msg) error {
	if g.testPublishSync != nil {
		return g.testPublishSync(ctx, msg)
	}
	_, err := g.js.PublishMsg(ctx, msg, jetstream.WithMsgID(msg.Header.Get(nats.MsgIdHdr)))
	return err
}

// publishAsync publishes a message asynchronously (testPublishAsync, in
// tests, instead).
func (g *Ingester) publishAsync(msg *nats.Msg) (jetstream.PubAckFuture, error) {
	if g.testPublishAsync != nil {
		return g.testPublishAsync(msg)
	}
	return g.js.PublishMsgAsync(msg, jetstream.WithMsgID(msg.Header.Get(nats.MsgIdHdr)))
}

// routed is an observation of a batch encoded (one NDJSON line) and
// routed: its sector and the sectors whose halo it lies in.
type routed struct {
	line []byte
	own  int
	halo []int
}

func (g *Ingester) route(batch []monitor.Observation) []routed {
	out := make([]routed, len(batch))
	var buf bytes.Buffer
	for i := range batch {
		buf.Reset()
		monitor.Encode(&buf, batch[i:i+1])
		out[i].line = bytes.Clone(buf.Bytes())
		out[i].own, out[i].halo = g.plan.Route(&batch[i])
	}
	return out
}

// await waits for a message's acknowledgement, publishing it again (same
// message id) while JetStream does not acknowledge it, up to Retry.
func (g *Ingester) await(ctx context.Context, msg *nats.Msg, f jetstream.PubAckFuture) error {
	if f != nil {
		select {
		case <-f.Ok():
			g.published()
			return nil
		case <-f.Err():
		case <-time.After(firstAck):
		}
	}
	if g.beforeRepublish != nil {
		g.beforeRepublish(msg)
	}
	deadline := time.Now().Add(g.Retry)
	var err error
	for wait := 100 * time.Millisecond; time.Now().Before(deadline); wait = min(2*wait, 2*time.Second) {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err = g.publishSync(pctx, msg)
		cancel()
		if err == nil {
			g.published()
			return nil
		}
		time.Sleep(wait)
	}
	if g.Region != "" {
		return &accord.Error{Code: accord.EUNAVAILABLE, Message: fmt.Sprintf(
			"the regional stream %s did not acknowledge the message %s on %s within %v: the regional NATS server is unreachable or has no JetStream; the batch is not acknowledged: retry it (its messages acknowledged already are kept once)", RegionStream(g.Region), msg.Header.Get(nats.MsgIdHdr), msg.Subject, g.Retry), Err: err}
	}
	return &accord.Error{Code: accord.EUNAVAILABLE, Message: fmt.Sprintf(
		"the batch is stored but JetStream did not acknowledge its message %s on %s within %v: the stream cluster is unreachable or has no leader; the node publishes it as soon as JetStream answers, and a retry of the batch is answered once it is", msg.Header.Get(nats.MsgIdHdr), msg.Subject, g.Retry), Err: err}
}

// failed notes that JetStream did not acknowledge a message in time.
func (g *Ingester) failed() { g.failedAt.Store(int64(time.Since(g.born)) + 1) }

// failedLately says whether JetStream failed to acknowledge a message
// within firstAck of now, and has acknowledged none since.
func (g *Ingester) failedLately() bool {
	t := g.failedAt.Load()
	return t != 0 && time.Since(g.born)-time.Duration(t-1) < firstAck
}

func (g *Ingester) published() {
	g.failedAt.Store(0) // JetStream answers again
	if g.metrics != nil {
		stream := ObsStream
		if g.Region != "" {
			stream = RegionStream(g.Region)
		}
		g.metrics.Published.WithLabelValues(stream).Inc()
	}
}

// messages splits the fresh observations of a batch (pointers into it,
// in its order) by sector: per sector, the observations that lie in it
// and those in its halo, in the batch's order, as NDJSON, with the halo's
// lines in HeaderHalo and the batch's digest in HeaderBatch and the
// message id.
func (g *Ingester) messages(batch []monitor.Observation, fresh []*monitor.Observation, r []routed) []*nats.Msg {
	if len(fresh) == 0 {
		return nil
	}
	n := g.plan.N()
	body := make([][]byte, n)
	lines := make([]int, n)
	halo := make([][]byte, n) // the halo's line numbers, comma-separated
	// Each line's place in the whole batch (HeaderLines).
	at := make([][]byte, n)
	place := func(s, line int) {
		if len(at[s]) > 0 {
			at[s] = append(at[s], ',')
		}
		at[s] = strconv.AppendInt(at[s], int64(line), 10)
	}
	// The front's clock at each line, where it is past what the part's
	// own lines say (HeaderClock).
	clocks := make([][]byte, n)
	partLatest := make([]time.Time, n)
	clock := func(s int, o *monitor.Observation) {
		if o.ObservedAt.After(partLatest[s]) && !monitor.IsVesselEvent(o.Event) {
			partLatest[s] = o.ObservedAt
		}
		if g.clock.After(partLatest[s]) {
			if len(clocks[s]) > 0 {
				clocks[s] = append(clocks[s], ',')
			}
			clocks[s] = strconv.AppendInt(clocks[s], int64(lines[s]), 10)
			clocks[s] = append(clocks[s], ':')
			clocks[s] = strconv.AppendInt(clocks[s], g.clock.UnixNano(), 10)
		}
	}
	// The lines where one pipeline's fusion looks for incidents to close,
	// for the sectors whose part has not the line (HeaderTicks).
	ticks := make([][]byte, n)
	ticked := make([]int, n) // 1 + the last line ticked, per sector
	tick := func(line int, x routed, to func(s int) bool) {
		for s := range n {
			if s == x.own || slices.Contains(x.halo, s) || ticked[s] == line+1 || !to(s) {
				continue
			}
			ticked[s] = line + 1
			if len(ticks[s]) > 0 {
				ticks[s] = append(ticks[s], ',')
			}
			ticks[s] = strconv.AppendInt(ticks[s], int64(line), 10)
			ticks[s] = append(ticks[s], ':')
			ticks[s] = strconv.AppendInt(ticks[s], g.clock.UnixNano(), 10)
		}
	}
	// The lines where a vessel's report passes a presence duty's deadline
	// in another sector (HeaderPresenceTicks).
	pticks := make([][]byte, n)
	pticked := make([]int, n) // 1 + the last line presence-ticked, per sector
	presenceTick := func(line int, x routed, s int, at time.Time) {
		if s == x.own || slices.Contains(x.halo, s) {
			return // the sector sees the report itself
		}
		if pticked[s] == line+1 {
			return // another duty of the sector's passed at the line: once
		}
		pticked[s] = line + 1
		if len(pticks[s]) > 0 {
			pticks[s] = append(pticks[s], ',')
		}
		pticks[s] = strconv.AppendInt(pticks[s], int64(line), 10)
		pticks[s] = append(pticks[s], ':')
		pticks[s] = strconv.AppendInt(pticks[s], at.UnixNano(), 10)
	}
	h := sha256.New()
	j := 0
	for line, o := range fresh {
		for &batch[j] != o {
			j++
		}
		x := r[j]
		h.Write(x.line)
		if !monitor.IsVesselEvent(o.Event) {
			before := g.clock
			if o.ObservedAt.After(g.clock) {
				g.clock = o.ObservedAt // fusion's clock: vessels are tracked, not fused
			}
			if n > 1 && g.scanEvery > 0 && g.clock.Sub(g.scanned) > g.scanEvery {
				g.scanned = g.clock // as fusion.Engine.Add looks
				tick(line, x, func(int) bool { return true })
			}
			// Where the clock passes a presence duty's deadline, one
			// pipeline judges the period: the duty's sector too.
			for _, d := range g.duties {
				if g.clock.After(before) && !d.d.Judged(g.clock).Equal(d.d.Judged(before)) {
					tick(line, x, func(s int) bool { return s == d.sector })
				}
			}
		}
		if monitor.IsVesselEvent(o.Event) { // on 1 sector too: PresenceDueAt
			before := g.presenceClock()
			if o.ObservedAt.After(g.vessels) {
				g.vessels = o.ObservedAt
			}
			now := g.presenceClock()
			for _, d := range g.duties {
				if now.After(before) && !d.d.Judged(now).Equal(d.d.Judged(before)) {
					presenceTick(line, x, d.sector, now)
				}
			}
		}
		clock(x.own, o)
		place(x.own, line)
		body[x.own] = append(body[x.own], x.line...)
		lines[x.own]++
		for _, s := range x.halo {
			if s == x.own {
				continue
			}
			if len(halo[s]) > 0 {
				halo[s] = append(halo[s], ',')
			}
			halo[s] = strconv.AppendInt(halo[s], int64(lines[s]), 10)
			clock(s, o)
			place(s, line)
			body[s] = append(body[s], x.line...)
			lines[s]++
		}
	}
	digest := hex.EncodeToString(h.Sum(nil))
	parts := 0
	for s := range n {
		if lines[s] > 0 || len(ticks[s]) > 0 || len(pticks[s]) > 0 {
			parts++
		}
	}
	var msgs []*nats.Msg
	for s := range n {
		if lines[s] == 0 && len(ticks[s]) == 0 && len(pticks[s]) == 0 {
			continue
		}
		subject := ObsSubject(s)
		if g.Region != "" {
			subject = RegionSubject(g.Region, s)
		}
		msg := nats.NewMsg(subject)
		msg.Data = body[s]
		if g.Region != "" {
			msg.Header.Set(HeaderUnstored, g.Region)
		}
		if len(halo[s]) > 0 {
			msg.Header.Set(HeaderHalo, string(halo[s]))
		}
		msg.Header.Set(HeaderBatch, digest)
		if n > 1 && g.last != "" && g.last != digest {
			msg.Header.Set(HeaderAfter, g.last)
		}
		if parts > 1 {
			msg.Header.Set(HeaderParts, strconv.Itoa(parts))
			msg.Header.Set(HeaderLines, string(at[s]))
		}
		if n > 1 && len(clocks[s]) > 0 {
			// A batch in one sector's part too: the front may have come
			// further in the others'. One sector sees the whole front.
			msg.Header.Set(HeaderClock, string(clocks[s]))
		}
		if len(ticks[s]) > 0 {
			msg.Header.Set(HeaderTicks, string(ticks[s]))
		}
		if len(pticks[s]) > 0 {
			msg.Header.Set(HeaderPresenceTicks, string(pticks[s]))
		}
		if n > 1 && !g.scanned.IsZero() {
			msg.Header.Set(HeaderScanned, strconv.FormatInt(g.scanned.UnixNano(), 10))
		}
		msg.Header.Set(nats.MsgIdHdr, digest+"/"+strconv.Itoa(s))
		msgs = append(msgs, msg)
	}
	if len(msgs) > 0 {
		g.last = digest
	}
	return msgs
}

// decodeLines reads a message's HeaderLines: the line of the whole batch
// of each of its n lines; nil when it has none (a batch in one part).
func decodeLines(subject string, header nats.Header, n int) ([]int, error) {
	h := header.Get(HeaderLines)
	if h == "" {
		return nil, nil
	}
	lines := make([]int, 0, n)
	for f := range strings.SplitSeq(h, ",") {
		l, err := strconv.Atoi(f)
		if err != nil || l < 0 || len(lines) > 0 && l <= lines[len(lines)-1] {
			return nil, fmt.Errorf("message on %s: header %s: %q is not a line of the batch after the one before", subject, HeaderLines, f)
		}
		lines = append(lines, l)
	}
	if len(lines) != n {
		return nil, fmt.Errorf("message on %s: header %s lists %d lines of its %d observations", subject, HeaderLines, len(lines), n)
	}
	return lines, nil
}

// decodeTicks reads a message's HeaderTicks: the lines of the whole
// batch, not in the message's part, where one pipeline's fusion looks for
// incidents to close, with the front's clock there; nil when none.
func decodeTicks(subject string, header nats.Header) ([]sector.Tick, error) {
	ticks, err := decodeTicksOf(subject, header, HeaderTicks)
	if err != nil {
		return nil, err
	}
	pres, err := decodeTicksOf(subject, header, HeaderPresenceTicks)
	if err != nil || len(pres) == 0 {
		return ticks, err
	}
	for i := range pres {
		pres[i].Presence = true
	}
	all := append(ticks, pres...)
	slices.SortStableFunc(all, func(a, b sector.Tick) int { return a.Line - b.Line })
	return all, nil
}

// decodeTicksOf reads a header of ticks (HeaderTicks' form).
func decodeTicksOf(subject string, header nats.Header, name string) ([]sector.Tick, error) {
	h := header.Get(name)
	if h == "" {
		return nil, nil
	}
	var ticks []sector.Tick
	for f := range strings.SplitSeq(h, ",") {
		line, at, ok := strings.Cut(f, ":")
		l, err := strconv.Atoi(line)
		ns, err2 := strconv.ParseInt(at, 10, 64)
		if !ok || err != nil || err2 != nil || l < 0 || len(ticks) > 0 && l <= ticks[len(ticks)-1].Line {
			return nil, fmt.Errorf("message on %s: header %s: %q is not LINE:UNIX-NANOSECONDS of a line of the batch after the one before", subject, name, f)
		}
		ticks = append(ticks, sector.Tick{Line: l, Clock: time.Unix(0, ns).UTC()})
	}
	return ticks, nil
}

// decodeObsParts reads an ObsStream message's subject, data and headers:
// its observations in their batch's order, which of them lie in the
// message's sector (the others are its halo), and the front's clock at
// each (HeaderClock; nil when it has none).
func decodeObsParts(subject string, data []byte, header nats.Header) (obs []*monitor.Observation, own []bool, clocks []time.Time, err error) {
	all, err := monitor.Decode(bytes.NewReader(data), subject)
	if err != nil {
		return nil, nil, nil, err
	}
	obs = make([]*monitor.Observation, len(all))
	own = make([]bool, len(all))
	for i := range all {
		obs[i], own[i] = &all[i], true
	}
	if h := header.Get(HeaderHalo); h != "" {
		for f := range strings.SplitSeq(h, ",") {
			i, err := strconv.Atoi(f)
			if err != nil || i < 0 || i >= len(all) {
				return nil, nil, nil, fmt.Errorf("message on %s: header %s %q: %q is not a line of its %d observations", subject, HeaderHalo, h, f, len(all))
			}
			own[i] = false
		}
	}
	if h := header.Get(HeaderClock); h != "" {
		clocks = make([]time.Time, len(all))
		for f := range strings.SplitSeq(h, ",") {
			line, at, ok := strings.Cut(f, ":")
			i, err := strconv.Atoi(line)
			ns, err2 := strconv.ParseInt(at, 10, 64)
			if !ok || err != nil || err2 != nil || i < 0 || i >= len(all) {
				return nil, nil, nil, fmt.Errorf("message on %s: header %s: %q is not LINE:UNIX-NANOSECONDS of one of its %d observations", subject, HeaderClock, f, len(all))
			}
			clocks[i] = time.Unix(0, ns).UTC()
		}
	}
	return obs, own, clocks, nil
}
