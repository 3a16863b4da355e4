package monitor_test

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/monitor"
)

var grainOnce struct {
	sync.Once
	m     *agreement.Monitoring
	owner func(string) string
	k     *geo.Kernel
	err   error
}

// grainMerged is the reference ceasefire merged with the grain corridor,
// and the kernel of the merged geometry (built once).
func grainMerged(tb testing.TB) (*agreement.Monitoring, func(string) string, *geo.Kernel) {
	tb.Helper()
	grainOnce.Do(func() {
		var as []*agreement.Agreement
		for _, p := range []string{"../scenarios/ukraine-2025/agreement.yaml", "../scenarios/ukraine-2025/grain-corridor.yaml"} {
			a, err := agreement.Load(p)
			if err != nil {
				grainOnce.err = err
				return
			}
			as = append(as, a)
		}
		grainOnce.m, grainOnce.owner, grainOnce.err = agreement.Merge(as)
		if grainOnce.err == nil {
			grainOnce.k, grainOnce.err = monitor.NewKernel(grainOnce.m)
		}
	})
	if grainOnce.err != nil {
		tb.Fatal(grainOnce.err)
	}
	return grainOnce.m, grainOnce.owner, grainOnce.k
}

// Places along the corridor (the reference geometry's lane runs from off
// Odesa, 30.85 E 46.25 N, to the Bosphorus approaches, 29.20 E 41.40 N).
var (
	atPort       = [2]float64{30.80, 46.40} // in the ports' zone
	laneN        = [2]float64{30.78, 45.90} // in the lane
	laneMid      = [2]float64{30.05, 44.30} // in the lane
	laneS        = [2]float64{29.30, 41.90} // in the lane
	atInspection = [2]float64{29.15, 41.35} // the JCC inspection area
	pastBosporus = [2]float64{29.05, 41.15} // beyond it, towards the strait
	offRoute     = [2]float64{31.50, 44.30} // 115 km east of the lane
	offRoute2    = [2]float64{31.55, 44.20} //
	nearLane     = [2]float64{30.30, 44.30} // 20 km off the lane, within its 10 nm protection
	farAtSea     = [2]float64{33.00, 43.00} // nowhere near
	vt0          = time.Date(2025, 12, 3, 6, 0, 0, 0, time.UTC)
	step         = 10 * time.Minute
	sourceOwners = map[string]string{"sat-ais": "un", "coast": "tr", "jcc-team": "un"}
)

type fix struct {
	at    [2]float64
	event string // "" vessel
	srcs  []string
}

// voyage builds the observations of one vessel, one instant per fix, each
// reported by its sources (satellite AIS by default).
func voyage(vessel string, cargo float64, start time.Time, fixes ...fix) []*monitor.Observation {
	var out []*monitor.Observation
	for i, f := range fixes {
		ev := f.event
		if ev == "" {
			ev = accord.EventVessel
		}
		srcs := f.srcs
		if len(srcs) == 0 {
			srcs = []string{"sat-ais"}
		}
		if ev == accord.EventInspection {
			srcs = []string{"jcc-team"}
		}
		for _, s := range srcs {
			at := start.Add(time.Duration(i) * step)
			out = append(out, &monitor.Observation{
				ID: fmt.Sprintf("%s-%s-%03d", s, vessel, i), Source: monitor.Source{ID: s, Kind: monitor.KindSatellite, Owner: sourceOwners[s]},
				Position: f.at, ObservedAt: at, ReportedAt: at, Event: ev, Count: 1, AttributedTo: monitor.Unknown,
				AccuracyM: 30, TimeAccuracyS: 5, Confidence: 0.9,
				Vessel: &accord.Vessel{ID: vessel, Name: "MV " + vessel, Flag: "PA", CargoT: cargo},
			})
		}
	}
	return out
}

func lane(fs ...[2]float64) []fix {
	out := make([]fix, len(fs))
	for i, f := range fs {
		out[i] = fix{at: f}
	}
	return out
}

func cat(parts ...[]fix) []fix { return slices.Concat(parts...) }

var (
	outbound  = lane(atPort, laneN, laneMid, laneS, atInspection)
	inspected = []fix{{at: atInspection, event: accord.EventInspection}, {at: pastBosporus}}
	inbound   = lane(pastBosporus, atInspection)
)

func rulesOf(ins []monitor.Incident) []string {
	var out []string
	for _, in := range ins {
		for _, v := range in.Violations {
			party := ""
			if v.Party != nil {
				party = *v.Party
			}
			out = append(out, in.ID+" "+v.Rule+" "+party)
		}
	}
	return out
}

// Each corridor rule, firing and not: the track, voyage by voyage.
func TestVesselRules(t *testing.T) {
	m, owner, k := grainMerged(t)
	tests := []struct {
		name      string
		fixes     []fix
		want      []string
		voyages   int // completed
		inspected bool
	}{
		{"outbound, inspected, past the area", cat(outbound, inspected), nil, 1, true},
		{"outbound past the area uninspected", cat(outbound, lane(pastBosporus)),
			[]string{"vessel:IMO9000001:v1:uninspected corridor:uninspected ua"}, 1, false},
		{"inbound, inspected, to the ports", cat(inbound, []fix{{at: atInspection, event: accord.EventInspection}}, lane(laneS, laneMid, laneN, atPort)), nil, 1, true},
		{"inbound into the lane uninspected", cat(inbound, lane(laneS, laneMid, laneN, atPort)),
			[]string{"vessel:IMO9000001:v1:uninspected corridor:uninspected ua"}, 1, false},
		{"one stray fix outside: tolerated", cat(lane(atPort, laneN, offRoute, laneMid, laneS, atInspection), inspected), nil, 1, true},
		{"two consecutive fixes outside", cat(lane(atPort, laneN, offRoute, offRoute2, laneMid, laneS, atInspection), inspected),
			[]string{"vessel:IMO9000001:v1:outside corridor:outside ua"}, 1, true},
		{"two excursions in one voyage", cat(lane(atPort, laneN, offRoute, offRoute2, laneMid, offRoute, offRoute2, laneS, atInspection), inspected),
			[]string{"vessel:IMO9000001:v1:outside corridor:outside ua", "vessel:IMO9000001:v1:outside-2 corridor:outside ua"}, 1, true},
		{"one fix outside seen by two sources: one instant", cat(lane(atPort, laneN), []fix{{at: offRoute, srcs: []string{"sat-ais", "coast"}}}, lane(laneMid, laneS, atInspection), inspected), nil, 1, true},
		{"near the lane, in its protection but off the lane", cat(lane(atPort, laneN, nearLane, nearLane, laneMid, laneS, atInspection), inspected),
			[]string{"vessel:IMO9000001:v1:outside corridor:outside ua"}, 1, true},
		{"turning back to the ports: no voyage completed", lane(atPort, laneN, laneMid, laneN, atPort), nil, 0, false},
		{"never in the corridor: nothing", lane(farAtSea, farAtSea, farAtSea), nil, 0, false},
		{"an inspection outside the inspection area does not count", cat(lane(atPort, laneN, laneMid, laneS), []fix{{at: laneS, event: accord.EventInspection}}, lane(atInspection, pastBosporus)),
			[]string{"vessel:IMO9000001:v1:uninspected corridor:uninspected ua"}, 1, false},
		{"back into the lane from the area uninspected, then past it", cat(outbound, lane(laneS, atInspection, pastBosporus)),
			[]string{"vessel:IMO9000001:v2:uninspected corridor:uninspected ua", "vessel:IMO9000001:v2:uninspected-2 corridor:uninspected ua"}, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := monitor.NewPipeline(m, k, fusion.Config{})
			out := latest(p.Observe(voyage("IMO9000001", 30000, vt0, tt.fixes...)))
			if got := rulesOf(out); !slices.Equal(got, tt.want) {
				t.Errorf("violations %q, want %q", got, tt.want)
			}
			for _, in := range out {
				for _, v := range in.Violations {
					if o := owner(v.Rule); o != "ukraine-2025-grain-corridor" {
						t.Errorf("%s owned by %q", v.Rule, o)
					}
				}
				if in.Event != accord.EventVessel || len(in.Observations) == 0 || in.State != fusion.Reported {
					t.Errorf("incident %+v", in)
				}
			}
			tr := p.Vessels().Track("IMO9000001")
			if tr == nil {
				t.Fatal("no track")
			}
			completed := 0
			for _, v := range tr.Voyages {
				if v.Completed {
					completed++
				}
			}
			if completed != tt.voyages || tr.Inspected() != tt.inspected {
				t.Errorf("voyages completed %d (want %d), inspected %v (want %v): %+v", completed, tt.voyages, tr.Inspected(), tt.inspected, tr.Voyages)
			}
			if len(tr.Fixes) != len(voyage("IMO9000001", 30000, vt0, tt.fixes...)) {
				t.Errorf("%d fixes kept", len(tr.Fixes))
			}
		})
	}
}

// A violation seen by two owners, one neutral, is confirmed (as fusion
// confirms: noisy-OR 0.99 ≥ 0.9): what the consultation acts on.
func TestVesselIncidentConfirmed(t *testing.T) {
	m, _, k := grainMerged(t)
	p := monitor.NewPipeline(m, k, fusion.Config{})
	both := []string{"sat-ais", "coast"}
	fixes := []fix{{at: atPort, srcs: both}, {at: laneN, srcs: both}, {at: offRoute, srcs: both}, {at: offRoute2, srcs: both}, {at: laneMid, srcs: both}}
	out := latest(p.Observe(voyage("IMO9000002", 0, vt0, fixes...)))
	if len(out) != 1 {
		t.Fatalf("%d incidents: %+v", len(out), out)
	}
	in := out[0]
	if in.ID != "vessel:IMO9000002:v1:outside" || in.State != fusion.Confirmed || in.IndependentSources != 2 || math.Abs(in.Confidence-0.99) > 1e-9 || len(in.Observations) != 4 {
		t.Errorf("incident %+v", in)
	}
	if math.Abs(in.Location[0]-offRoute2[0]) > 1e-9 || math.Abs(in.Location[1]-offRoute2[1]) > 1e-9 || !in.FirstObserved.Equal(vt0.Add(2*step)) || !in.LastObserved.Equal(vt0.Add(3*step)) {
		t.Errorf("placed at %v, %v..%v", in.Location, in.FirstObserved, in.LastObserved)
	}
	if _, err := json.Marshal(in); err != nil {
		t.Error(err)
	}
}

// Voyages completed and tonnage per UTC day.
func TestThroughput(t *testing.T) {
	m, _, k := grainMerged(t)
	p := monitor.NewPipeline(m, k, fusion.Config{})
	day2 := vt0.Add(24 * time.Hour)
	late := time.Date(2025, 12, 3, 23, 20, 0, 0, time.UTC) // completes after midnight
	var obs []*monitor.Observation
	obs = append(obs, voyage("IMO9000011", 30000, vt0, cat(outbound, inspected)...)...)
	obs = append(obs, voyage("IMO9000012", 45000.5, vt0.Add(time.Hour), cat(outbound, inspected)...)...)
	obs = append(obs, voyage("IMO9000013", 25000, late, cat(outbound, inspected)...)...)
	obs = append(obs, voyage("IMO9000014", 0, day2, cat(inbound, []fix{{at: atInspection, event: accord.EventInspection}}, lane(laneS, atPort))...)...)
	obs = append(obs, voyage("IMO9000015", 50000, day2, lane(atPort, laneN, laneMid, laneN, atPort)...)...) // turned back
	p.Observe(obs)
	want := []monitor.DayThroughput{{Day: "2025-12-03", Voyages: 2, Tonnage: 75000.5}, {Day: "2025-12-04", Voyages: 2, Tonnage: 25000}}
	if got := p.Vessels().Throughput(); !reflect.DeepEqual(got, want) {
		t.Errorf("throughput %+v, want %+v", got, want)
	}
	if ids := p.Vessels().IDs(); len(ids) != 5 || ids[0] != "IMO9000011" {
		t.Errorf("vessels %v", ids)
	}
	empty := monitor.NewPipeline(m, k, fusion.Config{})
	if got := empty.Vessels().Throughput(); len(got) != 0 {
		t.Errorf("throughput of nothing: %+v", got)
	}
}

// The same observations in the same order give the same incidents, tracks
// and throughput however they are cut into batches: a restart that replays
// the stored observations in order restores the tracker.
func TestVesselsReplay(t *testing.T) {
	m, _, k := grainMerged(t)
	var obs []*monitor.Observation
	obs = append(obs, voyage("IMO9000021", 30000, vt0, cat(lane(atPort, laneN, offRoute, offRoute2, laneMid, laneS, atInspection), lane(pastBosporus))...)...)
	obs = append(obs, voyage("IMO9000022", 20000, vt0.Add(5*time.Minute), cat(outbound, inspected)...)...)
	slices.SortStableFunc(obs, func(a, b *monitor.Observation) int { return a.ObservedAt.Compare(b.ObservedAt) })
	run := func(cut int) ([]monitor.Incident, []monitor.DayThroughput, *monitor.Track) {
		p := monitor.NewPipeline(m, k, fusion.Config{})
		var all [][]monitor.Incident
		for i := 0; i < len(obs); i += cut {
			all = append(all, p.Observe(obs[i:min(i+cut, len(obs))]))
		}
		// A resend changes nothing.
		all = append(all, p.Observe(obs[:3]))
		return latest(all...), p.Vessels().Throughput(), p.Vessels().Track("IMO9000021")
	}
	ins, tp, tr := run(len(obs))
	if len(ins) != 2 || len(tp) != 1 || tp[0].Voyages != 2 {
		t.Fatalf("incidents %q, throughput %+v", rulesOf(ins), tp)
	}
	for _, cut := range []int{1, 2, 7} {
		ins2, tp2, tr2 := run(cut)
		if !reflect.DeepEqual(ins, ins2) || !reflect.DeepEqual(tp, tp2) || !reflect.DeepEqual(tr.Voyages, tr2.Voyages) || !reflect.DeepEqual(tr.Fixes, tr2.Fixes) {
			t.Errorf("batches of %d: incidents %q, throughput %+v", cut, rulesOf(ins2), tp2)
		}
	}
}

// An attack in or near the corridor is an ordinary zone rule of the grain
// agreement, fused like any fire; far from it, not.
func TestAttackNearTheCorridor(t *testing.T) {
	m, owner, k := grainMerged(t)
	strike := func(id string, at [2]float64, owner, by string) *monitor.Observation {
		return &monitor.Observation{ID: id, Source: monitor.Source{ID: "radar-" + owner, Kind: monitor.KindFixedSensor, Owner: owner},
			Position: at, ObservedAt: vt0, ReportedAt: vt0, Event: "strike", Equipment: "missile", Count: 1, AttributedTo: by,
			AccuracyM: 200, TimeAccuracyS: 5, Confidence: 0.9}
	}
	for _, tt := range []struct {
		name string
		at   [2]float64
		want []string
	}{
		{"in the lane", laneMid, []string{"zone:bsgi-corridor"}},
		{"in the 10 nm protection", nearLane, []string{"zone:bsgi-corridor"}},
		{"far at sea", farAtSea, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := monitor.NewPipeline(m, k, fusion.Config{})
			out := latest(p.Observe([]*monitor.Observation{strike("a", tt.at, "tr", "ru"), strike("b", tt.at, "un", "ru")}))
			var rules []string
			for _, in := range out {
				for _, v := range in.Violations {
					rules = append(rules, v.Rule)
					if owner(v.Rule) != "ukraine-2025-grain-corridor" || v.Party == nil || *v.Party != "ru" {
						t.Errorf("violation %+v owned by %q", v, owner(v.Rule))
					}
				}
			}
			if !slices.Equal(rules, tt.want) {
				t.Errorf("rules %v, want %v (incidents %+v)", rules, tt.want, out)
			}
		})
	}
}

// Without a corridor section (the ceasefire alone) vessel observations are
// tracked but neither fused nor judged.
func TestVesselsWithoutCorridor(t *testing.T) {
	m, k := mustReference(t)
	p := monitor.NewPipeline(m, k, fusion.Config{})
	out := p.Observe(voyage("IMO9000031", 30000, vt0, cat(lane(atPort, laneN, offRoute, offRoute2, laneMid), lane(pastBosporus))...))
	if len(out) != 0 || p.Open() != 0 {
		t.Errorf("%d incidents, %d open in fusion: %+v", len(out), p.Open(), out)
	}
	tr := p.Vessels().Track("IMO9000031")
	if tr == nil || len(tr.Fixes) != 6 || len(tr.Voyages) != 0 || tr.Fixes[2].Where != "outside" {
		t.Errorf("track %+v", tr)
	}
	if len(p.Vessels().Throughput()) != 0 {
		t.Error("throughput without a corridor")
	}
}
