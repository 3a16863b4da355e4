package stream_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/stream"
)

// An ingest node of a deployment on 3 sectors dies in the middle of
// publishing a batch's messages: JetStream acknowledged the first, the
// others were never published (the batch's second part is a sector's
// ticks alone, HeaderTicks without lines). Started again under the same
// name on the same data directory and streams, the node reads the
// stream's clock back (SeedClock: the batch's own part is now the
// stream's last, its looks with the clock counted) and publishes the
// batch's pending record (Recover): the messages it publishes must be
// those the batch was first split into, headers and body — made from the
// routing state kept with the record, not from what the stream holds
// now — so that the recorder takes the batch whole at once: no release
// (HeaderRelease) in FusedStream, no warning of a part that never came,
// and once the rest is posted the record is the embedded default's.
//
// Before, made from the stream's state, the rebuilt messages named no
// batch before them (HeaderAfter), told another clock (HeaderClock), and
// the part of ticks alone was not made: 2 parts (HeaderParts) where the
// batch published 3. The recorder took the batch as whole at the rebuilt
// part that said 2 and decided it without the third's ticks: the record
// was not the embedded default's (the agreement's state differed). Had
// the rebuilt part come into the fused log before the part published
// first, it would have waited PartWait for the third and let the batch
// go without it.
func TestIngestNodeDiesMidBatchRebuildsItsParts(t *testing.T) {
	const n = 10
	const partWait = 4 * time.Second
	lines := simulated(t, 11, 24*time.Hour, 15)
	deadAt := ticksAloneLater(t, lines, n, 3)
	x, _ := open(t, t.TempDir(), nil)
	monitortest.PostLines(t, x.url, lines, n)
	want, wantEntries := x.state(t), entries(t, x)
	x.close(t)

	dir := t.TempDir()
	named := &streamed{cfg: func(m *mission.Mission, c *stream.Config) {
		c.Node, c.Sectors, c.PartWait = "ingest-a", split(t, m, 3), partWait
	}}
	dead := lines[deadAt : deadAt+n]
	x, _ = open(t, dir, named)
	monitortest.PostLines(t, x.url, lines[:deadAt], n)
	x.sync(t)
	fused := msgs(t, context.Background(), x, stream.FusedStream)

	// The dead batch: every message its node made is kept (sent); the
	// first is published, the others refused, and the node dies (closed)
	// while its call waits to publish the second again.
	g := x.node.Ingester
	var mu sync.Mutex
	var sent []*nats.Msg
	republishing, died := make(chan struct{}), make(chan struct{})
	var once sync.Once
	stream.RefuseAsyncPublish(g, func(msg *nats.Msg) bool {
		mu.Lock()
		defer mu.Unlock()
		sent = append(sent, msg)
		return len(sent) > 1
	}, func(msg *nats.Msg) {
		mu.Lock()
		ours := len(sent) > 1 && msg.Header.Get(stream.HeaderBatch) == sent[0].Header.Get(stream.HeaderBatch)
		mu.Unlock()
		if !ours {
			return
		}
		once.Do(func() { close(republishing) })
		<-died
		g.Retry = 0 // the node is gone: nothing published again
	})
	answered := make(chan int, 1)
	go func() {
		body := append(bytes.Join(dead, []byte("\n")), '\n')
		resp, err := http.Post(x.url+"/v1/observations", "application/x-ndjson", bytes.NewReader(body))
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	select {
	case <-republishing:
	case code := <-answered:
		t.Fatalf("the batch was answered %d before its second message was published again: the test tests nothing", code)
	}
	// The part published fused and in the recorder's log before the
	// node dies: the recorder holds the batch for its other parts.
	for deadline := time.Now().Add(time.Minute); msgs(t, context.Background(), x, stream.FusedStream) == fused; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the dead batch's first part not fused within a minute")
		}
	}
	x.node.Close()
	close(died)
	if code := <-answered; code == http.StatusOK {
		t.Fatal("the dying node answered the batch 200")
	}
	x.srv.Close()
	if err := x.d.Close(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	orig := sent
	mu.Unlock()
	ticksOnly := 0
	for _, msg := range orig[1:] {
		if len(msg.Data) == 0 && msg.Header.Get(stream.HeaderTicks) != "" {
			ticksOnly++
		}
	}
	if len(orig) < 2 || ticksOnly == 0 || orig[0].Header.Get(stream.HeaderAfter) == "" {
		t.Fatalf("the dead batch was split into %d messages, %d of ticks alone among those not published, the first after %q: want a part of ticks alone not published, after a batch; the test tests nothing", len(orig), ticksOnly, orig[0].Header.Get(stream.HeaderAfter))
	}

	restarted := time.Now()
	x, _ = open(t, dir, named)
	defer x.close(t)
	got := batchMsgs(t, x, orig[0].Header.Get(stream.HeaderBatch))
	if len(got) != len(orig) {
		t.Errorf("ObsStream holds %d messages of the dead batch; it was split into %d", len(got), len(orig))
	}
	headers := []string{stream.HeaderBatch, stream.HeaderAfter, stream.HeaderParts, stream.HeaderTicks, stream.HeaderClock, stream.HeaderScanned, stream.HeaderLines, stream.HeaderHalo}
	for i, o := range orig {
		id := o.Header.Get(nats.MsgIdHdr)
		r, ok := got[id]
		if !ok {
			t.Errorf("message %d (%s, %s) of the dead batch not in ObsStream after the restart", i, id, o.Subject)
			continue
		}
		for _, h := range headers {
			if a, b := o.Header.Get(h), r.Header.Get(h); a != b {
				t.Errorf("message %d (%s): %s %q after the restart, %q as first made", i, id, h, b, a)
			}
		}
		if r.Subject != o.Subject || !bytes.Equal(r.Data, o.Data) {
			t.Errorf("message %d (%s): %s, %d bytes after the restart; %s, %d bytes as first made", i, id, r.Subject, len(r.Data), o.Subject, len(o.Data))
		}
	}
	x.sync(t)
	took := time.Since(restarted)
	// A batch the recorder still holds for a part is let go once it
	// waited PartWait (looked at every PartWait/4): past that, it has.
	time.Sleep(time.Until(restarted.Add(2 * partWait)))
	log := x.logs.tail(1 << 20)
	for _, w := range []string{"did not all come", "never came"} {
		if strings.Contains(log, w) {
			t.Errorf("the node's log says %q: the recorder did not take the dead batch whole", w)
		}
	}
	if k := releases(t, x); k > 0 {
		t.Errorf("%d releases in %s: the recorder waited PartWait for a part of the dead batch", k, stream.FusedStream)
	}
	monitortest.PostLines(t, x.url, lines[deadAt+n:], n)
	gotState := x.state(t)
	same(t, "an ingest node died in the middle of a batch", want, gotState)
	sameEntries(t, "an ingest node died in the middle of a batch", wantEntries, entries(t, x))
	t.Logf("%d observations in batches of %d; the batch at line %d split into %d messages, the first published before the node died; the dead batch recorded %v after the restart began; %d incidents, %d ledger entries", len(lines), n, deadAt, len(orig), took.Round(time.Millisecond), len(gotState.incidents), gotState.entries)
}

// ticksAloneLater is the first line, past the first tenth of lines, of
// a batch of n (lines posted in batches of n to a deployment on sectors)
// split into messages one of which, not the first, is a sector's ticks
// alone (HeaderTicks, no line); the test fails if there is none.
func ticksAloneLater(t *testing.T, lines [][]byte, n, sectors int) int {
	t.Helper()
	x, _ := open(t, t.TempDir(), &streamed{cfg: func(m *mission.Mission, c *stream.Config) {
		c.Node, c.Sectors = "scout", split(t, m, sectors)
	}})
	defer x.close(t)
	var mu sync.Mutex
	var batch []*nats.Msg // the last batch's messages
	stream.RefuseAsyncPublish(x.node.Ingester, func(msg *nats.Msg) bool {
		mu.Lock()
		defer mu.Unlock()
		if len(batch) > 0 && batch[0].Header.Get(stream.HeaderBatch) != msg.Header.Get(stream.HeaderBatch) {
			batch = nil
		}
		batch = append(batch, msg)
		return false
	}, func(*nats.Msg) {})
	for i := 0; i+n <= len(lines); i += n {
		monitortest.PostLines(t, x.url, lines[i:i+n], n)
		if i < len(lines)/10 {
			continue
		}
		mu.Lock()
		for _, msg := range batch[min(1, len(batch)):] {
			if len(msg.Data) == 0 && msg.Header.Get(stream.HeaderTicks) != "" {
				mu.Unlock()
				return i
			}
		}
		batch = nil
		mu.Unlock()
	}
	t.Fatalf("no batch of %d split into a later part of ticks alone on %d sectors", n, sectors)
	return 0
}

// batchMsgs is ObsStream's messages of a batch (HeaderBatch), by message
// id.
func batchMsgs(t *testing.T, x *deployment, batch string) map[string]*nats.Msg {
	t.Helper()
	ctx := context.Background()
	s, err := x.node.Conn.JS.Stream(ctx, stream.ObsStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*nats.Msg{}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		raw, err := s.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		if raw.Header.Get(stream.HeaderBatch) != batch {
			continue
		}
		id := raw.Header.Get(nats.MsgIdHdr)
		if out[id] != nil {
			t.Errorf("message %s twice in ObsStream", id)
		}
		out[id] = &nats.Msg{Subject: raw.Subject, Header: raw.Header, Data: raw.Data}
	}
	return out
}

// releases is the number of the recorder's releases in FusedStream
// (HeaderRelease).
func releases(t *testing.T, x *deployment) int {
	t.Helper()
	ctx := context.Background()
	s, err := x.node.Conn.JS.Stream(ctx, stream.FusedStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	k := 0
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		raw, err := s.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		if raw.Header.Get(stream.HeaderRelease) != "" {
			k++
		}
	}
	return k
}
