package fusion

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/accord-peace/accord/internal/cputime"
)

// oneIncident draws n reports of one howitzer that stays put for five hours,
// seen by sources of three accuracies and time accuracies and four owners,
// arriving in time order but for a delay of 30 s on average: they all make
// one incident.
func oneIncident(n int, seed uint64) []Report { return oneIncidentOver(n, seed, 5*time.Hour) }

// oneIncidentOver is oneIncident with the howitzer staying put for span.
func oneIncidentOver(n int, seed uint64, span time.Duration) []Report {
	rng := rand.New(rand.NewPCG(seed, 2))
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	type src struct {
		owner   string
		acc, ta float64
	}
	srcs := []src{{"mission", 30, 5}, {"mission", 150, 1}, {"osint", 300, 60}, {"ru", 300, 60}, {"ua", 150, 1}}
	type arrival struct {
		r  Report
		at time.Time
	}
	as := make([]arrival, n)
	for i := range as {
		s := srcs[rng.IntN(len(srcs))]
		sigma := s.acc / 6 / 111195
		r := Report{Source: fmt.Sprintf("%s-%d", s.owner, rng.IntN(8)), ID: fmt.Sprint(i), Owner: s.owner, Kind: "sensor",
			Event: "heavy_weapon", Lat: 47.5 + rng.NormFloat64()*sigma, Lon: 35 + rng.NormFloat64()*sigma/math.Cos(47.5*math.Pi/180),
			AccuracyM: s.acc, TimeAccuracyS: s.ta, Confidence: 0.4 + 0.5*rng.Float64(),
			ObservedAt: t0.Add(time.Duration(rng.Float64() * float64(span)))}
		if rng.IntN(2) == 0 {
			r.Equipment = "artillery"
		}
		as[i] = arrival{r, r.ObservedAt.Add(time.Duration(rng.ExpFloat64() * float64(30*time.Second)))}
	}
	slices.SortFunc(as, func(a, b arrival) int { return a.at.Compare(b.at) })
	out := make([]Report, n)
	for i, a := range as {
		out[i] = a.r
	}
	return out
}

// The work of adding a report to an incident does not grow with the
// incident: members judged per report (by the summaries) over the last
// 1,000 reports of an incident of 2,000 and of 20,000, for a howitzer seen
// over 5 hours and over 4 days (one incident, a persistent thing's reports
// fitting some member in time). The old engine judged every member, 2,000
// and 20,000 per report. Members moved by late arrivals grow with the
// density of reports in time, not the work of judging; they are logged.
func TestWorkPerReportBounded(t *testing.T) {
	for _, span := range []time.Duration{5 * time.Hour, 96 * time.Hour} {
		t.Run(span.String(), func(t *testing.T) { workPerReportBounded(t, span) })
	}
}

func workPerReportBounded(t *testing.T, span time.Duration) {
	per := map[int]float64{}
	for _, n := range []int{2000, 20000} {
		e := New(Config{Parties: []string{"ru", "ua"}})
		rs := oneIncidentOver(n, 1, span)
		for _, r := range rs[:n-1000] {
			e.Add(r)
		}
		work, moved := e.work, e.moved
		for _, r := range rs[n-1000:] {
			e.Add(r)
		}
		if ins := e.Incidents(); len(ins) != 1 || len(ins[0].Reports) != n {
			t.Fatalf("n=%d: %d incidents, want one of all the reports", n, len(ins))
		}
		per[n] = float64(e.work-work) / 1000
		t.Logf("n=%d: %.1f members judged and %.1f moved per report", n, per[n], float64(e.moved-moved)/1000)
		if per[n] > 200 {
			t.Errorf("n=%d: %.1f members judged per report, want at most 200", n, per[n])
		}
	}
	if per[20000] > 1.5*per[2000] {
		t.Errorf("members judged per report grew from %.1f (n=2,000) to %.1f (n=20,000)", per[2000], per[20000])
	}
}

var slowRef = flag.Bool("fusion.slowref", false, "also time the old engine on 20,000 reports (minutes)")

// Time per report added to one incident of n: wall (ns/op over n, as
// ns/add) and CPU time of the process (cpu-ns/add, steadier on a shared
// machine); and the old engine's CPU time per report on the same reports
// in the same run (n ≤ 8,000, or with -fusion.slowref), with the ratio of
// the two as the speedup.
func BenchmarkFuseOneIncident(b *testing.B) {
	for _, c := range []struct {
		n    int
		span time.Duration
	}{{2000, 5 * time.Hour}, {8000, 5 * time.Hour}, {20000, 5 * time.Hour}, {8000, 96 * time.Hour}} {
		n, name := c.n, fmt.Sprintf("n=%d", c.n)
		if c.span != 5*time.Hour {
			name += "/over=" + c.span.String() // a gun seen for days: one incident
		}
		b.Run(name, func(b *testing.B) {
			rs := oneIncidentOver(n, 1, c.span)
			cpu := cputime.Used()
			for b.Loop() {
				e := New(Config{Parties: []string{"ru", "ua"}})
				for _, r := range rs {
					e.Add(r)
				}
			}
			per := float64((cputime.Used() - cpu).Nanoseconds()) / float64(b.N*n)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/add")
			b.ReportMetric(per, "cpu-ns/add")
			if n > 8000 && !*slowRef {
				return
			}
			cpu = cputime.Used()
			ref := newRef(Config{Parties: []string{"ru", "ua"}})
			for _, r := range rs {
				ref.Add(r)
			}
			old := float64((cputime.Used() - cpu).Nanoseconds()) / float64(n)
			b.ReportMetric(old, "old-cpu-ns/add")
			b.ReportMetric(old/per, "speedup")
		})
	}
}
