package sector_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/sector"
	"github.com/accord-peace/accord/sim"
)

// simulate runs the simulator on the reference geometry and reads its
// observations back through the observation contract's decoder, in the
// order they arrive (reported_at), as a mission ingests them.
func simulate(tb testing.TB, seed uint64, d time.Duration, rate float64, dense bool) []*monitor.Observation {
	tb.Helper()
	a, k := monitortest.Reference(tb)
	cfg := sim.FromAgreement(a.Monitoring, k)
	cfg.Seed, cfg.Duration, cfg.Rate, cfg.FalseAlarmsPerHour = seed, d, rate, 2
	if dense {
		cfg.Dense = sim.DefaultDense()
	}
	res, err := sim.Run(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return decode(tb, res.Observations)
}

func decode(tb testing.TB, obs []sim.Observation) []*monitor.Observation {
	tb.Helper()
	all := slices.Clone(obs)
	slices.SortStableFunc(all, func(a, b sim.Observation) int {
		switch {
		case a.Properties.ReportedAt < b.Properties.ReportedAt:
			return -1
		case a.Properties.ReportedAt > b.Properties.ReportedAt:
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

// single runs one pipeline over the stream in batches and returns every
// batch's versions.
func single(tb testing.TB, obs []*monitor.Observation, size int) [][]monitor.Incident {
	a, k := monitortest.Reference(tb)
	p := monitor.NewPipeline(a.Monitoring, k, fusion.Config{})
	var out [][]monitor.Incident
	for i := 0; i < len(obs); i += size {
		out = append(out, p.Observe(obs[i:min(i+size, len(obs))]))
	}
	return out
}

// deployment is N workers and a sequencer, fed as the stream feeds them:
// each batch split by the plan, each sector's part to its worker, the
// workers' versions to the sequencer in sector order.
type deployment struct {
	plan    *sector.Plan
	workers []*sector.Worker
	seq     *sector.Sequencer
	halo    int // observations sent as halo
	own     int
	// ordered: each worker takes its part of a batch in the batch's order
	// (ObserveBatch), else its own observations and its halo (Observe).
	ordered bool
	clock   time.Time // the latest observed_at of the front, for ordered parts
	// scanned is when one pipeline's fusion last looked for incidents to
	// close, for ordered parts.
	scanned time.Time
	// restore: the sequencer is snapshotted and restored from the
	// snapshot after every restore-th batch (0: never), as a recorder
	// restarted there would restore it.
	restore, batches int
	// presence are the presence duties, whose sectors are told the
	// front's clock where it passes a deadline, for ordered parts.
	presence []monitor.PresenceDeadline
}

func deploy(tb testing.TB, n int) *deployment {
	tb.Helper()
	return deployOn(tb, plan(tb, n))
}

// deployOn is deploy on a plan built before (a plan is long-lived: it
// learns the line around the cells it meets).
func deployOn(tb testing.TB, plan *sector.Plan) *deployment {
	tb.Helper()
	a, k := monitortest.Reference(tb)
	n := plan.N()
	d := &deployment{plan: plan, seq: sector.NewSequencer(), presence: monitor.PresenceDeadlines(a.Monitoring)}
	for i := 0; i < n; i++ {
		w, err := sector.NewWorker(plan, i, a.Monitoring, k, fusion.Config{})
		if err != nil {
			tb.Fatal(err)
		}
		d.workers = append(d.workers, w)
	}
	return d
}

// split routes a batch: own[i] and halo[i] of sector i, in batch order.
func (d *deployment) split(batch []*monitor.Observation) (own, halo [][]*monitor.Observation) {
	n := d.plan.N()
	own, halo = make([][]*monitor.Observation, n), make([][]*monitor.Observation, n)
	for _, o := range batch {
		i, h := d.plan.Route(o)
		own[i] = append(own[i], o)
		d.own++
		for _, j := range h {
			halo[j] = append(halo[j], o)
			d.halo++
		}
	}
	return own, halo
}

func (d *deployment) observe(batch []*monitor.Observation) []monitor.Incident {
	var out []monitor.Incident
	if !d.ordered {
		own, halo := d.split(batch)
		for i, w := range d.workers {
			out = append(out, d.seq.Apply(i, w.Observe(own[i], halo[i]))...)
		}
		return out
	}
	// Each sector's part in the batch's order, with the front's clock at
	// each line, and at the other sectors' lines where one pipeline's
	// fusion looks for incidents to close, as the stream's ingest node
	// tells it. The parts are decided together (ApplyBatch), each version
	// of an incident opened in the batch saying at which line it opened.
	n := d.plan.N()
	part, own, clocks, lines := make([][]*monitor.Observation, n), make([][]bool, n), make([][]time.Time, n), make([][]int, n)
	ticks := make([][]sector.Tick, n)
	for l, o := range batch {
		i, h := d.plan.Route(o)
		if !monitor.IsVesselEvent(o.Event) {
			before := d.clock
			if o.ObservedAt.After(d.clock) {
				d.clock = o.ObservedAt
			}
			tick := func(j int) {
				if j != i && !slices.Contains(h, j) && (len(ticks[j]) == 0 || ticks[j][len(ticks[j])-1].Line != l) {
					ticks[j] = append(ticks[j], sector.Tick{Line: l, Clock: d.clock})
				}
			}
			if d.clock.Sub(d.scanned) > 24*time.Hour/96 { // fusion's default horizon
				d.scanned = d.clock
				for j := range n {
					tick(j)
				}
			}
			for _, p := range d.presence {
				if d.clock.After(before) && !p.Judged(d.clock).Equal(p.Judged(before)) {
					tick(d.plan.Of(p.Centre[0], p.Centre[1]))
				}
			}
		}
		part[i], own[i], clocks[i], lines[i] = append(part[i], o), append(own[i], true), append(clocks[i], d.clock), append(lines[i], l)
		d.own++
		for _, j := range h {
			part[j], own[j], clocks[j], lines[j] = append(part[j], o), append(own[j], false), append(clocks[j], d.clock), append(lines[j], l)
			d.halo++
		}
	}
	parts := make([]sector.Part, n)
	for i, w := range d.workers {
		parts[i] = sector.Part{Sector: i, Versions: w.ObserveTicks(part[i], own[i], clocks[i], lines[i], ticks[i])}
	}
	return d.seq.ApplyBatch(parts)
}

func (d *deployment) run(obs []*monitor.Observation, size int) [][]monitor.Incident {
	var out [][]monitor.Incident
	for i := 0; i < len(obs); i += size {
		out = append(out, d.observe(obs[i:min(i+size, len(obs))]))
		if d.batches++; d.restore > 0 && d.batches%d.restore == 0 {
			snap, err := d.seq.Snapshot()
			if err != nil {
				panic(err)
			}
			if d.seq, err = sector.RestoreSequencer(snap); err != nil {
				panic(err)
			}
		}
	}
	return out
}

// With one sector, the deployment hands out the pipeline's versions,
// version for version, ids included.
func TestOneSectorIsThePipeline(t *testing.T) {
	for _, tc := range []struct {
		name  string
		seed  uint64
		dense bool
		batch int
	}{
		{"default run, batches of 100", 1, false, 100},
		{"default run, batches of 1", 2, false, 1},
		{"dense run, batches of 500", 3, true, 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs := simulate(t, tc.seed, 12*time.Hour, 60, tc.dense)
			want := single(t, obs, tc.batch)
			got := deploy(t, 1).run(obs, tc.batch)
			n := 0
			for i := range want {
				n += len(want[i])
				if !reflect.DeepEqual(got[i], want[i]) {
					for j := range max(len(got[i]), len(want[i])) {
						if j >= len(got[i]) || j >= len(want[i]) || !reflect.DeepEqual(got[i][j], want[i][j]) {
							g, _ := json.Marshal(at(got[i], j))
							w, _ := json.Marshal(at(want[i], j))
							t.Fatalf("batch %d, version %d:\n got %s\nwant %s", i, j, g, w)
						}
					}
				}
			}
			t.Logf("%d observations, %d versions, identical", len(obs), n)
		})
	}
}

func at(ins []monitor.Incident, i int) any {
	if i < len(ins) {
		return ins[i]
	}
	return nil
}

// final is every incident's latest version, merged ones left out, by the
// set of its members.
type final struct {
	byKey map[monitor.Key]string      // observation → its incident's member set
	sets  map[string]monitor.Incident // member set → the incident
	// double counts the observations listed by two incidents (two
	// sectors' fusion put them in two).
	double int
}

func finals(batches [][]monitor.Incident) final {
	last := map[string]monitor.Incident{}
	for _, b := range batches {
		for _, in := range b {
			last[in.ID] = in
		}
	}
	f := final{byKey: map[monitor.Key]string{}, sets: map[string]monitor.Incident{}}
	ids := make([]string, 0, len(last))
	for id := range last {
		ids = append(ids, id)
	}
	slices.Sort(ids) // a report two incidents list is counted in the first
	for _, id := range ids {
		in := last[id]
		if in.State == fusion.Merged || len(in.Observations) == 0 {
			continue
		}
		ks := in.Observations
		set := monitortest.MemberSet(ks)
		f.sets[set] = in
		for _, k := range ks {
			if _, ok := f.byKey[k]; ok {
				f.double++
				continue
			}
			f.byKey[k] = set
		}
	}
	return f
}

// judged is what the comparison asks of an incident beyond its members:
// its state and its violations (rule and party).
func judged(in monitor.Incident) string {
	s := in.State
	for _, v := range in.Violations {
		p := ""
		if v.Party != nil {
			p = *v.Party
		}
		s += " " + v.Rule + ":" + p
	}
	return s
}

// compare compares two runs' final incidents: the share of observations
// that end in the same member set, of those sets the share judged alike,
// and the observations that end in no incident (lost).
func compare(want, got final) (same, total, sameJudged, sets, lost int, diff []string) {
	for k, ws := range want.byKey {
		total++
		if got.byKey[k] == "" {
			lost++
		}
		if got.byKey[k] == ws {
			same++
		} else if len(diff) < 10 {
			diff = append(diff, fmt.Sprintf("%s/%s: want in {%s}, got in {%s} %s", k.Source, k.ID, ws, got.byKey[k], got.sets[got.byKey[k]].ID))
		}
	}
	for set, w := range want.sets {
		g, ok := got.sets[set]
		if !ok {
			continue
		}
		sets++
		if judged(g) == judged(w) {
			sameJudged++
		} else {
			diff = append(diff, fmt.Sprintf("%s: want %s, got %s", set, judged(w), judged(g)))
		}
	}
	return
}

func TestSectorsAgreeWithThePipeline(t *testing.T) {
	for _, tc := range []struct {
		name  string
		seed  uint64
		dense bool
		n     int
	}{
		{"default, 2 sectors", 1, false, 2},
		{"default, 4 sectors", 1, false, 4},
		{"dense, 2 sectors", 3, true, 2},
		{"dense, 3 sectors", 3, true, 3},
		{"dense, 4 sectors", 3, true, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs := simulate(t, tc.seed, 12*time.Hour, 60, tc.dense)
			want := finals(single(t, obs, 200))
			d := deploy(t, tc.n)
			got := finals(d.run(obs, 200))
			same, total, sj, sets, lost, diff := compare(want, got)
			t.Logf("%d obs, halo %.2f%%: %d/%d observations in the same member set (%.3f), %d in none, %d/%d sets judged alike", len(obs), 100*float64(d.halo)/float64(d.own), same, total, float64(same)/float64(total), lost, sj, sets)
			for _, s := range diff[:min(len(diff), 5)] {
				t.Log(s)
			}
		})
	}
}

// Events on the sector bounds, reported from both sides: separated ones
// (ten minutes apart) end as one pipeline makes them, member for member,
// state and violations included; on a dense stream (an event every 5 s
// on three bounds) the share of observations that end in the same member
// set is measured and held above the floor measured.
func TestBoundaryEvents(t *testing.T) {
	for _, tc := range []struct {
		name     string
		n        int
		events   int
		gap      time.Duration
		spread   float64
		ordered  bool    // ObserveBatch, else Observe
		shuffled bool    // each batch out of the order of reporting
		floor    float64 // share of observations in the same member set
		lost     int     // observations in no incident, at most
	}{
		{"separated, 2 sectors, in order", 2, 200, 10 * time.Minute, 100, true, false, 1, 0},
		{"separated, 4 sectors, in order", 4, 300, 10 * time.Minute, 300, true, false, 1, 0},
		// Measured 0.9990, none lost, 3 listed by two incidents.
		{"dense, 4 sectors, in order", 4, 3000, 5 * time.Second, 300, true, false, 0.997, 0},
		// Every event on the one bound: the most contested case (measured
		// 0.9908, none lost, 49 listed by two).
		{"dense, 2 sectors, in order", 2, 3000, 5 * time.Second, 300, true, false, 0.985, 0},
		// Observe: own and halo interleaved by reported_at (measured 1 and
		// 0.9985; own first, then halo, gave 0.9953 and 0.9385).
		{"separated, 4 sectors, Observe", 4, 300, 10 * time.Minute, 300, false, false, 1, 0},
		{"dense, 4 sectors, Observe", 4, 3000, 5 * time.Second, 300, false, false, 0.997, 0},
		// Batches out of the order of reporting: ObserveBatch keeps their
		// order (measured 0.9982), Observe cannot (0.9626, 78 listed by
		// two).
		{"dense, 4 sectors, shuffled, in order", 4, 3000, 5 * time.Second, 300, true, true, 0.997, 0},
		{"dense, 4 sectors, shuffled, Observe", 4, 3000, 5 * time.Second, 300, false, true, 0.95, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := deploy(t, tc.n)
			d.ordered = tc.ordered
			obs := boundaryStream(d.plan, uint64(tc.n), tc.events, tc.gap, tc.spread)
			if tc.shuffled {
				rng := rand.New(rand.NewPCG(7, 7))
				for i := 0; i < len(obs); i += 100 {
					b := obs[i:min(i+100, len(obs))]
					rng.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
				}
			}
			want := finals(single(t, obs, 100))
			got := finals(d.run(obs, 100))
			same, total, sj, sets, lost, diff := compare(want, got)
			rate := float64(same) / float64(total)
			t.Logf("%d observations, %d halo copies: %d/%d in the same member set (%.4f), %d in none, %d in two; %d/%d sets judged alike", len(obs), d.halo, same, total, rate, lost, got.double, sj, sets)
			for _, s := range diff[:min(len(diff), 2)] {
				t.Log(s)
			}
			if rate < tc.floor || lost > tc.lost || (tc.floor == 1 && sj != sets) || sj < sets*99/100 {
				t.Errorf("agreement %.4f, %d lost (judged alike %d/%d); want at least %.4f, at most %d lost", rate, lost, sj, sets, tc.floor, tc.lost)
			}
		})
	}
}
