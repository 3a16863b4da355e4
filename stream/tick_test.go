package stream_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/stream"
)

// postTick posts a tick of the agreement's clock (POST /v1/clock) and
// returns the answer and its status.
func postTick(t *testing.T, url string, at time.Time) (api.ClockResult, int, string) {
	t.Helper()
	body, _ := json.Marshal(api.ClockRequest{At: at.Format(time.RFC3339Nano)})
	resp, err := http.Post(url+"/v1/clock", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var res api.ClockResult
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, &res); err != nil {
			t.Fatalf("POST /v1/clock: %v %s", err, b)
		}
	}
	return res, resp.StatusCode, string(b)
}

// firstDue is the earliest deadline of a provision pending in the main
// agreement's state, and the engine's clock.
func firstDue(t *testing.T, m *mission.Mission) (due, now time.Time) {
	t.Helper()
	st, err := m.State()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range st.Provisions {
		if p.Status == engine.Pending && p.Due != nil && (due.IsZero() || p.Due.Before(due)) {
			due = *p.Due
		}
	}
	if due.IsZero() {
		t.Fatal("no provision pending with a deadline")
	}
	return due, st.Now
}

// ticks counts the engine's tick events to at in a ledger's entries
// (entries' form).
func ticks(es []string, at time.Time) int {
	n := 0
	for _, e := range es {
		if strings.Contains(e, " "+accord.EntryEvent+" ") && strings.Contains(e, `"type":"`+engine.Tick+`"`) && strings.Contains(e, `"at":"`+at.Format(time.RFC3339Nano)+`"`) {
			n++
		}
	}
	return n
}

// A tick of the agreement's clock on a stream deployment (POST
// /v1/clock on the node: published through the ingest node, decided by
// the recorder in the log's order) records what the embedded default's
// tick records: batches over the simulated front's first 20 hours, a
// tick (sent twice) past the first provision's deadline, then the rest of
// two days — on 1 and 3 sectors, the same incidents, agreement state and
// ledger entries in the same order, one tick event with the provision
// overdue; and again after the node restarts on its streams.
func TestTickOnTheStream(t *testing.T) {
	lines := simulated(t, 12, 48*time.Hour, 15)
	const batch = 250
	first := len(lines) * 20 / 48 / batch * batch
	e, _ := open(t, t.TempDir(), nil)
	defer e.close(t)
	monitortest.PostLines(t, e.url, lines[:first], batch)
	due, now := firstDue(t, e.d.Mission)
	at := due.Add(time.Minute)
	if !at.After(now) {
		t.Fatalf("the first deadline %v is not after the clock %v", due, now)
	}
	for range 2 {
		if res, code, body := postTick(t, e.url, at); code != http.StatusOK || res.Deferred {
			t.Fatalf("the embedded default's tick: %d %s", code, body)
		}
	}
	monitortest.PostLines(t, e.url, lines[first:], batch)
	want, wantEntries := e.state(t), entries(t, e)
	if ticks(wantEntries, at) != 1 || !strings.Contains(strings.Join(wantEntries, "\n"), "overdue") {
		t.Fatalf("the embedded default's record: %d tick events, want 1 with a provision overdue:\n%s", ticks(wantEntries, at), strings.Join(wantEntries[len(wantEntries)-8:], "\n"))
	}
	for _, n := range []int{1, 3} {
		t.Run(fmt.Sprintf("%d-sectors", n), func(t *testing.T) {
			dir := t.TempDir()
			x, _ := open(t, dir, onSectors(t, n))
			monitortest.PostLines(t, x.url, lines[:first], batch)
			for range 2 {
				res, code, body := postTick(t, x.url, at)
				if code != http.StatusOK || !res.Deferred || res.Ticked || !res.Now.Equal(at) || res.Derived == nil || len(res.Derived) > 0 || res.LastEntry != nil {
					t.Fatalf("POST /v1/clock on the stream node: %d %s; want 200, deferred, now %v", code, body, at)
				}
			}
			monitortest.PostLines(t, x.url, lines[first:], batch)
			got, gotEntries := x.state(t), entries(t, x)
			what := fmt.Sprintf("%d sectors, a tick to %v", n, at)
			same(t, what, want, got)
			sameEntries(t, what, wantEntries, gotEntries)
			if ticks(gotEntries, at) != 1 {
				t.Errorf("%s: %d tick events recorded, want 1 (the tick sent twice)", what, ticks(gotEntries, at))
			}
			t.Logf("%s: %d observations, %d incidents, %d ledger entries, the tick after %d of them", what, len(lines), len(got.incidents), len(gotEntries), first)
			x.close(t)

			// Restarted: the workers read the ticks back without fusing
			// them, the recorder restores past them.
			x, _ = open(t, dir, onSectors(t, n))
			same(t, what+", restarted", want, x.state(t))
			sameEntries(t, what+", restarted", wantEntries, entries(t, x))

			// A tick the stream's last message in every sector (to a
			// time before the clock: it records nothing): the node
			// restarted reads the front's clock back from it.
			front := x.node.Ingester.Clock()
			start := time.Now()
			if res, code, body := postTick(t, x.url, at.Add(time.Hour)); code != http.StatusOK || !res.Deferred {
				t.Fatalf("a second tick: %d %s", code, body)
			}
			answered := time.Since(start)
			x.sync(t)
			t.Logf("%s: a tick answered in %v, decided by the recorder %v after it was posted", what, answered.Round(time.Microsecond), time.Since(start).Round(time.Millisecond))
			if l := x.d.Ledger.Len(); l != int64(len(wantEntries)) {
				t.Errorf("a tick before the clock recorded %d entries", l-int64(len(wantEntries)))
			}
			x.close(t)
			x, _ = open(t, dir, onSectors(t, n))
			defer x.close(t)
			if got := x.node.Ingester.Clock(); !got.Equal(front) || front.IsZero() {
				t.Errorf("the front's clock read back after a tick: %v, want %v", got, front)
			}
		})
	}
}

// Ticks a stream node refuses or records nothing for: on a regional
// ingest node (it keeps no record) refused, nothing published; before
// the parties have signed, where the embedded default refuses (400, not
// in force), the stream node cannot know (the batch that signs may be
// published, not yet recorded): it publishes the tick (200, deferred)
// and the recorder records nothing and logs why; a tick to no time is
// refused.
func TestTickRefusedOnTheStream(t *testing.T) {
	ctx := context.Background()
	e, _ := open(t, t.TempDir(), nil)
	defer e.close(t)
	at := t0.Add(time.Hour)
	if _, code, body := postTick(t, e.url, at); code != http.StatusBadRequest || !strings.Contains(body, "not in force") {
		t.Fatalf("the embedded default's tick before the signatures: %d %s, want 400 not in force", code, body)
	}
	x, _ := open(t, t.TempDir(), onSectors(t, 3))
	defer x.close(t)
	if res, code, body := postTick(t, x.url, at); code != http.StatusOK || !res.Deferred {
		t.Fatalf("the stream node's tick before the signatures: %d %s, want 200 deferred", code, body)
	}
	x.sync(t)
	if n := x.d.Ledger.Len(); n != 0 {
		t.Errorf("a tick before the signatures recorded %d entries", n)
	}
	if logs := x.logs.tail(20); !strings.Contains(logs, "recorded nothing") || !strings.Contains(logs, "not in force") {
		t.Errorf("the recorder's log says nothing of the tick refused:\n%s", logs)
	}
	if _, err := x.node.Ingester.Tick(ctx, time.Time{}); accord.ErrorCode(err) != accord.EINVALID {
		t.Errorf("a tick to no time: %v, want EINVALID", err)
	}

	before := msgs(t, ctx, x, stream.ObsStream)
	g := stream.NewIngester(x.d.Mission, x.node.Conn, split(t, x.d.Mission, 3).Plan, nil)
	g.Region = "north"
	defer g.Close()
	if _, err := g.Tick(ctx, at); accord.ErrorCode(err) != accord.EINVALID || !strings.Contains(err.Error(), "regional") {
		t.Errorf("a tick on a regional ingest node: %v, want EINVALID naming the regional node", err)
	}
	if after := msgs(t, ctx, x, stream.ObsStream); after != before {
		t.Errorf("a refused tick published %d messages", after-before)
	}

	// A time a tick's header (UNIX nanoseconds) cannot carry is refused,
	// nothing published: the API bounds a tick's time by the server's
	// clock only ahead, and the embedded default records nothing for a
	// time long past (the clock is past it), but its nanoseconds wrapped
	// round and the recorder was to tick the clock to another time — a
	// tick to 1600 became one to 2184, past every deadline.
	for _, at := range []time.Time{
		time.Date(1600, 6, 3, 0, 0, 0, 0, time.UTC),
		time.Date(1677, 9, 21, 0, 12, 43, 145224191, time.UTC), // a nanosecond before the first
		time.Date(2263, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		if _, err := x.node.Ingester.Tick(ctx, at); accord.ErrorCode(err) != accord.EINVALID {
			t.Errorf("a tick to %v: %v, want EINVALID", at, err)
		}
	}
	if after := msgs(t, ctx, x, stream.ObsStream); after != before {
		t.Errorf("ticks to times out of the nanoseconds' range published %d messages", after-before)
	}
	first := time.Unix(0, math.MinInt64).UTC()
	if _, err := x.node.Ingester.Tick(ctx, first); err != nil {
		t.Errorf("a tick to %v, the first time a header carries: %v", first, err)
	}
}

// A tick takes its turn to publish as a batch does: batch A's message
// that JetStream did not take at once, published again, is in ObsStream
// before the tick posted after A was stored (the sector's worker
// forwards them in the stream's order, and the recorder decides a single
// sector's messages as they come), and the record is the embedded
// default's for A, the tick, then the rest.
func TestTickPublishedAfterTheBatchBefore(t *testing.T) {
	const n = 200
	lines := simulated(t, 11, 24*time.Hour, 15)
	e, _ := open(t, t.TempDir(), nil)
	defer e.close(t)
	monitortest.PostLines(t, e.url, lines[:n], n)
	st, err := e.d.Mission.State()
	if err != nil {
		t.Fatal(err)
	}
	at := st.Now.Add(time.Minute)
	if _, code, body := postTick(t, e.url, at); code != http.StatusOK {
		t.Fatalf("the embedded default's tick: %d %s", code, body)
	}
	monitortest.PostLines(t, e.url, lines[n:], n)
	want, wantEntries := e.state(t), entries(t, e)
	if ticks(wantEntries, at) != 1 {
		t.Fatalf("the embedded default recorded %d ticks to %v, want 1", ticks(wantEntries, at), at)
	}

	x, _ := open(t, t.TempDir(), &streamed{})
	defer x.close(t)
	republishedLate(t, x, lines[:n], func() {
		if res, code, body := postTick(t, x.url, at); code != http.StatusOK || !res.Deferred {
			t.Fatalf("the stream node's tick: %d %s", code, body)
		}
	})
	s, err := x.node.Conn.JS.Stream(context.Background(), stream.ObsStream)
	if err != nil {
		t.Fatal(err)
	}
	if raw, err := s.GetMsg(context.Background(), 1); err != nil || raw.Header.Get(stream.HeaderTick) != "" {
		t.Fatalf("ObsStream's first message is the tick (%v): it went ahead of batch A's message published again", err)
	}
	if got, want := firstObsKey(t, x), obsKey(t, lines[0]); got != want {
		t.Fatalf("ObsStream's first message begins with %s; want batch A's first observation %s", got, want)
	}
	monitortest.PostLines(t, x.url, lines[n:], n)
	same(t, "a tick after a message published again", want, x.state(t))
	sameEntries(t, "a tick after a message published again", wantEntries, entries(t, x))
}
