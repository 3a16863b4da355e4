package sector_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"

	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
)

// A ceiling counts the heavy weapons present in its whole zone at once: a
// zone that straddles a sector bound is counted by one worker (the
// ceiling sector, which owns every heavy weapon near a ceiling's zone),
// so eleven tanks spread over both sectors, against a ceiling of ten, are
// marked over it as one pipeline marks them.
func TestCeilingAcrossASectorBound(t *testing.T) {
	const zone, rule = "security-area-zaporizhzhia-ru", "ceiling:security-area-zaporizhzhia-ru:tank"
	a, _ := monitortest.Reference(t)
	z := a.Monitoring.Geometry.Zone(zone)
	if z == nil {
		t.Fatalf("the reference has no zone %s", zone)
	}
	// Points inside the zone, a grid of about 3 km over its bounding cap.
	var inside [][2]float64
	rect := z.Polygon().RectBound()
	for lat := rect.Lat.Lo; lat <= rect.Lat.Hi; lat += 3000 / geo.EarthRadiusM {
		for lng := rect.Lng.Lo; lng <= rect.Lng.Hi; lng += 3000 / geo.EarthRadiusM {
			ll := s2.LatLng{Lat: s1.Angle(lat), Lng: s1.Angle(lng)}
			if z.Polygon().ContainsPoint(s2.PointFromLatLng(ll)) {
				inside = append(inside, [2]float64{ll.Lng.Degrees(), ll.Lat.Degrees()})
			}
		}
	}
	if len(inside) < 22 {
		t.Fatalf("only %d grid points inside %s", len(inside), zone)
	}
	// The fewest sectors that cut the zone, and eleven points taken in
	// turn from its two sides.
	var n int
	var by map[int][][2]float64
	for n = 2; n <= 64; n++ {
		p := plan(t, n)
		by = map[int][][2]float64{}
		for _, at := range inside {
			s := p.Of(at[0], at[1])
			by[s] = append(by[s], at)
		}
		if len(by) >= 2 {
			ok := 0
			for _, pts := range by {
				if len(pts) >= 4 {
					ok++
				}
			}
			if ok >= 2 {
				break
			}
		}
	}
	if n > 64 {
		t.Fatalf("no division of the line into 2 to 64 sectors cuts %s", zone)
	}
	var sectors []int
	for s := range by {
		sectors = append(sectors, s)
	}
	slices.Sort(sectors)
	var at [][2]float64
	for i := 0; len(at) < 11; i++ {
		pts := by[sectors[i%len(sectors)]]
		if j := i / len(sectors); j < len(pts) {
			at = append(at, pts[j*len(pts)/11])
		}
	}
	t0 := time.Date(2025, 6, 1, 6, 0, 0, 0, time.UTC)
	var obs []*monitor.Observation
	for i, pos := range at {
		o := monitortest.Observation("sat-1", fmt.Sprintf("tank-%d", i))
		o.Source.Owner = "osce"
		o.Position, o.AccuracyM = pos, 50
		o.Equipment, o.CaliberMM, o.Count = "tank", 125, 1
		o.ObservedAt, o.ReportedAt = t0.Add(time.Duration(i)*time.Minute), t0.Add(time.Duration(i)*time.Minute+time.Minute)
		obs = append(obs, &o)
	}
	over := func(f final) (n int) {
		for _, in := range f.sets {
			if slices.ContainsFunc(in.Violations, func(v monitor.Violation) bool { return v.Rule == rule }) {
				n++
			}
		}
		return n
	}
	want := finals(single(t, obs, 11))
	if over(want) == 0 {
		t.Fatalf("one pipeline marks no incident over the ceiling: %d incidents", len(want.sets))
	}
	for _, size := range []int{11, 1} { // one batch; one observation a batch
		d := deploy(t, n)
		d.ordered = true
		got := finals(d.run(obs, size))
		same, total, sj, sets, lost, diff := compare(want, got)
		t.Logf("%d sectors (the zone cut between sectors %v), batches of %d: %d of %d incidents over the ceiling (one pipeline: %d)", n, sectors, size, over(got), len(got.sets), over(want))
		if same != total || lost != 0 || sj != sets || sets != len(want.sets) || over(got) != over(want) {
			t.Errorf("batches of %d: %d/%d observations in the same incident, %d in none, %d/%d judged alike, %d over the ceiling (want %d): %v", size, same, total, lost, sj, sets, over(got), over(want), diff)
		}
	}
}
