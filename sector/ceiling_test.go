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
	"github.com/accord-peace/accord/sector"
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
	inside := gridInside(z)
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

// A closed weapon can be marked over a ceiling after it closed: a weapon
// seen with it grows later (a re-sighting reports more tanks), and the
// pipeline hands out a new version of the closed incident with the mark.
// The sectors hand it out too, as the same global incident, not as a new
// one: six tanks seen once (closed a horizon later) and a weapon re-seen
// for a day that reports five at last are both over the ceiling of ten,
// in every sector count and batching.
func TestCeilingMarksAClosedWeaponLate(t *testing.T) {
	const zone, rule = "security-area-zaporizhzhia-ru", "ceiling:security-area-zaporizhzhia-ru:tank"
	a, _ := monitortest.Reference(t)
	z := a.Monitoring.Geometry.Zone(zone)
	if z == nil {
		t.Fatalf("the reference has no zone %s", zone)
	}
	inside := gridInside(z)
	if len(inside) < 2 {
		t.Fatalf("only %d grid points inside %s", len(inside), zone)
	}
	t0 := time.Date(2025, 6, 1, 6, 0, 0, 0, time.UTC)
	tank := func(id string, at [2]float64, h float64, count int) *monitor.Observation {
		o := monitortest.Observation("sat-1", id)
		o.Source.Owner = "osce"
		o.Position, o.AccuracyM = at, 50
		o.Equipment, o.CaliberMM, o.Count = "tank", 125, count
		o.ObservedAt = t0.Add(time.Duration(h * float64(time.Hour)))
		o.ReportedAt = o.ObservedAt.Add(time.Minute)
		return &o
	}
	a1, b := inside[0], inside[1] // some 3 km apart
	obs := []*monitor.Observation{
		tank("a-1", a1, 0, 6),
		tank("b-1", b, 1, 1),
		tank("b-2", b, 20, 1),
		tank("b-3", b, 25, 1), // a closes: no report for a horizon
		tank("b-4", b, 26, 5), // b is five tanks: with a's six, eleven
	}
	over := func(f final) (ids []string) {
		for _, in := range f.sets {
			if slices.ContainsFunc(in.Violations, func(v monitor.Violation) bool { return v.Rule == rule }) {
				ids = append(ids, in.Observations[0].ID)
			}
		}
		slices.Sort(ids)
		return ids
	}
	for _, size := range []int{1, 2} {
		want := finals(single(t, obs, size))
		if got := over(want); !slices.Equal(got, []string{"a-1", "b-1"}) {
			t.Fatalf("batches of %d: one pipeline marks %v over the ceiling, want a and b", size, got)
		}
		for _, n := range []int{1, 2, 3} {
			for _, ordered := range []bool{false, true} {
				d := deploy(t, n)
				d.ordered = ordered
				var batches [][]monitor.Incident
				for i := 0; i < len(obs); i += size {
					batches = append(batches, d.observe(obs[i:min(i+size, len(obs))]))
					if ordered { // and the sequencer restarted from its snapshot
						snap, err := d.seq.Snapshot()
						if err != nil {
							t.Fatal(err)
						}
						if d.seq, err = sector.RestoreSequencer(snap); err != nil {
							t.Fatal(err)
						}
					}
				}
				if n := d.seq.LateUnplaced(); n != 0 {
					t.Errorf("%d late versions not handed out", n)
				}
				got := finals(batches)
				same, total, sj, sets, lost, diff := compare(want, got)
				if same != total || lost != 0 || sj != sets || sets != len(want.sets) || len(got.sets) != len(want.sets) {
					t.Errorf("%d sectors, batches of %d, ordered %v: %d/%d observations in the same incident, %d in none, %d/%d judged alike: %v", n, size, ordered, same, total, lost, sj, sets, diff)
				}
				ids := map[string]bool{}
				for _, b := range batches {
					for _, in := range b {
						ids[in.ID] = true
					}
				}
				if len(ids) != 2 {
					t.Errorf("%d sectors, batches of %d, ordered %v: %d global incidents handed out, want 2", n, size, ordered, len(ids))
				}
			}
		}
	}
}

// gridInside is the points of a grid of about 3 km over a zone's bounding
// rectangle that lie inside it, west to east, south to north.
func gridInside(z *geo.Zone) [][2]float64 {
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
	return inside
}
