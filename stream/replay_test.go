package stream

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// A sector read back message by message (the stream's next message on
// the sector's subject: replayByGet, the fallback when no consumer can be
// placed after a node's crash) feeds the fusion what the ordered
// consumer feeds it, in the same order, from the start or from where the
// consumer stopped.
func TestReplayByGetIsTheConsumersReplay(t *testing.T) {
	url := leaseServer(t)
	c := leaseConn(t, url)
	// Another sector's messages between this one's: not read back.
	other := func(i int) {
		m := nats.NewMsg(ObsSubject(1))
		m.Data = []byte("{}\n")
		m.Header.Set(nats.MsgIdHdr, fmt.Sprintf("other-%d/1", i))
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if !clPublish(ctx, c.JS, m) {
			t.Fatal("not acknowledged")
		}
	}
	other(0)
	publishLease(t, c.JS, 0, 6)
	other(1)
	floor := publishLease(t, c.JS, 6, 12)
	publishLease(t, c.JS, 12, 15) // past the floor: not read back
	replay := func(ordered bool, from uint64) (string, uint64) {
		f := &digestFuser{}
		w := NewWorker(c, 0, f, nil, WorkerConfig{})
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		var err error
		if from > 0 {
			err = w.replayOrdered(ctx, from)
		}
		if err == nil && ordered {
			err = w.replayOrdered(ctx, floor)
		} else if err == nil {
			err = w.replayByGet(ctx, floor)
		}
		if err != nil {
			t.Fatal(err)
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		return string(f.sum[:]), w.done
	}
	want, wantDone := replay(true, 0)
	if wantDone != floor {
		t.Fatalf("the consumer's replay stopped at %d, want the floor %d", wantDone, floor)
	}
	for _, from := range []uint64{0, 1, floor / 2, floor} {
		got, done := replay(false, from)
		if got != want || done != floor {
			t.Fatalf("read back one by one after the consumer's first %d: at %d, digest %x; the consumer's alone: at %d, %x", from, done, got, wantDone, want)
		}
	}
}
