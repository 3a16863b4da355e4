package local_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/internal/pgtest"
	"github.com/accord-peace/accord/local"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/pgstore"
)

// ownServer starts a PostgreSQL server of the test's own (durable: fsync
// and synchronous commit on), since the test stops it; skipped (failed
// under ACCORD_REQUIRE_TOOLS) without PostgreSQL.
func ownServer(t *testing.T) (*pgtest.Server, string) {
	t.Helper()
	bin, err := pgtest.FindBin()
	if err != nil {
		if os.Getenv("ACCORD_REQUIRE_TOOLS") != "" {
			t.Fatal(err)
		}
		t.Skipf("SKIP: %v", err)
	}
	srv, err := pgtest.Start(bin, pgtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	u, err := srv.CreateDB(context.Background(), "mission")
	if err != nil {
		t.Fatal(err)
	}
	return srv, u
}

// serveOn opens a mission on the PostgreSQL store at u and serves its API
// with /metrics wired to the store's retries; closing the deployment
// (once, at the end of the test if not before) is the function returned.
func serveOn(t *testing.T, u string, retry pgstore.Retry) (func() error, *httptest.Server) {
	t.Helper()
	a, k := monitortest.Reference(t)
	d, err := local.Open(context.Background(), local.Config{Dir: t.TempDir(), Store: u, StoreRetry: retry, Agreement: a, Kernel: k})
	if err != nil {
		t.Fatal(err)
	}
	s := api.NewServer(d.Mission)
	s.Metrics = api.NewMetrics(func() float64 { return 0 }, func() float64 { return 0 })
	d.ObserveStore(s.Metrics)
	var once sync.Once
	var err2 error
	closeD := func() error { once.Do(func() { err2 = d.Close() }); return err2 }
	t.Cleanup(func() { closeD() })
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return closeD, hs
}

// obs is the n-th observation of the test: one source, a position and a
// minute of its own.
func obs(n int) monitor.Observation {
	o := monitortest.Observation("pgfail", fmt.Sprint(n))
	o.Position[0] += float64(n%50) * 0.002
	o.Position[1] += float64(n/50%50) * 0.002
	o.ObservedAt = o.ObservedAt.Add(time.Duration(n) * time.Second)
	o.ReportedAt = o.ObservedAt.Add(time.Minute)
	return o
}

func post(c *http.Client, base string, batch []monitor.Observation) (*http.Response, string, error) {
	var b bytes.Buffer
	for i := range batch {
		line, _ := batch[i].MarshalJSON()
		b.Write(line)
		b.WriteByte('\n')
	}
	resp, err := c.Post(base+"/v1/observations", "application/x-ndjson", &b)
	if err != nil {
		return nil, "", err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body), nil
}

func metric(t *testing.T, base, prefix string) string {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// PostgreSQL stopped (pg_ctl stop -m fast) under a continuous ingestion
// and started again a few seconds later: the requests wait for it (the
// store retries within its bound) and ingestion resumes; every
// observation acknowledged with 200 is in the store and in the incidents,
// each exactly once, and /metrics shows the retries.
func TestPostgresLostAndBack(t *testing.T) {
	srv, u := ownServer(t)
	closeD, hs := serveOn(t, u, pgstore.Retry{})
	const batchSize, down = 20, 4 * time.Second
	c := &http.Client{Timeout: 2 * time.Minute}
	var (
		mu      sync.Mutex
		acked   = map[string]bool{}
		ackedAt []time.Time
		refused int
	)
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		n := 0
		for {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			batch := make([]monitor.Observation, batchSize)
			for i := range batch {
				batch[i] = obs(n + i)
			}
			// A batch is sent again until it is acknowledged: a 503 (or a
			// lost request) acknowledges nothing.
			for {
				resp, body, err := post(c, hs.URL, batch)
				if err == nil && resp.StatusCode == 200 {
					break
				}
				if err == nil && resp.StatusCode != http.StatusServiceUnavailable {
					done <- fmt.Errorf("batch from %d: %d %s", n, resp.StatusCode, body)
					return
				}
				mu.Lock()
				refused++
				mu.Unlock()
				time.Sleep(500 * time.Millisecond)
			}
			mu.Lock()
			for i := range batch {
				acked[batch[i].ID] = true
			}
			ackedAt = append(ackedAt, time.Now())
			mu.Unlock()
			n += batchSize
		}
	}()
	time.Sleep(2 * time.Second)
	halted := time.Now()
	if err := srv.Halt(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(down)
	if err := srv.Resume(); err != nil {
		t.Fatal(err)
	}
	resumed := time.Now()
	time.Sleep(3 * time.Second)
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	retries := metric(t, hs.URL, "accord_store_retries_total")
	unavailable := metric(t, hs.URL, "accord_store_unavailable")
	mu.Lock()
	defer mu.Unlock()
	// The pause: the longest gap between two acknowledgements, and from
	// the server back to the first acknowledgement after it.
	var gap time.Duration
	var firstAfter time.Time
	for i := 1; i < len(ackedAt); i++ {
		gap = max(gap, ackedAt[i].Sub(ackedAt[i-1]))
		if firstAfter.IsZero() && ackedAt[i].After(resumed) {
			firstAfter = ackedAt[i]
		}
	}
	if firstAfter.IsZero() {
		t.Fatal("no batch acknowledged after PostgreSQL came back: ingestion did not resume")
	}
	beforeHalt := 0
	for _, at := range ackedAt {
		if at.Before(halted) {
			beforeHalt++
		}
	}
	if beforeHalt == 0 {
		t.Fatal("nothing acknowledged before the stop: the test proves nothing")
	}
	if !strings.Contains(retries, `store="observations"`) {
		t.Errorf("/metrics shows no retry of the observation store:\n%s", retries)
	}
	if strings.Contains(unavailable, "} 1") {
		t.Errorf("/metrics still says a store is unavailable after it came back:\n%s", unavailable)
	}
	t.Logf("%d batches of %d acknowledged (%d before the stop), %d answered 503; PostgreSQL down %v; longest gap between acknowledgements %v; first acknowledgement %v after the restart",
		len(ackedAt), batchSize, beforeHalt, refused, down, gap.Round(time.Millisecond), firstAfter.Sub(resumed).Round(time.Millisecond))
	t.Logf("metrics:\n%s\n%s", retries, unavailable)
	if err := closeD(); err != nil {
		t.Fatal(err)
	}

	// Every acknowledged observation is stored, and a member of exactly one
	// incident; nothing else is stored.
	ctx := context.Background()
	db, err := pgstore.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stored := map[string]int{}
	if err := pgstore.NewObservationStore(db).All(ctx, func(o *accord.Observation) error { stored[o.ID]++; return nil }); err != nil {
		t.Fatal(err)
	}
	members := map[string]int{}
	q := accord.IncidentQuery{Limit: 500}
	for {
		p, err := pgstore.NewIncidentStore(db).Incidents(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range p.Incidents {
			for _, k := range in.Observations {
				members[k.ID]++
			}
		}
		if p.Next == "" {
			break
		}
		q.After = p.Next
	}
	if len(stored) != len(acked) || len(members) != len(acked) {
		t.Errorf("%d observations acknowledged, %d stored, %d in incidents", len(acked), len(stored), len(members))
	}
	for id := range acked {
		if stored[id] != 1 || members[id] != 1 {
			t.Errorf("observation %s: stored %d times, in %d incidents", id, stored[id], members[id])
		}
	}
}

// PostgreSQL down for longer than the retry bound: the request answers
// 503 with Retry-After and code "unavailable", naming the store, and
// nothing of it is acknowledged; once the server is back the same batch
// is taken.
func TestPostgresDownBeyondTheBound(t *testing.T) {
	srv, u := ownServer(t)
	_, hs := serveOn(t, u, pgstore.Retry{Max: time.Second})
	if err := srv.Halt(); err != nil {
		t.Fatal(err)
	}
	batch := []monitor.Observation{obs(1), obs(2)}
	start := time.Now()
	resp, body, err := post(http.DefaultClient, hs.URL, batch)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" ||
		!strings.Contains(body, `"unavailable"`) || !strings.Contains(body, "observations store is unavailable") {
		t.Errorf("with PostgreSQL down: %d Retry-After %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if took > 5*time.Second {
		t.Errorf("the answer took %v with a bound of 1 s", took)
	}
	if m := metric(t, hs.URL, "accord_store_unavailable"); !strings.Contains(m, `accord_store_unavailable{store="observations"} 1`) {
		t.Errorf("/metrics while down:\n%s", m)
	}
	if err := srv.Resume(); err != nil {
		t.Fatal(err)
	}
	resp, body, err = post(http.DefaultClient, hs.URL, batch)
	if err != nil || resp.StatusCode != 200 || !strings.Contains(body, `"added":2`) {
		t.Fatalf("after the restart: %v %v %s", err, resp, body)
	}
	t.Logf("503 after %v; %s", took.Round(time.Millisecond), metric(t, hs.URL, "accord_store_"))
}
