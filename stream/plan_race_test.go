package stream

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accord-peace/accord"
)

// Nodes of different splits started at the same instant on a new
// deployment: one split takes the streams, and every node of another
// split is refused, naming it — none goes on to run on streams that keep
// another plan than its own.
func TestStreamsPlanTakenOnceByNodesStartedTogether(t *testing.T) {
	for trial := range 4 {
		e, err := StartEmbedded(EmbeddedConfig{Dir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		const nodes = 8
		conns := make([]*Conn, nodes)
		for i := range conns {
			conns[i] = leaseConn(t, e.URL())
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		plans := make([]string, nodes)
		errs := make([]error, nodes)
		var start, done sync.WaitGroup
		start.Add(1)
		for i := range nodes {
			plans[i] = PlanName(1+i%4, "ukraine-2025")
			done.Add(1)
			go func() {
				defer done.Done()
				start.Wait()
				errs[i] = EnsureStreams(ctx, conns[i].JS, StreamConfig{Plan: plans[i]})
			}()
		}
		start.Done()
		done.Wait()
		var kept []string
		for _, name := range []string{ObsStream, FusedStream} {
			s, err := conns[0].JS.Stream(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			kept = append(kept, s.CachedInfo().Config.Metadata[PlanKey])
		}
		cancel()
		if kept[0] == "" || kept[0] != kept[1] {
			t.Fatalf("trial %d: the streams keep the plans %q", trial, kept)
		}
		ran := 0
		for i, err := range errs {
			switch {
			case err == nil && plans[i] != kept[0]:
				t.Errorf("trial %d: a node of %q started on streams that keep %q", trial, plans[i], kept[0])
			case err == nil:
				ran++
			case accord.ErrorCode(err) != accord.EINVALID || !strings.Contains(err.Error(), kept[0]):
				t.Errorf("trial %d: a node of %q: %v, want EINVALID naming %q", trial, plans[i], err, kept[0])
			}
		}
		if ran == 0 {
			t.Errorf("trial %d: no node started; the streams keep %q", trial, kept[0])
		}
		e.Shutdown()
	}
}
