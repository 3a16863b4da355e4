package stream_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/local"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/sim"
	"github.com/accord-peace/accord/stream"
)

var t0 = time.Date(2025, 6, 1, 4, 0, 0, 0, time.UTC)

// simulated returns the simulator's observations on the reference
// geometry as NDJSON lines, in arrival order.
func simulated(tb testing.TB, seed uint64, d time.Duration, rate float64) [][]byte {
	tb.Helper()
	a, k := monitortest.Reference(tb)
	cfg := sim.FromAgreement(a.Monitoring, k)
	cfg.Seed, cfg.Start, cfg.Duration, cfg.Rate, cfg.FalseAlarmsPerHour = seed, t0, d, rate, 2
	res, err := sim.Run(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	lines := make([][]byte, len(res.Observations))
	for i, o := range res.Observations {
		if lines[i], err = json.Marshal(o); err != nil {
			tb.Fatal(err)
		}
	}
	return lines
}

// deployment is a server on a data directory: the embedded default, or
// (with a stream config) a node of a stream deployment in role all.
type deployment struct {
	d    *local.Deployment
	node *stream.Node
	url  string
	srv  *httptest.Server
	logs *logBuffer // the node's log, for a failure's message
}

// logBuffer keeps a node's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// tail is the last n lines of the log.
func (b *logBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	lines := strings.Split(strings.TrimRight(b.buf.String(), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// streamed says how a deployment runs on streams; nil: the embedded
// default.
type streamed struct {
	url  string // "" for embedded
	cfg  func(m *mission.Mission, c *stream.Config)
	fail bool // the start is expected to fail: return its error
}

func open(tb testing.TB, dir string, s *streamed) (*deployment, error) {
	return openWith(tb, dir, s, nil)
}

func openWith(tb testing.TB, dir string, s *streamed, reg *ledger.Registry) (*deployment, error) {
	tb.Helper()
	a, k := monitortest.Reference(tb)
	return openOn(tb, dir, s, reg, a, k)
}

// openOn is openWith on another agreement (k: its kernel, or nil).
func openOn(tb testing.TB, dir string, s *streamed, reg *ledger.Registry, a *agreement.Agreement, k *geo.Kernel) (*deployment, error) {
	tb.Helper()
	ctx := context.Background()
	d, err := local.Open(ctx, local.Config{Dir: dir, Agreement: a, Kernel: k, StreamFed: s != nil, Registry: reg})
	if err != nil {
		tb.Fatal(err)
	}
	x := &deployment{d: d}
	srv := api.NewServer(d.Mission)
	srv.Record = &api.Record{Ledger: d.Ledger, Origin: "test"}
	if s != nil {
		// A worker killed (KillBeforeAck) keeps its sector's lease until
		// the lease expires: the one started after it waits that long.
		c := stream.Config{URL: s.url, Dir: dir, Worker: stream.WorkerConfig{AckWait: time.Second, Lease: stream.LeaseConfig{TTL: 3 * time.Second}}}
		if c.URL == "" {
			c.URL = stream.EmbeddedURL
		}
		c.Metrics = stream.NewMetrics(nil)
		x.logs = &logBuffer{}
		c.Logger = slog.New(slog.NewTextHandler(x.logs, nil))
		if s.cfg != nil {
			s.cfg(d.Mission, &c)
		}
		if x.node, err = stream.Start(ctx, d.Mission, c); err != nil {
			d.Close()
			if s.fail {
				return nil, err
			}
			tb.Fatal(err)
		}
		srv.Ingest = x.node.Ingester.Ingest
		srv.Tick = x.node.Ingester.Tick
	}
	x.srv = httptest.NewServer(srv.Handler())
	x.url = x.srv.URL
	return x, nil
}

func (x *deployment) close(tb testing.TB) {
	x.srv.Close()
	if x.node != nil {
		x.node.Close()
	}
	if err := x.d.Close(); err != nil {
		tb.Error(err)
	}
}

// sync waits until what was posted is recorded.
func (x *deployment) sync(tb testing.TB) {
	tb.Helper()
	if x.node == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := x.node.Sync(ctx); err != nil {
		tb.Fatal(err)
	}
}

// state is what a deployment holds once everything is recorded: every
// incident (GET /v1/incidents), the agreement's state (GET
// /v1/agreement) and the ledger's length.
type state struct {
	incidents  []monitor.Incident
	agreement  string
	entries    int64
	violations []engine.ViolationState // the main agreement's engine's
}

func (x *deployment) state(tb testing.TB) state {
	tb.Helper()
	x.sync(tb)
	var st state
	after := ""
	for {
		var p monitor.IncidentPage
		get(tb, x.url+"/v1/incidents?limit=1000&after="+after, &p)
		st.incidents = append(st.incidents, p.Incidents...)
		if p.Next == "" {
			break
		}
		after = p.Next
	}
	var ag json.RawMessage
	get(tb, x.url+"/v1/agreement", &ag)
	st.agreement = string(ag)
	st.entries = x.d.Ledger.Len()
	es, err := x.d.Mission.State()
	if err != nil {
		tb.Fatal(err)
	}
	st.violations = es.Violations
	return st
}

func get(tb testing.TB, url string, v any) {
	tb.Helper()
	resp, err := http.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		tb.Fatalf("GET %s: %s %s", url, resp.Status, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		tb.Fatalf("GET %s: %v", url, err)
	}
}

// same fails unless two states are the same: the same incidents, byte
// for byte, the same agreement state and as many ledger entries.
func same(tb testing.TB, what string, want, got state) {
	tb.Helper()
	if len(got.incidents) != len(want.incidents) {
		tb.Fatalf("%s: %d incidents, the embedded default %d", what, len(got.incidents), len(want.incidents))
	}
	for i := range want.incidents {
		a, _ := json.Marshal(want.incidents[i])
		b, _ := json.Marshal(got.incidents[i])
		if !bytes.Equal(a, b) {
			tb.Fatalf("%s: incident %d:\n embedded %s\n stream   %s", what, i, a, b)
		}
	}
	if got.agreement != want.agreement {
		i := 0
		for i < min(len(got.agreement), len(want.agreement)) && got.agreement[i] == want.agreement[i] {
			i++
		}
		from := max(0, i-300)
		tb.Fatalf("%s: the agreement's state differs at byte %d:\n embedded …%s…\n stream   …%s…", what, i,
			want.agreement[from:min(len(want.agreement), i+200)], got.agreement[from:min(len(got.agreement), i+200)])
	}
	if got.entries != want.entries {
		tb.Fatalf("%s: %d ledger entries, the embedded default %d (something lost or doubled)", what, got.entries, want.entries)
	}
}

// The embedded default's state after the observations, in batches of n.
func embedded(tb testing.TB, lines [][]byte, n int) state {
	tb.Helper()
	x, _ := open(tb, tb.TempDir(), nil)
	defer x.close(tb)
	monitortest.PostLines(tb, x.url, lines, n)
	return x.state(tb)
}

// fusedMsg is a FusedStream message: a sector's output for one of its
// ObsStream messages.
type fusedMsg struct {
	Sector   int             `json:"sector"`
	ObsSeq   uint64          `json:"obs_seq"`
	Versions json.RawMessage `json:"versions"`
}

// fusedLog is every FusedStream message, in order.
func fusedLog(tb testing.TB, x *deployment) []fusedMsg {
	tb.Helper()
	ctx := context.Background()
	s, err := x.node.Conn.JS.Stream(ctx, stream.FusedStream)
	if err != nil {
		tb.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	oc, err := x.node.Conn.JS.OrderedConsumer(ctx, stream.FusedStream, jetstream.OrderedConsumerConfig{})
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]fusedMsg, 0, info.State.Msgs)
	for range info.State.Msgs {
		msg, err := oc.Next(jetstream.FetchMaxWait(10 * time.Second))
		if err != nil {
			tb.Fatal(err)
		}
		if msg.Headers().Get(stream.HeaderRelease) != "" {
			continue // the recorder's, not a sector's output
		}
		var f fusedMsg
		if err := json.Unmarshal(msg.Data(), &f); err != nil {
			tb.Fatal(err)
		}
		out = append(out, f)
	}
	return out
}

// fusedOnce fails unless every ObsStream message was fused into at most
// one FusedStream message (nothing doubled by a redelivery).
func fusedOnce(tb testing.TB, x *deployment) int {
	tb.Helper()
	seen := map[string]bool{}
	for _, f := range fusedLog(tb, x) {
		k := fmt.Sprintf("%d/%d", f.Sector, f.ObsSeq)
		if seen[k] {
			tb.Fatalf("ObsStream message %s fused twice into %s", k, stream.FusedStream)
		}
		seen[k] = true
	}
	return len(seen)
}

// One sector over the embedded NATS server is exactly the embedded
// default: the same observations posted over HTTP give the same
// incidents, the same agreement state and as many ledger entries.
func TestOneSectorIsTheEmbeddedDefault(t *testing.T) {
	lines := simulated(t, 7, 2*24*time.Hour, 15)
	want := embedded(t, lines, 500)
	x, _ := open(t, t.TempDir(), &streamed{})
	defer x.close(t)
	monitortest.PostLines(t, x.url, lines, 500)
	got := x.state(t)
	same(t, "N=1", want, got)
	n := fusedOnce(t, x)
	t.Logf("%d observations, %d incidents, %d ledger entries, %d fused messages", len(lines), len(got.incidents), got.entries, n)
}

// A sector worker killed after its output is durable but before it
// acknowledged its message: the message is delivered again to the worker
// started in its place, which rebuilt its fusion from the stream; its
// output, published again, is kept once, and the result is the embedded
// default's.
func TestWorkerKilledBeforeAck(t *testing.T) {
	lines := simulated(t, 8, 24*time.Hour, 15)
	want := embedded(t, lines, 200)
	var kills atomic.Int32
	x, _ := open(t, t.TempDir(), &streamed{cfg: func(_ *mission.Mission, c *stream.Config) {
		stream.KillBeforeAck(c, func(sector int, seq uint64) error {
			if seq%5 == 3 && kills.Load() < 3 {
				kills.Add(1)
				return fmt.Errorf("killed before acknowledging message %d", seq)
			}
			return nil
		})
	}})
	defer x.close(t)
	monitortest.PostLines(t, x.url, lines, 200)
	got := x.state(t)
	if kills.Load() == 0 {
		t.Fatal("no worker was killed: the test tested nothing")
	}
	same(t, "worker killed before ack", want, got)
	fusedOnce(t, x)
	t.Logf("%d kills; %d incidents, %d ledger entries", kills.Load(), len(got.incidents), got.entries)
}

// The whole node stopped and started again on its data directory, once
// after everything posted was recorded and once with messages in flight
// (fused, maybe recorded, not acknowledged): nothing lost, nothing
// doubled.
func TestNodeRestart(t *testing.T) {
	lines := simulated(t, 9, 2*24*time.Hour, 15)
	want := embedded(t, lines, 300)
	dir := t.TempDir()
	third := len(lines) / 3 / 300 * 300 // on a batch boundary: the engine's clock moves per batch
	x, _ := open(t, dir, &streamed{})
	monitortest.PostLines(t, x.url, lines[:third], 300)
	x.sync(t)
	x.close(t)

	// The workers die before acknowledging anything: the fused log and
	// the record may hold what ObsStream still has unacknowledged.
	x, _ = open(t, dir, &streamed{cfg: func(_ *mission.Mission, c *stream.Config) {
		stream.KillBeforeAck(c, func(int, uint64) error { return errors.New("killed") })
	}})
	monitortest.PostLines(t, x.url, lines[third:2*third], 300)
	time.Sleep(200 * time.Millisecond) // some fused, some not (no assertion on time)
	x.close(t)

	x, _ = open(t, dir, &streamed{})
	defer x.close(t)
	monitortest.PostLines(t, x.url, lines[2*third:], 300)
	got := x.state(t)
	same(t, "restarted twice", want, got)
	fusedOnce(t, x)
}

// Signed batches are recorded at ingest, by the mission's store stage, as
// in the embedded deployment: every submission is in the ledger, and the
// record is as long as the embedded default's.
func TestSignedBatchesRecordedAtIngest(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	reg := &ledger.Registry{Keys: map[string]ed25519.PublicKey{"mission": pub}}
	lines := simulated(t, 10, 12*time.Hour, 15)
	const n = 200
	run := func(s *streamed) (state, *deployment) {
		x, _ := openWith(t, t.TempDir(), s, reg)
		for i := 0; i < len(lines); i += n {
			body := append(bytes.Join(lines[i:min(i+n, len(lines))], []byte("\n")), '\n')
			id := fmt.Sprintf("b%d", i)
			sig, err := api.SignBatch(priv, "mission", id, body, min(n, len(lines)-i))
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest("POST", x.url+"/v1/observations", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/x-ndjson")
			req.Header.Set(api.HeaderAuthor, "mission")
			req.Header.Set(api.HeaderID, id)
			req.Header.Set(api.HeaderSignature, sig)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			msg, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("signed batch %s: %s %s", id, resp.Status, msg)
			}
		}
		return x.state(t), x
	}
	want, e := run(nil)
	defer e.close(t)
	got, x := run(&streamed{})
	defer x.close(t)
	same(t, "signed batches", want, got)
	for i := 0; i < len(lines); i += n {
		if id := fmt.Sprintf("b%d", i); !x.d.Ledger.Seen("mission", id) {
			t.Fatalf("the submission %s is not in the ledger", id)
		}
	}
}

// NATS unreachable at start: the error names the URL, the host:port and
// what to check.
func TestUnreachable(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"nats://127.0.0.1:1", "127.0.0.1:1"},
		{"nats://127.0.0.1:1,nats://127.0.0.1:2", "127.0.0.1:1, 127.0.0.1:2"},
		{"nats://user:secret@127.0.0.1:1", "127.0.0.1:1"},
	} {
		_, err := open(t, t.TempDir(), &streamed{url: tc.url, fail: true})
		if err == nil {
			t.Fatalf("%s: started", tc.url)
		}
		msg := err.Error()
		for _, w := range []string{"cannot connect to NATS", tc.want, "nats-server", "--stream embedded"} {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: the error does not say %q:\n%s", tc.url, w, msg)
			}
		}
		if strings.Contains(msg, "secret") {
			t.Errorf("the error shows the password: %s", msg)
		}
		t.Logf("%s", msg)
	}
}

// A sector's output published again after JetStream's duplicate window
// (its worker was down longer than the window) is a second message in the
// fused log: the recorder knows it by its ObsStream sequence and takes it
// once.
func TestOutputAgainAfterTheWindow(t *testing.T) {
	lines := simulated(t, 14, 12*time.Hour, 15)
	x, _ := open(t, t.TempDir(), &streamed{})
	defer x.close(t)
	monitortest.PostLines(t, x.url, lines, 300)
	want := x.state(t)
	ctx := context.Background()
	s, err := x.node.Conn.JS.Stream(ctx, stream.FusedStream)
	if err != nil {
		t.Fatal(err)
	}
	for _, seq := range []uint64{1, 2} {
		m, err := s.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := x.node.Conn.JS.Publish(ctx, stream.FusedSubject, m.Data, jetstream.WithMsgID(fmt.Sprintf("again-%d", seq))); err != nil {
			t.Fatal(err)
		}
	}
	got := x.state(t)
	same(t, "outputs again", want, got)
}

// A stream deployment answers a batch once it is durable, before fusion:
// the answer says so (incidents_deferred), so that an empty list of
// incidents is not read as "the batch changed none"; the embedded
// default's answer lists them and does not say it.
func TestIngestAnswerSaysIncidentsDeferred(t *testing.T) {
	lines := simulated(t, 3, 6*time.Hour, 15)
	body := append(bytes.Join(lines[:200], []byte("\n")), '\n')
	answer := func(url string) mission.IngestResult {
		t.Helper()
		resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r mission.IngestResult
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %v", resp.Status, err)
		}
		return r
	}
	d, _ := open(t, t.TempDir(), nil)
	defer d.close(t)
	want := answer(d.url)
	if want.IncidentsDeferred || want.IncidentsTotal == 0 {
		t.Errorf("embedded answer: deferred %v, %d incidents; want not deferred, incidents listed", want.IncidentsDeferred, want.IncidentsTotal)
	}
	x, _ := open(t, t.TempDir(), &streamed{})
	defer x.close(t)
	if r := answer(x.url); !r.IncidentsDeferred || r.Added != want.Added || r.Duplicates != want.Duplicates || len(r.Incidents) != 0 {
		t.Errorf("stream answer: deferred %v, %d added and %d duplicates, %d incidents listed; want deferred, %d added and %d duplicates as the embedded default, none listed", r.IncidentsDeferred, r.Added, r.Duplicates, len(r.Incidents), want.Added, want.Duplicates)
	}
}
