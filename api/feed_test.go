package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
)

// feedServer serves a mission whose ledger the feed streams, on loopback.
func feedServer(t *testing.T, feed *api.Feed) (*httptest.Server, *ledger.Ledger) {
	t.Helper()
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "l"), &ledger.Registry{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	feed.Ledger = l
	a, k := mustReference(t)
	m, err := mission.Open(t.Context(), mission.Config{Agreement: a, Kernel: k, Observations: monitor.NewMemStore(),
		Incidents: monitor.NewMemIncidentStore(), Ledger: l, Sealed: monitor.NewMemSealedStore(), Publisher: feed})
	if err != nil {
		t.Fatal(err)
	}
	s := api.NewServer(m)
	s.Record = &api.Record{Ledger: l, Origin: "o"}
	s.Feed = feed
	srv := httptest.NewUnstartedServer(s.Handler())
	srv.Config.ConnContext = api.ConnContext
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, l
}

// batch is n observations, each an incident of its own, their ids
// prefixed so that batches do not overlap.
func batch(prefix string, n int) []byte {
	return []byte(strings.ReplaceAll(string(grid(n)), `"id":"g`, `"id":"`+prefix))
}

func postBatch(t *testing.T, url string, body []byte) {
	t.Helper()
	resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("post: %d %s", resp.StatusCode, b)
	}
}

// sseEvent is one server-sent event.
type sseEvent struct {
	ID    int64
	Event string
	Data  string
}

// subscribe opens the feed (resuming after lastID unless it is "") and
// sends its events on the channel until the context ends.
func subscribe(t *testing.T, ctx context.Context, url, lastID string) (<-chan sseEvent, int, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", url+"/v1/feed", nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return nil, resp.StatusCode, string(b)
	}
	ch := make(chan sseEvent, 1<<16)
	go func() {
		defer resp.Body.Close()
		defer close(ch)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		var e sseEvent
		for sc.Scan() {
			l := sc.Text()
			switch {
			case l == "":
				if e.Event != "" {
					ch <- e
				}
				e = sseEvent{}
			case strings.HasPrefix(l, "id: "):
				e.ID, _ = strconv.ParseInt(l[4:], 10, 64)
			case strings.HasPrefix(l, "event: "):
				e.Event = l[7:]
			case strings.HasPrefix(l, "data: "):
				e.Data = l[6:]
			}
		}
	}()
	return ch, 200, ""
}

// next is the next event, or a failure after a while.
func next(t *testing.T, ch <-chan sseEvent) sseEvent {
	t.Helper()
	select {
	case e, ok := <-ch:
		if !ok {
			t.Fatal("the feed ended")
		}
		return e
	case <-time.After(20 * time.Second):
		t.Fatal("no event within 20 s")
	}
	return sseEvent{}
}

// A client without Last-Event-ID is not replayed the ledger: its first
// event is a snapshot mark at the ledger's end (id = length - 1, to page
// GET /v1/incidents from), then only what comes after; with Last-Event-ID
// it resumes after that entry, -1 being the start.
func TestFeedStartsAtTheEnd(t *testing.T) {
	feed := &api.Feed{}
	srv, l := feedServer(t, feed)
	postBatch(t, srv.URL, batch("a", 30))
	n0 := l.Len()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ch, code, msg := subscribe(t, ctx, srv.URL, "")
	if code != 200 {
		t.Fatalf("feed: %d %s", code, msg)
	}
	first := next(t, ch)
	var snap struct {
		LedgerLen int64 `json:"ledger_len"`
	}
	if first.Event != "snapshot" || first.ID != n0-1 || json.Unmarshal([]byte(first.Data), &snap) != nil || snap.LedgerLen != n0 {
		t.Fatalf("first event %+v, want a snapshot with id %d and ledger_len %d", first, n0-1, n0)
	}
	// The snapshot: every incident so far, from GET /v1/incidents.
	resp, err := http.Get(srv.URL + "/v1/incidents")
	if err != nil {
		t.Fatal(err)
	}
	var page struct{ Incidents []struct{ ID string } }
	json.NewDecoder(resp.Body).Decode(&page)
	resp.Body.Close()
	if len(page.Incidents) != 30 {
		t.Errorf("%d incidents in the snapshot, want 30", len(page.Incidents))
	}
	// Then the feed: the next batch's incidents, nothing from before.
	postBatch(t, srv.URL, batch("b", 10))
	got := 0
	for got < 10 {
		e := next(t, ch)
		if e.ID < n0 {
			t.Fatalf("event %d replayed from before the snapshot (ledger length %d)", e.ID, n0)
		}
		if e.Event == "incident" {
			got++
		}
	}
	// Another client without Last-Event-ID costs no ledger read.
	reads := feed.Stats().LedgerReads
	ch2, code, msg := subscribe(t, ctx, srv.URL, "")
	if code != 200 {
		t.Fatalf("feed: %d %s", code, msg)
	}
	if e := next(t, ch2); e.Event != "snapshot" || e.ID != l.Len()-1 {
		t.Errorf("second client's first event %d %s, want the snapshot at %d", e.ID, e.Event, l.Len()-1)
	}
	if r := feed.Stats().LedgerReads; r != reads {
		t.Errorf("a new client made the feed read %d ledger entries, want none", r-reads)
	}
	// Resuming: after entry 3, and from the start.
	for _, tt := range []struct {
		last string
		want int64
	}{{"3", 4}, {"-1", 0}} {
		ch, code, msg := subscribe(t, ctx, srv.URL, tt.last)
		if code != 200 {
			t.Fatalf("Last-Event-ID %s: %d %s", tt.last, code, msg)
		}
		if e := next(t, ch); e.ID < tt.want || e.ID > tt.want+2 || e.Event == "snapshot" {
			t.Errorf("Last-Event-ID %s: first event %d %s, want about %d", tt.last, e.ID, e.Event, tt.want)
		}
	}
	if _, code, _ := subscribe(t, ctx, srv.URL, "x"); code != 400 {
		t.Errorf("Last-Event-ID x: %d, want 400", code)
	}
	// An id past the end, the largest included (its successor does not
	// fit an int64), is sent the snapshot, not an empty stream.
	for _, last := range []string{"1000000", "9223372036854775806", "9223372036854775807"} {
		ch, code, msg := subscribe(t, ctx, srv.URL, last)
		if code != 200 {
			t.Fatalf("Last-Event-ID %s: %d %s", last, code, msg)
		}
		if e := next(t, ch); e.Event != "snapshot" || e.ID != l.Len()-1 {
			t.Errorf("Last-Event-ID %s: first event %d %s, want the snapshot at %d", last, e.ID, e.Event, l.Len()-1)
		}
	}
}

// No more than 8 streams at once from one address: the ninth is refused
// with 429 and says why; once one closes, another may open.
func TestFeedCapsStreamsPerAddress(t *testing.T) {
	srv, _ := feedServer(t, &api.Feed{})
	var cancels []context.CancelFunc
	defer func() {
		for _, c := range cancels {
			c()
		}
	}()
	for i := range 8 {
		ctx, cancel := context.WithCancel(t.Context())
		cancels = append(cancels, cancel)
		ch, code, msg := subscribe(t, ctx, srv.URL, "")
		if code != 200 {
			t.Fatalf("stream %d: %d %s", i+1, code, msg)
		}
		next(t, ch)
	}
	_, code, msg := subscribe(t, t.Context(), srv.URL, "")
	if code != 429 || !strings.Contains(msg, "127.0.0.1 has 8 feed streams open, the most one address may") {
		t.Errorf("ninth stream: %d %s", code, msg)
	}
	cancels[0]()
	for i := 0; ; i++ {
		ctx, cancel := context.WithCancel(t.Context())
		cancels = append(cancels, cancel)
		if _, code, _ := subscribe(t, ctx, srv.URL, ""); code == 200 {
			break
		}
		if i == 100 {
			t.Fatal("no stream once one closed")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
