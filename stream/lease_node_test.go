package stream_test

import (
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
