package monitor_test

import (
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
)

// A report that comes once the incident of its weapon has closed opens
// another incident (fusion joins no closed one): the two are not counted
// together against the ceiling, which would count six tanks as twelve
// (ceiling 10) — in batches of one as in one batch.
func TestCeilingCountsNoWeaponTwiceAfterItClosed(t *testing.T) {
	const zone = "security-area-zaporizhzhia-ru"
	a, k := monitortest.Reference(t)
	ring := a.Monitoring.Geometry.Zone(zone).Polygons[0][0]
	mid := [2]float64{(ring[0][0] + ring[len(ring)-1][0]) / 2, (ring[0][1] + ring[len(ring)-1][1]) / 2}
	t0 := time.Date(2025, 6, 1, 6, 0, 0, 0, time.UTC)
	tanks := func(src, id string, at, rep time.Time) *monitor.Observation {
		o := monitortest.Observation(src, id)
		o.Source.Owner = "osce"
		o.Position, o.AccuracyM = mid, 50
		o.Equipment, o.CaliberMM, o.Count = "tank", 125, 6
		o.ObservedAt, o.ReportedAt = at, rep
		return &o
	}
	far := monitortest.Observation("sat-9", "elsewhere")
	far.ObservedAt, far.ReportedAt = t0.Add(30*time.Hour), t0.Add(30*time.Hour+time.Minute)
	obs := []*monitor.Observation{
		tanks("sat-1", "a", t0, t0.Add(time.Minute)),
		&far, // the front's clock 30 h on: the six tanks' incident closes
		tanks("sat-2", "late", t0.Add(time.Hour), t0.Add(31*time.Hour)),
	}
	for _, per := range []int{1, len(obs)} {
		p := monitor.NewPipeline(a.Monitoring, k, fusion.Config{})
		for i := 0; i < len(obs); i += per {
			for _, in := range p.Observe(obs[i:min(i+per, len(obs))]) {
				for _, v := range in.Violations {
					if strings.HasPrefix(v.Rule, "ceiling:") {
						t.Errorf("batches of %d: %s (closed %v) marked %s: the same six tanks counted twice", per, in.ID, in.ClosedAt != nil, v.Rule)
					}
				}
			}
		}
	}
}
