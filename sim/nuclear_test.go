package sim_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/scenarios"
	"github.com/accord-peace/accord/sim"
)

// decode turns simulated observations into validated ones, through the
// wire form.
func decode(tb testing.TB, obs []sim.Observation) []*monitor.Observation {
	tb.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, o := range obs {
		if err := enc.Encode(o); err != nil {
			tb.Fatal(err)
		}
	}
	dec, err := monitor.Decode(&b, "sim.ndjson")
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]*monitor.Observation, len(dec))
	for i := range dec {
		out[i] = &dec[i]
	}
	return out
}

// TestNuclearPlantStreamGivesTheInjectedBreaches runs the plant's stream
// through a pipeline built from the nuclear plant agreement: the
// violations it finds are exactly the breaches injected, each on a
// confirmed incident, with the observations the truth names.
func TestNuclearPlantStreamGivesTheInjectedBreaches(t *testing.T) {
	a, err := agreement.LoadFS(scenarios.FS, scenarios.NuclearPlantAgreement)
	if err != nil {
		t.Fatal(err)
	}
	k, err := monitor.NewKernel(a.Monitoring)
	if err != nil {
		t.Fatal(err)
	}
	b := func(day int, kind string) sim.PlantBreach { return sim.PlantBreach{Day: day, Kind: kind} }
	cases := []struct {
		name     string
		breaches []sim.PlantBreach
	}{
		{"none", nil},
		{"a missing day", []sim.PlantBreach{b(3, sim.BreachMissingReport)}},
		{"three missing days running", []sim.PlantBreach{b(2, sim.BreachMissingReport), b(3, sim.BreachMissingReport), b(4, sim.BreachMissingReport)}},
		{"the first and the last day missing", []sim.PlantBreach{b(1, sim.BreachMissingReport), b(7, sim.BreachMissingReport)}},
		{"a strike on the power line", []sim.PlantBreach{b(2, sim.BreachPowerLineStrike)}},
		{"heavy weapons at the plant", []sim.PlantBreach{b(5, sim.BreachHeavyWeapons)}},
		{"all of them", []sim.PlantBreach{b(2, sim.BreachPowerLineStrike), b(4, sim.BreachMissingReport), b(4, sim.BreachHeavyWeapons), b(6, sim.BreachHeavyWeapons)}},
	}
	for _, c := range cases {
		for seed := uint64(1); seed <= 3; seed++ {
			t.Run(fmt.Sprintf("%s/seed%d", c.name, seed), func(t *testing.T) {
				cfg := sim.DefaultNuclearPlant()
				cfg.Seed, cfg.Breaches = seed, c.breaches
				res, err := sim.NuclearPlant(cfg)
				if err != nil {
					t.Fatal(err)
				}
				p := monitor.NewPipeline(a.Monitoring, k, fusion.Config{})
				obs := decode(t, res.Observations)
				var ins []monitor.Incident
				at := map[string]int{}
				for i := 0; i < len(obs); i += 5 { // batches of five, as they might arrive
					for _, in := range p.Observe(obs[i:min(i+5, len(obs))]) {
						if j, ok := at[in.ID]; ok {
							ins[j] = in
							continue
						}
						at[in.ID] = len(ins)
						ins = append(ins, in)
					}
				}
				var got, want []string
				for _, in := range ins {
					for _, v := range in.Violations {
						party := "?"
						if v.Party != nil {
							party = *v.Party
						}
						got = append(got, fmt.Sprintf("%s@%s/%s", v.Rule, party, in.State))
					}
				}
				for _, tr := range res.Truth {
					if len(tr.Observations) == 0 { // a missing report: nothing was observed
						id := *tr.Violation + ":" + tr.At.Format(time.DateOnly)
						if !slices.ContainsFunc(ins, func(in monitor.Incident) bool { return in.ID == id }) {
							t.Errorf("%s: no incident %s", tr.EventID, id)
						}
						continue
					}
					first := monitor.Key{Source: tr.Observations[0].Source, ID: tr.Observations[0].ID}
					i := slices.IndexFunc(ins, func(in monitor.Incident) bool { return slices.Contains(in.Observations, first) })
					if i < 0 {
						t.Fatalf("%s: no incident holds %v", tr.EventID, first)
					}
					for _, o := range tr.Observations {
						if !slices.Contains(ins[i].Observations, monitor.Key{Source: o.Source, ID: o.ID}) {
							t.Errorf("%s: incident %s lacks observation %v", tr.EventID, ins[i].ID, o)
						}
					}
					if !slices.ContainsFunc(ins[i].Violations, func(v monitor.Violation) bool { return v.Rule == *tr.Violation }) {
						t.Errorf("%s: incident %s breaks %+v, not %s", tr.EventID, ins[i].ID, ins[i].Violations, *tr.Violation)
					}
				}
				for _, tr := range res.Truth {
					want = append(want, fmt.Sprintf("%s@%s/confirmed", *tr.Violation, *tr.Party))
				}
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("violations %v, want %v", got, want)
				}
			})
		}
	}
}

func TestNuclearPlantDeterministic(t *testing.T) {
	cfg := sim.DefaultNuclearPlant()
	cfg.Breaches = []sim.PlantBreach{{Day: 2, Kind: sim.BreachPowerLineStrike}, {Day: 3, Kind: sim.BreachMissingReport}}
	a, err := sim.NuclearPlant(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := sim.NuclearPlant(cfg)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same config gave two streams")
	}
	cfg.Seed = 2
	c, _ := sim.NuclearPlant(cfg)
	if reflect.DeepEqual(a.Observations, c.Observations) {
		t.Error("another seed gave the same stream")
	}
	for _, bad := range []sim.PlantBreach{{Day: 0, Kind: sim.BreachMissingReport}, {Day: 8, Kind: sim.BreachMissingReport}, {Day: 1, Kind: "sabotage"}} {
		cfg.Breaches = []sim.PlantBreach{bad}
		if _, err := sim.NuclearPlant(cfg); err == nil {
			t.Errorf("breach %+v accepted", bad)
		}
	}
}
