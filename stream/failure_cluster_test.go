package stream

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// TestFailureClusterNodeKilled kills one node of a 3-node JetStream cluster
// under load, first a follower of ACCORD_OBS, then its leader, and
// restarts each: publishers count only the batches JetStream acknowledged
// (PubAck, R3), sector consumers read with explicit ack; every
// acknowledged observation must be delivered (counted by key: a
// redelivery is a duplicate, not a loss) and delivery must resume. How
// long publishing and delivery paused is logged, not asserted.
func TestFailureClusterNodeKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 3-node cluster")
	}
	const sectors, publishers, perBatch = 4, 2, 50
	c := NewCluster(t.TempDir(), 3)
	if err := c.Open(); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, js := clConnect(t, c.URLs())
	clObsStream(t, js, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute) // bounds a hang, not a speed: a loaded CI machine runs this 10× slower
	defer cancel()

	var (
		mu        sync.Mutex
		acked     = map[string]bool{}
		seen      = map[string]int{}
		published gaps
		delivered gaps
		stop      = make(chan struct{})
		wg        sync.WaitGroup
	)
	for p := 0; p < publishers; p++ {
		_, pjs := clConnect(t, c.URLs())
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("pub%d", p)
			for b := 0; ; b++ {
				select {
				case <-stop:
					return
				default:
				}
				sector := (b + p) % sectors
				m, keys := clBatch(name, b, perBatch, sector, ObsSubject(sector))
				if !clPublish(ctx, pjs, m) {
					return
				}
				published.mark()
				mu.Lock()
				for _, k := range keys {
					acked[k] = true
				}
				mu.Unlock()
			}
		}()
	}
	wctx, wcancel := context.WithCancel(ctx)
	var workers sync.WaitGroup
	for s := 0; s < sectors; s++ {
		_, wjs := clConnect(t, c.URLs())
		cons, err := wjs.CreateOrUpdateConsumer(ctx, ObsStream, jetstream.ConsumerConfig{
			Durable: fmt.Sprintf("sector-%d", s), FilterSubject: ObsSubject(s),
			AckPolicy: jetstream.AckExplicitPolicy, AckWait: 5 * time.Second,
		})
		if err != nil {
			t.Fatal(err)
		}
		workers.Add(1)
		go func() {
			defer workers.Done()
			for wctx.Err() == nil {
				batch, err := cons.Fetch(20, jetstream.FetchMaxWait(500*time.Millisecond))
				if err != nil {
					time.Sleep(50 * time.Millisecond)
					continue
				}
				for m := range batch.Messages() {
					keys := clKeys(t, m.Data())
					mu.Lock()
					for _, k := range keys {
						seen[k]++
					}
					mu.Unlock()
					delivered.mark()
					m.Ack()
				}
			}
		}()
	}

	// The kills, one after the other, each node restarted before the next.
	steps := []struct {
		what   string
		leader bool // the stream leader, else a follower
		crash  bool // links cut first, else a clean stop
	}{
		{"a follower, crashed", false, true},
		{"the stream leader, crashed", true, true},
		{"the stream leader, stopped cleanly", true, false},
	}
	type kill struct {
		what               string
		node, next         int
		at, back           time.Time
		pub, deliv, downed time.Duration
	}
	var kills []*kill
	for _, st := range steps {
		// Each kill comes 1.5 s after publishing and delivery resumed
		// from the one before.
		if n := len(kills); n > 0 {
			waitFor(t, "PubAcks and deliveries after the restart", func() bool {
				return published.since(kills[n-1].back) && delivered.since(kills[n-1].back)
			})
		}
		time.Sleep(1500 * time.Millisecond)
		leader := c.StreamLeader(ObsStream)
		for leader < 0 {
			time.Sleep(10 * time.Millisecond)
			leader = c.StreamLeader(ObsStream)
		}
		k := &kill{what: st.what, node: leader}
		if !st.leader {
			k.node = (leader + 1) % 3
		}
		k.at = time.Now()
		if st.crash {
			c.Crash(k.node)
		} else {
			c.Kill(k.node)
		}
		time.Sleep(1500 * time.Millisecond)
		k.next = c.StreamLeader(ObsStream)
		if err := c.Restart(k.node); err != nil {
			t.Fatalf("restart node %d: %v", k.node, err)
		}
		k.back = time.Now()
		k.downed = k.back.Sub(k.at)
		kills = append(kills, k)
	}
	time.Sleep(1500 * time.Millisecond)
	close(stop)
	wg.Wait()

	// Every acknowledged observation is delivered: wait for the last.
	mu.Lock()
	want := len(acked)
	mu.Unlock()
	var missing int
	for {
		mu.Lock()
		missing = 0
		for k := range acked {
			if seen[k] == 0 {
				missing++
			}
		}
		mu.Unlock()
		if missing == 0 || ctx.Err() != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	wcancel()
	workers.Wait()
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged observations never delivered", missing, want)
	}
	twice := 0
	for _, n := range seen {
		if n > 1 {
			twice++
		}
	}
	for _, k := range kills {
		end := k.back.Add(time.Second)
		k.pub, _ = published.longest(k.at, end)
		k.deliv, _ = delivered.longest(k.at, end)
		t.Logf("killed %s (node %d, stream leader then node %d, down %v): longest pause of PubAcks %v, of deliveries %v",
			k.what, k.node, k.next, k.downed.Round(time.Millisecond), k.pub.Round(time.Millisecond), k.deliv.Round(time.Millisecond))
	}
	normal, _ := published.longest(time.Time{}, kills[0].at)
	t.Logf("%d observations acknowledged, all delivered (%d delivered more than once, deduplicated by key); longest PubAck pause before any kill %v",
		want, twice, normal.Round(time.Millisecond))
}
