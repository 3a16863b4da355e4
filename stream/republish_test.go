package stream_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/stream"
)

// A batch's message that JetStream did not take at once (its
// asynchronous publication refused) is published again by the batch's
// own call, synchronously; the next batch, stored meanwhile, is published
// only after it: a sector's fusion takes its messages in the stream's
// order, which must be the store's. Before, the next batch's messages
// went ahead of the one published again (ObsStream held B before A), and
// the sector fused them in that order. Here batch A's only message is
// refused and held back until batch B has been answered (or a second has
// passed); ObsStream must hold A's message first, and once the rest is
// posted the record must be the embedded default's.
func TestRepublishedBeforeTheNextBatch(t *testing.T) {
	const n = 200
	lines := simulated(t, 11, 24*time.Hour, 15)
	want := embedded(t, lines, n)
	x, _ := open(t, t.TempDir(), &streamed{cfg: func(_ *mission.Mission, c *stream.Config) { c.Node = "ingest-a" }})
	defer x.close(t)

	a, b := lines[:n], lines[n:2*n]
	republishedLate(t, x, a, func() { monitortest.PostLines(t, x.url, b, n) })
	if got, want := firstObsKey(t, x), obsKey(t, a[0]); got != want {
		t.Fatalf("ObsStream's first message begins with %s; want batch A's first observation %s: the next batch went ahead of the message published again", got, want)
	}
	monitortest.PostLines(t, x.url, lines[2*n:], n)
	same(t, "a message published again before the next batch", want, x.state(t))
}

// republishedLate posts batch a to x with its first message's
// asynchronous publication refused, so that a's own call publishes it
// again — only once next has returned (or a second has passed): next
// runs once a is stored, while a's message waits. It returns once a is
// answered, failing the test unless it is answered 200.
func republishedLate(t *testing.T, x *deployment, a [][]byte, next func()) {
	t.Helper()
	var refused, storedOnce sync.Once
	stored, nextDone := make(chan struct{}), make(chan struct{})
	stream.DieAfterStore(x.node.Ingester, func() error {
		storedOnce.Do(func() { close(stored) })
		return nil
	})
	stream.RefuseAsyncPublish(x.node.Ingester, func(*nats.Msg) bool {
		refuse := false
		refused.Do(func() { refuse = true })
		return refuse
	}, func(*nats.Msg) {
		select {
		case <-nextDone:
		case <-time.After(time.Second):
		}
	})
	aDone := postInBackground(x.url, a)
	<-stored
	next()
	close(nextDone)
	if got := <-aDone; !strings.HasPrefix(got, "200 OK") {
		t.Fatalf("batch A: %s", got)
	}
}

// postInBackground posts a batch and hands its answer's status and body
// ("STATUS BODY"), or the client's error, to the channel returned.
func postInBackground(url string, lines [][]byte) <-chan string {
	done := make(chan string, 1)
	go func() {
		body := append(bytes.Join(lines, []byte("\n")), '\n')
		resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", bytes.NewReader(body))
		if err != nil {
			done <- err.Error()
			return
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- resp.Status + " " + string(msg)
	}()
	return done
}

// obsKey is an observation's key (source/id) from its line (a GeoJSON
// Feature).
func obsKey(t *testing.T, line []byte) string {
	t.Helper()
	var f struct {
		Properties struct {
			ID     string `json:"id"`
			Source struct {
				ID string `json:"id"`
			} `json:"source"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(line, &f); err != nil || f.Properties.ID == "" {
		t.Fatalf("no observation key in %.200s (%v)", line, err)
	}
	return f.Properties.Source.ID + "/" + f.Properties.ID
}

// firstObsKey is the key of ObsStream's first message's first
// observation.
func firstObsKey(t *testing.T, x *deployment) string {
	t.Helper()
	ctx := context.Background()
	s, err := x.node.Conn.JS.Stream(ctx, stream.ObsStream)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := s.GetMsg(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := bytes.Cut(raw.Data, []byte("\n"))
	return obsKey(t, first)
}

// While JetStream acknowledges nothing, the batch queued behind one that
// waited Retry in vain is answered unavailable as soon as its turn comes,
// not Retry later again (with several clients, each waited Retry more
// than the one before it); its messages wait in the outbox after the
// first batch's. Once JetStream is back the drainer publishes them in
// order, the clients' retries are answered 200 (every observation a
// duplicate), and the record is the embedded default's.
func TestQueuedBatchRefusedAtOnce(t *testing.T) {
	const n = 200
	lines := simulated(t, 11, 24*time.Hour, 15)
	want := embedded(t, lines, n)
	x, _ := open(t, t.TempDir(), &streamed{cfg: func(_ *mission.Mission, c *stream.Config) { c.Node = "ingest-a" }})
	defer x.close(t)
	x.node.Ingester.Retry = 300 * time.Millisecond
	var down atomic.Bool
	down.Store(true)
	stream.RefusePublication(x.node.Ingester, down.Load)
	var storedOnce sync.Once
	stored := make(chan struct{})
	stream.DieAfterStore(x.node.Ingester, func() error {
		storedOnce.Do(func() { close(stored) })
		return nil
	})
	a, b := lines[:n], lines[n:2*n]
	aDone := postInBackground(x.url, a)
	<-stored
	code, _, msg := post(t, x.url, b)
	if code != http.StatusServiceUnavailable || !strings.Contains(msg, "did not acknowledge what this node published before this batch") {
		t.Fatalf("batch B, queued behind A: %d %s; want 503, refused as soon as A failed", code, msg)
	}
	if got := <-aDone; !strings.HasPrefix(got, "503") || !strings.Contains(got, "did not acknowledge its message") {
		t.Fatalf("batch A: %s; want 503, not acknowledged within Retry", got)
	}
	down.Store(false)
	for deadline := time.Now().Add(time.Minute); x.node.Ingester.Unpublished() > 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the outbox not published a minute after JetStream came back")
		}
	}
	if got, want := firstObsKey(t, x), obsKey(t, a[0]); got != want {
		t.Fatalf("ObsStream's first message begins with %s; want batch A's first observation %s", got, want)
	}
	for _, batch := range [][][]byte{a, b} {
		if code, r, msg := post(t, x.url, batch); code != http.StatusOK || r.Added != 0 {
			t.Fatalf("the client's retry: %d %s; want 200, every observation a duplicate", code, msg)
		}
	}
	monitortest.PostLines(t, x.url, lines[2*n:], n)
	same(t, "batches refused while JetStream was down", want, x.state(t))
}

// JetStream still down once the first failure is older than firstAck:
// batches that come then are queued on the ingest node (the drainer
// publishing the outbox in vain, then the batch before them flushing it
// Retry long), and each queued behind one that failed is refused at once,
// not Retry later again — as those queued behind a batch's own
// publication are (TestQueuedBatchRefusedAtOnce). Before, only a failed
// acknowledgement of a batch's own message counted as a failure: the
// outbox's publication failing (the drainer's, a batch's before it
// stores) did not, so the second of two batches posted together waited
// Retry after the first had, and a third Retry after that. Once
// JetStream is back the batches refused are posted again, stored and
// published, and the record is the embedded default's.
func TestQueuedBehindTheOutboxRefusedAtOnce(t *testing.T) {
	const n = 200
	const retry = 3 * time.Second
	lines := simulated(t, 11, 24*time.Hour, 15)
	want := embedded(t, lines, n)
	x, _ := open(t, t.TempDir(), &streamed{cfg: func(_ *mission.Mission, c *stream.Config) { c.Node = "ingest-a" }})
	defer x.close(t)
	x.node.Ingester.Retry = retry
	var down atomic.Bool
	down.Store(true)
	stream.RefusePublication(x.node.Ingester, down.Load)
	a := lines[:n]
	if code, _, msg := post(t, x.url, a); code != http.StatusServiceUnavailable {
		t.Fatalf("batch A, JetStream down: %d %s; want 503", code, msg)
	}
	time.Sleep(2500 * time.Millisecond) // A's failure older than firstAck
	type answer struct {
		code int
		msg  string
		at   time.Time
	}
	queued := [][][]byte{lines[n : 2*n], lines[2*n : 3*n]}
	answers := make(chan answer, len(queued))
	for _, b := range queued {
		go func() {
			body := append(bytes.Join(b, []byte("\n")), '\n')
			resp, err := http.Post(x.url+"/v1/observations", "application/x-ndjson", bytes.NewReader(body))
			if err != nil {
				answers <- answer{msg: err.Error(), at: time.Now()}
				return
			}
			msg, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			answers <- answer{resp.StatusCode, string(msg), time.Now()}
		}()
	}
	var got []answer
	for range queued {
		got = append(got, <-answers)
	}
	for _, g := range got {
		if g.code != http.StatusServiceUnavailable {
			t.Fatalf("a batch posted while JetStream is down: %d %s; want 503", g.code, g.msg)
		}
	}
	if gap := got[1].at.Sub(got[0].at); gap > 500*time.Millisecond {
		t.Errorf("the second batch queued was answered %v after the first; want at once, not Retry (%v) later again", gap.Round(time.Millisecond), retry)
	}
	down.Store(false)
	for deadline := time.Now().Add(time.Minute); x.node.Ingester.Unpublished() > 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the outbox not published a minute after JetStream came back")
		}
	}
	for _, b := range queued {
		if code, _, msg := post(t, x.url, b); code != http.StatusOK {
			t.Fatalf("the client's retry: %d %s; want 200", code, msg)
		}
	}
	monitortest.PostLines(t, x.url, lines[3*n:], n)
	same(t, "batches refused while JetStream stayed down", want, x.state(t))
}
