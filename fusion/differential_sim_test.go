package fusion

import (
	"fmt"
	"testing"
	"time"

	"github.com/accord-peace/accord/sim"

	"github.com/accord-peace/accord/internal/cputime"
)

// On the simulator's data (out of order, duplicates, false alarms, every
// kind of source), the engine makes the old one's incidents.
func TestDifferentialOnSimulation(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			res, err := sim.Run(simulation(seed, 6*time.Hour, 200))
			if err != nil {
				t.Fatal(err)
			}
			cfg := Config{Parties: []string{"ru", "ua"}, Horizon: time.Hour}
			e, ref := New(worstFit(cfg)), newRef(cfg)
			var closed []*Incident
			var refClosed []*refIncident
			for i, o := range res.Observations {
				r := simReport(t, o)
				if got, want := e.Add(r), ref.Add(r); got.ID != want.ID {
					t.Fatalf("observation %d joined %s, the reference %s", i, got.ID, want.ID)
				}
				closed = append(closed, e.TakeClosed()...)
				refClosed = append(refClosed, ref.TakeClosed()...)
			}
			ins, refs := append(closed, e.Incidents()...), append(refClosed, ref.Incidents()...)
			if len(ins) != len(refs) {
				t.Fatalf("%d incidents, the reference %d", len(ins), len(refs))
			}
			for i := range ins {
				sameIncident(t, ins[i], refs[i])
			}
			t.Logf("%d observations, %d incidents, %d members judged, %d incidents scored from the ends of their span", len(res.Observations), len(ins), e.work, e.scans)
		})
	}
}

// simulation is the simulator's run on a 500 km test line.
func simulation(seed uint64, d time.Duration, rate float64) sim.Config {
	var line [][2]float64
	for i := 0; i <= 400; i++ {
		f := float64(i) / 400
		line = append(line, [2]float64{32.6 + f*(36.9-32.6), 46.6 + f*(50.3-46.6)})
	}
	return sim.Config{
		Seed: seed, Duration: d, Rate: rate, Line: line, Sides: [2]string{"ru", "ua"},
		Bands: []sim.Band{
			{Equipment: "artillery", CaliberMM: 152, DistanceM: 25000},
			{Equipment: "mlrs", CaliberMM: 122, DistanceM: 35000},
			{Equipment: "tank", DistanceM: 15000},
		},
		DMZHalfWidthM: 5000, FalseAlarmsPerHour: 3,
	}
}

// Reports per second through the engine and through the old one, on a
// simulated day of 2,000 true events an hour (about 190,000 reports, out
// of order), by CPU time, the two taking turns; speedup is old over new.
func BenchmarkFuseSimulatedDayAgainstOld(b *testing.B) {
	res, err := sim.Run(simulation(1, 24*time.Hour, 2000))
	if err != nil {
		b.Fatal(err)
	}
	t := &testing.T{}
	rs := make([]Report, len(res.Observations))
	for i, o := range res.Observations {
		rs[i] = simReport(t, o)
	}
	var cpuNew, cpuOld time.Duration
	for b.Loop() {
		c := cputime.Used()
		e := New(worstFit(Config{Parties: []string{"ru", "ua"}}))
		for _, r := range rs {
			e.Add(r)
		}
		c2 := cputime.Used()
		ref := newRef(Config{Parties: []string{"ru", "ua"}})
		for _, r := range rs {
			ref.Add(r)
		}
		cpuNew, cpuOld = cpuNew+c2-c, cpuOld+cputime.Used()-c2
	}
	n := float64(len(rs) * b.N)
	b.ReportMetric(n/cpuNew.Seconds(), "reports/cpu-s")
	b.ReportMetric(n/cpuOld.Seconds(), "old-reports/cpu-s")
	b.ReportMetric(cpuOld.Seconds()/cpuNew.Seconds(), "speedup")
}

// simReport converts a simulated observation (wire form) for fusion, a
// shot placed at its impact.
func simReport(t *testing.T, o sim.Observation) Report {
	p := o.Properties
	var c [2]float64
	switch g := o.Geometry.Coordinates.(type) {
	case [2]float64:
		c = g
	case [][2]float64:
		c = g[len(g)-1]
	}
	at, err := time.Parse(time.RFC3339, p.ObservedAt)
	if err != nil {
		t.Fatal(err)
	}
	return Report{
		Source: p.Source.ID, ID: p.ID, Owner: p.Source.Owner, Kind: p.Source.Kind,
		Event: p.Event, Equipment: p.Equipment, Lon: c[0], Lat: c[1], AccuracyM: p.AccuracyM,
		ObservedAt: at, TimeAccuracyS: p.TimeAccuracyS, Confidence: p.Confidence, AttributedTo: p.AttributedTo,
	}
}
