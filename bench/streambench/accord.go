package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/local"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/stream"
)

// accordCell runs a cell on accord's own stream path: a node in role all
// (stream.Start: the ingest stage, one sector worker per sector, the
// recorder) of a mission with its durable stores (SQLite, the ledger) in
// a temporary directory, on cluster c (ACCORD_OBS and ACCORD_FUSED
// replicated min(3, nodes) times), the API over HTTP on loopback.
// Throughput: the clients post the observations in batches; acknowledged
// is when the last batch was answered 200 (stored, and durable in
// JetStream), recorded when the node synced (fused, engine, ledger).
// Latency: receipt to 200, and receipt to recorded, batches of 100 at the
// fixed rate (slower when the record does not keep up).
func (b *bench) accordCell(c *stream.Cluster, nodes, w int) (row, error) {
	r := row{nodes: nodes, workers: w, obs: b.n}
	ctx := context.Background()
	nc, err := nats.Connect(c.URLs())
	if err != nil {
		return r, err
	}
	js, _ := jetstream.New(nc)
	for _, s := range []string{stream.ObsStream, stream.FusedStream} {
		_ = js.DeleteStream(ctx, s) // each cell starts on empty streams
	}
	// and is a new deployment: a new record, new leases.
	for _, kv := range []string{stream.RecordBucket, stream.LeaseBucket} {
		_ = js.DeleteKeyValue(ctx, kv)
	}
	nc.Close()
	dir, err := os.MkdirTemp("", "streambench-accord-")
	if err != nil {
		return r, err
	}
	defer os.RemoveAll(dir)
	kernel, err := monitor.NewKernel(b.agreement.Monitoring)
	if err != nil {
		return r, err
	}
	d, err := local.Open(ctx, local.Config{Dir: dir, Agreement: b.agreement, Kernel: kernel, StreamFed: true})
	if err != nil {
		return r, err
	}
	defer d.Close()
	sectors, err := stream.Split(d.Mission, w)
	if err != nil {
		return r, err
	}
	cfg := stream.Config{URL: c.URLs(), Dir: dir, Sectors: sectors, Streams: stream.StreamConfig{Replicas: min(3, nodes)},
		Worker: stream.WorkerConfig{Lease: stream.LeaseConfig{TTL: leaseTTL, Holder: "all"}}}
	node, err := stream.Start(ctx, d.Mission, cfg)
	if err != nil {
		return r, err
	}
	defer node.Close()
	var stop func()
	r.workerNodes, stop, err = b.startWorkerNodes(ctx, node, cfg, w)
	defer stop()
	if err != nil {
		return r, err
	}
	s := api.NewServer(d.Mission)
	s.Ingest = node.Ingester.Ingest
	s.Record = &api.Record{Ledger: d.Ledger, Origin: "streambench"}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return r, err
	}
	srv := s.HTTPServer(api.DefaultHeaderTimeout, api.DefaultIdleTimeout)
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/v1/observations"

	runtime.GC()
	cpu0 := cpuSeconds()
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, b.publishers)
	for range b.publishers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				lo := int(next.Add(int64(b.batch))) - b.batch
				if lo >= b.n {
					return
				}
				if err := postBatch(url, b.lines[lo:min(lo+b.batch, b.n)]); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		return r, err
	default:
	}
	r.acked = float64(b.n) / time.Since(start).Seconds()
	sctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := node.Sync(sctx); err != nil {
		return r, fmt.Errorf("waiting for the record: %w", err)
	}
	r.rate = float64(b.n) / time.Since(start).Seconds()
	r.cpu = (cpuSeconds() - cpu0) / float64(b.n)

	const per = 100
	interval := time.Duration(float64(time.Second) * per / float64(b.latRate))
	var lat, rec []time.Duration
	t0 := time.Now()
	for i, lo := 0, b.n; lo < b.n+b.latN; i, lo = i+1, lo+per {
		for time.Now().Before(t0.Add(time.Duration(i) * interval)) {
			time.Sleep(100 * time.Microsecond)
		}
		at := time.Now()
		if err := postBatch(url, b.lines[lo:min(lo+per, b.n+b.latN)]); err != nil {
			return r, err
		}
		lat = append(lat, time.Since(at))
		// Receipt to recorded: until everything published so far is
		// fused, through the engine and in the ledger, whose commit the
		// feed's event follows. The next batch waits for it, so the run
		// goes at the rate given only while the record keeps up.
		if err := node.SyncEvery(sctx, time.Millisecond); err != nil {
			return r, fmt.Errorf("waiting for the record of a batch: %w", err)
		}
		rec = append(rec, time.Since(at))
	}
	r.latRate = float64(b.latN) / time.Since(t0).Seconds()
	q := func(d []time.Duration) (time.Duration, time.Duration) {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return d[len(d)/2], d[int(0.99*float64(len(d)-1))]
	}
	r.p50, r.p99 = q(lat)
	r.rec50, r.rec99 = q(rec)
	return r, nil
}

// leaseTTL is the leases' TTL in the cells: the sectors spread over the
// worker nodes (one release for balance a TTL) in seconds.
const leaseTTL = 2 * time.Second

// startWorkerNodes starts the cell's other worker nodes (-worker-nodes,
// beside the node of role all: role worker, each with its own data
// directory and holder name, in this process) and waits until the w
// sectors are spread: every one held, no node above its share. stop
// stops what it started (call it whatever the error).
func (b *bench) startWorkerNodes(ctx context.Context, all *stream.Node, cfg stream.Config, w int) (n int, stop func(), err error) {
	var closers []func()
	stop = func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	nodes := []*stream.Node{all}
	for i := 1; i < b.workerNodes; i++ {
		dir, err := os.MkdirTemp("", "streambench-worker-")
		if err != nil {
			return len(nodes), stop, err
		}
		closers = append(closers, func() { os.RemoveAll(dir) })
		d, err := local.Open(ctx, local.Config{Dir: dir, Agreement: b.agreement, Kernel: b.kernel, StreamFed: true})
		if err != nil {
			return len(nodes), stop, err
		}
		closers = append(closers, func() { d.Close() })
		c := cfg
		c.Dir, c.Role = dir, stream.RoleWorker
		c.Worker.Lease.Holder = fmt.Sprintf("worker-%d", i)
		node, err := stream.Start(ctx, d.Mission, c)
		if err != nil {
			return len(nodes), stop, err
		}
		closers = append(closers, func() { node.Close() })
		nodes = append(nodes, node)
	}
	if len(nodes) == 1 {
		return 1, stop, nil
	}
	share := (w + len(nodes) - 1) / len(nodes)
	wait := time.Duration(w+2) * 3 * leaseTTL
	for deadline := time.Now().Add(wait); ; time.Sleep(50 * time.Millisecond) {
		held, most := 0, 0
		for _, node := range nodes {
			k := len(node.Held())
			held, most = held+k, max(most, k)
		}
		if held == w && most <= share {
			return len(nodes), stop, nil
		}
		if time.Now().After(deadline) {
			return len(nodes), stop, fmt.Errorf("the %d sectors not spread over %d worker nodes after %s: %d held, at most %d on a node (share %d)", w, len(nodes), wait, held, most, share)
		}
	}
}

// postBatch posts NDJSON lines and wants 200.
func postBatch(url string, lines [][]byte) error {
	body := append(bytes.Join(lines, []byte("\n")), '\n')
	resp, err := http.Post(url, "application/x-ndjson", bytes.NewReader(body))
	if err != nil {
		return err
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: %s %s", url, resp.Status, msg)
	}
	return nil
}
