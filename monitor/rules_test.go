package monitor_test

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/golang/geo/s2"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/monitor"
)

var t0 = time.Date(2025, 6, 1, 4, 0, 0, 0, time.UTC)

// beside returns the point km kilometres left (side +1) or right (−1) of
// the reference line at its vertex i, along the line's normal there.
func beside(tb testing.TB, i int, km float64, side int) [2]float64 {
	m, _ := mustReference(tb)
	line := m.Geometry.Parts[0]
	a, b := geo.Point(line[i-1][0], line[i-1][1]), geo.Point(line[i+1][0], line[i+1][1])
	v := geo.Point(line[i][0], line[i][1])
	left := s2.Point{Vector: a.Cross(b.Vector).Normalize()}
	t := left.Sub(v.Mul(left.Dot(v.Vector))).Normalize()
	th := float64(side) * km * 1000 / geo.EarthRadiusM
	p := s2.Point{Vector: v.Mul(math.Cos(th)).Add(t.Mul(math.Sin(th))).Normalize()}
	ll := s2.LatLngFromPoint(p)
	return [2]float64{ll.Lng.Degrees(), ll.Lat.Degrees()}
}

type obsOpt func(*monitor.Observation)

func obs(id, owner, event string, at [2]float64, opts ...obsOpt) *monitor.Observation {
	o := &monitor.Observation{ID: id, Source: monitor.Source{ID: "src-" + owner + "-" + id, Kind: monitor.KindSatellite, Owner: owner},
		Position: at, ObservedAt: t0, ReportedAt: t0.Add(time.Minute), Event: event, Count: 1,
		AttributedTo: monitor.Unknown, AccuracyM: 20, TimeAccuracyS: 1, Confidence: 0.9}
	for _, f := range opts {
		f(o)
	}
	return o
}

func equipment(e string, caliber float64) obsOpt {
	return func(o *monitor.Observation) { o.Equipment, o.CaliberMM = e, caliber }
}
func from(origin [2]float64) obsOpt {
	return func(o *monitor.Observation) { o.Path = [][2]float64{origin, o.Position} }
}
func blames(party string) obsOpt {
	return func(o *monitor.Observation) { o.AttributedTo, o.Source.Kind = party, monitor.KindPartyReport }
}
func count(n int) obsOpt { return func(o *monitor.Observation) { o.Count = n } }

func TestRules(t *testing.T) {
	m, _ := mustReference(t)
	znpp := [2]float64{34.5863, 47.5119}
	// A point inside the Russian-side security area: halfway between its
	// inner and outer edges at one end.
	ring := m.Geometry.Zone("security-area-zaporizhzhia-ru").Polygons[0][0]
	inner, outer := ring[0], ring[len(ring)-1]
	sec := [2]float64{(inner[0] + outer[0]) / 2, (inner[1] + outer[1]) / 2}
	tests := []struct {
		name string
		obs  []*monitor.Observation
		want []string // "rule party" in order; party "-" when none
	}{
		{"artillery 10 km behind the line", []*monitor.Observation{
			obs("1", "un", "heavy_weapon", beside(t, 1000, 10, 1), equipment("artillery", 152))}, []string{"band:artillery-100mm ua"}},
		{"artillery 50 km behind the line", []*monitor.Observation{
			obs("1", "un", "heavy_weapon", beside(t, 1000, 50, 1), equipment("artillery", 152))}, nil},
		{"light artillery is the 15 km band's, not the 100 mm band's", []*monitor.Observation{
			obs("1", "un", "heavy_weapon", beside(t, 1000, 10, -1), equipment("artillery", 85))}, []string{"band:tanks-mortars-light-artillery ru"}},
		{"light artillery beyond 15 km", []*monitor.Observation{
			obs("1", "un", "heavy_weapon", beside(t, 1000, 30, -1), equipment("artillery", 85))}, nil},
		{"artillery of unknown caliber: judged by every band of its class", []*monitor.Observation{
			obs("1", "un", "heavy_weapon", beside(t, 1000, 10, -1), equipment("artillery", 0))}, []string{"band:artillery-100mm ru", "band:tanks-mortars-light-artillery ru"}},
		{"a 120 mm mortar 10 km behind", []*monitor.Observation{
			obs("1", "un", "heavy_weapon", beside(t, 1000, 10, 1), equipment("mortar", 120))}, []string{"band:tanks-mortars-light-artillery ua"}},
		{"a 240 mm mortar is not a mortar up to 120 mm", []*monitor.Observation{
			obs("1", "un", "heavy_weapon", beside(t, 1000, 10, 1), equipment("mortar", 240))}, nil},
		{"MLRS 30 km behind, Russian side", []*monitor.Observation{
			obs("1", "un", "heavy_weapon", beside(t, 1000, 30, -1), equipment("mlrs", 122))}, []string{"band:mlrs ru"}},
		{"a shot across the line", []*monitor.Observation{
			obs("1", "mission", "firing", beside(t, 800, 5, 1), from(beside(t, 800, 40, -1)))}, []string{"crossing ru"}},
		{"a shot within one side", []*monitor.Observation{
			obs("1", "mission", "firing", beside(t, 800, 20, 1), from(beside(t, 800, 40, 1)))}, nil},
		{"troops in the demilitarised strip", []*monitor.Observation{
			obs("1", "un", "troop_concentration", beside(t, 1500, 0.5, -1))}, []string{"zone:dmz ru"}},
		{"a strike on the nuclear plant, blamed by a party", []*monitor.Observation{
			obs("1", "un", "strike", znpp), obs("2", "ru", "strike", znpp, blames("ua"))}, []string{"zone:znpp ua"}},
		{"eleven tanks in a security area with a ceiling of ten (and inside their band)", []*monitor.Observation{
			obs("1", "un", "heavy_weapon", sec, equipment("tank", 125), count(11))},
			[]string{"band:tanks-mortars-light-artillery ru", "ceiling:security-area-zaporizhzhia-ru:tank ru"}},
		{"ten tanks: at the ceiling", []*monitor.Observation{
			obs("1", "un", "heavy_weapon", sec, equipment("tank", 125), count(10))}, []string{"band:tanks-mortars-light-artillery ru"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, k := mustReference(t)
			p := monitor.NewPipeline(m, k, fusion.Config{})
			ins := latest(p.Observe(tt.obs))
			var got []string
			for _, in := range ins {
				for _, v := range in.Violations {
					party := "-"
					if v.Party != nil {
						party = *v.Party
					}
					got = append(got, v.Rule+" "+party)
					if v.AttributionConfidence <= 0 || v.AttributionConfidence > 1 {
						t.Errorf("%s: attribution confidence %v", v.Rule, v.AttributionConfidence)
					}
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("violations %v, want %v (incidents %+v)", got, tt.want, ins)
			}
		})
	}
}

// Rules the reference agreement does not use, on a copy of its monitoring
// section: a band for one side only, zone rules by equipment class and for
// one party, and fire from a zone as distinct from fire on it.
func TestRulesByPartyClassAndFirePlace(t *testing.T) {
	base, k := mustReference(t)
	znpp := [2]float64{34.5863, 47.5119}
	dmzRU := beside(t, 1500, 0.5, -1)
	with := func(edit func(m *agreement.Monitoring)) *agreement.Monitoring {
		m := *base
		m.Bands = slices.Clone(base.Bands)
		m.Zones = nil
		m.Ceilings = nil
		edit(&m)
		return &m
	}
	oneSide := with(func(m *agreement.Monitoring) { m.Bands[0].Parties = []string{"ru"} })
	tanksOnly := with(func(m *agreement.Monitoring) {
		m.Zones = []agreement.ZoneRule{{Zone: "dmz", Forbid: []string{"heavy_weapon"}, Equipment: []string{"tank"}, Provision: "ceasefire.dmz"}}
	})
	uaOnly := with(func(m *agreement.Monitoring) {
		m.Zones = []agreement.ZoneRule{{Zone: "dmz", Forbid: []string{"troop_concentration"}, Parties: []string{"ua"}, Provision: "ceasefire.dmz"}}
	})
	fromSite := with(func(m *agreement.Monitoring) {
		m.Crossing = nil
		m.Zones = []agreement.ZoneRule{{Role: "protected_site", Forbid: []string{"firing"}, Fire: agreement.FireFrom, Provision: "ceasefire.protected-sites"}}
	})
	artilleryOnly := with(func(m *agreement.Monitoring) {
		m.Bands = nil
		m.Crossing = &agreement.Crossing{Equipment: []string{"artillery", "mlrs"}, Provision: "ceasefire.no-fire"}
	})
	overflight := with(func(m *agreement.Monitoring) {
		m.Bands, m.Crossing = nil, nil
		m.Overflight = &agreement.Overflight{Provision: "ceasefire.no-fly"}
	})
	ring := base.Geometry.Zone("security-area-zaporizhzhia-ru").Polygons[0][0]
	inner, outer := ring[0], ring[len(ring)-1]
	sec := [2]float64{(inner[0] + outer[0]) / 2, (inner[1] + outer[1]) / 2}
	// Another place in the area, a tenth of its depth further out: another
	// incident.
	sec2 := [2]float64{sec[0] + (outer[0]-inner[0])/10, sec[1] + (outer[1]-inner[1])/10}
	ceiling := func(c agreement.Ceiling) *agreement.Monitoring {
		return with(func(m *agreement.Monitoring) {
			m.Bands = nil
			c.Zone, c.Max, c.Provision = "security-area-zaporizhzhia-ru", 10, "ceilings.zaporizhzhia"
			m.Ceilings = []agreement.Ceiling{c}
		})
	}
	combined := ceiling(agreement.Ceiling{Classes: []string{"tank", "acv"}})
	forUA := ceiling(agreement.Ceiling{Classes: []string{"tank", "acv"}, Parties: []string{"ua"}})
	daily := ceiling(agreement.Ceiling{Equipment: "tank", Basis: agreement.BasisDay})
	at := func(h int) obsOpt {
		return func(o *monitor.Observation) {
			o.ObservedAt = t0.Add(time.Duration(h) * time.Hour)
			o.ReportedAt = o.ObservedAt.Add(time.Minute)
		}
	}
	tanksAt := func(id string, n, h int) *monitor.Observation {
		return obs(id, "un", "heavy_weapon", sec, equipment("tank", 125), count(n), at(h))
	}
	acvs := obs("2", "un", "heavy_weapon", sec2, equipment("acv", 0), count(6))
	drone := func(from, to [2]float64) obsOpt {
		return func(o *monitor.Observation) { o.Path, o.Position = [][2]float64{from, to}, to }
	}
	tests := []struct {
		name string
		m    *agreement.Monitoring
		obs  []*monitor.Observation
		want []string
	}{
		{"crossing by artillery only: artillery", artilleryOnly, []*monitor.Observation{
			obs("1", "mission", "firing", beside(t, 800, 5, 1), from(beside(t, 800, 10, -1)), equipment("artillery", 152))}, []string{"crossing ru"}},
		{"crossing by artillery only: a mortar", artilleryOnly, []*monitor.Observation{
			obs("1", "mission", "firing", beside(t, 800, 5, 1), from(beside(t, 800, 3, -1)), equipment("mortar", 120))}, nil},
		{"a drone over the line", overflight, []*monitor.Observation{
			obs("1", "mission", "drone", beside(t, 900, 3, 1), drone(beside(t, 900, 4, -1), beside(t, 900, 3, 1)))}, []string{"overflight ru"}},
		{"a drone along its own side", overflight, []*monitor.Observation{
			obs("1", "mission", "drone", beside(t, 900, 3, 1), drone(beside(t, 900, 8, 1), beside(t, 900, 3, 1)))}, nil},
		{"tanks and carriers combined over the ceiling", combined, []*monitor.Observation{tanksAt("1", 6, 0), acvs},
			[]string{"ceiling:security-area-zaporizhzhia-ru:tank+acv ru", "ceiling:security-area-zaporizhzhia-ru:tank+acv ru"}},
		{"a ceiling for the other party", forUA, []*monitor.Observation{tanksAt("1", 6, 0), acvs}, nil},
		{"a daily ceiling: morning and evening count together", daily, []*monitor.Observation{tanksAt("1", 6, 0), obs("3", "un", "heavy_weapon", sec2, equipment("tank", 125), count(6), at(14))},
			[]string{"ceiling:security-area-zaporizhzhia-ru:tank ru", "ceiling:security-area-zaporizhzhia-ru:tank ru"}},
		{"at any one time: morning and evening apart", ceiling(agreement.Ceiling{Equipment: "tank"}), []*monitor.Observation{tanksAt("1", 6, 0), obs("3", "un", "heavy_weapon", sec2, equipment("tank", 125), count(6), at(14))}, nil},
		{"a one-side band, that side", oneSide, []*monitor.Observation{
			obs("1", "un", "heavy_weapon", beside(t, 1000, 10, -1), equipment("artillery", 152))}, []string{"band:artillery-100mm ru"}},
		{"a one-side band, the other side", oneSide, []*monitor.Observation{
			obs("1", "un", "heavy_weapon", beside(t, 1000, 10, 1), equipment("artillery", 152))}, nil},
		{"no tanks in the strip: a tank", tanksOnly, []*monitor.Observation{
			obs("1", "un", "heavy_weapon", dmzRU, equipment("tank", 125))}, []string{"band:tanks-mortars-light-artillery ru", "zone:dmz ru"}},
		{"no tanks in the strip: an armoured personnel carrier", tanksOnly, []*monitor.Observation{
			obs("1", "un", "heavy_weapon", dmzRU, equipment("acv", 0))}, nil},
		{"a restriction for one party: the other party's troops", uaOnly, []*monitor.Observation{
			obs("1", "un", "troop_concentration", dmzRU)}, nil},
		{"a restriction for one party: its troops", uaOnly, []*monitor.Observation{
			obs("1", "un", "troop_concentration", beside(t, 1500, 0.5, 1))}, []string{"zone:dmz ua"}},
		{"fire from the plant's site", fromSite, []*monitor.Observation{
			obs("1", "mission", "firing", beside(t, 800, 5, 1), from(znpp))}, []string{"zone-from:znpp ru"}},
		{"fire on the plant's site is not fire from it", fromSite, []*monitor.Observation{
			obs("1", "mission", "firing", znpp, from(beside(t, 800, 5, 1)))}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := monitor.NewPipeline(tt.m, k, fusion.Config{})
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
}
