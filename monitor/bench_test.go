package monitor_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion"
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
