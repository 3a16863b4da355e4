package fusion

import (
	"fmt"
	"hash/maphash"
	"maps"
	"math"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion/internal/oracle"
	"github.com/accord-peace/accord/internal/cputime"
	"github.com/accord-peace/accord/sim"
)

// The engine makes the incidents the engine before the work on the cost of
// Add made (package oracle, kept unchanged), report by report: the
// incident each report joins or opens, every exported field of it, the
// revisions and the closings handed out after it, and the open incidents
// at the end; in both assignments, on the clustered reports of the
// differential tests and on the simulator's sparse and dense runs.
func TestSameAsOracle(t *testing.T) {
	type workload struct {
		name    string
		reports []Report
		horizon time.Duration
	}
	var loads []workload
	for _, c := range []struct {
		seed    uint64
		n       int
		horizon time.Duration
	}{{1, 3000, 0}, {2, 3000, 0}, {3, 3000, 2 * time.Hour}, {4, 2000, 30 * time.Minute}, {5, 6000, 0}} {
		loads = append(loads, workload{fmt.Sprintf("clustered/seed=%d", c.seed), clustered(c.seed, c.n), c.horizon})
	}
	simRun := func(cfg sim.Config) []Report {
		res, err := sim.Run(cfg)
		if err != nil {
			t.Fatal(err)
		}
		rs := make([]Report, len(res.Observations))
		for i, o := range res.Observations {
			rs[i] = simReport(t, o)
		}
		return rs
	}
	for _, seed := range []uint64{1, 2} {
		loads = append(loads, workload{fmt.Sprintf("sparse/seed=%d", seed), simRun(simulation(seed, 6*time.Hour, 200)), 0})
		dense := simulation(seed, 12*time.Hour, 100)
		dense.Dense = sim.DefaultDense()
		loads = append(loads, workload{fmt.Sprintf("dense/seed=%d", seed), simRun(dense), 0})
	}
	if !testing.Short() {
		busy := simulation(3, 4*time.Hour, 2000)
		loads = append(loads, workload{"sparse/rate=2000", simRun(busy), 2 * time.Hour})
		busy.Dense = sim.DefaultDense()
		loads = append(loads, workload{"dense/rate=2000", simRun(busy), 0})
	}
	for i, w := range loads {
		for _, assign := range []Assignment{Likelihood, WorstFit} {
			// Some runs with keys whose hashes collide all the time, so
			// that seenKeys finds most keys where they went.
			collide := (i+int(assign))%2 == 1
			t.Run(fmt.Sprintf("%s/assign=%d/collide=%v", w.name, assign, collide), func(t *testing.T) {
				cfg := Config{Parties: []string{"ru", "ua"}, Horizon: w.horizon, Assign: assign, IDPrefix: "s1-"}
				e := New(cfg)
				if collide {
					e.seen.hash = func(_ maphash.Seed, k Ref) uint64 { return uint64(len(k.ID) % 3) }
				}
				o := oracle.New(oracle.Config{Parties: cfg.Parties, Horizon: cfg.Horizon, Assign: oracle.Assignment(assign), IDPrefix: cfg.IDPrefix})
				for i, r := range w.reports {
					got, want := e.Add(r), o.Add(oracle.Report(r))
					if !sameAsOracle(t, fmt.Sprintf("report %d", i), got, want) {
						t.FailNow()
					}
					gs, ws := e.TakeRevised(), o.TakeRevised()
					gs, ws = append(gs, e.TakeClosed()...), append(ws, o.TakeClosed()...)
					if len(gs) != len(ws) {
						t.Fatalf("report %d: %d revised and closed, the oracle %d", i, len(gs), len(ws))
					}
					for j := range gs {
						if !sameAsOracle(t, fmt.Sprintf("report %d, handed out", i), gs[j], ws[j]) {
							t.FailNow()
						}
					}
				}
				gs, ws := e.Incidents(), o.Incidents()
				if len(gs) != len(ws) {
					t.Fatalf("%d open incidents, the oracle %d", len(gs), len(ws))
				}
				for j := range gs {
					if !sameAsOracle(t, "open at the end", gs[j], ws[j]) {
						t.FailNow()
					}
				}
			})
		}
	}
}

// sameAsOracle compares every exported field, floating point to the bit.
func sameAsOracle(t *testing.T, at string, in *Incident, o *oracle.Incident) bool {
	t.Helper()
	bits := func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }
	var what string
	switch {
	case in.ID != o.ID:
		what = "id"
	case in.State != o.State || in.MergedInto != o.MergedInto || in.Ambiguous != o.Ambiguous:
		what = "state"
	case in.Event != o.Event || in.Equipment != o.Equipment:
		what = "kind"
	case !bits(in.Lat, o.Lat) || !bits(in.Lon, o.Lon) || !bits(in.AccuracyM, o.AccuracyM):
		what = "position"
	case !in.FirstObserved.Equal(o.FirstObserved) || !in.LastObserved.Equal(o.LastObserved):
		what = "span"
	case !slices.Equal(in.Reports, o.Reports):
		what = "reports"
	case !slices.Equal(in.Owners, o.Owners) || !bits(in.Confidence, o.Confidence):
		what = "owners"
	case !maps.Equal(in.Attributions, o.Attributions):
		what = "attributions"
	case !in.ClosedAt.Equal(o.ClosedAt) || in.ClosedReason != o.ClosedReason:
		what = "closing"
	default:
		return true
	}
	t.Errorf("%s: %s differs: %+v, the oracle %+v", at, what, *in, *o)
	return false
}

// Reports per second of CPU time through the engine and through the
// oracle (the engine before the work on the cost of Add), taking turns, as
// the pipeline runs them (Likelihood): 12 simulated hours at 1,000 true
// events an hour, sparse (the server benchmark's load), and 3 h, dense;
// speedup is the oracle's CPU time over the engine's.
func BenchmarkAgainstOracle(b *testing.B) {
	for _, dense := range []bool{false, true} {
		b.Run(fmt.Sprintf("dense=%v", dense), func(b *testing.B) {
			cfg := simulation(1, 12*time.Hour, 1000)
			if dense {
				cfg.Duration, cfg.Dense = 3*time.Hour, sim.DefaultDense()
			}
			res, err := sim.Run(cfg)
			if err != nil {
				b.Fatal(err)
			}
			t := &testing.T{}
			rs := make([]Report, len(res.Observations))
			ors := make([]oracle.Report, len(res.Observations))
			for i, o := range res.Observations {
				rs[i] = simReport(t, o)
				ors[i] = oracle.Report(rs[i])
			}
			// Each run starts from a collected heap, so that neither pays
			// for the other's garbage.
			timed := func(f func()) time.Duration {
				runtime.GC()
				c := cputime.Used()
				f()
				return cputime.Used() - c
			}
			var cpuNew, cpuOld time.Duration
			for b.Loop() {
				cpuNew += timed(func() {
					e := New(Config{Parties: []string{"ru", "ua"}})
					for _, r := range rs {
						e.Add(r)
					}
				})
				cpuOld += timed(func() {
					o := oracle.New(oracle.Config{Parties: []string{"ru", "ua"}})
					for _, r := range ors {
						o.Add(r)
					}
				})
			}
			n := float64(len(rs) * b.N)
			b.ReportMetric(1e6*cpuNew.Seconds()/n, "us/report")
			b.ReportMetric(1e6*cpuOld.Seconds()/n, "oracle-us/report")
			b.ReportMetric(cpuOld.Seconds()/cpuNew.Seconds(), "speedup")
		})
	}
}
