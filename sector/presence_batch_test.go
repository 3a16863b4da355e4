package sector_test

import (
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sector"
	"github.com/accord-peace/accord/sim"
)

// A presence duty's missing report is handed out in the batch where one
// pipeline judges it: at the line where the front's clock passes the
// period's deadline, whichever sector that line lies in.
func TestMissingReportInThePipelinesBatch(t *testing.T) {
	as, err := agreement.LoadSet("../scenarios/ukraine-2025/agreement.yaml", "../scenarios/ukraine-2025/grain-corridor.yaml",
		"../scenarios/ukraine-2025/nuclear-plant.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := agreement.Merge(as)
	if err != nil {
		t.Fatal(err)
	}
	k, err := monitor.NewKernel(m)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	cfg := sim.FromAgreement(m, k)
	cfg.Seed, cfg.Start, cfg.Duration, cfg.Rate = 4, start, 72*time.Hour, 30
	front, err := sim.Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := sim.DefaultNuclearPlant()
	p.Seed, p.Start, p.Days = 4, start, 3
	p.Breaches = []sim.PlantBreach{{Day: 1, Kind: sim.BreachMissingReport}, {Day: 2, Kind: sim.BreachMissingReport}, {Day: 3, Kind: sim.BreachMissingReport}}
	plant, err := sim.NuclearPlant(p)
	if err != nil {
		t.Fatal(err)
	}
	obs := decode(t, sim.Combine(front, plant).Observations)
	const size = 1
	firstIn := func(bs [][]monitor.Incident) map[string]int {
		out := map[string]int{}
		for i, b := range bs {
			for _, in := range b {
				if _, ok := out[in.ID]; !ok && strings.HasPrefix(in.ID, "presence:") {
					out[in.ID] = i
				}
			}
		}
		return out
	}
	pipe := monitor.NewPipeline(m, k, fusion.Config{})
	var want [][]monitor.Incident
	for i := 0; i < len(obs); i += size {
		want = append(want, pipe.Observe(obs[i:min(i+size, len(obs))]))
	}
	plan, err := sector.NewPlan(m, k, 3)
	if err != nil {
		t.Fatal(err)
	}
	d := &deployment{plan: plan, seq: sector.NewSequencer(), ordered: true, presence: monitor.PresenceDeadlines(m)}
	for i := range 3 {
		w, err := sector.NewWorker(plan, i, m, k, fusion.Config{})
		if err != nil {
			t.Fatal(err)
		}
		d.workers = append(d.workers, w)
	}
	got := d.run(obs, size)
	wf, gf := firstIn(want), firstIn(got)
	if len(wf) == 0 {
		t.Fatal("no missing report")
	}
	for id, b := range wf {
		if gb, ok := gf[id]; !ok || gb != b {
			t.Errorf("%s: in batch %d (of %d observations), one pipeline's in batch %d (found %v)", id, gb, size, b, ok)
		}
	}
	t.Logf("%d observations, %d missing reports", len(obs), len(wf))
}
