package monitor_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/monitor"
)

// A flight path is not a shot: a drone or an aircraft flying from one side
// of the line to the other fires nothing across it, and where it took off
// places no weapon; a shot across the line still is a crossing.
func TestFlightPathsAreNotShots(t *testing.T) {
	tests := []struct {
		name string
		obs  []*monitor.Observation
		want []string // "rule party" in order
	}{
		{"a drone flying across the line", []*monitor.Observation{
			obs("1", "mission", "drone", beside(t, 800, 5, 1), from(beside(t, 800, 40, -1)), equipment("drone", 0))}, nil},
		{"an aircraft flying across the line", []*monitor.Observation{
			obs("1", "mission", "aircraft", beside(t, 800, 30, -1), from(beside(t, 800, 30, 1)), equipment("aircraft", 0))}, nil},
		{"a drone flying across the line, seen by two sources", []*monitor.Observation{
			obs("1", "mission", "drone", beside(t, 800, 5, 1), from(beside(t, 800, 40, -1))),
			obs("2", "un", "drone", beside(t, 800, 5, 1), from(beside(t, 800, 38, -1)))}, nil},
		{"an aircraft's path across the line is placed at its end, in the strip", []*monitor.Observation{
			obs("1", "mission", "aircraft", beside(t, 1500, 0.5, -1), from(beside(t, 1500, 20, 1)))}, nil},
		{"a shot across the line", []*monitor.Observation{
			obs("1", "mission", "firing", beside(t, 800, 5, 1), from(beside(t, 800, 40, -1)))}, []string{"crossing ru"}},
		{"an impact across the line", []*monitor.Observation{
			obs("1", "mission", "impact", beside(t, 800, 5, -1), from(beside(t, 800, 40, 1)))}, []string{"crossing ua"}},
		{"a shot from inside the 100 mm band, landing on its own side", []*monitor.Observation{
			obs("1", "mission", "firing", beside(t, 800, 30, 1), from(beside(t, 800, 10, 1)), equipment("artillery", 152))},
			[]string{"band:artillery-100mm ua"}},
		{"a shot of unknown caliber from 10 km is judged by every band of its class", []*monitor.Observation{
			obs("1", "mission", "firing", beside(t, 800, 30, 1), from(beside(t, 800, 10, 1)), equipment("artillery", 0))},
			[]string{"band:artillery-100mm ua", "band:tanks-mortars-light-artillery ua"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, k := mustReference(t)
			p := monitor.NewPipeline(m, k, fusion.Config{})
			var got []string
			for _, in := range latest(p.Observe(tt.obs)) {
				for _, v := range in.Violations {
					party := "-"
					if v.Party != nil {
						party = *v.Party
					}
					got = append(got, v.Rule+" "+party)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("violations %v, want %v", got, tt.want)
			}
		})
	}
	// The truth is judged alike: a drone's true path across the line is no
	// violation.
	m, k := mustReference(t)
	p := monitor.NewPipeline(m, k, fusion.Config{})
	org := beside(t, 800, 40, -1)
	if vs := p.Judge(monitor.TrueEvent{Event: "drone", Position: beside(t, 800, 5, 1), Origin: &org}); len(vs) != 0 {
		t.Errorf("a true drone flight judged %+v", vs)
	}
}

// inZone returns n points of a zone at least spacing metres apart.
func inZone(tb testing.TB, zone string, n int, spacing float64) [][2]float64 {
	tb.Helper()
	m, k := mustReference(tb)
	zi := slices.IndexFunc(m.Geometry.Zones, func(z geo.Zone) bool { return z.ID == zone })
	ring := m.Geometry.Zones[zi].Polygons[0][0]
	lo, hi := ring[0], ring[0]
	for _, p := range ring {
		lo = [2]float64{math.Min(lo[0], p[0]), math.Min(lo[1], p[1])}
		hi = [2]float64{math.Max(hi[0], p[0]), math.Max(hi[1], p[1])}
	}
	dlat := spacing / 111195
	dlon := dlat / math.Cos(lo[1]*math.Pi/180)
	var out [][2]float64
	for lat := lo[1]; lat <= hi[1] && len(out) < n; lat += dlat {
		for lon := lo[0]; lon <= hi[0] && len(out) < n; lon += dlon {
			pl := k.Place(lon, lat)
			if pl.Zones.Has(zi) && pl.Side != 0 {
				out = append(out, [2]float64{lon, lat})
			}
		}
	}
	if len(out) < n {
		tb.Fatalf("%d points in %s, want %d", len(out), zone, n)
	}
	return out
}

// A ceiling counts a vehicle that stays put once, however long apart its
// sightings: 18 tanks each re-sighted every 4 hours for 20 hours are 18
// (fusion once split each into incidents 8 hours long whose presence
// overlapped, counting 27), under a ceiling of 18 no violation, over a
// ceiling of 17 one.
func TestCeilingCountsAVehicleThatStaysPutOnce(t *testing.T) {
	const zone = "security-area-zaporizhzhia-ru"
	pos := inZone(t, zone, 18, 400)
	var batch []*monitor.Observation
	for v, at := range pos {
		start := 0 // half the tanks are first seen at 0 h, half at 3 h
		if v%2 == 1 {
			start = 3
		}
		for h := start; h <= start+20; h += 4 {
			o := obs(fmt.Sprintf("tank-%d-%d", v, h), "un", "heavy_weapon", at, equipment("tank", 125))
			o.ObservedAt = t0.Add(time.Duration(h) * time.Hour)
			o.ReportedAt = o.ObservedAt.Add(time.Minute)
			batch = append(batch, o)
		}
	}
	slices.SortStableFunc(batch, func(a, b *monitor.Observation) int { return a.ObservedAt.Compare(b.ObservedAt) })
	for _, tt := range []struct {
		max  int
		want int // incidents with a ceiling violation
	}{{18, 0}, {26, 0}, {17, 18}} {
		t.Run(fmt.Sprintf("ceiling %d", tt.max), func(t *testing.T) {
			m, k := mustReference(t)
			mm := *m
			mm.Ceilings = []agreement.Ceiling{{Zone: zone, Equipment: "tank", Max: tt.max, Provision: "ceilings.test"}}
			p := monitor.NewPipeline(&mm, k, fusion.Config{})
			ins := latest(p.Observe(batch))
			tanks, over := 0, 0
			for _, in := range ins {
				if in.Event == "heavy_weapon" {
					tanks++
				}
				if slices.ContainsFunc(in.Violations, func(v monitor.Violation) bool { return strings.HasPrefix(v.Rule, "ceiling:") }) {
					over++
				}
			}
			if tanks != 18 || over != tt.want {
				t.Errorf("%d heavy-weapon incidents, %d over the ceiling; want 18 and %d", tanks, over, tt.want)
			}
		})
	}
}
