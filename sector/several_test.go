package sector_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sector"
	"github.com/accord-peace/accord/sim"
)

// The ceasefire, the grain corridor and the nuclear plant merged, and
// their three simulated streams with breaches injected: with one sector,
// the pipeline's versions; with three, the vessels' incidents and the
// presence duty's missing reports are the pipeline's, and the fused
// incidents end in the same member sets.
func TestSeveralAgreements(t *testing.T) {
	m, k, start, front := mergedFront(t)
	g := sim.DefaultGrain()
	g.Seed, g.Start, g.Duration = 4, start, 72*time.Hour
	g.Breach = sim.GrainBreach{Outside: true, Uninspected: true, Attack: true}
	grain, err := sim.GrainCorridor(g)
	if err != nil {
		t.Fatal(err)
	}
	p := sim.DefaultNuclearPlant()
	p.Seed, p.Start, p.Days = 4, start, 3
	p.Breaches = []sim.PlantBreach{{Day: 2, Kind: sim.BreachMissingReport}, {Day: 3, Kind: sim.BreachHeavyWeapons}}
	plant, err := sim.NuclearPlant(p)
	if err != nil {
		t.Fatal(err)
	}
	obs := decode(t, sim.Combine(front, grain, plant).Observations)

	pipe := monitor.NewPipeline(m, k, fusion.Config{})
	var want [][]monitor.Incident
	for i := 0; i < len(obs); i += 200 {
		want = append(want, pipe.Observe(obs[i:min(i+200, len(obs))]))
	}
	for _, n := range []int{1, 3} {
		plan, err := sector.NewPlan(m, k, n)
		if err != nil {
			t.Fatal(err)
		}
		d := &deployment{plan: plan, seq: sector.NewSequencer(), ordered: true}
		for i := 0; i < n; i++ {
			w, err := sector.NewWorker(plan, i, m, k, fusion.Config{})
			if err != nil {
				t.Fatal(err)
			}
			d.workers = append(d.workers, w)
		}
		got := d.run(obs, 200)
		if n == 1 {
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("one sector: the versions differ from the pipeline's")
			}
			continue
		}
		notFused := func(bs [][]monitor.Incident) map[string]monitor.Incident {
			out := map[string]monitor.Incident{}
			for _, b := range bs {
				for _, in := range b {
					if !strings.HasPrefix(in.ID, "inc-") {
						out[in.ID] = in
					}
				}
			}
			return out
		}
		wn, gn := notFused(want), notFused(got)
		var missing, vessels int
		for id := range wn {
			if strings.HasPrefix(id, "presence:") {
				missing++
			} else {
				vessels++
			}
		}
		if missing == 0 || vessels == 0 || !reflect.DeepEqual(gn, wn) {
			t.Errorf("%d sectors: %d incidents not fused, the pipeline's %d (%d missing reports, %d of vessels)", n, len(gn), len(wn), missing, vessels)
		}
		same, total, sj, sets, lost, _ := compare(finals(want), finals(got))
		t.Logf("%d sectors: %d observations, %d missing reports and %d vessel incidents alike; %d/%d in the same member set, %d in none, %d/%d judged alike",
			n, len(obs), missing, vessels, same, total, lost, sj, sets)
		if same != total || sj != sets {
			t.Errorf("%d sectors: fused incidents differ", n)
		}
	}
}
