//go:build unix

package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/ledger"
)

// dialStalled opens a feed stream with a 4 KiB receive buffer and reads
// nothing from it.
func dialStalled(t *testing.T, url string) net.Conn {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	conn, err := d.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "GET /v1/feed HTTP/1.1\r\nHost: test\r\n\r\n")
	return conn
}

// derived lists the indexes of the derived entries of [from, to).
func derived(t *testing.T, l *ledger.Ledger, from, to int64) []int64 {
	var out []int64
	for i := from; i < to; i++ {
		rec, _ := l.Record(i)
		var e ledger.Entry
		if json.Unmarshal(rec, &e) == nil && e.Kind == ledger.KindDerived {
			out = append(out, i)
		}
	}
	return out
}

// waitFor polls a condition for up to 30 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 30 s", what)
		}
	}
}

// Clients that stop reading are dropped once a write to them cannot
// complete in time, the others go on, and the new entries are read from
// the ledger once for all of them; a dropped client that resumes with
// Last-Event-ID misses nothing. The write timeout, 2 s, is far longer
// than the reading client's goroutine waits for a core even on a loaded
// machine (with 300 ms it was dropped too once, at load 11).
func TestFeedDropsSlowReaders(t *testing.T) {
	feed := &api.Feed{WriteTimeout: 2 * time.Second, MaxPerAddr: 100, Window: 1 << 16}
	srv, l := feedServer(t, feed)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	good, code, msg := subscribe(t, ctx, srv.URL, "")
	if code != 200 {
		t.Fatalf("feed: %d %s", code, msg)
	}
	snap := next(t, good)
	const stalled = 20
	var conns []net.Conn
	for range stalled + 1 {
		conns = append(conns, dialStalled(t, srv.URL))
	}
	waitFor(t, "every stream open", func() bool { return feed.Stats().Clients == stalled+2 })
	for i := range 10 {
		start := time.Now()
		postBatch(t, srv.URL, batch(fmt.Sprintf("s%d-", i), 1000))
		t.Logf("batch %d: %v with %d streams open", i, time.Since(start).Round(time.Millisecond), feed.Stats().Clients)
	}
	waitFor(t, "the stalled clients dropped", func() bool { return feed.Stats().Clients == 1 })
	st := feed.Stats()
	end := l.Len()
	want := derived(t, l, snap.ID+1, end)
	t.Logf("%d entries, %d events; %+v", end, len(want), st)
	if st.Dropped != stalled+1 {
		t.Errorf("%d clients dropped, want %d", st.Dropped, stalled+1)
	}
	// The reader that kept reading got every event, and every entry was
	// read from the ledger once for all the clients.
	got := map[int64]bool{}
	for len(got) < len(want) {
		got[next(t, good).ID] = true
	}
	for _, id := range want {
		if !got[id] {
			t.Fatalf("the reading client missed event %d", id)
		}
	}
	if reads := feed.Stats().LedgerReads; reads != end {
		t.Errorf("%d ledger reads for %d entries and %d clients: want each entry read once", reads, end, stalled+2)
	}
	// A dropped client reads what reached it, then resumes after the last
	// whole event it got.
	br := bufio.NewReader(conns[0])
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	last := int64(-2)
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	var id int64 = -2
	for sc.Scan() {
		switch l := sc.Text(); {
		case strings.HasPrefix(l, "id: "):
			id, _ = strconv.ParseInt(l[4:], 10, 64)
		case l == "" && id != -2:
			seen[id], last, id = true, id, -2
		}
	}
	t.Logf("the dropped client had %d events; it resumes after %d", len(seen), last)
	again, code, msg := subscribe(t, ctx, srv.URL, strconv.FormatInt(last, 10))
	if code != 200 {
		t.Fatalf("resume: %d %s", code, msg)
	}
	for e := next(t, again); ; e = next(t, again) {
		seen[e.ID] = true
		if e.ID == want[len(want)-1] {
			break
		}
	}
	for _, id := range want {
		if !seen[id] {
			t.Fatalf("the dropped client, resumed, missed event %d", id)
		}
	}
}

// Past MaxClients streams in all, the next is refused with 429.
func TestFeedCapsStreamsInAll(t *testing.T) {
	feed := &api.Feed{MaxClients: 3}
	srv, _ := feedServer(t, feed)
	for range 3 {
		dialStalled(t, srv.URL)
	}
	waitFor(t, "three streams", func() bool { return feed.Stats().Clients == 3 })
	_, code, msg := subscribe(t, t.Context(), srv.URL, "")
	if code != 429 || !strings.Contains(msg, "the feed has 3 streams open, the most it serves at once") || !strings.Contains(msg, api.CodeTooMany) {
		t.Errorf("fourth stream: %d %s", code, msg)
	}
}
