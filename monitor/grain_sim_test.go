package monitor_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sim"
)

const grainID = "ukraine-2025-grain-corridor"

// decodeSim writes simulated observations as NDJSON and reads them back
// through the observation contract's decoder, as a mission ingests them.
func decodeSim(tb testing.TB, obs ...[]sim.Observation) []*monitor.Observation {
	tb.Helper()
	var all []sim.Observation
	for _, o := range obs {
		all = append(all, o...)
	}
	slices.SortStableFunc(all, func(a, b sim.Observation) int {
		if a.Properties.ReportedAt != b.Properties.ReportedAt {
			if a.Properties.ReportedAt < b.Properties.ReportedAt {
				return -1
			}
			return 1
		}
		return 0
	})
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, o := range all {
		if err := enc.Encode(o); err != nil {
			tb.Fatal(err)
		}
	}
	got, err := monitor.Decode(&buf, "sim.ndjson")
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]*monitor.Observation, len(got))
	for i := range got {
		out[i] = &got[i]
	}
	return out
}

// runMerged feeds observations, in batches of 500, to a pipeline built
// from the ceasefire merged with the grain corridor, and returns every
// incident's latest version.
func runMerged(tb testing.TB, obs []*monitor.Observation) ([]monitor.Incident, *monitor.Pipeline) {
	m, _, k := grainMerged(tb)
	p := monitor.NewPipeline(m, k, fusion.Config{})
	var all [][]monitor.Incident
	for i := 0; i < len(obs); i += 500 {
		all = append(all, p.Observe(obs[i:min(i+500, len(obs))]))
	}
	return latest(all...), p
}

// The simulated grain corridor through one pipeline with the ceasefire:
// without a breach nothing is the grain agreement's; each breach injected
// is found, owned by it, with the rule and the party the truth names, and
// confirmed (two owners, one neutral, the vessel's breaches by satellite
// AIS and SAR, the attack by radar, an observer and a party's report).
func TestGrainCorridorStream(t *testing.T) {
	_, owner, _ := grainMerged(t)
	for seed := uint64(1); seed <= 3; seed++ {
		cfg := sim.DefaultGrain()
		cfg.Seed = seed
		front := simulateFrom(t, seed, cfg.Start, 12*time.Hour, 20)
		t.Run(fmt.Sprintf("seed %d, no breach", seed), func(t *testing.T) {
			res, err := sim.GrainCorridor(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ins, p := runMerged(t, decodeSim(t, res.Observations, front.Observations))
			for _, in := range ins {
				for _, v := range in.Violations {
					if owner(v.Rule) == grainID {
						t.Errorf("a violation of the grain agreement with no breach: %s %s (%+v)", in.ID, v.Rule, in)
					}
				}
			}
			tp := p.Vessels().Throughput()
			voyages := 0
			for _, d := range tp {
				voyages += d.Voyages
			}
			// 3 departures and 3 arrivals a day for 3 days; a voyage takes
			// about a day, the inspection 2 to 8 hours more.
			if voyages < 6 || voyages > 20 {
				t.Errorf("%d voyages completed in 72 h: %+v", voyages, tp)
			}
			t.Logf("throughput %+v", tp)
		})
		for _, breach := range []sim.GrainBreach{{Outside: true}, {Uninspected: true}, {Attack: true}, {Outside: true, Uninspected: true, Attack: true}} {
			t.Run(fmt.Sprintf("seed %d, breach %+v", seed, breach), func(t *testing.T) {
				c := cfg
				c.Breach = breach
				res, err := sim.GrainCorridor(c)
				if err != nil {
					t.Fatal(err)
				}
				ins, _ := runMerged(t, decodeSim(t, res.Observations, front.Observations))
				found := map[string]monitor.Incident{}
				var grain []string
				for _, in := range ins {
					for _, v := range in.Violations {
						if owner(v.Rule) == grainID {
							grain = append(grain, in.ID+" "+v.Rule+" "+*v.Party)
							found[v.Rule+" "+*v.Party] = in
						}
					}
				}
				if len(grain) != len(res.Truth) {
					t.Errorf("grain violations %q, truth %d breaches", grain, len(res.Truth))
				}
				for _, tr := range res.Truth {
					in, ok := found[*tr.Violation+" "+*tr.Party]
					if !ok {
						t.Errorf("breach %s (%s by %s) not found; grain violations %q", tr.EventID, *tr.Violation, *tr.Party, grain)
						continue
					}
					if in.State != fusion.Confirmed {
						t.Errorf("%s: %s, %d owners, confidence %v", in.ID, in.State, in.IndependentSources, in.Confidence)
					}
					if !overlaps(in.Observations, tr.Observations) {
						t.Errorf("%s lists none of the breach's observations", in.ID)
					}
				}
			})
		}
	}
}

func overlaps(a []monitor.Key, b []sim.ObsRef) bool {
	for _, x := range a {
		for _, y := range b {
			if x.Source == y.Source && x.ID == y.ID {
				return true
			}
		}
	}
	return false
}

// simulateFrom is the ceasefire front's simulated stream from an instant.
func simulateFrom(tb testing.TB, seed uint64, start time.Time, d time.Duration, rate float64) *sim.Result {
	tb.Helper()
	m, k := mustReference(tb)
	cfg := sim.FromAgreement(m, k)
	cfg.Seed, cfg.Start, cfg.Duration, cfg.Rate, cfg.FalseAlarmsPerHour = seed, start, d, rate, 2
	res, err := sim.Run(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

// The same config gives the same stream.
func TestGrainCorridorDeterministic(t *testing.T) {
	cfg := sim.DefaultGrain()
	cfg.Seed, cfg.Breach = 7, sim.GrainBreach{Outside: true, Uninspected: true, Attack: true}
	a, err := sim.GrainCorridor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := sim.GrainCorridor(cfg)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) || len(a.Observations) < 1000 {
		t.Errorf("two runs differ, or too few reports (%d)", len(a.Observations))
	}
	cfg.Seed = 8
	c, _ := sim.GrainCorridor(cfg)
	if jc, _ := json.Marshal(c); bytes.Equal(ja, jc) {
		t.Errorf("another seed, the same stream")
	}
}

// The ceasefire judged in the merged pipeline is the ceasefire judged
// alone: the same incidents, placed and judged the same, on its simulated
// front; and Merge of the ceasefire alone is its own section.
func TestMergedKeepsTheCeasefire(t *testing.T) {
	ref, k := mustReference(t)
	mm, _, mk := grainMerged(t)
	front := simulateFrom(t, 1, time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), 12*time.Hour, 40)
	obs := decodeSim(t, front.Observations)
	alone := latest(monitor.NewPipeline(ref, k, fusion.Config{}).Observe(obs))
	merged := latest(monitor.NewPipeline(mm, mk, fusion.Config{}).Observe(obs))
	if len(alone) == 0 || !reflect.DeepEqual(alone, merged) {
		t.Errorf("%d incidents alone, %d merged, or they differ", len(alone), len(merged))
	}
}
