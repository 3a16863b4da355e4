package api_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
)

// A server whose feed has streams open (the parties' witnesses follow it)
// shuts down at once: HTTPServer ends the streams on Shutdown, which
// would otherwise wait for them until its context's deadline.
func TestFeedStreamsEndOnShutdown(t *testing.T) {
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "l"), &ledger.Registry{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	feed := &api.Feed{Ledger: l}
	a, k := mustReference(t)
	m, err := mission.Open(t.Context(), mission.Config{Agreement: a, Kernel: k, Observations: monitor.NewMemStore(),
		Incidents: monitor.NewMemIncidentStore(), Ledger: l, Sealed: monitor.NewMemSealedStore(), Publisher: feed})
	if err != nil {
		t.Fatal(err)
	}
	s := api.NewServer(m)
	s.Record = &api.Record{Ledger: l, Origin: "o"}
	s.Feed = feed
	srv := s.HTTPServer(api.DefaultHeaderTimeout, api.DefaultIdleTimeout)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	var ended []chan error
	for range 3 {
		resp, err := http.Get("http://" + ln.Addr().String() + "/v1/feed")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		br := bufio.NewReader(resp.Body)
		if _, err := br.ReadString('\n'); err != nil { // the snapshot's first line: streaming
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { _, err := io.Copy(io.Discard, br); done <- err }()
		ended = append(ended, done)
	}
	if st := feed.Stats(); st.Clients != 3 {
		t.Fatalf("%d streams open, want 3", st.Clients)
	}
	// A deadline far beyond a test's patience: Shutdown must not need it.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	t0 := time.Now()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown with 3 streams open: %v", err)
	}
	t.Logf("shut down with 3 feed streams open in %v", time.Since(t0))
	for i, done := range ended {
		if err := <-done; err != nil {
			t.Fatalf("stream %d: %v, want its end", i, err)
		}
	}
	if err := <-served; err != http.ErrServerClosed {
		t.Fatal(err)
	}
}
