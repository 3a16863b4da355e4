package stream

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The helpers of the failure tests (cluster and regional node): real
// servers, a link that can be cut, observation batches whose keys are
// counted.

// clConnect connects to urls, reconnecting for ever (a node or link that
// goes down must not end the client).
func clConnect(t *testing.T, urls string) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(urls, nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond),
		nats.Timeout(2*time.Second))
	if err != nil {
		t.Fatalf("connect %s: %v", urls, err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

// clObsStream creates ObsStream with the given replicas, as the deployment
// does (file storage, duplicate window for Nats-Msg-Id).
func clObsStream(t *testing.T, js jetstream.JetStream, replicas int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: ObsStream, Subjects: []string{ObsSubjects}, Storage: jetstream.FileStorage,
		Replicas: replicas, Duplicates: 2 * time.Minute,
	})
	if err != nil {
		t.Fatalf("create %s R%d: %v", ObsStream, replicas, err)
	}
}

// clBatch is batch b of a publisher: n observation lines (observation
// sized, about 400 bytes each) with keys source/id, as an ObsStream
// message: body, Nats-Msg-Id (batch digest/sector) and keys.
func clBatch(pub string, b, n, sector int, subject string) (*nats.Msg, []string) {
	var body bytes.Buffer
	keys := make([]string, n)
	for i := range keys {
		id := fmt.Sprintf("%s-%d-%d", pub, b, i)
		keys[i] = pub + "/" + id
		fmt.Fprintf(&body, `{"id":%q,"source":{"id":%q,"kind":"fixed_sensor","owner":"monitor"},`+
			`"position":[37.%04d,47.%04d],"observed_at":"2026-03-01T10:%02d:%02dZ","reported_at":"2026-03-01T10:%02d:%02dZ",`+
			`"event":"firing","equipment":"artillery","caliber_mm":152,"count":1,"attributed_to":"unknown",`+
			`"accuracy_m":150,"time_accuracy_s":60,"confidence":0.8,`+
			`"evidence":[{"uri":"https://example.org/e/%s","sha256":"%064x"}]}`+"\n",
			id, pub, (b*7+i)%10000, (b*13+i)%10000, i%60, b%60, i%60, b%60, id, b*1000+i)
	}
	sum := sha256.Sum256(body.Bytes())
	m := nats.NewMsg(subject)
	m.Data = body.Bytes()
	digest := hex.EncodeToString(sum[:16])
	m.Header.Set(nats.MsgIdHdr, fmt.Sprintf("%s/%d", digest, sector))
	m.Header.Set(HeaderBatch, digest)
	return m, keys
}

// clKeys are the observation keys (source/id) of a message body.
func clKeys(t testing.TB, data []byte) []string {
	var keys []string
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var o struct {
			ID     string `json:"id"`
			Source struct {
				ID string `json:"id"`
			} `json:"source"`
		}
		if err := dec.Decode(&o); err == io.EOF {
			return keys
		} else if err != nil {
			t.Errorf("decode observation: %v", err)
			return keys
		}
		keys = append(keys, o.Source.ID+"/"+o.ID)
	}
}

// clPublish publishes m until JetStream acknowledges it (the same
// Nats-Msg-Id each time, so a retry after a lost PubAck is deduplicated)
// or ctx ends; it reports whether m was acknowledged.
func clPublish(ctx context.Context, js jetstream.JetStream, m *nats.Msg) bool {
	for ctx.Err() == nil {
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		_, err := js.PublishMsg(pctx, m)
		cancel()
		if err == nil {
			return true
		}
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
	return false
}

// gaps records the times of events (PubAcks, deliveries) and finds the
// longest pause between two of them in a window.
type gaps struct {
	mu sync.Mutex
	at []time.Time
}

func (g *gaps) mark() {
	g.mu.Lock()
	g.at = append(g.at, time.Now())
	g.mu.Unlock()
}

// since reports whether an event came after t.
func (g *gaps) since(t time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.at) > 0 && g.at[len(g.at)-1].After(t)
}

// longest is the longest interval without an event that overlaps
// [from, to], and where it began.
func (g *gaps) longest(from, to time.Time) (time.Duration, time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var best time.Duration
	var began time.Time
	for i := 1; i < len(g.at); i++ {
		a, b := g.at[i-1], g.at[i]
		if b.Before(from) || a.After(to) {
			continue
		}
		if d := b.Sub(a); d > best {
			best, began = d, a
		}
	}
	return best, began
}

// newTestLink is a link to target closed at the test's end.
func newTestLink(t *testing.T, target string) *link {
	t.Helper()
	l, err := newLink(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}
