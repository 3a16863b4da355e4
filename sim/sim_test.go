package sim_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/sim"
	"github.com/golang/geo/s2"
)

// testLine is a 400-vertex line from near Kherson to near Vovchansk.
func testLine() [][2]float64 {
	var out [][2]float64
	for i := 0; i <= 400; i++ {
		f := float64(i) / 400
		out = append(out, [2]float64{32.6 + f*(36.9-32.6), 46.6 + f*(50.3-46.6)})
	}
	return out
}

func config(seed uint64) sim.Config {
	return sim.Config{
		Seed: seed, Duration: 6 * time.Hour, Rate: 40, Line: testLine(), Sides: [2]string{"ru", "ua"},
		Bands: []sim.Band{
			{Equipment: "artillery", CaliberMM: 152, DistanceM: 25000},
			{Equipment: "mlrs", CaliberMM: 122, DistanceM: 35000},
			{Equipment: "tank", DistanceM: 15000},
		},
		DMZHalfWidthM:      5000,
		Sites:              []sim.ProtectedSite{{ID: "znpp", Lon: 34.58, Lat: 47.51, RadiusM: 3000}},
		FalseAlarmsPerHour: 2,
	}
}

func TestRunDeterministic(t *testing.T) {
	a, err := sim.Run(config(7))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := sim.Run(config(7))
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed gave two runs")
	}
	c, _ := sim.Run(config(8))
	if reflect.DeepEqual(a, c) {
		t.Error("two seeds gave the same run")
	}
}

func TestRunInvariants(t *testing.T) {
	res, err := sim.Run(config(1))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Truth); n < 150 || n > 330 {
		t.Errorf("%d true events at 40/h over 6 h, want about 240", n)
	}
	byKey := map[sim.ObsRef][]sim.Observation{}
	prev := ""
	for _, o := range res.Observations {
		p := o.Properties
		obs, _ := time.Parse(time.RFC3339, p.ObservedAt)
		rep, _ := time.Parse(time.RFC3339, p.ReportedAt)
		if rep.Before(obs) {
			t.Errorf("%s: reported before observed", p.ID)
		}
		if p.ReportedAt < prev {
			t.Errorf("observations not in arrival order at %s", p.ID)
		}
		prev = p.ReportedAt
		if p.Confidence <= 0 || p.Confidence > 1 || p.AccuracyM <= 0 || p.Count < 1 {
			t.Errorf("%s: out-of-contract values %+v", p.ID, p)
		}
		k := sim.ObsRef{Source: p.Source.ID, ID: p.ID}
		byKey[k] = append(byKey[k], o)
	}
	resends := 0
	for k, list := range byKey {
		for _, o := range list[1:] {
			if !reflect.DeepEqual(o, list[0]) {
				t.Errorf("%v: same key, different content", k)
			}
			resends++
		}
	}
	if resends == 0 {
		t.Error("no exact resend in the run")
	}
	inTruth := map[sim.ObsRef]bool{}
	violations := map[string]int{}
	for _, tr := range res.Truth {
		for _, r := range tr.Observations {
			if byKey[r] == nil {
				t.Errorf("%s names %v, which was never reported", tr.EventID, r)
			}
			if inTruth[r] {
				t.Errorf("%v belongs to two events", r)
			}
			inTruth[r] = true
		}
		if (tr.Violation == nil) != (tr.Party == nil) {
			t.Errorf("%s: violation and party must come together", tr.EventID)
		}
		if tr.Violation != nil {
			violations[strings.SplitN(*tr.Violation, ":", 2)[0]]++
		}
	}
	if false_ := len(byKey) - len(inTruth); false_ < 3 {
		t.Errorf("%d false alarms, want some (2/h over 6 h)", false_)
	}
	for _, rule := range []string{sim.RuleBand, sim.RuleCrossing, sim.RuleZone, sim.RuleProtectedSite} {
		if violations[rule] == 0 {
			t.Errorf("no %s violation in the run: %v", rule, violations)
		}
	}
}

// A satellite sighting of a weapon in violation lies inside its band: the
// truth agrees with the geometry, measured independently with s2.
func TestBandTruthMatchesGeometry(t *testing.T) {
	cfg := config(3)
	res, _ := sim.Run(cfg)
	var pl s2.Polyline
	for _, c := range cfg.Line {
		pl = append(pl, s2.PointFromLatLng(s2.LatLngFromDegrees(c[1], c[0])))
	}
	obs := map[sim.ObsRef]sim.Observation{}
	for _, o := range res.Observations {
		obs[sim.ObsRef{Source: o.Properties.Source.ID, ID: o.Properties.ID}] = o
	}
	band := map[string]float64{}
	for _, b := range cfg.Bands {
		band[b.Equipment] = b.DistanceM
	}
	checked := 0
	for _, tr := range res.Truth {
		for _, r := range tr.Observations {
			o := obs[r]
			if o.Properties.Source.Kind != sim.Satellite || o.Properties.Event != "heavy_weapon" {
				continue
			}
			c := o.Geometry.Coordinates.([2]float64)
			p := s2.PointFromLatLng(s2.LatLngFromDegrees(c[1], c[0]))
			proj, _ := pl.Project(p)
			d := float64(proj.Distance(p)) * sim.EarthRadiusM
			limit := band[o.Properties.Equipment]
			inside := d < limit
			if tr.Violation != nil && !inside && d > limit+100 {
				t.Errorf("%s: violation but %0.f m from the line (band %0.f m)", tr.EventID, d, limit)
			}
			if tr.Violation == nil && inside && d < limit-100 {
				t.Errorf("%s: no violation but %0.f m from the line (band %0.f m)", tr.EventID, d, limit)
			}
			checked++
		}
	}
	if checked < 10 {
		t.Errorf("only %d satellite sightings checked", checked)
	}
	b, _ := json.Marshal(res.Observations[0])
	if !strings.Contains(string(b), `"type":"Feature"`) {
		t.Errorf("not a GeoJSON feature: %s", b)
	}
}

func TestRunRefusesBadConfig(t *testing.T) {
	cfg := config(1)
	cfg.Line = cfg.Line[:1]
	if _, err := sim.Run(cfg); err == nil {
		t.Error("a one-vertex line was accepted")
	}
}
