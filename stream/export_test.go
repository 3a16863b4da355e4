package stream

import (
	"context"
	"errors"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// KillBeforeAck makes the workers of c call f before acknowledging a
// message; an error from f stops the worker there, as if it died.
func KillBeforeAck(c *Config, f func(sector int, seq uint64) error) { c.Worker.beforeAck = f }

// Link is a TCP link that can be cut and restored (a network link
// between two servers), for the tests of package stream_test.
type Link = link

// NewLink listens on a free loopback port and forwards to target.
func NewLink(target string) (*Link, error) { return newLink(target) }

// DieAfterStore makes g call f once a batch is stored, before its
// messages are published; an error from f ends Ingest there, as if the
// node died.
func DieAfterStore(g *Ingester, f func() error) {
	g.mu.Lock()
	g.afterStore = f
	g.mu.Unlock()
}

// DieBeforeForget makes g call f once a batch's messages are all
// acknowledged, before the store forgets its pending record; an error
// from f ends Ingest there, as if the node died.
func DieBeforeForget(g *Ingester, f func() error) {
	g.mu.Lock()
	g.beforeForget = f
	g.mu.Unlock()
}

// IngesterPlan is the plan an ingest node routes by.
func IngesterPlan(g *Ingester) Plan { return g.plan }

// RefuseAsyncPublish makes g's asynchronous publication of a batch's
// messages fail where refuse says (await then publishes the message
// again, synchronously), and g call before just before it does.
func RefuseAsyncPublish(g *Ingester, refuse func(*nats.Msg) bool, before func(*nats.Msg)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.testPublishAsync = func(msg *nats.Msg) (jetstream.PubAckFuture, error) {
		if refuse(msg) {
			return nil, errors.New("test: the asynchronous publication refused")
		}
		return g.js.PublishMsgAsync(msg, jetstream.WithMsgID(msg.Header.Get(nats.MsgIdHdr)))
	}
	g.beforeRepublish = before
}

// RefusePublication makes JetStream refuse every message g publishes
// while down says so: the asynchronous publications and the synchronous
// ones (published again, the outbox's), as a stream cluster without a
// leader would.
func RefusePublication(g *Ingester, down func() bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.testPublishAsync = func(msg *nats.Msg) (jetstream.PubAckFuture, error) {
		if down() {
			return nil, errors.New("test: JetStream down")
		}
		return g.js.PublishMsgAsync(msg, jetstream.WithMsgID(msg.Header.Get(nats.MsgIdHdr)))
	}
	g.testPublishSync = func(ctx context.Context, msg *nats.Msg) error {
		if down() {
			return errors.New("test: JetStream down")
		}
		_, err := g.js.PublishMsg(ctx, msg, jetstream.WithMsgID(msg.Header.Get(nats.MsgIdHdr)))
		return err
	}
}
