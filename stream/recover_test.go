package stream

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/sim"
)

// The messages Recover rebuilds from the store are those Ingest built
// from the batch posted: the same subjects, bodies, halo headers and
// message ids (so that JetStream keeps once a batch published before the
// node died and again after), for observations read back as the store
// keeps them (their feature, decoded).
func TestRecoveredMessagesAreIngests(t *testing.T) {
	m, batch := simulatedBatch(t)
	for _, sectors := range []int{1, 3} {
		s, err := Split(m, sectors)
		if err != nil {
			t.Fatal(err)
		}
		g := &Ingester{plan: s.Plan}
		// Fresh: every other observation (the others resends).
		var fresh []*monitor.Observation
		var stored []monitor.Observation
		for i := range batch {
			if i%2 == 0 {
				fresh = append(fresh, &batch[i])
				feature, err := batch[i].MarshalJSON()
				if err != nil {
					t.Fatal(err)
				}
				x, err := accord.DecodeObservation(feature)
				if err != nil {
					t.Fatal(err)
				}
				stored = append(stored, *x)
			}
		}
		want := g.messages(batch, fresh, g.route(batch))
		ptrs := make([]*monitor.Observation, len(stored))
		for i := range stored {
			ptrs[i] = &stored[i]
		}
		got := g.messages(stored, ptrs, g.route(stored))
		if len(got) != len(want) || len(want) == 0 {
			t.Fatalf("%d sectors: %d messages rebuilt, %d ingested", sectors, len(got), len(want))
		}
		for i := range want {
			if got[i].Subject != want[i].Subject || !bytes.Equal(got[i].Data, want[i].Data) ||
				got[i].Header.Get(HeaderHalo) != want[i].Header.Get(HeaderHalo) || got[i].Header.Get("Nats-Msg-Id") != want[i].Header.Get("Nats-Msg-Id") {
				t.Errorf("%d sectors, message %d: rebuilt %s id %s halo %q (%d bytes), ingested %s id %s halo %q (%d bytes)", sectors, i,
					got[i].Subject, got[i].Header.Get("Nats-Msg-Id"), got[i].Header.Get(HeaderHalo), len(got[i].Data),
					want[i].Subject, want[i].Header.Get("Nats-Msg-Id"), want[i].Header.Get(HeaderHalo), len(want[i].Data))
			}
		}
	}
}

// publishedAlready finds in ObsStream the message ids of pending records
// that it holds, reading from the oldest record's time less clockSkew
// (from the stream's start when a record's time is unknown), and no
// others.
func TestPublishedAlready(t *testing.T) {
	ctx := context.Background()
	c := leaseConn(t, leaseServer(t))
	publish := func(id string) {
		t.Helper()
		msg := nats.NewMsg(ObsSubject(0))
		msg.Header.Set(nats.MsgIdHdr, id)
		msg.Data = []byte("{}\n")
		if _, err := c.JS.PublishMsg(ctx, msg); err != nil {
			t.Fatal(err)
		}
	}
	rec := func(at time.Time, ids ...string) pendingBatch {
		r := pendingBatch{storedAt: at}
		for _, id := range ids {
			msg := nats.NewMsg(ObsSubject(0))
			msg.Header.Set(nats.MsgIdHdr, id)
			r.msgs = append(r.msgs, msg)
		}
		return r
	}
	for i := range 50 {
		publish(fmt.Sprintf("early/%d", i))
	}
	publish("a/0")
	publish("a/1")
	publish("b/0")
	now := time.Now()
	g := &Ingester{js: c.JS}
	for _, tc := range []struct {
		name string
		recs []pendingBatch
		want []string
	}{
		{"every message of a record", []pendingBatch{rec(now, "a/0", "a/1")}, []string{"a/0", "a/1"}},
		{"a record published in part", []pendingBatch{rec(now, "b/0", "b/1")}, []string{"b/0"}},
		{"a record never published", []pendingBatch{rec(now, "c/0")}, nil},
		{"two records, the oldest's time read from", []pendingBatch{rec(now, "a/1"), rec(now.Add(-time.Hour), "early/3")}, []string{"a/1", "early/3"}},
		{"stored after the messages, beyond the clocks' difference", []pendingBatch{rec(now.Add(2*clockSkew), "a/0")}, nil},
		{"a record's time unknown: from the stream's start", []pendingBatch{rec(now.Add(2*clockSkew), "a/0"), rec(time.Time{}, "early/0")}, []string{"a/0", "early/0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			found, err := g.publishedAlready(ctx, tc.recs)
			if err != nil {
				t.Fatal(err)
			}
			got := slices.Sorted(maps.Keys(found))
			if !slices.Equal(got, tc.want) {
				t.Errorf("found %v, want %v", got, tc.want)
			}
		})
	}
}

// BenchmarkPublishedAlready reads 100,000 messages' headers from
// ObsStream looking for an id that is not there (a record never
// published: the whole stream is read), and reports the messages read a
// second: what bounds an ingest node's start after a long stop.
func BenchmarkPublishedAlready(b *testing.B) {
	ctx := context.Background()
	e, err := StartEmbedded(EmbeddedConfig{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Shutdown()
	c, err := Connect(ctx, e.URL(), "bench")
	if err != nil {
		b.Fatal(err)
	}
	if err := EnsureStreams(ctx, c.JS, StreamConfig{}); err != nil {
		b.Fatal(err)
	}
	const n = 100_000
	body := bytes.Repeat([]byte(`{"type":"Feature"}`+"\n"), 100) // a message of about 1.9 KB
	for i := range n {
		msg := nats.NewMsg(ObsSubject(i % 4))
		msg.Header.Set(nats.MsgIdHdr, fmt.Sprintf("%064x/%d", i, i%4))
		msg.Data = body
		if _, err := c.JS.PublishMsgAsync(msg); err != nil {
			b.Fatal(err)
		}
	}
	<-c.JS.PublishAsyncComplete()
	g := &Ingester{js: c.JS}
	msg := nats.NewMsg(ObsSubject(0))
	msg.Header.Set(nats.MsgIdHdr, "missing/0")
	recs := []pendingBatch{{msgs: []*nats.Msg{msg}}}
	b.ResetTimer()
	for b.Loop() {
		if found, err := g.publishedAlready(ctx, recs); err != nil || len(found) != 0 {
			b.Fatalf("found %v, %v", found, err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// The routing state kept with a pending record (routingState) makes a
// batch's messages again as they were first made, headers and all, from
// a node whose state has moved on since (here: past the batch itself, as
// SeedClock leaves it when part of the batch reached the stream); the
// zero state round-trips as zero.
func TestRoutingStateRemakesTheMessages(t *testing.T) {
	m, obs := simulatedBatch(t)
	s, err := Split(m, 3)
	if err != nil {
		t.Fatal(err)
	}
	g := NewIngester(m, &Conn{}, s.Plan, nil)
	zero := g.routingState()
	if err := g.setRoutingState(zero); err != nil || !g.clock.IsZero() || !g.scanned.IsZero() || g.last != "" || !g.vessels.IsZero() {
		t.Fatalf("the zero state %s: %v, clock %v, scanned %v, last %q, vessels %v", zero, err, g.clock, g.scanned, g.last, g.vessels)
	}
	vessels := time.Date(2025, 6, 1, 7, 0, 0, 0, time.UTC)
	g.vessels = vessels // the vessels' clock, which HeaderPresenceTicks' lines depend on
	state := g.routingState()
	g.vessels = time.Time{}
	if err := g.setRoutingState(state); err != nil || !g.vessels.Equal(vessels) {
		t.Fatalf("the state %s: %v, vessels %v, want %v", state, err, g.vessels, vessels)
	}
	if err := g.setRoutingState(zero); err != nil {
		t.Fatal(err)
	}
	split := func(batch []monitor.Observation) []*nats.Msg {
		fresh := make([]*monitor.Observation, len(batch))
		for i := range batch {
			fresh[i] = &batch[i]
		}
		return g.messages(batch, fresh, g.route(batch))
	}
	const n = 10
	remade := 0
	for i := 0; i+2*n <= len(obs); i += n {
		state := g.routingState()
		want := split(obs[i : i+n])
		split(obs[i+n : i+2*n]) // the node moves on
		if err := g.setRoutingState(state); err != nil {
			t.Fatal(err)
		}
		got := split(obs[i : i+n])
		if len(got) != len(want) {
			t.Fatalf("batch at %d: %d messages remade, %d made", i, len(got), len(want))
		}
		for j := range want {
			if got[j].Subject != want[j].Subject || !bytes.Equal(got[j].Data, want[j].Data) || fmt.Sprint(got[j].Header) != fmt.Sprint(want[j].Header) {
				t.Fatalf("batch at %d, message %d: remade %s %v, made %s %v", i, j, got[j].Subject, got[j].Header, want[j].Subject, want[j].Header)
			}
		}
		remade += len(got)
	}
	t.Logf("%d messages of %d observations in batches of %d remade", remade, len(obs), n)
}

// simulatedBatch is a mission on the reference agreement, in memory, and
// twelve simulated hours of its front decoded as the API decodes a batch.
func simulatedBatch(t *testing.T) (*mission.Mission, []monitor.Observation) {
	t.Helper()
	a, k := monitortest.Reference(t)
	m, err := mission.Open(context.Background(), mission.Config{Agreement: a, Kernel: k, Observations: monitor.NewMemStore(), Incidents: monitor.NewMemIncidentStore()})
	if err != nil {
		t.Fatal(err)
	}
	cfg := sim.FromAgreement(a.Monitoring, k)
	cfg.Seed, cfg.Start, cfg.Duration, cfg.Rate = 5, time.Date(2025, 6, 1, 4, 0, 0, 0, time.UTC), 12*time.Hour, 30
	res, err := sim.Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	for _, o := range res.Observations {
		b, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		body.Write(append(b, '\n'))
	}
	batch, err := monitor.Decode(&body, "test")
	if err != nil {
		t.Fatal(err)
	}
	return m, batch
}
