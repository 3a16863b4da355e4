package mission_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/sim"
)

// simulated returns the simulator's observations on the reference
// geometry as NDJSON lines, in arrival order, their ids prefixed so that
// runs of several seeds never share a key.
func simulated(tb testing.TB, seed uint64, start time.Time, d time.Duration, rate float64) [][]byte {
	tb.Helper()
	a, k := mustReference(tb)
	cfg := sim.FromAgreement(a.Monitoring, k)
	cfg.Seed, cfg.Start, cfg.Duration, cfg.Rate, cfg.FalseAlarmsPerHour = seed, start, d, rate, 2
	res, err := sim.Run(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	lines := make([][]byte, len(res.Observations))
	for i, o := range res.Observations {
		o.Properties.ID = fmt.Sprintf("s%d-%s", seed, o.Properties.ID)
		if lines[i], err = json.Marshal(o); err != nil {
			tb.Fatal(err)
		}
	}
	return lines
}

// batchRun is 'accord monitor run': the mission in memory, one batch.
func batchRun(tb testing.TB, lines [][]byte) []monitor.Incident {
	tb.Helper()
	a, k := mustReference(tb)
	obs, err := monitor.Decode(bytes.NewReader(append(bytes.Join(lines, []byte("\n")), '\n')), "week")
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	m, err := mission.Open(ctx, mission.Config{Agreement: a, Kernel: k, Observations: monitor.NewMemStore(), Incidents: monitor.NewMemIncidentStore()})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := m.Ingest(ctx, obs, nil); err != nil {
		tb.Fatal(err)
	}
	ins, err := m.AllIncidents(ctx, monitor.IncidentFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	return ins
}

// serve runs the API over a durable mission on a loopback listener.
func serve(tb testing.TB, m *durable) string {
	tb.Helper()
	s := api.NewServer(m.Mission)
	s.Record = &api.Record{Ledger: m.ledger, Origin: "test"}
	s.Feed = &api.Feed{Ledger: m.ledger}
	srv := httptest.NewServer(s.Handler())
	tb.Cleanup(srv.Close)
	return srv.URL
}

// listAll reads every page of GET /v1/incidents with a query.
func listAll(tb testing.TB, url, query string, limit int) ([]monitor.Incident, int) {
	tb.Helper()
	var out []monitor.Incident
	after, pages := "", 0
	for {
		resp, err := http.Get(fmt.Sprintf("%s/v1/incidents?limit=%d&after=%s&%s", url, limit, after, query))
		if err != nil {
			tb.Fatal(err)
		}
		var p monitor.IncidentPage
		err = json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			tb.Fatalf("GET /v1/incidents: %s, %v", resp.Status, err)
		}
		pages++
		if len(p.Incidents) > limit {
			tb.Fatalf("a page of %d incidents, limit %d", len(p.Incidents), limit)
		}
		out = append(out, p.Incidents...)
		if p.Next == "" {
			return out, pages
		}
		after = p.Next
	}
}

// A week of observations: the batch command and the server (in batches,
// through HTTP, SQLite and the ledger) give the same incidents, closed ones
// included, and every observation is in exactly one of them; the ledger
// holds every incident's last version.
func TestAWeekThroughTheServerIsTheBatchCommand(t *testing.T) {
	lines := simulated(t, 11, t0, 7*24*time.Hour, 15)
	want := batchRun(t, lines)
	m := openDurable(t, t.TempDir())
	url := serve(t, m)
	monitortest.PostLines(t, url, lines, 500)
	got, pages := listAll(t, url, "", 700)
	if pages < 2 {
		t.Errorf("%d incidents in %d page(s): the paging was not exercised", len(got), pages)
	}
	if len(got) != len(want) {
		t.Fatalf("the server lists %d incidents, the batch command %d", len(got), len(want))
	}
	closed := 0
	in := map[fusion.Ref]int{}
	for i := range want {
		a, _ := json.Marshal(want[i])
		b, _ := json.Marshal(got[i])
		if !bytes.Equal(a, b) {
			t.Fatalf("incident %d:\n batch  %s\n server %s", i, a, b)
		}
		if want[i].ClosedAt != nil {
			closed++
		}
		for _, r := range want[i].Observations {
			in[r]++
		}
	}
	for _, l := range lines {
		o, err := monitor.DecodeLine(l)
		if err != nil {
			t.Fatal(err)
		}
		if n := in[fusion.Ref{Source: o.Source.ID, ID: o.ID}]; n != 1 {
			t.Fatalf("observation %s/%s is in %d incidents, want 1", o.Source.ID, o.ID, n)
		}
	}
	if closed < len(want)*3/4 {
		t.Errorf("%d of %d incidents closed over a week, want most", closed, len(want))
	}
	// Filters page over the whole history too.
	open, _ := listAll(t, url, "closed=false", 100)
	if len(open)+closed != len(want) {
		t.Errorf("%d open + %d closed ≠ %d", len(open), closed, len(want))
	}
	// The ledger holds every incident's last version, as its record: the
	// incident, the number of its observations and the digest of the list
	// the store serves.
	last := map[string][]byte{}
	for _, x := range entries[accord.IncidentRecord](t, m.ledger, accord.EntryIncident) {
		last[x.ID], _ = json.Marshal(x)
	}
	for _, x := range got {
		if b, _ := json.Marshal(accord.RecordOf(&x)); !bytes.Equal(last[x.ID], b) {
			t.Fatalf("the ledger's last version of %s:\n %s\nthe store's:\n %s", x.ID, last[x.ID], b)
		}
	}
	t.Logf("%d observations, %d incidents (%d closed), %d pages", len(lines), len(got), closed, pages)
}
