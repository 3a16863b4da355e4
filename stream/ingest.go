package stream

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
)

// Ingester is an ingest node's stage: a batch is stored (the mission's
// store stage: kept once per key, its signed submission, if any, recorded
// in the ledger there), then its new observations are published to
// ObsStream, one message per sector they lie in or near, and the batch is
// answered once JetStream acknowledged every message. Fusion and the
// record follow asynchronously (the sector workers, the recorder): the
// answer counts what was added, and lists no incident.
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
	// sector's messages are in the order its observations were stored.
	mu sync.Mutex
	// Retry bounds how long a message JetStream did not acknowledge is
	// published again (with the same Nats-Msg-Id, so kept once) before
	// the batch is refused as unavailable.
	Retry time.Duration
}

// NewIngester returns the ingest stage of a mission over a connection.
func NewIngester(m *mission.Mission, c *Conn, plan Plan, metrics *Metrics) *Ingester {
	return &Ingester{m: m, js: c.JS, plan: plan, metrics: metrics, Retry: 30 * time.Second}
}

// Ingest stores a batch and publishes its new observations; it implements
// the API's ingest (api.Server.Ingest).
func (g *Ingester) Ingest(ctx context.Context, batch []monitor.Observation, sub *ledger.Submission) (mission.IngestResult, error) {
	res := mission.IngestResult{Incidents: []monitor.Incident{}}
	// Encoded and routed before the store's turn, so that batches
	// received at once do this in parallel.
	routed := g.route(batch)
	g.mu.Lock()
	st, err := g.m.Store(ctx, batch, sub)
	if err != nil {
		g.mu.Unlock()
		return res, err
	}
	res.Added, res.Duplicates = st.Added, st.Duplicates
	msgs := g.messages(batch, st.Fresh, routed)
	futures := make([]jetstream.PubAckFuture, len(msgs))
	for i, msg := range msgs {
		if futures[i], err = g.js.PublishMsgAsync(msg, jetstream.WithMsgID(msg.Header.Get(nats.MsgIdHdr))); err != nil {
			futures[i] = nil // published again below
		}
	}
	g.mu.Unlock()
	// Stored: the publication goes on whatever the caller does.
	ctx = context.WithoutCancel(ctx)
	for i, f := range futures {
		if err := g.await(ctx, msgs[i], f); err != nil {
			return res, err
		}
	}
	return res, nil
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
			g.published(ObsStream)
			return nil
		case <-f.Err():
		case <-time.After(10 * time.Second):
		}
	}
	deadline := time.Now().Add(g.Retry)
	var err error
	for wait := 100 * time.Millisecond; time.Now().Before(deadline); wait = min(2*wait, 2*time.Second) {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err = g.js.PublishMsg(pctx, msg, jetstream.WithMsgID(msg.Header.Get(nats.MsgIdHdr)))
		cancel()
		if err == nil {
			g.published(ObsStream)
			return nil
		}
		time.Sleep(wait)
	}
	return &accord.Error{Code: accord.EUNAVAILABLE, Message: fmt.Sprintf(
		"the batch is stored but JetStream did not acknowledge its message %s on %s within %v: the stream cluster is unreachable or has no leader; retry later", msg.Header.Get(nats.MsgIdHdr), msg.Subject, g.Retry), Err: err}
}

func (g *Ingester) published(stream string) {
	if g.metrics != nil {
		g.metrics.Published.WithLabelValues(stream).Inc()
	}
}

// messages splits the fresh observations of a batch (pointers into it,
// in its order) by sector: per sector, its own observations then its
// halo, as NDJSON, with the number of its own in HeaderOwn and the
// batch's digest in HeaderBatch and the message id.
func (g *Ingester) messages(batch []monitor.Observation, fresh []*monitor.Observation, r []routed) []*nats.Msg {
	if len(fresh) == 0 {
		return nil
	}
	n := g.plan.N()
	own := make([][][]byte, n)
	halo := make([][][]byte, n)
	h := sha256.New()
	j := 0
	for _, o := range fresh {
		for &batch[j] != o {
			j++
		}
		x := r[j]
		h.Write(x.line)
		own[x.own] = append(own[x.own], x.line)
		for _, s := range x.halo {
			if s != x.own {
				halo[s] = append(halo[s], x.line)
			}
		}
	}
	digest := hex.EncodeToString(h.Sum(nil))
	var msgs []*nats.Msg
	for s := range n {
		if len(own[s])+len(halo[s]) == 0 {
			continue
		}
		var body []byte
		for _, l := range own[s] {
			body = append(body, l...)
		}
		for _, l := range halo[s] {
			body = append(body, l...)
		}
		msg := nats.NewMsg(ObsSubject(s))
		msg.Data = body
		msg.Header.Set(HeaderOwn, strconv.Itoa(len(own[s])))
		msg.Header.Set(HeaderBatch, digest)
		msg.Header.Set(nats.MsgIdHdr, digest+"/"+strconv.Itoa(s))
		msgs = append(msgs, msg)
	}
	return msgs
}

// decodeObs reads an ObsStream message: its own observations and its
// halo.
func decodeObs(msg jetstream.Msg) (own, halo []*monitor.Observation, err error) {
	n, err := strconv.Atoi(msg.Headers().Get(HeaderOwn))
	if err != nil {
		return nil, nil, fmt.Errorf("message on %s: header %s %q: %v", msg.Subject(), HeaderOwn, msg.Headers().Get(HeaderOwn), err)
	}
	obs, err := monitor.Decode(bytes.NewReader(msg.Data()), msg.Subject())
	if err != nil {
		return nil, nil, err
	}
	if n > len(obs) {
		return nil, nil, fmt.Errorf("message on %s: header %s %d, but %d observations", msg.Subject(), HeaderOwn, n, len(obs))
	}
	ps := make([]*monitor.Observation, len(obs))
	for i := range obs {
		ps[i] = &obs[i]
	}
	return ps[:n], ps[n:], nil
}
