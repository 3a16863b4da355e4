package sector_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"

	"github.com/accord-peace/accord/internal/cputime"
)

func BenchmarkOf(b *testing.B) {
	p := plan(b, 4)
	obs := simulate(b, 1, 6*time.Hour, 60, false)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		o := obs[i%len(obs)]
		p.Of(o.Position[0], o.Position[1])
	}
}

func BenchmarkRoute(b *testing.B) {
	p := plan(b, 4)
	obs := simulate(b, 1, 6*time.Hour, 60, false)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Route(obs[i%len(obs)])
	}
}

// BenchmarkSectors runs one stream through one pipeline and through N
// sectors (Route, the workers, the sequencer, one after the other on one
// goroutine: the work, not the parallelism) and reports the cost of each
// per observation in CPU time (the machine is shared), their ratio, and the halo's duplication rate (halo
// copies per observation). The streams: the dense simulated front, and
// the boundary stream, every event on a sector bound (the worst case).
func BenchmarkSectors(b *testing.B) {
	front := simulate(b, 9, 24*time.Hour, 100, true)
	for _, n := range []int{1, 2, 4, 8} {
		bounds := boundaryStream(plan(b, max(n, 2)), 9, 2000, 5*time.Second, 300)
		for _, s := range []struct {
			name string
			obs  []*monitor.Observation
		}{{"front", front}, {"bounds", bounds}} {
			b.Run(fmt.Sprintf("%s/N=%d", s.name, n), func(b *testing.B) {
				a, k := monitortest.Reference(b)
				pl := plan(b, n)
				for _, o := range s.obs {
					pl.Route(o) // the plan learns the cells once, as a live one has
				}
				var single, sectors time.Duration
				var halo, own int
				for i := 0; i < b.N; i++ {
					runSingle := func() {
						p := monitor.NewPipeline(a.Monitoring, k, fusion.Config{})
						runtime.GC()
						t0 := cputime.Used()
						for j := 0; j < len(s.obs); j += 100 {
							p.Observe(s.obs[j:min(j+100, len(s.obs))])
						}
						single += cputime.Used() - t0
					}
					runSectors := func() {
						d := deployOn(b, pl)
						d.ordered = true
						runtime.GC()
						t0 := cputime.Used()
						d.run(s.obs, 100)
						sectors += cputime.Used() - t0
						halo, own = d.halo, d.own
					}
					if i%2 == 0 { // either first, in turn
						runSingle()
						runSectors()
					} else {
						runSectors()
						runSingle()
					}
				}
				per := float64(b.N * len(s.obs))
				b.ReportMetric(float64(single.Nanoseconds())/per, "single-ns/obs")
				b.ReportMetric(float64(sectors.Nanoseconds())/per, "sectors-ns/obs")
				b.ReportMetric(float64(sectors)/float64(single), "ratio")
				b.ReportMetric(100*float64(halo)/float64(own), "halo-%")
			})
		}
	}
}
