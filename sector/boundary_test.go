package sector_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sector"
)

// boundaryStream makes events on the plan's sector bounds — some exactly
// on one, the others within spreadM of one along the line, up to a few
// km off the line — each reported by two to five sources of various
// accuracies, the reports alternately on either side of the bound, one
// event every gap: the stream, in the order reported.
func boundaryStream(p *sector.Plan, seed uint64, events int, gap time.Duration, spreadM float64) []*monitor.Observation {
	rng := rand.New(rand.NewPCG(seed, 18))
	owners := []string{"osce", "un", "ua", "ru"}
	kinds := []string{monitor.KindUAV, monitor.KindFixedSensor, monitor.KindGroundMonitor, monitor.KindPartyReport}
	accs := []float64{10, 30, 100, 300}
	start := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	seq := map[string]int{}
	var out []*monitor.Observation
	for e := 0; e < events; e++ {
		b, _ := p.Bounds(1 + e%(p.N()-1))
		along := 0.0
		if e%3 != 0 {
			along = rng.NormFloat64() * spreadM
		}
		side := rng.NormFloat64() * 2000
		at := start.Add(time.Duration(e) * gap)
		k := 2 + rng.IntN(4)
		srcs := rng.Perm(2 * len(owners))[:k] // a source reports an event once
		for j := 0; j < k; j++ {
			src := srcs[j] % len(owners)
			id := fmt.Sprintf("src-%d-%d", src, srcs[j]/len(owners))
			seq[id]++
			acc := accs[rng.IntN(len(accs))]
			// Alternately either side of the bound, Gaussian (σ = acc/2).
			da := math.Abs(rng.NormFloat64()) * acc / 2
			if j%2 == 1 {
				da = -da
			}
			pos := near(p, b, along+da, side+rng.NormFloat64()*acc/2)
			obsAt := at.Add(time.Duration(rng.NormFloat64()*5) * time.Second).Truncate(time.Second)
			out = append(out, &monitor.Observation{
				ID: fmt.Sprintf("%s-%06d", id, seq[id]), Source: monitor.Source{ID: id, Kind: kinds[src], Owner: owners[src]},
				Position: pos, ObservedAt: obsAt, ReportedAt: obsAt.Add(time.Duration(rng.IntN(120)) * time.Second),
				Event: "explosion", Count: 1, AttributedTo: monitor.Unknown, AccuracyM: acc, TimeAccuracyS: 10, Confidence: 0.7,
			})
		}
	}
	slices.SortStableFunc(out, func(a, b *monitor.Observation) int { return a.ReportedAt.Compare(b.ReportedAt) })
	return out
}
