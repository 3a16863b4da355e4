// Command serverbench measures the mission server over HTTP on loopback,
// with its durable stores (SQLite, the ledger) and the whole pipeline:
// sustained ingestion in observations per second, and the time from
// sending a batch to the feed's event for it (receipt to SSE) at a fixed
// rate. Run it with bench/server.sh.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/internal/pgtest"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/local"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/pgstore"
	"github.com/accord-peace/accord/stream"

	"github.com/accord-peace/accord/internal/cputime"

	"github.com/accord-peace/accord/internal/benchdata"
)

func main() {
	hours := flag.Float64("hours", 12, "simulated hours of observations")
	rate := flag.Float64("rate", 1000, "true events per simulated hour")
	batch := flag.Int("batch", 500, "observations per POST for the throughput run")
	clients := flag.Int("clients", 4, "concurrent clients for the throughput run")
	obsRate := flag.Int("latency-rate", 10000, "observations per second for the latency run")
	seconds := flag.Float64("latency-seconds", 5, "length of the latency run")
	profile := flag.String("cpuprofile", "", "write a CPU profile of both runs (ingestion, latency) to this file")
	ingestProfile := flag.String("ingestprofile", "", "write a CPU profile of the ingestion run alone to this file")
	memProfile := flag.String("memprofile", "", "write a profile of the allocations of the ingestion run to this file (go tool pprof -sample_index=alloc_space)")
	traceFile := flag.String("trace", "", "write an execution trace of the last ingestion run to this file (go tool trace; -pprof=sched says how long goroutines waited for a core, -pprof=sync for each other)")
	mutexProfile := flag.String("mutexprofile", "", "write a profile of the contended locks of the ingestion run to this file (which stage the others wait for)")
	flag.StringVar(&storeFlag, "store", "sqlite", "accord's store: sqlite (in a temporary directory), postgres (a durable throwaway PostgreSQL cluster, the harness of internal/pgtest) or a postgres:// URL")
	pgbin := flag.String("postgis", "", "PostgreSQL's bin directory (with PostGIS installed): run the PostGIS peer on the same observations")
	flag.StringVar(&streamFlag, "stream", "", "run the server on streams: embedded (NATS JetStream in process, package stream); empty: the embedded default")
	flag.IntVar(&partitionsFlag, "partitions", 1, "with -stream: sectors of the front, one worker each")
	runs := flag.Int("runs", 1, "ingestion runs, each on a new server (the peer's: on emptied tables): the throughput's median is reported with every run's figure, and the ratio is the medians' (the other figures are the last run's)")
	tunedOnly := flag.Bool("postgis-tuned", false, "run only the tuned PostGIS peer (the faster; the other takes about 30 s on 12 h)")
	flag.Parse()
	if *runs < 1 || *runs > 1 && streamFlag != "" {
		log.Fatalf("-runs %d: want at least 1, and 1 with -stream (a stream run's figure waits for the recorder)", *runs)
	}
	log.SetFlags(0)
	a, k, err := benchdata.Reference()
	if err != nil {
		log.Fatal(err)
	}
	lines, err := benchdata.Lines(a, k, *hours, *rate)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("machine: %d cores, %s; %d simulated observations\n\n", runtime.NumCPU(), runtime.Version(), len(lines))

	url, stop, synced := serve(a, k)
	n := len(lines) / 2
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
	}
	if *ingestProfile != "" {
		f, err := os.Create(*ingestProfile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
	}
	if *mutexProfile != "" {
		runtime.SetMutexProfileFraction(1)
	}
	if *memProfile != "" {
		runtime.MemProfileRate = 64 << 10
		runtime.GC() // the allocations before the run are not counted
	}
	// The batches' bodies are made before the clock starts: making them
	// is the clients' work, not the server's.
	var bodies [][]byte
	for lo := 0; lo < n; lo += *batch {
		bodies = append(bodies, body(lines[lo:min(lo+*batch, n)]))
	}
	// Runs before the last, each on a server of its own (the same
	// observations into a new data directory): their figures, with the
	// last's, give the median; this machine's runs swing by up to 30 %.
	//
	// With the tuned peer alone (-postgis-tuned) the peer's runs alternate
	// with accord's, on one cluster: each pair of runs meets the machine
	// alike, and the ratio is given per pair as well as of the medians.
	var peerObs []*monitor.Observation
	var pe *peer
	var peerRates []float64
	interleave := *pgbin != "" && *tunedOnly && *runs > 1 && streamFlag == ""
	if *pgbin != "" {
		peerObs = make([]*monitor.Observation, n)
		for i := range peerObs {
			if peerObs[i], err = monitor.DecodeLine(lines[i]); err != nil {
				log.Fatal(err)
			}
		}
	}
	peerRun := func() {
		rate, _, err := pe.run(peerObs, *batch, *clients, true)
		if err != nil {
			log.Fatalf("the PostGIS peer: %v", err)
		}
		peerRates = append(peerRates, rate)
	}
	if interleave {
		kernel, _ := monitor.NewKernel(a.Monitoring)
		// No autovacuum: it would work on the peer's tables during
		// accord's runs.
		if pe, err = startPeer(*pgbin, kernel, "autovacuum=off"); err != nil {
			log.Fatalf("the PostGIS peer: %v", err)
		}
		defer pe.close()
	}
	var rates []float64
	for range *runs - 1 {
		u, stopRun, _ := serve(a, k)
		el, _ := ingestRunFrom(u, bodies, *clients, time.Now())
		stopRun()
		rates = append(rates, float64(n)/el.Seconds())
		if interleave {
			peerRun()
		}
	}
	load0 := loadAverage()
	stages.take()
	if *traceFile != "" {
		f, err := os.Create(*traceFile)
		if err != nil {
			log.Fatal(err)
		}
		if err := trace.Start(f); err != nil {
			log.Fatal(err)
		}
		defer f.Close()
	}
	cpu0 := cputime.Used()
	start := time.Now()
	el, lastEntry := ingestRunFrom(url, bodies, *clients, start)
	cpu := cputime.Used() - cpu0
	if *traceFile != "" {
		trace.Stop()
	}
	batches, inStages := stages.take()
	if *mutexProfile != "" {
		f, err := os.Create(*mutexProfile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.Lookup("mutex").WriteTo(f, 0)
		f.Close()
		runtime.SetMutexProfileFraction(0)
	}
	if *ingestProfile != "" {
		pprof.StopCPUProfile()
	}
	if *memProfile != "" {
		f, err := os.Create(*memProfile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.Lookup("allocs").WriteTo(f, 0)
		f.Close()
	}
	got := float64(n) / el.Seconds()
	if streamFlag != "" {
		// Acknowledged is durable in the stream; fused and recorded
		// follow: the throughput and the CPU are up to the recorder's
		// last step.
		acked := got
		if err := synced(); err != nil {
			log.Fatal(err)
		}
		el = time.Since(start)
		cpu = cputime.Used() - cpu0
		got = float64(n) / el.Seconds()
		fmt.Printf("accord on streams (%s, %d sector(s)): acknowledged (durable in JetStream) %.0f observations/s; fused and recorded:\n", streamFlag, partitionsFlag, acked)
	}
	fmt.Printf("accord: ingestion over HTTP, %d clients, batches of %d, durable (%s store + ledger), fused, agreement engine: %.0f observations/s (%d in %v)\n",
		*clients, *batch, pgstore.Redact(storeFlag), got, n, el.Round(time.Millisecond))
	var inOrder []float64
	if *runs > 1 {
		rates = append(rates, got)
		inOrder = slices.Clone(rates)
		fmt.Printf("  %d runs, each on a new server (observations/s, in order):", len(rates))
		for _, r := range rates {
			fmt.Printf(" %.0f", r)
		}
		sort.Float64s(rates)
		got = median(rates)
		fmt.Printf("; median %.0f (the ratio to the peer is the medians'; the other figures are the last run's)\n", got)
	}
	fmt.Printf("  CPU of the process (server and load generator): %.1f µs per observation, %.2f cores; load average before %s, after %s\n",
		cpu.Seconds()*1e6/float64(n), cpu.Seconds()/el.Seconds(), load0, loadAverage())
	if batches > 0 {
		fmt.Printf("  a batch's time in the mission's stages (mean of %d; waited, worked):", batches)
		for i, stage := range mission.Stages {
			ms := func(d time.Duration) float64 { return d.Seconds() * 1e3 / float64(batches) }
			fmt.Printf(" %s %.2f, %.2f ms;", stage, ms(inStages.Wait[i]), ms(inStages.Work[i]))
		}
		fmt.Println()
	}
	if interleave {
		peerRun()
		pgRate := printPeerRates(peerName(true), peerRates, 0, n, *batch, *clients, ", each after accord's of the same number")
		if err := report(context.Background(), pe.url, peerObs, pe.k); err != nil {
			log.Fatalf("the PostGIS peer: %v", err)
		}
		pairs := make([]float64, len(inOrder))
		fmt.Printf("accord / PostGIS (tuned): %.2f× the medians (target ≥ 3×); run by run:", got/pgRate)
		for i := range pairs {
			pairs[i] = inOrder[i] / peerRates[i]
			fmt.Printf(" %.2f×", pairs[i])
		}
		sort.Float64s(pairs)
		fmt.Printf("; their median %.2f×\n", median(pairs))
	} else if *pgbin != "" {
		kernel, _ := monitor.NewKernel(a.Monitoring)
		pgRate, err := runPostGIS(*pgbin, peerObs, kernel, *batch, *clients, *runs, *tunedOnly)
		if err != nil {
			log.Fatalf("the PostGIS peer: %v", err)
		}
		fmt.Printf("accord / PostGIS (the faster peer): %.2f× (target ≥ 3×)\n", got/pgRate)
	}

	if streamFlag != "" {
		// A stream deployment answers a batch before it is recorded (no
		// last_entry): receipt to feed is not measured here yet.
		if *profile != "" {
			pprof.StopCPUProfile()
		}
		stop()
		return
	}
	// Latency: one SSE client; batches of 100 at the given rate.
	feed := make(chan int64, 1<<16)
	// The feed's client starts after the last entry of the throughput run
	// (as a dashboard resumes with Last-Event-ID): without it the feed
	// first replays the whole record, and the latency measured would be
	// that replay's.
	go sse(url, lastEntry.Load(), feed)
	time.Sleep(200 * time.Millisecond)
	per := 100
	interval := time.Duration(float64(time.Second) * float64(per) / float64(*obsRate))
	total := min(len(lines)-n, int(float64(*obsRate)**seconds))
	var mu sync.Mutex
	sent := map[int64]time.Time{} // last entry → time sent
	var lat []time.Duration
	done := make(chan struct{})
	go func() {
		var pending []int64
		for id := range feed {
			mu.Lock()
			pending = pending[:0]
			for e, t := range sent {
				if id >= e {
					lat = append(lat, time.Since(t))
					pending = append(pending, e)
				}
			}
			for _, e := range pending {
				delete(sent, e)
			}
			mu.Unlock()
		}
		close(done)
	}()
	t0 := time.Now()
	for i := 0; i*per < total; i++ {
		for time.Now().Before(t0.Add(time.Duration(i) * interval)) {
			time.Sleep(100 * time.Microsecond)
		}
		lo := n + i*per
		at := time.Now()
		last := post(url, body(lines[lo:min(lo+per, n+total)]))
		if last >= 0 {
			mu.Lock()
			sent[last] = at
			mu.Unlock()
		}
	}
	time.Sleep(time.Second)
	mu.Lock()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		q := func(f float64) time.Duration { return lat[int(f*float64(len(lat)-1))] }
		fmt.Printf("receipt to SSE at %d observations/s (batches of %d, %d batches): p50 %v, p99 %v, max %v\n",
			*obsRate, per, len(lat), q(.5).Round(time.Microsecond), q(.99).Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))
	}
	mu.Unlock()
	if *profile != "" {
		pprof.StopCPUProfile()
	}
	stop()
}

// loadAverage is the machine's load average over 1, 5 and 15 minutes
// (/proc/loadavg), or "?" where it is not to be had.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// storeFlag is accord's store (-store); streamFlag and partitionsFlag run
// it on streams (-stream, -partitions).
var (
	storeFlag      string
	streamFlag     string
	partitionsFlag int
)

// serve starts the server with its durable stores in a temporary directory
// (or in PostgreSQL, with -store).
// With -stream, it returns how to wait until what was acknowledged is
// fused and recorded.
// ingestRunFrom posts the bodies with clients concurrent clients and
// returns the time it took from start and the last ledger entry answered
// (the latency run's feed resumes after it).
func ingestRunFrom(url string, bodies [][]byte, clients int, start time.Time) (time.Duration, *atomic.Int64) {
	var next, lastEntry atomic.Int64
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(bodies) {
					return
				}
				if last := post(url, bodies[i]); last >= 0 {
					for {
						old := lastEntry.Load()
						if last <= old || lastEntry.CompareAndSwap(old, last) {
							break
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(start), &lastEntry
}

// median is the median of sorted values.
func median(sorted []float64) float64 {
	m := len(sorted) / 2
	if len(sorted)%2 == 1 {
		return sorted[m]
	}
	return (sorted[m-1] + sorted[m]) / 2
}

func serve(a *agreement.Agreement, k interface{}) (string, func(), func() error) {
	dir, err := os.MkdirTemp("", "serverbench")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	store, stopPG := storeFlag, func() {}
	if store == "postgres" {
		bin, err := pgtest.FindBin()
		if err != nil {
			log.Fatal(err)
		}
		pg, err := pgtest.Start(bin, pgtest.Options{Settings: []string{"shared_buffers=512MB", "max_wal_size=4GB"}})
		if err != nil {
			log.Fatal(err)
		}
		store, stopPG = pg.URL("postgres"), pg.Stop
	}
	kernel, _ := monitor.NewKernel(a.Monitoring)
	var feed *api.Feed
	d, err := local.Open(ctx, local.Config{Dir: dir, Store: store, Agreement: a, Kernel: kernel,
		Publisher: func(l *ledger.Ledger) mission.Publisher { feed = &api.Feed{Ledger: l}; return feed },
		StreamFed: streamFlag != ""})
	if err != nil {
		log.Fatal(err)
	}
	m, led := d.Mission, d.Ledger
	m.WatchStages(stages.add)
	s := api.NewServer(m)
	var node *stream.Node
	synced := func() error { return nil }
	if streamFlag != "" {
		sectors, err := stream.Split(m, partitionsFlag)
		if err != nil {
			log.Fatal(err)
		}
		if node, err = stream.Start(ctx, m, stream.Config{URL: streamFlag, Dir: dir, Sectors: sectors}); err != nil {
			log.Fatal(err)
		}
		s.Ingest = node.Ingester.Ingest
		synced = func() error { return node.Sync(ctx) }
	}
	s.Record = &api.Record{Ledger: led, Origin: "bench"}
	s.Feed = feed
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := s.HTTPServer(api.DefaultHeaderTimeout, api.DefaultIdleTimeout)
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() {
		srv.Close()
		if node != nil {
			node.Close()
		}
		d.Close()
		stopPG()
		os.RemoveAll(dir)
	}, synced
}

// stages sums the batches' times in the mission's stages
// (mission.Mission.WatchStages; /metrics' accord_stage_seconds).
var stages stageSums

type stageSums struct {
	mu  sync.Mutex
	n   int
	sum mission.StageTimes
}

func (s *stageSums) add(t mission.StageTimes) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	for i := range t.Wait {
		s.sum.Wait[i] += t.Wait[i]
		s.sum.Work[i] += t.Work[i]
	}
}

// take returns the sums so far and starts again.
func (s *stageSums) take() (int, mission.StageTimes) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, sum := s.n, s.sum
	s.n, s.sum = 0, mission.StageTimes{}
	return n, sum
}

// body is a batch's NDJSON body.
func body(lines [][]byte) []byte { return append(bytes.Join(lines, []byte("\n")), '\n') }

// post sends a batch and returns the ledger index of its last entry. The
// answer lists the incidents the batch changed too: the load generator,
// which runs in the server's process, reads only last_entry from it, not
// the whole answer.
func post(url string, body []byte) int64 {
	resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", bytes.NewReader(body))
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		log.Fatalf("batch refused: %s", resp.Status)
	}
	buf := answers.Get().(*bytes.Buffer)
	defer answers.Put(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		log.Fatal(err)
	}
	return lastEntry(buf.Bytes())
}

// answers are the clients' buffers for the answers (a batch's lists
// hundreds of incidents), reused rather than grown for every answer.
var answers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// lastEntry reads the top-level last_entry of a batch's answer (-1 when it
// has none): the last key of the object as the server writes it
// (mission.IngestResult), found from the end.
func lastEntry(answer []byte) int64 {
	const key = `"last_entry":`
	i := bytes.LastIndex(answer, []byte(key))
	if i < 0 {
		return -1
	}
	rest := answer[i+len(key):]
	j := 0
	for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	v, err := strconv.ParseInt(string(rest[:j]), 10, 64)
	if err != nil {
		return -1
	}
	return v
}

// sse reads the feed from the entry after the given one and sends each
// event id.
func sse(url string, after int64, ids chan<- int64) {
	req, _ := http.NewRequest("GET", url+"/v1/feed", nil)
	req.Header.Set("Last-Event-ID", strconv.FormatInt(after, 10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		if id, ok := strings.CutPrefix(sc.Text(), "id: "); ok {
			if v, err := strconv.ParseInt(id, 10, 64); err == nil {
				ids <- v
			}
		}
	}
}
