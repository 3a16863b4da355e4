package monitor_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
)

// A vessel incident no report joined for the horizon closes — handed out
// once with ClosedAt and its reason, then forgotten — however the
// observations are cut into batches; a later excursion of the same voyage,
// or a later uninspected departure, gets an id of its own, never a closed
// one's.
func TestVesselIncidentsClose(t *testing.T) {
	m, _, k := grainMerged(t)
	day := 24 * time.Hour
	var obs []*monitor.Observation
	// IMO9000041 strays off the lane, then goes on; a day and more later
	// it strays again on the same voyage.
	obs = append(obs, voyage("IMO9000041", 30000, vt0, lane(atPort, laneN, offRoute, offRoute2, laneMid)...)...)
	obs = append(obs, voyage("IMO9000041", 30000, vt0.Add(day+2*time.Hour), lane(offRoute, offRoute2, laneMid)...)...)
	// IMO9000042 leaves the inspection area uninspected twice, a day apart,
	// before any voyage (voyage number 0 both times).
	obs = append(obs, voyage("IMO9000042", 0, vt0.Add(time.Minute), lane(atInspection, pastBosporus)...)...)
	obs = append(obs, voyage("IMO9000042", 0, vt0.Add(day+3*time.Hour), lane(atInspection, pastBosporus)...)...)
	// Another vessel's reports move the clock on past both horizons.
	obs = append(obs, voyage("IMO9000043", 0, vt0.Add(3*day), lane(farAtSea, farAtSea)...)...)
	// The observation ids repeat across the two calls of voyage: make them
	// unique (a vessel's report of a later day is another observation).
	for i, o := range obs {
		o.ID += "-" + o.ObservedAt.Format("0102T1504") + "-" + string(rune('a'+i%26))
	}
	run := func(cut int) []monitor.Incident {
		p := monitor.NewPipeline(m, k, fusion.Config{})
		var all []monitor.Incident
		for i := 0; i < len(obs); i += cut {
			all = append(all, p.Observe(obs[i:min(i+cut, len(obs))])...)
		}
		return all
	}
	all := run(len(obs))
	closed := map[string]monitor.Incident{}
	var ids []string
	for _, in := range all {
		if in.ClosedAt == nil {
			continue
		}
		if _, twice := closed[in.ID]; twice {
			t.Errorf("%s closed twice", in.ID)
		}
		closed[in.ID] = in
		ids = append(ids, in.ID)
		if !strings.Contains(in.ClosedReason, "no report for 24h0m0s") || in.ClosedAt.Sub(in.LastObserved) < day {
			t.Errorf("%s closed at %v, %v after its last observation (%q)", in.ID, in.ClosedAt, in.ClosedAt.Sub(in.LastObserved), in.ClosedReason)
		}
	}
	for _, want := range []string{
		"vessel:IMO9000041:v1:outside", "vessel:IMO9000041:v1:outside-2",
		"vessel:IMO9000042:v0:uninspected", "vessel:IMO9000042:v0:uninspected-2",
	} {
		if _, ok := closed[want]; !ok {
			t.Errorf("%s did not close (closed: %v)", want, ids)
		}
	}
	// Nothing is handed out of a closed incident after it closed.
	for i, in := range all {
		if c, ok := closed[in.ID]; ok && in.ClosedAt == nil {
			for _, later := range all[i+1:] {
				if later.ID == in.ID && later.ClosedAt == nil && c.ClosedAt.Before(later.LastObserved) {
					t.Errorf("%s changed after it closed", in.ID)
				}
			}
		}
	}
	for _, cut := range []int{1, 3, 10} {
		if got := run(cut); !reflect.DeepEqual(latest(got), latest(all)) {
			t.Errorf("batches of %d: %q, want %q", cut, rulesOf(latest(got)), rulesOf(latest(all)))
		}
	}
}

// A month of one vessel's fixes, one every ten minutes: the track keeps
// those of about the horizon, its latest among them, and its voyages.
func TestVesselTrackBounded(t *testing.T) {
	m, _, k := grainMerged(t)
	p := monitor.NewPipeline(m, k, fusion.Config{})
	var fixes []fix
	for i := 0; i < 30*24*6; i++ {
		fixes = append(fixes, fix{at: []([2]float64){atPort, laneN, laneMid, laneS, atInspection}[i%5]})
	}
	obs := voyage("IMO9000051", 30000, vt0, fixes...)
	for lo := 0; lo < len(obs); lo += 500 {
		p.Observe(obs[lo:min(lo+500, len(obs))])
	}
	tr := p.Vessels().Track("IMO9000051")
	perDay := 24 * 6
	if len(tr.Fixes) < perDay || len(tr.Fixes) > 2*perDay+64 {
		t.Errorf("%d fixes kept of %d, want about a day's (%d to %d)", len(tr.Fixes), len(obs), perDay, 2*perDay+64)
	}
	last := obs[len(obs)-1]
	if f := tr.Fixes[len(tr.Fixes)-1]; !f.At.Equal(last.ObservedAt) || f.Key != last.Key() {
		t.Errorf("the last fix kept is %+v, want the latest report's", f)
	}
	if len(tr.Voyages) == 0 {
		t.Error("no voyage kept")
	}
}

// A vessel's own report after a silence longer than the horizon does not
// join the incident it left: the incident closes first (the clock moves
// before the report is judged), whoever else reports, and a report taken
// long after it was observed is still known when delivered again.
func TestVesselSilenceClosesBeforeTheNextReport(t *testing.T) {
	m, _, k := grainMerged(t)
	first := voyage("IMO9000061", 30000, vt0, lane(atPort, laneN, offRoute, offRoute2)...)
	later := voyage("IMO9000061", 30000, vt0.Add(48*time.Hour), lane(offRoute, offRoute2)...)
	for i, o := range later {
		o.ID += "-later-" + string(rune('a'+i))
	}
	p := monitor.NewPipeline(m, k, fusion.Config{})
	p.Observe(first)
	out := p.Observe(later)
	var ids []string
	for _, in := range out {
		ids = append(ids, in.ID)
		switch in.ID {
		case "vessel:IMO9000061:v1:outside":
			if in.ClosedAt == nil || !in.LastObserved.Equal(vt0.Add(3*step)) || len(in.Observations) != 2 {
				t.Errorf("the first excursion: closed %v, last observed %v, %d observations; want closed with its own 2", in.ClosedAt, in.LastObserved, len(in.Observations))
			}
		case "vessel:IMO9000061:v1:outside-2":
			if in.ClosedAt != nil || len(in.Observations) != 2 {
				t.Errorf("the second excursion: %+v", in)
			}
		}
	}
	if len(ids) != 2 || ids[0] != "vessel:IMO9000061:v1:outside" || ids[1] != "vessel:IMO9000061:v1:outside-2" {
		t.Errorf("incidents %v, want the first closed, then the second", ids)
	}
	// A report observed two days before, delivered now, then again a day
	// on (another vessel's report moved the clock, and the remembered
	// keys were pruned meanwhile): taken once — it is remembered from when
	// it was taken, not from when it was observed.
	old := voyage("IMO9000061", 30000, vt0.Add(-time.Hour), lane(laneN)...)
	p.Observe(old)
	before := len(p.Vessels().Track("IMO9000061").Fixes)
	p.Observe(voyage("IMO9000062", 0, vt0.Add(72*time.Hour+5*time.Minute), lane(farAtSea)...))
	p.Observe(old)
	if got := len(p.Vessels().Track("IMO9000061").Fixes); got != before {
		t.Errorf("a redelivered report taken again: %d fixes, then %d", before, got)
	}
}
