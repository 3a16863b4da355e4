package monitor_test

import (
	"math"
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
)

// When fusion merges an ambiguous incident into another (fusion/revise.go),
// the pipeline hands out both: the merged incident in state merged, naming
// its survivor, with no observation and no violation of its own, and the
// survivor with the observation. Nothing is dropped: the merged incident's
// earlier version listed the observation, ambiguous.
func TestMergedIncidentIsHandedOut(t *testing.T) {
	m, k := mustReference(t)
	p := monitor.NewPipeline(m, k, fusion.Config{})
	centre := beside(t, 800, 20, 1)
	shot := func(src string, x float64, s int, acc, ta float64, owner, kind string) *monitor.Observation {
		o := obs("1", owner, "impact", [2]float64{centre[0] + x/(6371008.8*math.Cos(centre[1]*math.Pi/180))*180/math.Pi, centre[1]})
		o.Source.ID, o.Source.Kind = src, kind
		o.ObservedAt = t0.Add(time.Duration(s) * time.Second)
		o.ReportedAt = o.ObservedAt.Add(time.Minute)
		o.AccuracyM, o.TimeAccuracyS, o.Confidence = acc, ta, 0.8
		return o
	}
	first := p.Observe([]*monitor.Observation{
		shot("fix-1", -450, 0, 400, 1, "mission", monitor.KindFixedSensor),
		shot("fix-2", 500, 100, 400, 1, "mission", monitor.KindFixedSensor),
		shot("fix-3", 450, 200, 400, 1, "mission", monitor.KindFixedSensor),
		shot("party-ua", 0, 100, 600, 1800, "ua", monitor.KindPartyReport),
	})
	if len(first) != 4 || !first[3].Ambiguous || len(first[3].Observations) != 1 {
		t.Fatalf("four incidents, the party's ambiguous with its observation; got %+v", first)
	}
	amb, survivor := first[3].ID, first[1].ID
	second := p.Observe([]*monitor.Observation{shot("fix-4", -400, 100, 400, 1, "mission", monitor.KindFixedSensor)})
	if len(second) != 2 {
		t.Fatalf("the survivor and the merged incident, got %d incidents", len(second))
	}
	s, g := second[0], second[1]
	if s.ID != survivor || len(s.Observations) != 3 || s.State != fusion.Confirmed {
		t.Errorf("survivor %s: %d observations, %s", s.ID, len(s.Observations), s.State)
	}
	if g.ID != amb || g.State != fusion.Merged || g.MergedInto != survivor || len(g.Observations) != 0 || len(g.Violations) != 0 || !g.Ambiguous {
		t.Errorf("merged: %+v", g)
	}
	if p.Open() != 3 {
		t.Errorf("%d incidents open, want 3", p.Open())
	}
}
