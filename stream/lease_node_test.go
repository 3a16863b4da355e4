package stream_test

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/stream"
)

// gauge is a metric's value.
func gauge(tb testing.TB, m interface{ Write(*dto.Metric) error }) float64 {
	tb.Helper()
	var d dto.Metric
	if err := m.Write(&d); err != nil {
		tb.Fatal(err)
	}
	if d.Counter != nil {
		return d.GetCounter().GetValue()
	}
	return d.GetGauge().GetValue()
}

// A worker node (--role worker) and a node of role all started by
// mistake on the same streams: the worker node, first, holds the
// sector's lease and fuses; the other node's worker stands by and
// publishes nothing to the fused log. The worker node stopped (cleanly:
// its lease released), the standby takes over; what was posted through
// both is recorded as the embedded default records it.
func TestWorkerNodesOneHolder(t *testing.T) {
	lines := simulated(t, 14, 24*time.Hour, 15)
	want := embedded(t, lines, 200)
	srv, err := stream.StartEmbedded(stream.EmbeddedConfig{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()

	var wm, am *stream.Metrics
	w, _ := open(t, t.TempDir(), &streamed{url: srv.URL(), cfg: func(_ *mission.Mission, c *stream.Config) {
		c.Role, wm = stream.RoleWorker, c.Metrics
	}})
	wClosed := false
	defer func() {
		if !wClosed {
			w.close(t)
		}
	}()
	waitUntil(t, "the worker node takes sector 0's lease", func() bool { return gauge(t, wm.Leases.WithLabelValues("0")) == 1 })
	a, _ := open(t, t.TempDir(), &streamed{url: srv.URL(), cfg: func(_ *mission.Mission, c *stream.Config) { am = c.Metrics }})
	defer a.close(t)

	half := len(lines) / 2 / 200 * 200 // on a batch boundary
	monitortest.PostLines(t, a.url, lines[:half], 200)
	a.sync(t)
	if g := gauge(t, am.Leases.WithLabelValues("0")); g != 0 {
		t.Fatalf("the standby's lease gauge %v while the worker node holds the lease", g)
	}
	if n := gauge(t, am.Published.WithLabelValues(stream.FusedStream)); n != 0 {
		t.Fatalf("the standby published %v messages to %s while the worker node held the lease", n, stream.FusedStream)
	}
	if n := gauge(t, wm.Published.WithLabelValues(stream.FusedStream)); n == 0 {
		t.Fatalf("the worker node published nothing to %s: the test tested nothing", stream.FusedStream)
	}

	w.close(t)
	wClosed = true
	monitortest.PostLines(t, a.url, lines[half:], 200)
	got := a.state(t)
	if g := gauge(t, am.Leases.WithLabelValues("0")); g != 1 {
		t.Fatalf("the standby's lease gauge %v after the worker node stopped", g)
	}
	if n := gauge(t, am.Published.WithLabelValues(stream.FusedStream)); n == 0 {
		t.Fatalf("the standby published nothing to %s after it took over", stream.FusedStream)
	}
	same(t, "a worker node then its standby", want, got)
	fusedOnce(t, a)
}

// fusedBySector is the fused log's versions by sector, in ObsStream's
// order: each message's versions once.
func fusedBySector(tb testing.TB, x *deployment) map[int][]string {
	tb.Helper()
	type msg struct {
		seq      uint64
		versions string
	}
	by := map[int][]msg{}
	seen := map[string]bool{}
	for _, f := range fusedLog(tb, x) {
		if k := fmt.Sprintf("%d/%d", f.Sector, f.ObsSeq); !seen[k] {
			seen[k] = true
			by[f.Sector] = append(by[f.Sector], msg{f.ObsSeq, string(f.Versions)})
		}
	}
	out := map[int][]string{}
	for sector, ms := range by {
		slices.SortFunc(ms, func(a, b msg) int { return cmp.Compare(a.seq, b.seq) })
		for _, m := range ms {
			out[sector] = append(out[sector], m.versions)
		}
	}
	return out
}

// held is how many sectors a node's lease gauges say it holds.
func held(tb testing.TB, m *stream.Metrics, sectors int) int {
	tb.Helper()
	n := 0
	for i := range sectors {
		n += int(gauge(tb, m.Leases.WithLabelValues(strconv.Itoa(i))))
	}
	return n
}

// A node of role all holding the 4 sectors, then a worker node started
// beside it while batches flow: each ends with 2, both fuse, and each sector's fused
// output (versions, in order) is exactly that of a lone node of role
// all on the same batches; every message fused once. (The record of 4
// sectors is not the embedded default's byte for byte: package sector's
// doc; a lone node's is the reference.)
func TestWorkerNodesShareSectors(t *testing.T) {
	const sectors = 4
	const batch = 100
	lines := simulated(t, 15, 48*time.Hour, 15)
	split := func(m *mission.Mission, c *stream.Config) {
		s, err := stream.Split(m, sectors)
		if err != nil {
			t.Fatal(err)
		}
		c.Sectors = s
	}
	lone, _ := open(t, t.TempDir(), &streamed{cfg: split})
	monitortest.PostLines(t, lone.url, lines, batch)
	lone.sync(t)
	want := fusedBySector(t, lone)
	lone.close(t)

	srv, err := stream.StartEmbedded(stream.EmbeddedConfig{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	var am, wm *stream.Metrics
	a, _ := open(t, t.TempDir(), &streamed{url: srv.URL(), cfg: func(m *mission.Mission, c *stream.Config) {
		split(m, c)
		c.Node, am = "all-1", c.Metrics
	}})
	defer a.close(t)
	waitUntil(t, "the node of role all takes the 4 sectors", func() bool { return held(t, am, sectors) == sectors })
	third := len(lines) / 3 / batch * batch // on a batch boundary
	monitortest.PostLines(t, a.url, lines[:third], batch)
	w, _ := open(t, t.TempDir(), &streamed{url: srv.URL(), cfg: func(m *mission.Mission, c *stream.Config) {
		split(m, c)
		c.Role, c.Node, wm = stream.RoleWorker, "worker-1", c.Metrics
	}})
	defer w.close(t)
	for i := third; i < 2*third; i += batch { // while the sectors move
		monitortest.PostLines(t, a.url, lines[i:i+batch], batch)
		time.Sleep(250 * time.Millisecond)
	}
	waitUntil(t, "2 sectors each", func() bool { return held(t, am, sectors) == 2 && held(t, wm, sectors) == 2 })
	monitortest.PostLines(t, a.url, lines[2*third:], batch)
	a.sync(t)
	if n := gauge(t, wm.Published.WithLabelValues(stream.FusedStream)); n == 0 {
		t.Fatalf("the worker node published nothing to %s", stream.FusedStream)
	}
	if g := gauge(t, am.WorkerNodes); g != 2 {
		t.Fatalf("the node of role all sees %v worker nodes, want 2", g)
	}
	if r := strings.Count(a.logs.tail(1<<20), "sector released for balance"); r != 2 {
		t.Fatalf("the node of role all logged %d releases for balance, want 2", r)
	}
	n := fusedOnce(t, a)
	got := fusedBySector(t, a)
	for i := range sectors {
		if !slices.Equal(got[i], want[i]) {
			t.Fatalf("sector %d: %d fused messages, the lone node's %d; first difference at %d", i, len(got[i]), len(want[i]), firstDiff(got[i], want[i]))
		}
	}
	t.Logf("%d observations, %d fused messages; worker node published %v, node of role all %v", len(lines), n,
		gauge(t, wm.Published.WithLabelValues(stream.FusedStream)), gauge(t, am.Published.WithLabelValues(stream.FusedStream)))
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
