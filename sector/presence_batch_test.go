package sector_test

import (
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sector"
	"github.com/accord-peace/accord/sim"
)

// plantFront is the ceasefire and the nuclear plant merged (with the
// grain corridor: mergedFront), and three simulated days of the front and
// the plant, the IAEA's report missing on each day: the observations in
// the order of reporting.
func plantFront(t *testing.T) (*agreement.Monitoring, []*monitor.Observation) {
	m, _, start, front := mergedFront(t)
	p := sim.DefaultNuclearPlant()
	p.Seed, p.Start, p.Days = 4, start, 3
	p.Breaches = []sim.PlantBreach{{Day: 1, Kind: sim.BreachMissingReport}, {Day: 2, Kind: sim.BreachMissingReport}, {Day: 3, Kind: sim.BreachMissingReport}}
	plant, err := sim.NuclearPlant(p)
	if err != nil {
		t.Fatal(err)
	}
	return m, decode(t, sim.Combine(front, plant).Observations)
}

// mergedFront is the ceasefire, the grain corridor and the nuclear plant
// merged, their kernel, the start of the simulation and three simulated
// days of the front from it (seed 4, 30 true events an hour).
func mergedFront(t *testing.T) (*agreement.Monitoring, *geo.Kernel, time.Time, *sim.Result) {
	t.Helper()
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
	return m, k, start, front
}

// missingReportsAlike runs the observations in batches of size through
// one pipeline and through 3 sectors, and compares the batch in which
// each missing report first comes.
func missingReportsAlike(t *testing.T, m *agreement.Monitoring, obs []*monitor.Observation, size int) {
	k, err := monitor.NewKernel(m)
	if err != nil {
		t.Fatal(err)
	}
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
			t.Errorf("%s: in batch %d (found %v), one pipeline's in batch %d (batches of %d)", id, gb, ok, b, size)
		}
	}
	for id := range gf {
		if _, ok := wf[id]; !ok {
			t.Errorf("%s: not one pipeline's", id)
		}
	}
	t.Logf("%d observations, %d missing reports", len(obs), len(wf))
}

// A presence duty's missing report is handed out in the batch where one
// pipeline judges it: at the line where the front's clock passes the
// period's deadline, whichever sector that line lies in.
func TestMissingReportInThePipelinesBatch(t *testing.T) {
	m, obs := plantFront(t)
	missingReportsAlike(t, m, obs, 1)
}

// A duty without a start is judged from the period of the front's first
// observation, whichever sector it lies in: a first observation at 23:00
// the day before, in another sector than the plant's, makes that day's
// period missing, for one pipeline and for the sectors alike.
func TestPresenceStartsAtTheFrontsFirstObservation(t *testing.T) {
	m, obs := plantFront(t)
	k, err := monitor.NewKernel(m)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := sector.NewPlan(m, k, 3)
	if err != nil {
		t.Fatal(err)
	}
	var znpp [2]float64
	for _, d := range monitor.PresenceDeadlines(m) {
		znpp = d.Centre
	}
	for _, o := range obs {
		if monitor.IsVesselEvent(o.Event) || o.Event == agreement.PresenceEvent || plan.Of(o.Position[0], o.Position[1]) == plan.Of(znpp[0], znpp[1]) {
			continue
		}
		if own, halo := plan.Route(o); len(halo) > 0 || own == plan.Of(znpp[0], znpp[1]) {
			continue
		}
		early := *o
		early.ID += "-early"
		early.ObservedAt = time.Date(2025, 5, 31, 23, 0, 0, 0, time.UTC)
		early.ReportedAt = early.ObservedAt.Add(time.Minute)
		obs = append([]*monitor.Observation{&early}, obs...)
		break
	}
	missingReportsAlike(t, m, obs, 1)
}
