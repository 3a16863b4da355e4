// Command monitorbench measures the monitoring pipeline on the reference
// agreement and prints ratios against its peers run in the same process:
//
//   - the kernel: one observation placed against the full reference geometry
//     (2,032 vertices, four bands, 11 zones), against the naive scan of every
//     segment (Kernel.NaiveFull: s2.DistanceFromSegment, every zone, WGS 84
//     near a band's, the line's or a zone's edge, as the kernel), the pruned
//     naive scan (Kernel.Naive), and S2's polygon test for the zones alone;
//   - throughput: observations per second through decode → placement →
//     fusion → violations, on one goroutine and with decoding on a second;
//   - latency: observations replayed at a fixed rate (10,000/s by default)
//     through the pipelined path; the time from receipt (the line handed to
//     the decoder) to the incident with its violations, p50/p99/max.
//
// Run it with bench/monitor.sh.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/scenarios"
	"github.com/accord-peace/accord/sim"
	"github.com/golang/geo/s2"
)

func main() {
	hours := flag.Float64("hours", 24, "simulated hours of observations for the throughput run")
	rate := flag.Float64("rate", 2000, "true events per hour in the simulation")
	obsRate := flag.Int("latency-rate", 10000, "observations per second for the latency run")
	latencySeconds := flag.Float64("latency-seconds", 5, "how long the latency run lasts")
	flag.Parse()
	log.SetFlags(0)

	a, err := agreement.LoadFS(scenarios.FS, scenarios.ReferenceAgreement)
	if err != nil {
		log.Fatal(err)
	}
	m := a.Monitoring
	start := time.Now()
	k, err := monitor.NewKernel(m)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("machine: %d cores, GOMAXPROCS %d, %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	fmt.Printf("reference geometry: %d vertices, %.0f km, %d zones, %d bands; kernel built in %v\n\n",
		m.Geometry.Vertices(), m.Geometry.LengthM()/1000, len(m.Geometry.Zones), len(m.Bands), time.Since(start).Round(time.Millisecond))

	kernel(k, m.Geometry)
	data := simulate(m, k, *hours, *rate)
	throughput(m, k, data, *hours)
	latency(m, k, data, *obsRate, *latencySeconds)
}

// points draws observation positions near the line: a random vertex moved
// by up to about ±100 km.
func points(g *geo.Geometry, n int) []s2.Point {
	r := rand.New(rand.NewPCG(7, 7))
	line := g.Parts[0]
	out := make([]s2.Point, n)
	for i := range out {
		v := line[r.IntN(len(line))]
		out[i] = geo.Point(v[0]+(r.Float64()*2-1)*1.3, v[1]+(r.Float64()*2-1)*0.9)
	}
	return out
}

func nsPerOp(f func(i int)) float64 {
	r := testing.Benchmark(func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			f(i)
		}
	})
	return float64(r.T.Nanoseconds()) / float64(r.N)
}

func kernel(k *geo.Kernel, g *geo.Geometry) {
	pts := points(g, 1<<16)
	mask := len(pts) - 1
	// Agreement first: the kernel's answers are the naive scan's.
	for i := 0; i < 20000; i++ {
		if k.PlacePoint(pts[i]) != k.Naive(pts[i]) {
			log.Fatalf("kernel and naive scan disagree at %v", s2.LatLngFromPoint(pts[i]))
		}
	}
	kern := nsPerOp(func(i int) { k.PlacePoint(pts[i&mask]) })
	pruned := nsPerOp(func(i int) { k.Naive(pts[i&mask]) })
	full := nsPerOp(func(i int) { k.NaiveFull(pts[i&mask]) })
	zones := g.Zones
	tz := nsPerOp(func(i int) {
		for z := range zones {
			zones[z].Polygon().ContainsPoint(pts[i&mask])
		}
	})
	fmt.Println("kernel: classify one observation (side, 4 bands, 11 zones; WGS 84 near every edge), one core")
	fmt.Printf("  %-44s %10.0f ns/op\n", "kernel (cell cover)", kern)
	fmt.Printf("  %-44s %10.0f ns/op  %6.0fx the kernel's time\n", "naive, every segment (DistanceFromSegment)", full, full/kern)
	fmt.Printf("  %-44s %10.0f ns/op  %6.0fx\n", "naive, pruned (UpdateMinDistance)", pruned, pruned/kern)
	fmt.Printf("  %-44s %10.0f ns/op  (zones only)\n\n", "s2.Polygon.ContainsPoint over the zones", tz)
}

func simulate(m *agreement.Monitoring, k *geo.Kernel, hours, rate float64) [][]byte {
	cfg := sim.FromAgreement(m, k)
	cfg.Seed, cfg.Duration, cfg.Rate, cfg.FalseAlarmsPerHour = 1, time.Duration(hours*float64(time.Hour)), rate, 20
	res, err := sim.Run(cfg)
	if err != nil {
		log.Fatal(err)
	}
	lines := make([][]byte, len(res.Observations))
	for i, o := range res.Observations {
		b, _ := json.Marshal(o)
		lines[i] = b
	}
	return lines
}

func throughput(m *agreement.Monitoring, k *geo.Kernel, lines [][]byte, hours float64) {
	n := len(lines)
	fmt.Printf("pipeline: %d observations (%.0f simulated hours), decode → placement → fusion → violations\n", n, hours)
	// One goroutine.
	start := time.Now()
	p := monitor.NewPipeline(m, k, fusion.Config{})
	for _, line := range lines {
		o, err := monitor.DecodeLine(line)
		if err != nil {
			log.Fatal(err)
		}
		p.Observe([]*monitor.Observation{o})
	}
	serial := time.Since(start)
	// Decoding on its own goroutine.
	start = time.Now()
	p = monitor.NewPipeline(m, k, fusion.Config{})
	ch := make(chan *monitor.Observation, 4096)
	go func() {
		for _, line := range lines {
			o, err := monitor.DecodeLine(line)
			if err != nil {
				log.Fatal(err)
			}
			ch <- o
		}
		close(ch)
	}()
	for o := range ch {
		p.Observe([]*monitor.Observation{o})
	}
	piped := time.Since(start)
	// The batch decoder alone, for the share of decoding.
	var buf bytes.Buffer
	for _, l := range lines {
		buf.Write(l)
		buf.WriteByte('\n')
	}
	start = time.Now()
	if _, err := monitor.Decode(bufio.NewReader(&buf), "bench"); err != nil {
		log.Fatal(err)
	}
	dec := time.Since(start)
	fmt.Printf("  %-44s %10.0f obs/s\n", "one goroutine", float64(n)/serial.Seconds())
	fmt.Printf("  %-44s %10.0f obs/s\n", "decoding on a second goroutine", float64(n)/piped.Seconds())
	fmt.Printf("  %-44s %10.0f obs/s\n\n", "decoding alone (batch, with duplicate check)", float64(n)/dec.Seconds())
}

func latency(m *agreement.Monitoring, k *geo.Kernel, lines [][]byte, rate int, seconds float64) {
	total := min(len(lines), int(float64(rate)*seconds))
	p := monitor.NewPipeline(m, k, fusion.Config{})
	type item struct {
		o  *monitor.Observation
		at time.Time
	}
	ch := make(chan item, 1<<16)
	lat := make([]time.Duration, 0, total)
	done := make(chan struct{})
	go func() {
		for it := range ch {
			p.Observe([]*monitor.Observation{it.o})
			lat = append(lat, time.Since(it.at))
		}
		close(done)
	}()
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	for i := 0; i < total; i++ {
		due := start.Add(time.Duration(i) * interval)
		for time.Now().Before(due) {
		}
		at := time.Now()
		o, err := monitor.DecodeLine(lines[i])
		if err != nil {
			log.Fatal(err)
		}
		ch <- item{o, at}
	}
	close(ch)
	<-done
	sort.Slice(lat, func(a, b int) bool { return lat[a] < lat[b] })
	q := func(f float64) time.Duration { return lat[int(f*float64(len(lat)-1))] }
	fmt.Printf("latency at %d obs/s (%d observations): receipt → incident with violations\n", rate, total)
	fmt.Printf("  p50 %v  p99 %v  max %v\n", q(0.5).Round(time.Microsecond), q(0.99).Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))
}
