package sector_test

import (
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
)

// tanksInCeilingZone is a random stream of tank sightings at a few places
// inside a zone a ceiling of ten tanks counts, over a few days, in the
// order of reporting.
func tanksInCeilingZone(t *testing.T, seed uint64, places, sightings int, days float64) []*monitor.Observation {
	t.Helper()
	const zone = "security-area-zaporizhzhia-ru"
	a, _ := monitortest.Reference(t)
	z := a.Monitoring.Geometry.Zone(zone)
	inside := gridInside(z)
	if len(inside) < places {
		t.Fatalf("only %d grid points inside %s", len(inside), zone)
	}
	r := rand.New(rand.NewPCG(seed, 7))
	t0 := time.Date(2025, 6, 1, 6, 0, 0, 0, time.UTC)
	var obs []*monitor.Observation
	for i := 0; i < sightings; i++ {
		p := r.IntN(places)
		if r.IntN(2) == 0 {
			p = r.IntN(2) // two places seen often
		}
		o := monitortest.Observation("sat-1", fmt.Sprintf("t-%d", i))
		o.Source.Owner = "osce"
		o.Position, o.AccuracyM = inside[p*len(inside)/places], 50
		o.Equipment, o.CaliberMM, o.Count = "tank", 125, 1+r.IntN(2)
		if r.IntN(8) == 0 {
			o.Count = 4 + r.IntN(4)
		}
		o.ObservedAt = t0.Add(time.Duration(r.Float64() * days * float64(24*time.Hour))).Truncate(time.Minute)
		o.ReportedAt = o.ObservedAt.Add(time.Duration(1+r.IntN(120)) * time.Minute)
		obs = append(obs, &o)
	}
	slices.SortStableFunc(obs, func(a, b *monitor.Observation) int { return a.ReportedAt.Compare(b.ReportedAt) })
	return obs
}

// With one sector, the deployment hands out the pipeline's versions when
// ceilings mark weapons, closed ones too, late.
func TestOneSectorIsThePipelineWithCeilings(t *testing.T) {
	lates := 0
	defer func() { t.Logf("%d late versions", lates) }()
	for seed := uint64(1); seed <= 30; seed++ {
		obs := tanksInCeilingZone(t, seed, 8, 60, 6)
		for _, size := range []int{1, 3} {
			for _, ordered := range []bool{false, true} {
				want := single(t, obs, size)
				closed := map[string]bool{}
				for _, b := range want {
					for _, in := range b {
						if in.ClosedAt != nil {
							if closed[in.ID] {
								lates++
							}
							closed[in.ID] = true
						}
					}
				}
				d := deploy(t, 1)
				d.ordered = ordered
				got := d.run(obs, size)
				for i := range want {
					if !reflect.DeepEqual(got[i], want[i]) {
						for j := range max(len(got[i]), len(want[i])) {
							if j >= len(got[i]) || j >= len(want[i]) || !reflect.DeepEqual(got[i][j], want[i][j]) {
								g, _ := json.Marshal(at(got[i], j))
								w, _ := json.Marshal(at(want[i], j))
								t.Fatalf("seed %d, batches of %d, ordered %v: batch %d, version %d:\n got %s\nwant %s", seed, size, ordered, i, j, g, w)
							}
						}
					}
				}
				if n := d.seq.LateUnplaced(); n != 0 {
					t.Errorf("seed %d: %d late versions unplaced", seed, n)
				}
			}
		}
	}
}

func lateCount(batches [][]monitor.Incident) int {
	n := 0
	closed := map[string]bool{}
	for _, b := range batches {
		for _, in := range b {
			if in.ClosedAt != nil {
				if closed[in.ID] {
					n++
				}
				closed[in.ID] = true
			}
		}
	}
	return n
}

func TestOneSectorSimulatorLong(t *testing.T) {
	for _, tc := range []struct {
		seed  uint64
		dense bool
		batch int
		d     time.Duration
	}{
		{11, false, 50, 72 * time.Hour},
		{12, true, 200, 72 * time.Hour},
		{13, true, 1, 36 * time.Hour},
	} {
		obs := simulate(t, tc.seed, tc.d, 60, tc.dense)
		want := single(t, obs, tc.batch)
		for _, ordered := range []bool{false, true} {
			d := deploy(t, 1)
			d.ordered = ordered
			got := d.run(obs, tc.batch)
			t.Logf("seed %d: %d observations, %d late versions in the pipeline", tc.seed, len(obs), lateCount(want))
			for i := range want {
				if !reflect.DeepEqual(got[i], want[i]) {
					for j := range max(len(got[i]), len(want[i])) {
						if j >= len(got[i]) || j >= len(want[i]) || !reflect.DeepEqual(got[i][j], want[i][j]) {
							g, _ := json.Marshal(at(got[i], j))
							w, _ := json.Marshal(at(want[i], j))
							t.Fatalf("seed %d ordered %v: batch %d, version %d:\n got %s\nwant %s", tc.seed, ordered, i, j, g, w)
						}
					}
				}
			}
		}
	}
}

// With a fusion horizon other than 24 h (mission.Config.Fusion; the stream
// gives the sequencer fusion's horizon, stream.Split), one sector still
// hands out the pipeline's versions: a closed weapon the ceiling marks
// late, while the pipeline still counts it, is handed out again.
func TestLateMarkWithALongerHorizon(t *testing.T) {
	const zone, rule = "security-area-zaporizhzhia-ru", "ceiling:security-area-zaporizhzhia-ru:tank"
	a, k := monitortest.Reference(t)
	inside := gridInside(a.Monitoring.Geometry.Zone(zone))
	t0 := time.Date(2025, 6, 1, 6, 0, 0, 0, time.UTC)
	tank := func(id string, at [2]float64, h float64, count int, reported float64) *monitor.Observation {
		o := monitortest.Observation("sat-1", id)
		o.Source.Owner = "osce"
		o.Position, o.AccuracyM = at, 50
		o.Equipment, o.CaliberMM, o.Count = "tank", 125, count
		o.ObservedAt = t0.Add(time.Duration(h * float64(time.Hour)))
		o.ReportedAt = t0.Add(time.Duration(reported * float64(time.Hour)))
		return &o
	}
	art := monitortest.Observation("sat-1", "art-1") // elsewhere: only the clock
	art.ObservedAt = t0.Add(80 * time.Hour)
	art.ReportedAt = art.ObservedAt.Add(time.Minute)
	w1, x := inside[0], inside[1]
	obs := []*monitor.Observation{
		tank("x-1", x, -1, 1, -1),
		tank("w-1", w1, 0, 6, 0),
		tank("x-2", x, 30, 1, 30),
		&art,                      // w closes (no report for 72 h); x stays open
		tank("x-3", x, 31, 5, 81), // a late report: x is five tanks, with w's six eleven
	}
	cfg := fusion.Config{Horizon: 72 * time.Hour}
	p := monitor.NewPipeline(a.Monitoring, k, cfg)
	var want [][]monitor.Incident
	for _, o := range obs {
		want = append(want, p.Observe([]*monitor.Observation{o}))
	}
	marked := 0
	for _, in := range want[len(want)-1] {
		if in.ClosedAt != nil && slices.ContainsFunc(in.Violations, func(v monitor.Violation) bool { return v.Rule == rule }) {
			marked++
		}
	}
	if marked == 0 {
		b, _ := json.Marshal(want[len(want)-1])
		t.Fatalf("the pipeline marks no closed weapon late: %s", b)
	}
	pl := plan(t, 1)
	w, err := sector.NewWorker(pl, 0, a.Monitoring, k, cfg)
	if err != nil {
		t.Fatal(err)
	}
	seq := sector.NewSequencer()
	seq.Horizon = cfg.Horizon // as stream.Split sets it
	for i, o := range obs {
		got := seq.Apply(0, w.Observe([]*monitor.Observation{o}, nil))
		if !reflect.DeepEqual(got, want[i]) {
			g, _ := json.Marshal(got)
			wj, _ := json.Marshal(want[i])
			t.Errorf("batch %d:\n got %s\nwant %s", i, g, wj)
		}
	}
	if n := seq.LateUnplaced(); n != 0 {
		t.Errorf("%d late versions not handed out (LateKept is %v, for a horizon of 24 h)", n, sector.LateKept)
	}
}

func TestSectorsWithCeilingsLate(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		obs := tanksInCeilingZone(t, seed, 8, 60, 6)
		for _, size := range []int{1, 4} {
			want := finals(single(t, obs, size))
			for _, n := range []int{2, 3, 5} {
				for _, ordered := range []bool{false, true} {
					d := deploy(t, n)
					d.ordered = ordered
					got := finals(d.run(obs, size))
					same, total, sj, sets, lost, diff := compare(want, got)
					if d.seq.LateUnplaced() != 0 || same != total || lost != 0 || sj != sets || sets != len(want.sets) || len(got.sets) != len(want.sets) {
						t.Errorf("seed %d, %d sectors, batches of %d, ordered %v: unplaced %d, %d/%d same, %d lost, %d/%d judged alike: %v", seed, n, size, ordered, d.seq.LateUnplaced(), same, total, lost, sj, sets, diff)
					}
				}
			}
		}
	}
}
