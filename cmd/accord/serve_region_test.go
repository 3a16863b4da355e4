package main

import (
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accord-peace/accord/stream"
)

// accord serve --role ingest --region east, on a regional NATS server
// whose link to the stream cluster is down from the start: every batch is
// answered 200; the recorder's node (--role all --source-region east)
// records them once the link is up, exactly as the embedded default
// records the same batches (one sector). The catch-up time is logged.
func TestServeRegionalIngest(t *testing.T) {
	obs, _ := simulateTo(t, "--seed", "6", "--duration", "6h")
	body, err := os.ReadFile(obs)
	if err != nil {
		t.Fatal(err)
	}
	plain, stopPlain, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir())
	postBatches(t, plain, body, 200)
	want := served(t, plain)
	stopPlain()

	hub := stream.NewCluster(t.TempDir(), 1)
	if err := hub.Open(); err != nil {
		t.Fatal(err)
	}
	defer hub.Close()
	g := newGate(t, hub.LeafURLs()[0].Host)
	region := stream.NewRegion("east", t.TempDir(), []*url.URL{{Scheme: "nats-leaf", Host: g.addr()}})
	region.Reconnect = 250 * time.Millisecond
	if err := region.Open(); err != nil {
		t.Fatal(err)
	}
	defer region.Close()

	centre, stopCentre, out := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(),
		"--stream", hub.URLs(), "--source-region", "east")
	defer stopCentre()
	east, stopEast, eastOut := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(),
		"--stream", region.URL(), "--role", "ingest", "--region", "east")
	defer stopEast()
	postBatches(t, east, body, 200) // cut off: every batch 200
	if region.Linked() {
		t.Fatal("the region is linked through a closed gate")
	}
	opened := time.Now()
	g.open()
	converges(t, want, centre)
	t.Logf("caught up %v after the link opened\n%s%s", time.Since(opened).Round(time.Millisecond), strings.TrimSpace(out.String())+"\n", strings.TrimSpace(eastOut.String()))
}

// gate is a TCP proxy to a target that refuses connections until opened.
type gate struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	up     bool
}

func newGate(t *testing.T, target string) *gate {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{ln: ln, target: target}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			g.mu.Lock()
			up := g.up
			g.mu.Unlock()
			if !up {
				c.Close()
				continue
			}
			d, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			go func() { io.Copy(d, c); d.Close() }()
			go func() { io.Copy(c, d); c.Close() }()
		}
	}()
	return g
}

func (g *gate) addr() string { return g.ln.Addr().String() }

func (g *gate) open() {
	g.mu.Lock()
	g.up = true
	g.mu.Unlock()
}
