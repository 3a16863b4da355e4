package stream

import (
	"context"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// TestFailureRegionCutOff cuts a regional node's link to the stream
// cluster while its ingest publishes: the regional node keeps
// acknowledging from its own stream, and when the link returns everything
// it acknowledged reaches ACCORD_OBS exactly once, on accord.obs.<sector>,
// headers kept. The catch-up time is logged, not asserted.
func TestFailureRegionCutOff(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 3-node cluster and a regional node")
	}
	c := NewCluster(t.TempDir(), 3)
	if err := c.Open(); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var hub []*url.URL
	var links []*link
	for _, u := range c.LeafURLs() {
		l := newTestLink(t, u.Host)
		links = append(links, l)
		hub = append(hub, &url.URL{Scheme: "nats-leaf", Host: l.Addr()})
	}
	r := NewRegion("east", t.TempDir(), hub)
	r.Reconnect = 250 * time.Millisecond
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	waitFor(t, "leaf link up", r.Linked)

	_, hjs := clConnect(t, c.URLs())
	clObsStream(t, hjs, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := SourceRegion(ctx, hjs, r.Name, r.Domain); err != nil {
		t.Fatal(err)
	}
	if err := SourceRegion(ctx, hjs, r.Name, r.Domain); err != nil { // idempotent
		t.Fatal(err)
	}

	_, rjs := clConnect(t, r.URL())
	var (
		mu       sync.Mutex
		acked    = map[string]bool{}
		sectorOf = map[string]int{} // Nats-Msg-Id → sector
		cutErrs  atomic.Int64
		cutAcks  atomic.Int64
		cut      atomic.Bool
		stop     = make(chan struct{})
		done     = make(chan struct{})
	)
	go func() {
		defer close(done)
		for b := 0; ; b++ {
			select {
			case <-stop:
				return
			default:
			}
			sector := b % 4
			m, keys := clBatch("east", b, 20, sector, RegionSubject(r.Name, sector))
			pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
			_, err := rjs.PublishMsg(pctx, m)
			pcancel()
			if err != nil {
				if cut.Load() {
					cutErrs.Add(1)
				}
				continue
			}
			if cut.Load() {
				cutAcks.Add(1)
			}
			mu.Lock()
			for _, k := range keys {
				acked[k] = true
			}
			sectorOf[m.Header.Get(nats.MsgIdHdr)] = sector
			mu.Unlock()
			time.Sleep(2 * time.Millisecond)
		}
	}()

	time.Sleep(time.Second)
	for _, l := range links {
		l.Cut()
	}
	waitFor(t, "leaf link down", func() bool { return !r.Linked() })
	cut.Store(true)
	time.Sleep(2 * time.Second)
	cut.Store(false)
	close(stop)
	<-done
	if cutAcks.Load() == 0 || cutErrs.Load() > 0 {
		t.Fatalf("while cut off, the regional node acknowledged %d batches and refused %d: it must keep accepting", cutAcks.Load(), cutErrs.Load())
	}
	mu.Lock()
	want := len(acked)
	mu.Unlock()
	obs, err := hjs.Stream(ctx, ObsStream)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := obs.Info(ctx)

	restored := time.Now()
	for _, l := range links {
		l.Restore()
	}
	waitFor(t, "leaf link back", r.Linked)
	relinked := time.Since(restored)
	var caught time.Duration
	for {
		info, err := obs.Info(ctx)
		if err == nil && info.State.Msgs >= uint64(len(sectorOf)) {
			caught = time.Since(restored)
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("%s has %d of the %d batches the region acknowledged", ObsStream, info.State.Msgs, len(sectorOf))
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // would a duplicate follow?

	// Read ACCORD_OBS whole: every acknowledged observation once, each
	// batch on its sector's subject with its headers. Message by message:
	// right after the link's return a consumer may find no server to be
	// placed on and answer "no responders" (as Worker.replay's fallback
	// reads), so each read is retried until the test's deadline.
	info, _ := obs.Info(ctx)
	seen := map[string]int{}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		var m *jetstream.RawStreamMsg
		for {
			if m, err = obs.GetMsg(ctx, seq); err == nil {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("reading %s's message %d: %v", ObsStream, seq, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
		id := m.Header.Get(nats.MsgIdHdr)
		sector, ok := sectorOf[id]
		if !ok {
			t.Errorf("message %q on %s: not a batch the region acknowledged", id, m.Subject)
			continue
		}
		if want := ObsSubject(sector); m.Subject != want {
			t.Errorf("batch %s on %s, want %s", id, m.Subject, want)
		}
		if m.Header.Get(HeaderBatch) == "" {
			t.Errorf("batch %s lost its headers: %v", id, m.Header)
		}
		for _, k := range clKeys(t, m.Data) {
			seen[k]++
		}
	}
	dup, missing := 0, 0
	for k, n := range seen {
		if n > 1 {
			dup++
		}
		if !acked[k] {
			t.Errorf("observation %s reached %s, never acknowledged", k, ObsStream)
		}
	}
	for k := range acked {
		if seen[k] == 0 {
			missing++
		}
	}
	if dup > 0 || missing > 0 {
		t.Fatalf("%s: %d observations twice, %d of %d acknowledged missing", ObsStream, dup, missing, want)
	}
	t.Logf("region cut off %s: acknowledged %d observations (%d batches, %d while cut off); "+
		"%s held %d batches at the cut's end; link back %v after restore, caught up %v after restore; every one once",
		r.Name, want, len(sectorOf), cutAcks.Load(), ObsStream, before.State.Msgs, relinked.Round(time.Millisecond), caught.Round(time.Millisecond))
}

// waitFor polls cond for up to a minute (a bound against a hang, not a
// timing assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after a minute", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
