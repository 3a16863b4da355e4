package monitor_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/internal/benchdata"
	"github.com/accord-peace/accord/monitor"
)

// BenchmarkObserve is decode → placement → fusion → violations on one
// goroutine over six simulated hours at 2,000 events an hour on the
// reference geometry.
func BenchmarkObserve(b *testing.B) {
	m, k := mustReference(b)
	res := simulate(b, 1, 6*time.Hour, 2000)
	lines := make([][]byte, len(res.Observations))
	for i, o := range res.Observations {
		lines[i], _ = json.Marshal(o)
	}
	b.ResetTimer()
	for b.Loop() {
		p := monitor.NewPipeline(m, k, fusion.Config{})
		for _, l := range lines {
			o, err := monitor.DecodeLine(l)
			if err != nil {
				b.Fatal(err)
			}
			p.Observe([]*monitor.Observation{o})
		}
	}
	b.ReportMetric(float64(len(lines))*float64(b.N)/b.Elapsed().Seconds(), "obs/s")
}

// BenchmarkObserveBatches is BenchmarkObserve with the observations handed
// over in batches of 500, each once, as the server's ingestion does (its
// store passes on new observations only; the ceilings are counted once a
// batch).
func BenchmarkObserveBatches(b *testing.B) {
	m, k := mustReference(b)
	res := simulate(b, 1, 6*time.Hour, 2000)
	var lines [][]byte
	seen := map[monitor.Key]bool{}
	for _, so := range res.Observations {
		o := toObservation(b, so)
		if !seen[o.Key()] {
			seen[o.Key()] = true
			l, _ := json.Marshal(so)
			lines = append(lines, l)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		p := monitor.NewPipeline(m, k, fusion.Config{})
		batch := make([]*monitor.Observation, 0, 500)
		for i, l := range lines {
			o, err := monitor.DecodeLine(l)
			if err != nil {
				b.Fatal(err)
			}
			batch = append(batch, o)
			if len(batch) == cap(batch) || i == len(lines)-1 {
				p.Observe(batch)
				batch = batch[:0]
			}
		}
	}
	b.ReportMetric(float64(len(lines))*float64(b.N)/b.Elapsed().Seconds(), "obs/s")
}

// BenchmarkObserveServerData is the mission server's pipeline stage alone
// (Observe on batches of 500, each decoded with the clock stopped) on the
// observations bench/serverbench posts with -hours 12 and -hours 48 (the
// first half of that many simulated hours on the reference agreement,
// 1,000 events an hour): at 48 h a whole horizon of incidents is open by
// the end, at 12 h a quarter of it. It reports the time an observation;
// the ratio of the two cases is what the open incidents cost the stage.
func BenchmarkObserveServerData(b *testing.B) {
	a, k, err := benchdata.Reference()
	if err != nil {
		b.Fatal(err)
	}
	for _, hours := range []float64{12, 48} {
		lines, err := benchdata.Lines(a, k, hours, 1000)
		if err != nil {
			b.Fatal(err)
		}
		lines = lines[:len(lines)/2] // what serverbench's throughput run posts
		b.Run(fmt.Sprintf("%gh", hours), func(b *testing.B) {
			n := 0
			batch := make([]*monitor.Observation, 0, 500)
			for b.Loop() {
				p := monitor.NewPipeline(a.Monitoring, k, fusion.Config{})
				for lo := 0; lo < len(lines); lo += 500 {
					b.StopTimer()
					batch = batch[:0]
					for _, l := range lines[lo:min(lo+500, len(lines))] {
						o, err := monitor.DecodeLine(l)
						if err != nil {
							b.Fatal(err)
						}
						batch = append(batch, o)
					}
					b.StartTimer()
					p.Observe(batch)
				}
				n += len(lines)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e3/float64(n), "µs/obs")
		})
	}
}
