package fusion_test

import (
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/sim"
)

// Reports per second through the fusion engine, on a simulated day of
// 2,000 true events an hour along the whole line (about 190,000 reports,
// arriving out of order), one core.
func BenchmarkFuseSimulatedDay(b *testing.B) {
	cfg := simConfig(1)
	cfg.Duration, cfg.Rate = 24*time.Hour, 2000
	res, err := sim.Run(cfg)
	if err != nil {
		b.Fatal(err)
	}
	t := &testing.T{}
	reports := make([]fusion.Report, len(res.Observations))
	for i, o := range res.Observations {
		reports[i] = report(t, o)
	}
	b.ResetTimer()
	for b.Loop() {
		e := fusion.New(fusion.Config{Parties: []string{"ru", "ua"}})
		for _, r := range reports {
			e.Add(r)
		}
	}
	b.ReportMetric(float64(len(reports))*float64(b.N)/b.Elapsed().Seconds(), "reports/s")
}
