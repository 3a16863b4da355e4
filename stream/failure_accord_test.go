package stream_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/stream"
)

// TestFailureAccordNodeKilled runs accord's own stream path — a node in
// role all (ingest over HTTP, sector worker, recorder) — over a 3-node
// JetStream cluster (streams R3) and crashes one cluster node under
// ingestion, first a follower of ACCORD_OBS, then its leader, restarting
// each: a batch counts as acknowledged only when answered 200 (a client
// posts it again until it is); once all is posted and recorded, every
// acknowledged observation is in the incident store as in the embedded
// default — the same incidents, agreement state and ledger length — and
// nothing was fused twice. How long the 200s paused is logged, not
// asserted.
//
// The second case lets the ingest give up after 300 ms (Ingester.Retry):
// the batches it answers 503 are stored but not yet published; the
// ingest keeps their messages in its outbox and publishes them before it
// stores anything else, so the client's retry (its observations now
// duplicates) is answered 200 only once they are in the stream. Before
// the outbox such observations were acknowledged and never fused (seen:
// 1,611 and 1,612 incidents against the embedded default's 1,615).
func TestFailureAccordNodeKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 3-node cluster")
	}
	for _, tc := range []struct {
		name  string
		retry time.Duration // Ingester.Retry; 0: its default
	}{
		{"ingest waits for JetStream", 0},
		{"ingest gives up after 300ms", 300 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			accordNodeKilled(t, tc.retry)
		})
	}
}

func accordNodeKilled(t *testing.T, ingestRetry time.Duration) {
	// Batches of 10, one every 20 ms at most: about 11 s of ingestion.
	const n, pace = 10, 20 * time.Millisecond
	lines := simulated(t, 21, 4*24*time.Hour, 15)
	want := embedded(t, lines, n)

	c := stream.NewCluster(t.TempDir(), 3)
	if err := c.Open(); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	x, _ := open(t, t.TempDir(), &streamed{url: c.URLs(), cfg: func(_ *mission.Mission, sc *stream.Config) {
		sc.Streams.Replicas = 3
	}})
	defer x.close(t)
	if ingestRetry > 0 {
		x.node.Ingester.Retry = ingestRetry
	}

	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute) // bounds a hang, not a speed: a loaded CI machine runs this 10× slower
	defer cancel()

	// The client: batches in order, each posted until answered 200.
	var (
		mu       sync.Mutex
		answered []time.Time // when each batch was answered 200
		refused  int
		acked    = map[monitor.Key]bool{}
		posted   atomic.Int64 // batches acknowledged
	)
	batches := (len(lines) + n - 1) / n
	done := make(chan struct{})
	go func() {
		defer close(done)
		client := &http.Client{Timeout: 2 * time.Minute}
		start := time.Now()
		for b := 0; b < batches; b++ {
			if d := time.Until(start.Add(time.Duration(b) * pace)); d > 0 {
				time.Sleep(d)
			}
			chunk := lines[b*n : min((b+1)*n, len(lines))]
			body := append(bytes.Join(chunk, []byte("\n")), '\n')
			for {
				resp, err := client.Post(x.url+"/v1/observations", "application/x-ndjson", bytes.NewReader(body))
				if err == nil {
					msg, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode == http.StatusOK {
						break
					}
					t.Logf("batch %d: %s %s (posted again)", b, resp.Status, msg)
				}
				mu.Lock()
				refused++
				mu.Unlock()
				time.Sleep(200 * time.Millisecond)
			}
			mu.Lock()
			answered = append(answered, time.Now())
			for _, l := range chunk {
				o, err := monitor.DecodeLine(l)
				if err != nil {
					t.Errorf("observation line: %v", err)
					continue
				}
				acked[o.Key()] = true
			}
			mu.Unlock()
			posted.Add(1)
		}
	}()

	// The kills: the first when a fifth of the batches is answered, the
	// next 1 s after answers resumed from the one before.
	type kill struct {
		what        string
		node        int
		at, back    time.Time
		conn, fused bool // the node's connection was to it; it led ACCORD_FUSED
	}
	var kills []kill
	for _, step := range []struct {
		what   string
		leader bool
		at     int64
	}{
		{"a follower of ACCORD_OBS, crashed", false, int64(batches / 5)},
		{"the leader of ACCORD_OBS, crashed", true, 0},
	} {
		for posted.Load() < step.at {
			time.Sleep(5 * time.Millisecond)
		}
		if len(kills) > 0 {
			last := kills[len(kills)-1].back
			retry(t, ctx, "answers after the restart", func() error {
				mu.Lock()
				defer mu.Unlock()
				if len(answered) > 0 && answered[len(answered)-1].After(last) {
					return nil
				}
				return errors.New("none yet")
			})
			time.Sleep(time.Second)
		}
		if posted.Load() >= int64(batches) {
			t.Fatalf("all %d batches posted before %s was killed: the test tests nothing", batches, step.what)
		}
		leader := c.StreamLeader(stream.ObsStream)
		for leader < 0 {
			time.Sleep(10 * time.Millisecond)
			leader = c.StreamLeader(stream.ObsStream)
		}
		k := kill{what: step.what, node: leader}
		if !step.leader {
			k.node = (leader + 1) % 3
		}
		k.conn = x.node.Conn.NC.ConnectedUrl() == c.URL(k.node)
		k.fused = c.StreamLeader(stream.FusedStream) == k.node
		k.at = time.Now()
		c.Crash(k.node)
		time.Sleep(1500 * time.Millisecond)
		if err := c.Restart(k.node); err != nil {
			t.Fatalf("restart node %d: %v", k.node, err)
		}
		k.back = time.Now()
		kills = append(kills, k)
	}
	<-done

	// Sync asks JetStream for the consumers' state; right after a node's
	// restart the API may not answer yet ("no responders"): ask again.
	for {
		err := x.node.Sync(ctx)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("not all recorded in time: %v; %s\nthe node's log, its end:\n%s", err, lag(x.node), x.logs.tail(80))
		}
		t.Logf("sync: %v (asked again)", err)
		time.Sleep(100 * time.Millisecond)
	}
	got := x.state(t)
	same(t, "a cluster node crashed twice", want, got)
	fused := fusedOnceByGet(t, ctx, x.node.Conn.JS)
	// Every batch's pending record forgotten once its messages were
	// acknowledged, those parked in the outbox too.
	left := 0
	if err := x.d.Mission.Pending(ctx, x.node.Ingester.Node, func(int64, time.Time, []byte, []monitor.Observation) error { left++; return nil }); err != nil || left > 0 {
		t.Errorf("%d pending records left in the store (%v): every batch was published", left, err)
	}
	members := map[monitor.Key]int{}
	for _, in := range got.incidents {
		for _, k := range in.Observations {
			members[k]++
		}
	}
	inIncidents := 0
	for k := range acked {
		if members[k] > 0 {
			inIncidents++
		}
	}
	mu.Lock()
	defer mu.Unlock()
	distinct := map[monitor.Key]bool{}
	for _, l := range lines {
		if o, err := monitor.DecodeLine(l); err == nil {
			distinct[o.Key()] = true
		}
	}
	if len(acked) != len(distinct) {
		t.Fatalf("%d observations acknowledged, %d posted", len(acked), len(distinct))
	}
	for _, k := range kills {
		var pause, from time.Duration
		for i := 1; i < len(answered); i++ {
			if answered[i].After(k.at) && answered[i-1].Before(k.back.Add(time.Second)) {
				if d := answered[i].Sub(answered[i-1]); d > pause {
					pause, from = d, answered[i-1].Sub(k.at)
				}
			}
		}
		t.Logf("crashed %s (node %d, down %v; the node's connection to it %v, it led ACCORD_FUSED %v): longest time between two 200 answers %v, from %v after the crash",
			k.what, k.node, k.back.Sub(k.at).Round(time.Millisecond), k.conn, k.fused, pause.Round(time.Millisecond), from.Round(time.Millisecond))
	}
	var normal time.Duration
	for i := 1; i < len(answered) && answered[i].Before(kills[0].at); i++ {
		normal = max(normal, answered[i].Sub(answered[i-1]))
	}
	t.Logf("%d observations acknowledged with 200 in %d batches (%d answers not 200, posted again), %d of them members of incidents (as in the embedded default), %d incidents, %d ledger entries, %d fused messages; longest time between two 200s before any crash %v",
		len(acked), batches, refused, inIncidents, len(got.incidents), got.entries, fused, normal.Round(time.Millisecond))
}

// fusedOnceByGet is fusedOnce reading FusedStream message by message
// (a get by sequence, asked again on a transient error): right after a
// cluster node's restart an ordered consumer may find no responder.
func fusedOnceByGet(t *testing.T, ctx context.Context, js jetstream.JetStream) int {
	t.Helper()
	var s jetstream.Stream
	var info *jetstream.StreamInfo
	retry(t, ctx, "stream info", func() (err error) {
		c, cancel := context.WithTimeout(ctx, 5*time.Second) // a request lost in an election is asked again
		defer cancel()
		if s, err = js.Stream(c, stream.FusedStream); err == nil {
			info, err = s.Info(c)
		}
		return err
	})
	seen := map[string]bool{}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		var m *jetstream.RawStreamMsg
		retry(t, ctx, "get", func() (err error) {
			c, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			m, err = s.GetMsg(c, seq)
			return err
		})
		var f struct {
			Sector int    `json:"sector"`
			ObsSeq uint64 `json:"obs_seq"`
		}
		if err := json.Unmarshal(m.Data, &f); err != nil {
			t.Fatal(err)
		}
		k := fmt.Sprintf("%d/%d", f.Sector, f.ObsSeq)
		if seen[k] {
			t.Fatalf("ObsStream message %s fused twice into %s", k, stream.FusedStream)
		}
		seen[k] = true
	}
	return len(seen)
}

// retry calls f until it succeeds, for up to ctx's end.
func retry(t *testing.T, ctx context.Context, what string, f func() error) {
	t.Helper()
	for {
		err := f()
		if err == nil {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// lag says where a node's stages stand, for a test that waited too long:
// each sector's consumer against its subject's last message, and the
// recorder against the fused log's last message.
func lag(n *stream.Node) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var b strings.Builder
	obs, err := n.Conn.JS.Stream(ctx, stream.ObsStream)
	if err != nil {
		return "ACCORD_OBS: " + err.Error()
	}
	for i := range n.Workers {
		last := uint64(0)
		if m, err := obs.GetLastMsgForSubject(ctx, stream.ObsSubject(i)); err == nil {
			last = m.Sequence
		}
		fmt.Fprintf(&b, "sector %d: last message %d", i, last)
		if c, err := n.Conn.JS.Consumer(ctx, stream.ObsStream, stream.ConsumerName(i)); err != nil {
			fmt.Fprintf(&b, ", consumer: %v; ", err)
		} else if info, err := c.Info(ctx); err != nil {
			fmt.Fprintf(&b, ", consumer info: %v; ", err)
		} else {
			fmt.Fprintf(&b, ", ack floor %d, %d pending, %d waiting for ack, %d redelivered; ", info.AckFloor.Stream, info.NumPending, info.NumAckPending, info.NumRedelivered)
		}
	}
	if s, err := n.Conn.JS.Stream(ctx, stream.FusedStream); err != nil {
		fmt.Fprintf(&b, "ACCORD_FUSED: %v", err)
	} else if info, err := s.Info(ctx); err != nil {
		fmt.Fprintf(&b, "ACCORD_FUSED info: %v", err)
	} else if n.Recorder != nil {
		fmt.Fprintf(&b, "ACCORD_FUSED last %d, the recorder at %d", info.State.LastSeq, n.Recorder.At())
	}
	return b.String()
}
