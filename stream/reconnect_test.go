package stream_test

import (
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/stream"
)

// freePort is a loopback port nothing listens on now.
func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// The NATS server stops while a node runs and comes back on the same
// port and store: the node reconnects (counted in the metrics), its
// workers and recorder go on, and once everything posted before, during
// and after is recorded the result is the embedded default's.
func TestNATSLostAndBack(t *testing.T) {
	lines := simulated(t, 13, 24*time.Hour, 15)
	want := embedded(t, lines, 200)
	dir := t.TempDir()
	cfg := stream.EmbeddedConfig{Dir: filepath.Join(dir, "nats"), Port: freePort(t)}
	srv, err := stream.StartEmbedded(cfg)
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	x, _ := open(t, dir, &streamed{url: srv.URL(), cfg: func(_ *mission.Mission, c *stream.Config) { c.Metrics = stream.NewMetrics(reg) }})
	defer x.close(t)
	third := len(lines) / 3 / 200 * 200
	monitortest.PostLines(t, x.url, lines[:third], 200)

	srv.Shutdown()
	done := make(chan struct{})
	go func() { // the batches posted meanwhile wait for the server (Ingester.Retry)
		defer close(done)
		monitortest.PostLines(t, x.url, lines[third:2*third], 200)
	}()
	time.Sleep(time.Second) // some posted while it is down (no assertion on time)
	if srv, err = stream.StartEmbedded(cfg); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	<-done
	monitortest.PostLines(t, x.url, lines[2*third:], 200)
	got := x.state(t)
	same(t, "NATS lost and back", want, got)
	fusedOnce(t, x)
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	reconnects := 0.0
	for _, f := range fams {
		if f.GetName() == "accord_stream_reconnects_total" {
			reconnects = f.GetMetric()[0].GetCounter().GetValue()
		}
	}
	if reconnects < 1 {
		t.Errorf("accord_stream_reconnects_total %v after the server came back", reconnects)
	}
}
