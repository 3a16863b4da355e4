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
// another incident (fusion joins no closed one): the two are never counted
// together against the ceiling (10 tanks) — not directly (six tanks
// counted as twelve), nor through a third weapon present with both (4 + 4
// tanks counted as 12: found by review) — in batches of one as in one
// batch.
func TestCeilingCountsNoWeaponTwiceAfterItClosed(t *testing.T) {
	const zone = "security-area-zaporizhzhia-ru"
	a, k := monitortest.Reference(t)
	ring := a.Monitoring.Geometry.Zone(zone).Polygons[0][0]
	n := len(ring)
	mid := [2]float64{(ring[0][0] + ring[n-1][0]) / 2, (ring[0][1] + ring[n-1][1]) / 2}
	other := [2]float64{(ring[1][0] + ring[n-2][0]) / 2, (ring[1][1] + ring[n-2][1]) / 2}
	t0 := time.Date(2025, 6, 1, 6, 0, 0, 0, time.UTC)
	tanks := func(src, id string, pos [2]float64, count int, at, rep time.Time) *monitor.Observation {
		o := monitortest.Observation(src, id)
		o.Source.Owner = "osce"
		o.Position, o.AccuracyM = pos, 50
		o.Equipment, o.CaliberMM, o.Count = "tank", 125, count
		o.ObservedAt, o.ReportedAt = at, rep
		return &o
	}
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	far := monitortest.Observation("sat-9", "elsewhere")
	far.ObservedAt, far.ReportedAt = h(30), h(30).Add(time.Minute) // the front's clock 30 h on: the first tanks' incident closes
	for _, tc := range []struct {
		name string
		obs  []*monitor.Observation
	}{
		{"six tanks, and their late report", []*monitor.Observation{
			tanks("sat-1", "a", mid, 6, t0, t0.Add(time.Minute)), &far,
			tanks("sat-2", "late", mid, 6, h(1), h(31))}},
		{"four tanks, four others, and the first four's late report", []*monitor.Observation{
			tanks("sat-1", "a", mid, 4, t0, t0.Add(time.Minute)),
			tanks("sat-3", "c1", other, 4, h(3), h(3).Add(time.Minute)),
			tanks("sat-3", "c2", other, 4, h(20), h(20).Add(time.Minute)), &far,
			tanks("sat-2", "late", mid, 4, h(1), h(31))}},
	} {
		for _, per := range []int{1, len(tc.obs)} {
			p := monitor.NewPipeline(a.Monitoring, k, fusion.Config{})
			for i := 0; i < len(tc.obs); i += per {
				for _, in := range p.Observe(tc.obs[i:min(i+per, len(tc.obs))]) {
					for _, v := range in.Violations {
						if strings.HasPrefix(v.Rule, "ceiling:") {
							t.Errorf("%s, batches of %d: %s (closed %v) marked %s: a weapon counted twice", tc.name, per, in.ID, in.ClosedAt != nil, v.Rule)
						}
					}
				}
			}
		}
	}
}
