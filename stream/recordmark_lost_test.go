package stream

import (
	"context"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
)

// A move of the record's mark sent while NATS was down waits in the
// connection's buffer, its answer given up; when NATS comes back the
// buffer is sent and the move lands. The recorder's next move then finds
// the mark moved by a write it took for failed: its own, not another
// recorder's, and it goes on. It stopped the node ("another recorder
// writes this deployment's record", naming itself) after any outage of
// NATS longer than a move's wait.
func TestRecordMarkMovedByItsOwnLostWrite(t *testing.T) {
	ctx := context.Background()
	cfg := EmbeddedConfig{Dir: filepath.Join(t.TempDir(), "nats"), Port: freePortInternal(t)}
	srv, err := StartEmbedded(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { srv.Shutdown() }()
	c, err := Connect(ctx, srv.URL(), "mark-test")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	kv, err := ensureRecordBucket(ctx, c.JS, 1)
	if err != nil {
		t.Fatal(err)
	}
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "ledger"), &ledger.Registry{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	a, k := monitortest.Reference(t)
	m, err := mission.Open(ctx, mission.Config{Agreement: a, Kernel: k, Observations: monitor.NewMemStore(),
		Incidents: monitor.NewMemIncidentStore(), Ledger: l, Sealed: monitor.NewMemSealedStore()})
	if err != nil {
		t.Fatal(err)
	}
	n := int64(0)
	grow := func() {
		t.Helper()
		before := m.LedgerLen()
		n++
		o := monitortest.Observation("s", string(rune('a'+n)))
		o.ReportedAt = o.ReportedAt.Add(time.Duration(n) * time.Hour)
		o.ObservedAt = o.ObservedAt.Add(time.Duration(n) * time.Hour)
		if _, err := m.Ingest(ctx, []monitor.Observation{o}, nil); err != nil {
			t.Fatal(err)
		}
		if m.LedgerLen() == before {
			t.Fatalf("the ledger did not grow (%d entries)", before)
		}
	}
	grow()
	mk := &marker{kv: kv, m: m, node: "recorder-1", logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := mk.start(ctx); err != nil {
		t.Fatal(err)
	}

	grow()
	srv.Shutdown()
	for c.NC.IsConnected() {
		time.Sleep(10 * time.Millisecond)
	}
	short, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	err = mk.move(short, true) // buffered, its answer given up: logged, left for the next move
	cancel()
	if err != nil {
		t.Fatalf("a move while NATS is down: %v, want it left for the next", err)
	}
	if srv, err = StartEmbedded(cfg); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !c.NC.IsConnected() && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if err := c.NC.Flush(); err != nil {
		t.Fatal(err)
	}
	grow()
	if err := mk.move(ctx, true); err != nil {
		t.Fatalf("the next move after NATS came back: %v", err)
	}
	e, err := kv.Get(ctx, RecordMarkKey)
	if err != nil {
		t.Fatal(err)
	}
	if mk.size != m.LedgerLen() || e.Revision() != mk.rev {
		t.Errorf("the mark is at %d entries (revision %d), the ledger has %d (the marker's revision %d)", mk.size, e.Revision(), m.LedgerLen(), mk.rev)
	}
}

// freePortInternal is a loopback port nothing listens on now.
func freePortInternal(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
