package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/stream"
)

// serve --role recorder on a data directory whose ledger is not the
// deployment's record (a fresh one, on streams another node recorded on)
// stops with exit code 1, saying so, what the record's mark holds and
// how to go on; the node that keeps the record starts again.
func TestServeRecorderNotTheRecord(t *testing.T) {
	srv, err := stream.StartEmbedded(stream.EmbeddedConfig{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	obs, _ := simulateTo(t, "--seed", "6", "--duration", "2h")
	body, err := os.ReadFile(obs)
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	serve := []string{"serve", "--addr", "127.0.0.1:0", "--stream", srv.URL()}
	url, stop, out := startAccord(t, append(serve, "--data", data)...)
	postBatches(t, url, body, 400)
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if size := strings.TrimSuffix(strings.SplitAfter(served(t, url), "ledger size ")[1], "\n"); size != "0" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing recorded a minute after the batches: %s", out.String())
		}
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d: %s", code, out.String())
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rout, rerr := &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append(serve, "--data", t.TempDir(), "--role", "recorder"), rout, rerr)
	}()
	select {
	case code := <-done:
		if code != 1 {
			t.Fatalf("exit %d, want 1: %s %s", code, rout.String(), rerr.String())
		}
	case <-time.After(time.Minute):
		t.Fatalf("serve --role recorder on another ledger still runs after a minute: %s %s", rout.String(), rerr.String())
	}
	t.Logf("serve --role recorder on another ledger: %s", strings.TrimSpace(rerr.String()))
	if strings.Contains(rerr.String(), "this is a bug") {
		t.Errorf("a ledger that is not the record is called a bug: %s", rerr.String())
	}
	for _, w := range []string{"not the deployment's record", "this ledger is behind it", "marked by", "nats kv del ACCORD_RECORD ledger"} {
		if !strings.Contains(rerr.String(), w) {
			t.Errorf("the error does not say %q: %s", w, rerr.String())
		}
	}

	url, stop, out = startAccord(t, append(serve, "--data", data)...)
	postBatches(t, url, body, 400) // every observation a duplicate: nothing more to record
	if code := stop(); code != 0 {
		t.Fatalf("the record's own node, started again: exit %d: %s", code, out.String())
	}
}
