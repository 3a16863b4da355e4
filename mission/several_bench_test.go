package mission_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sim"
)

// BenchmarkSeveralAgreements measures what running the reference case's
// four agreements on one record costs against the ceasefire alone, on the
// same stream in the same process: three days of the front, the grain
// corridor's vessels and the plant's reports, ingested an hour of
// observation time at a time into a mission on memory stores (the path of
// monitor run). It reports each one's rate and the ratio four/one.
func BenchmarkSeveralAgreements(b *testing.B) {
	a, k := mustReference(b)
	set, err := agreement.LoadSet("../scenarios/ukraine-2025/agreement.yaml", "../scenarios/ukraine-2025/grain-corridor.yaml",
		"../scenarios/ukraine-2025/prisoner-exchange.yaml", "../scenarios/ukraine-2025/nuclear-plant.yaml")
	if err != nil {
		b.Fatal(err)
	}
	start := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	cfg := sim.FromAgreement(a.Monitoring, k)
	cfg.Seed, cfg.Start, cfg.Duration, cfg.Rate = 3, start, 72*time.Hour, 40
	front, err := sim.Run(cfg)
	if err != nil {
		b.Fatal(err)
	}
	g := sim.DefaultGrain()
	g.Seed, g.Start, g.Duration = 3, start, 72*time.Hour
	grain, err := sim.GrainCorridor(g)
	if err != nil {
		b.Fatal(err)
	}
	p := sim.DefaultNuclearPlant()
	p.Seed, p.Start, p.Days = 3, start, 3
	plant, err := sim.NuclearPlant(p)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, o := range sim.Combine(front, grain, plant).Observations {
		if err := enc.Encode(o); err != nil {
			b.Fatal(err)
		}
	}
	obs, err := monitor.Decode(&buf, "stream.ndjson")
	if err != nil {
		b.Fatal(err)
	}
	mon, _, err := mission.Monitoring(set)
	if err != nil {
		b.Fatal(err)
	}
	merged, err := monitor.NewKernel(mon)
	if err != nil {
		b.Fatal(err)
	}
	ingest := func(cfg mission.Config) time.Duration {
		cfg.Observations, cfg.Incidents = monitor.NewMemStore(), monitor.NewMemIncidentStore()
		m, err := mission.Open(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		defer m.Close()
		t0 := time.Now()
		for rest := obs; len(rest) > 0; {
			n := 1
			hour := rest[0].ObservedAt.Truncate(time.Hour)
			for n < len(rest) && rest[n].ObservedAt.Truncate(time.Hour).Equal(hour) {
				n++
			}
			if _, err := m.Ingest(context.Background(), rest[:n], nil); err != nil {
				b.Fatal(err)
			}
			rest = rest[n:]
		}
		return time.Since(t0)
	}
	var one, four time.Duration
	for i := 0; i < b.N; i++ {
		one += ingest(mission.Config{Agreement: a, Kernel: k})
		four += ingest(mission.Config{Agreement: set[0], Others: set[1:], Kernel: merged})
	}
	n := float64(len(obs) * b.N)
	b.ReportMetric(n/one.Seconds(), "obs/s-one")
	b.ReportMetric(n/four.Seconds(), "obs/s-four")
	b.ReportMetric(four.Seconds()/one.Seconds(), "four/one")
	b.ReportMetric(float64(len(obs)), "obs")
}
