// Command streambench measures how ingestion over JetStream grows with the
// nodes and the sector workers (partitions): for each cell of 1, 2, 3
// JetStream nodes (an in-process cluster on loopback, stream.Cluster, the
// observation stream replicated min(3, nodes) times) × 1–4 workers, it
// publishes the same simulated observations, split by sector, to
// ACCORD_OBS, and each sector's worker consumes its subject with explicit
// ack and does a sector worker's work with accord's code: decode each line
// (monitor.DecodeLine), Put its own observations into an observation store
// (kept once per key), fuse own and halo in the batch's order
// (sector.Worker.ObserveBatch over monitor.Pipeline: placement, fusion,
// violations). The sectors are package sector's plan of the reference
// agreement's line, each observation routed with its halo
// (sector.Plan.Route). It reports, per cell: throughput (observations
// consumed per second), CPU seconds per observation (getrusage of the whole process:
// servers, publishers and workers), and the receipt-to-consumed latency
// (from the ingest taking a batch to the worker having acknowledged it) at
// a fixed rate; and per added worker the efficiency against one worker.
// Run it with bench/stream.sh.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sector"
	"github.com/accord-peace/accord/stream"

	"github.com/accord-peace/accord/internal/cputime"

	"github.com/accord-peace/accord/internal/benchdata"
)

// sentHeader carries the time the ingest took a batch (unix nanoseconds),
// for the receipt-to-consumed latency; the benchmark's own header.
const sentHeader = "Bench-Received"

func main() {
	nodesFlag := flag.String("nodes", "1,2,3", "JetStream node counts to run")
	workersFlag := flag.String("workers", "1,2,3,4", "sector worker (partition) counts to run")
	hours := flag.Float64("hours", 24, "simulated hours of observations")
	rate := flag.Float64("rate", 1000, "true events per simulated hour")
	count := flag.Int("n", 60000, "observations per cell for the throughput run")
	batch := flag.Int("batch", 500, "observations per ingested batch (split by sector into one message each)")
	publishers := flag.Int("publishers", 2, "concurrent ingest publishers")
	latRate := flag.Int("latency-rate", 5000, "observations per second for the latency run")
	latSeconds := flag.Float64("latency-seconds", 3, "length of the latency run")
	path := flag.String("path", "raw", "raw: JetStream and the sector worker's work (accord's code) in this benchmark; accord: accord's own stream path (stream.Start, ingest over HTTP, durable stores, recorder)")
	repeat := flag.Int("count", 1, "runs of each cell (the table shows the median of each figure)")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	workerNodes := flag.Int("worker-nodes", 1, "with -path accord: worker nodes sharing the sectors (the node of role all and N-1 nodes of role worker, in this process; the sectors spread over them before each cell is measured)")
	flag.Parse()
	log.SetFlags(0)

	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	nodes, err := ints(*nodesFlag)
	if err != nil {
		log.Fatalf("-nodes: %v", err)
	}
	workers, err := ints(*workersFlag)
	if err != nil {
		log.Fatalf("-workers: %v", err)
	}
	a, k, err := benchdata.Reference()
	if err != nil {
		log.Fatal(err)
	}
	lines, err := benchdata.Lines(a, k, *hours, *rate)
	if err != nil {
		log.Fatal(err)
	}
	obs := make([]*monitor.Observation, len(lines))
	for i := range lines {
		if obs[i], err = monitor.DecodeLine(lines[i]); err != nil {
			log.Fatal(err)
		}
	}
	latN := int(float64(*latRate) * *latSeconds)
	if *count+latN > len(lines) {
		log.Fatalf("%d simulated observations, %d needed (-n %d and the latency run's %d): raise -hours or -rate", len(lines), *count+latN, *count, latN)
	}
	fmt.Printf("machine: %d cores, %s; %d simulated observations (%d per cell, batches of %d, %d publishers; latency at %d obs/s for %gs)\n",
		runtime.NumCPU(), runtime.Version(), len(lines), *count, *batch, *publishers, *latRate, *latSeconds)
	fmt.Printf("worker's work: decode + Put (memory store) + sector.Worker.ObserveBatch (fusion over own + halo); sectors: sector.NewPlan\n\n")

	b := &bench{agreement: a, kernel: k, lines: lines, obs: obs, n: *count, latN: latN, batch: *batch,
		publishers: *publishers, latRate: *latRate, workerNodes: *workerNodes}
	if *workerNodes < 1 || (*workerNodes > 1 && *path != "accord") {
		log.Fatalf("-worker-nodes %d: want 1, or more with -path accord", *workerNodes)
	}
	if err := b.alone(); err != nil {
		log.Fatal(err)
	}
	cell := b.cell
	switch *path {
	case "raw":
	case "accord":
		cell = b.accordCell
		fmt.Printf("path: accord's (a node in role all: ingest over HTTP into SQLite + JetStream, sector workers, recorder with engine and ledger)\n\n")
	default:
		log.Fatalf("-path %q: want raw or accord", *path)
	}
	var rows []row
	for _, n := range nodes {
		dir, err := os.MkdirTemp("", "streambench-")
		if err != nil {
			log.Fatal(err)
		}
		c := stream.NewCluster(dir, n)
		if err := c.Open(); err != nil {
			log.Fatal(err)
		}
		if len(rows) == 0 { // warm up the process (not reported)
			if _, err := cell(c, n, 1); err != nil {
				log.Fatalf("warm-up: %v", err)
			}
		}
		// The cells of a node count run in turn, count times, so that the
		// load of the machine, which varies, falls on each alike.
		runs := make([][]row, len(workers))
		for range *repeat {
			for i, w := range workers {
				r, err := cell(c, n, w)
				if err != nil {
					log.Fatalf("%d nodes, %d workers: %v", n, w, err)
				}
				fmt.Fprintf(os.Stderr, "%d nodes × %d workers: %.0f obs/s, %.1f µs CPU/obs, p99 %v\n", n, w, r.rate, r.cpu*1e6, r.p99)
				runs[i] = append(runs[i], r)
			}
		}
		for i := range workers {
			rows = append(rows, median(runs[i]))
		}
		c.Close()
		os.RemoveAll(dir)
	}
	if *path == "accord" {
		reportAccord(rows)
	} else {
		report(rows)
	}
}

// bench is the run's fixed input.
type bench struct {
	agreement  *agreement.Agreement
	kernel     *geo.Kernel
	lines      [][]byte
	obs        []*monitor.Observation
	n, latN    int
	batch      int
	publishers int
	latRate    int
	// workerNodes share the sectors on accord's path (-worker-nodes).
	workerNodes int
}

// row is one cell's figures.
type row struct {
	nodes, workers int
	workerNodes    int     // accord: worker nodes sharing the sectors
	rate           float64 // observations per second (accord: recorded)
	acked          float64 // accord: observations acknowledged (200) per second
	cpu            float64 // CPU seconds per observation
	halo           float64 // halo copies per observation
	obs, msgs      int     // observations and messages of the throughput run
	p50, p99       time.Duration
	// accord: receipt to recorded (the feed's event follows the record's
	// commit), and the rate the latency run achieved
	rec50, rec99 time.Duration
	latRate      float64
}

// cell runs the throughput and the latency run on a fresh ObsStream with
// w sector workers.
func (b *bench) cell(c *stream.Cluster, nodes, w int) (row, error) {
	r := row{nodes: nodes, workers: w, obs: b.n}
	ctx := context.Background()
	urls := strings.Split(c.URLs(), ",")
	nc, err := nats.Connect(c.URLs())
	if err != nil {
		return r, err
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	_ = js.DeleteStream(ctx, stream.ObsStream)
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name: stream.ObsStream, Subjects: []string{stream.ObsSubjects}, Storage: jetstream.FileStorage,
		Replicas: min(3, nodes), Duplicates: 2 * time.Minute,
	}); err != nil {
		return r, fmt.Errorf("create %s: %w", stream.ObsStream, err)
	}
	plan, err := sector.NewPlan(b.agreement.Monitoring, b.kernel, w)
	if err != nil {
		return r, err
	}
	routes := make([]route, len(b.obs))
	halo := 0
	for i, o := range b.obs {
		routes[i].own, routes[i].halo = plan.Route(o)
		if i < b.n {
			halo += len(routes[i].halo)
		}
	}
	r.halo = float64(halo) / float64(b.n)

	// Workers, one per sector, each on its own connection to a node.
	var consumed atomic.Int64
	var latMu sync.Mutex
	var lat []time.Duration
	measuring := atomic.Bool{}
	var stops []func()
	for s := 0; s < w; s++ {
		wc, err := nats.Connect(urls[s%len(urls)])
		if err != nil {
			return r, err
		}
		defer wc.Close()
		wjs, _ := jetstream.New(wc)
		cons, err := wjs.CreateOrUpdateConsumer(ctx, stream.ObsStream, jetstream.ConsumerConfig{
			Durable: "sector-" + strconv.Itoa(s), FilterSubject: stream.ObsSubject(s),
			AckPolicy: jetstream.AckExplicitPolicy, MaxAckPending: 10000,
		})
		if err != nil {
			return r, fmt.Errorf("consumer of sector %d: %w", s, err)
		}
		wk, err := newWorker(b.agreement, plan, s)
		if err != nil {
			return r, err
		}
		cc, err := cons.Consume(func(m jetstream.Msg) {
			n, err := wk.process(m.Data(), m.Headers().Get(stream.HeaderHalo))
			if err != nil {
				log.Fatalf("sector %d: %v", s, err)
			}
			if err := m.Ack(); err != nil {
				log.Printf("sector %d: ack: %v", s, err)
			}
			if measuring.Load() {
				if sent, err := strconv.ParseInt(m.Headers().Get(sentHeader), 10, 64); err == nil {
					d := time.Since(time.Unix(0, sent))
					latMu.Lock()
					lat = append(lat, d)
					latMu.Unlock()
				}
			}
			consumed.Add(int64(n))
		}, jetstream.PullMaxMessages(256))
		if err != nil {
			return r, err
		}
		stops = append(stops, cc.Stop)
	}
	defer func() {
		for _, stop := range stops {
			stop()
		}
	}()

	// Throughput: the publishers take the batches in turn, publish
	// asynchronously (a bounded window) and wait for every PubAck.
	msgs := b.messages(0, b.n, routes, w)
	for _, ms := range msgs {
		r.msgs += len(ms)
	}
	var pubs []jetstream.JetStream
	for p := 0; p < b.publishers; p++ {
		pc, err := nats.Connect(urls[p%len(urls)])
		if err != nil {
			return r, err
		}
		defer pc.Close()
		pjs, _ := jetstream.New(pc, jetstream.WithPublishAsyncMaxPending(64),
			jetstream.WithPublishAsyncErrHandler(func(_ jetstream.JetStream, m *nats.Msg, err error) {
				log.Fatalf("publish %s: no PubAck: %v", m.Header.Get(nats.MsgIdHdr), err)
			}))
		pubs = append(pubs, pjs)
	}
	runtime.GC()
	cpu0 := cpuSeconds()
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, b.publishers)
	for _, pjs := range pubs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(msgs) {
					break
				}
				for _, m := range msgs[i] {
					m.Header.Set(sentHeader, strconv.FormatInt(time.Now().UnixNano(), 10))
					if _, err := pjs.PublishMsgAsync(m, jetstream.WithStallWait(time.Minute)); err != nil {
						errs <- err
						return
					}
				}
			}
			select {
			case <-pjs.PublishAsyncComplete():
			case <-time.After(time.Minute):
				errs <- fmt.Errorf("PubAcks not all in after a minute")
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		return r, err
	default:
	}
	deadline := time.Now().Add(5 * time.Minute)
	for consumed.Load() < int64(b.n) {
		if time.Now().After(deadline) {
			return r, fmt.Errorf("consumed %d of %d observations after 5 minutes", consumed.Load(), b.n)
		}
		time.Sleep(time.Millisecond)
	}
	el := time.Since(start)
	r.rate = float64(b.n) / el.Seconds()
	r.cpu = (cpuSeconds() - cpu0) / float64(b.n)

	// Latency: batches of 100 at the fixed rate, one publisher, each
	// batch's messages published and acknowledged before the next.
	const per = 100
	lmsgs := b.messages(b.n, b.n+b.latN, routes, w, per)
	measuring.Store(true)
	interval := time.Duration(float64(time.Second) * per / float64(b.latRate))
	t0 := time.Now()
	for i, ms := range lmsgs {
		for time.Now().Before(t0.Add(time.Duration(i) * interval)) {
			time.Sleep(100 * time.Microsecond)
		}
		for _, m := range ms {
			m.Header.Set(sentHeader, strconv.FormatInt(time.Now().UnixNano(), 10))
			if _, err := pubs[0].PublishMsgAsync(m, jetstream.WithStallWait(time.Minute)); err != nil {
				return r, err
			}
		}
	}
	<-pubs[0].PublishAsyncComplete()
	for consumed.Load() < int64(b.n+b.latN) {
		if time.Now().After(deadline) {
			return r, fmt.Errorf("latency run: consumed %d of %d", consumed.Load(), b.n+b.latN)
		}
		time.Sleep(time.Millisecond)
	}
	latMu.Lock()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		r.p50 = lat[len(lat)/2]
		r.p99 = lat[int(0.99*float64(len(lat)-1))]
	}
	latMu.Unlock()
	return r, nil
}

// alone measures the worker's work without the stream: the throughput
// run's messages for one sector, processed in one goroutine; it prints the
// CPU per observation (the part of a cell's that is not the stream's) and
// the incident versions handed out per observation (the recorder's load).
func (b *bench) alone() error {
	plan, err := sector.NewPlan(b.agreement.Monitoring, b.kernel, 1)
	if err != nil {
		return err
	}
	routes := make([]route, b.n)
	msgs := b.messages(0, b.n, routes, 1)
	for round := 0; round < 2; round++ { // the first warms up
		wk, err := newWorker(b.agreement, plan, 0)
		if err != nil {
			return err
		}
		runtime.GC()
		cpu0, t0 := cpuSeconds(), time.Now()
		for _, ms := range msgs {
			for _, m := range ms {
				if _, err := wk.process(m.Data, m.Header.Get(stream.HeaderHalo)); err != nil {
					return err
				}
			}
		}
		if round == 1 {
			fmt.Printf("the worker's work alone (no stream, one goroutine): %.1f µs CPU/observation, %.0f observations/s; %.3f incident versions handed out per observation\n\n",
				(cpuSeconds()-cpu0)/float64(b.n)*1e6, float64(b.n)/time.Since(t0).Seconds(), float64(wk.versions)/float64(b.n))
		}
	}
	return nil
}

// route is where an observation goes: its own sector and its halo.
type route struct {
	own  int
	halo []int
}

// messages splits lines[lo:hi] into ingested batches (of b.batch lines,
// or size) and each batch into one message per sector, as an ingest node
// publishes them: NDJSON body in the batch's order, own and halo lines
// interleaved, Accord-Halo naming the halo's lines, Nats-Msg-Id batch
// digest/sector.
func (b *bench) messages(lo, hi int, routes []route, w int, size ...int) [][]*nats.Msg {
	per := b.batch
	if len(size) > 0 {
		per = size[0]
	}
	var out [][]*nats.Msg
	for i := lo; i < hi; i += per {
		j := min(i+per, hi)
		h := sha256.New()
		for _, l := range b.lines[i:j] {
			h.Write(l)
		}
		digest := hex.EncodeToString(h.Sum(nil)[:16])
		bodies := make([]bytes.Buffer, w)
		lines := make([]int, w)
		halos := make([][]string, w)
		add := func(s, x int, halo bool) {
			if halo {
				halos[s] = append(halos[s], strconv.Itoa(lines[s]))
			}
			bodies[s].Write(b.lines[x])
			bodies[s].WriteByte('\n')
			lines[s]++
		}
		for x := i; x < j; x++ {
			r := routes[x]
			add(r.own, x, false)
			for _, s := range r.halo {
				add(s, x, true)
			}
		}
		var ms []*nats.Msg
		for s := range bodies {
			if lines[s] == 0 {
				continue
			}
			m := nats.NewMsg(stream.ObsSubject(s))
			m.Data = bodies[s].Bytes()
			m.Header.Set(nats.MsgIdHdr, digest+"/"+strconv.Itoa(s))
			m.Header.Set(stream.HeaderBatch, digest)
			if len(halos[s]) > 0 {
				m.Header.Set(stream.HeaderHalo, strings.Join(halos[s], ","))
			}
			ms = append(ms, m)
		}
		out = append(out, ms)
	}
	return out
}

// worker is a sector worker's state: its observation store and the
// sector's fusion (sector.Worker).
type worker struct {
	store    *monitor.MemStore
	sector   *sector.Worker
	versions int // incident versions handed out (the recorder's input)
}

func newWorker(a *agreement.Agreement, p *sector.Plan, i int) (*worker, error) {
	k, err := monitor.NewKernel(a.Monitoring)
	if err != nil {
		return nil, err
	}
	sw, err := sector.NewWorker(p, i, a.Monitoring, k, fusion.Config{})
	if err != nil {
		return nil, err
	}
	return &worker{store: monitor.NewMemStore(), sector: sw}, nil
}

// process decodes a message's lines (those halo names, comma-separated
// 0-based indices, are the sector's halo, the others its own), puts its
// own and lets the sector fuse them in the message's order; it returns
// how many of its own observations the message held.
func (w *worker) process(body []byte, halo string) (int, error) {
	var batch []monitor.Observation
	for len(body) > 0 {
		i := bytes.IndexByte(body, '\n')
		if i < 0 {
			i = len(body)
		}
		line := body[:i]
		body = body[min(i+1, len(body)):]
		if len(line) == 0 {
			continue
		}
		o, err := monitor.DecodeLine(line)
		if err != nil {
			return 0, err
		}
		batch = append(batch, *o)
	}
	own := make([]bool, len(batch))
	for i := range own {
		own[i] = true
	}
	if halo != "" {
		for _, f := range strings.Split(halo, ",") {
			i, err := strconv.Atoi(f)
			if err != nil || i < 0 || i >= len(batch) {
				return 0, fmt.Errorf("%s %q: line %q is not one of the message's %d", stream.HeaderHalo, halo, f, len(batch))
			}
			own[i] = false
		}
	}
	// The sector's own observations are its to store; its halo is stored
	// by the sectors that own it.
	var mine []monitor.Observation
	ptrs := make([]*monitor.Observation, len(batch))
	for i := range batch {
		ptrs[i] = &batch[i]
		if own[i] {
			mine = append(mine, batch[i])
		}
	}
	if _, err := w.store.Put(context.Background(), mine); err != nil {
		return 0, err
	}
	w.versions += len(w.sector.ObserveBatch(ptrs, own))
	return len(mine), nil
}

// report prints the table and the efficiency per added worker.
func report(rows []row) {
	fmt.Println("| nodes (replicas) | workers | halo copies/obs | obs/message | observations/s | CPU µs/observation | CPU vs 1 worker | throughput efficiency per worker | receipt→consumed p50 | p99 |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|")
	against := againstOneWorker()
	for _, r := range rows {
		cpuRatio, eff := against(r)
		fmt.Printf("| %d (R%d) | %d | %.2f | %.0f | %.0f | %.1f | %s | %s | %v | %v |\n", r.nodes, min(3, r.nodes), r.workers, r.halo, r.obsPerMsg(), r.rate, r.cpu*1e6,
			cpuRatio, eff, r.p50.Round(100*time.Microsecond), r.p99.Round(100*time.Microsecond))
	}
}

// obsPerMsg is how many observations a message carried on average.
func (r row) obsPerMsg() float64 { return float64(r.obs) / float64(max(1, r.msgs)) }

// median is the median of each figure of runs of one cell.
func median(runs []row) row {
	m := runs[0]
	pick := func(f func(r row) float64) float64 {
		v := make([]float64, len(runs))
		for i, r := range runs {
			v[i] = f(r)
		}
		sort.Float64s(v)
		if len(v)%2 == 0 { // the mean of the middle two
			return (v[len(v)/2-1] + v[len(v)/2]) / 2
		}
		return v[len(v)/2]
	}
	m.rate = pick(func(r row) float64 { return r.rate })
	m.acked = pick(func(r row) float64 { return r.acked })
	m.cpu = pick(func(r row) float64 { return r.cpu })
	m.p50 = time.Duration(pick(func(r row) float64 { return float64(r.p50) }))
	m.p99 = time.Duration(pick(func(r row) float64 { return float64(r.p99) }))
	m.rec50 = time.Duration(pick(func(r row) float64 { return float64(r.rec50) }))
	m.rec99 = time.Duration(pick(func(r row) float64 { return float64(r.rec99) }))
	m.latRate = pick(func(r row) float64 { return r.latRate })
	return m
}

// reportAccord prints the table of accord's path.
func reportAccord(rows []row) {
	fmt.Println("| nodes (replicas) | workers | worker nodes | acknowledged obs/s | recorded obs/s | CPU µs/observation | CPU vs 1 worker | throughput efficiency per worker | receipt→200 p50 | p99 | receipt→recorded p50 | p99 | latency run obs/s |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	against := againstOneWorker()
	for _, r := range rows {
		cpuRatio, eff := against(r)
		fmt.Printf("| %d (R%d) | %d | %d | %.0f | %.0f | %.1f | %s | %s | %v | %v | %v | %v | %.0f |\n", r.nodes, min(3, r.nodes), r.workers, r.workerNodes, r.acked, r.rate, r.cpu*1e6,
			cpuRatio, eff, r.p50.Round(100*time.Microsecond), r.p99.Round(100*time.Microsecond),
			r.rec50.Round(100*time.Microsecond), r.rec99.Round(100*time.Microsecond), r.latRate)
	}
}

// againstOneWorker returns, for the rows of a table in order, a row's
// CPU per observation against its node count's one-worker row, and its
// throughput efficiency per worker (throughput ÷ (workers × the
// one-worker throughput)); "–" before a one-worker row of its node count.
func againstOneWorker() func(r row) (cpuRatio, eff string) {
	base := map[int]row{}
	return func(r row) (string, string) {
		if r.workers == 1 {
			base[r.nodes] = r
		}
		b, ok := base[r.nodes]
		if !ok {
			return "–", "–"
		}
		return fmt.Sprintf("%.2f", r.cpu/b.cpu), fmt.Sprintf("%.2f", r.rate/(float64(r.workers)*b.rate))
	}
}

// cpuSeconds is the CPU time the process has used, in seconds.
func cpuSeconds() float64 { return cputime.Used().Seconds() }

// ints parses a comma-separated list of positive integers.
func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q: want positive integers separated by commas", s)
		}
		out = append(out, n)
	}
	return out, nil
}
