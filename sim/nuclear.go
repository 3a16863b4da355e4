package sim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"
)

// NuclearPlantConfig describes a simulated stream around the Zaporizhzhia
// nuclear plant (scenarios/ukraine-2025/nuclear-plant.yaml): the IAEA
// team's daily presence report, a radiation monitor's readings every six
// hours, occasional satellite sightings around the plant with nothing to
// report (event other, which no rule forbids, here or in the ceasefire
// merged with it: a drone would break the ceasefire's no-fly zone),
// and the breaches injected. Zero fields take the reference agreement's
// values.
type NuclearPlantConfig struct {
	Seed  uint64
	Start time.Time // the first day's midnight; 2025-06-01T00:00:00Z when zero
	Days  int       // days of reports; the stream ends at 07:00 the day after
	// Plant is where the team reports from ([lon, lat]); PowerLine a point
	// on a power line's corridor, where a power-line strike lands; Bank a
	// point on the far side of the line of contact, where its shot comes
	// from.
	Plant, PowerLine, Bank [2]float64
	// Team is the IAEA team's source (its owner is the presence duty's).
	Team SourceRef
	// SightingsPerDay is the mean number of satellite sightings (event
	// other) 1-15 km around the plant, which break no rule.
	SightingsPerDay float64
	// The rules the breaches break, and the party each is attributed to.
	PresenceRule, PowerLineRule, PlantRule string
	Party                                  string
	Breaches                               []PlantBreach
}

// PlantBreach is a breach injected into the plant's stream on one day (1
// the first).
type PlantBreach struct {
	Day  int
	Kind string
}

// Kinds of breach of the nuclear plant agreement.
const (
	// BreachMissingReport: the team's report of that day does not come.
	BreachMissingReport = "missing_report"
	// BreachPowerLineStrike: a strike on the power line at 14:00, its
	// origin on the far bank seen by an acoustic sensor, the impact by a
	// satellite.
	BreachPowerLineStrike = "power_line_strike"
	// BreachHeavyWeapons: an artillery battery inside the plant's zone,
	// 1 km from the reactors, seen at 10:00 and 16:00 by a satellite and
	// a drone.
	BreachHeavyWeapons = "heavy_weapons"
)

// DefaultNuclearPlant is the reference agreement's stream: the plant at
// Enerhodar, the Ferosplavna-1 line's corridor, the IAEA's ISAMZ team.
func DefaultNuclearPlant() NuclearPlantConfig {
	return NuclearPlantConfig{
		Start: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), Days: 7,
		Plant: [2]float64{34.5863, 47.5119}, PowerLine: [2]float64{34.490, 47.588}, Bank: [2]float64{34.49, 47.49},
		Team:            SourceRef{ID: "iaea-isamz", Kind: "ground_monitor", Owner: "iaea"},
		SightingsPerDay: 3,
		PresenceRule:    "presence:iaea-znpp", PowerLineRule: "zone:power-line-ferosplavna-330kv", PlantRule: "zone:znpp-safety-zone",
		Party: "ru",
	}
}

// NuclearPlant simulates the plant's stream: observations in the order
// they arrive (reported_at, then source and id), and the truth of every
// breach (the observations that show it, none for a missing report; the
// rule and the party). The same config gives the same stream.
func NuclearPlant(cfg NuclearPlantConfig) (*Result, error) {
	def := DefaultNuclearPlant()
	if cfg.Start.IsZero() {
		cfg.Start = def.Start
	}
	if cfg.Days == 0 {
		cfg.Days = def.Days
	}
	zero := [2]float64{}
	for _, f := range []struct{ p, d *[2]float64 }{{&cfg.Plant, &def.Plant}, {&cfg.PowerLine, &def.PowerLine}, {&cfg.Bank, &def.Bank}} {
		if *f.p == zero {
			*f.p = *f.d
		}
	}
	if cfg.Team == (SourceRef{}) {
		cfg.Team = def.Team
	}
	for _, s := range []struct{ v, d *string }{{&cfg.PresenceRule, &def.PresenceRule}, {&cfg.PowerLineRule, &def.PowerLineRule}, {&cfg.PlantRule, &def.PlantRule}, {&cfg.Party, &def.Party}} {
		if *s.v == "" {
			*s.v = *s.d
		}
	}
	if cfg.Days < 0 || cfg.SightingsPerDay < 0 {
		return nil, errors.New("sim: days and sightings must not be negative")
	}
	breaches := map[int]map[string]bool{}
	for _, b := range cfg.Breaches {
		if b.Day < 1 || b.Day > cfg.Days {
			return nil, fmt.Errorf("sim: breach on day %d: the run has days 1 to %d", b.Day, cfg.Days)
		}
		switch b.Kind {
		case BreachMissingReport, BreachPowerLineStrike, BreachHeavyWeapons:
		default:
			return nil, fmt.Errorf("sim: breach %q: want %s, %s or %s", b.Kind, BreachMissingReport, BreachPowerLineStrike, BreachHeavyWeapons)
		}
		if breaches[b.Day] == nil {
			breaches[b.Day] = map[string]bool{}
		}
		breaches[b.Day][b.Kind] = true
	}
	n := &nuclear{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 0x2a9f)), res: &Result{}}
	for d := 1; d <= cfg.Days; d++ {
		day := cfg.Start.AddDate(0, 0, d-1)
		if breaches[d][BreachMissingReport] {
			rule, party := cfg.PresenceRule, cfg.Party
			n.res.Truth = append(n.res.Truth, Truth{EventID: "missing-report-" + day.Format(time.DateOnly),
				Observations: []ObsRef{}, Violation: &rule, Party: &party, Event: "missing_report", At: day, Position: cfg.Plant})
		} else {
			at := day.Add(8*time.Hour + time.Duration(n.rng.Float64()*float64(4*time.Hour))).Truncate(time.Second)
			n.add(n.point("presence", cfg.Team, fmt.Sprintf("report-%s", day.Format(time.DateOnly)), n.near(cfg.Plant, 100), at,
				time.Duration(5+n.rng.IntN(25))*time.Minute, "", 0, 50, 60, 1))
		}
		for k := n.poisson(cfg.SightingsPerDay); k > 0; k-- {
			at := day.Add(time.Duration(n.rng.Float64() * float64(24*time.Hour))).Truncate(time.Second)
			pos := move(cfg.Plant, 1000+n.rng.Float64()*14000, n.rng.Float64()*2*math.Pi)
			n.add(n.point("other", SourceRef{ID: "sat-7", Kind: "satellite", Owner: "cn"}, fmt.Sprintf("sighting-%s-%d", day.Format(time.DateOnly), k), pos, at,
				45*time.Minute, "", 0, 20, 2, 0.8))
		}
		if breaches[d][BreachPowerLineStrike] {
			n.powerLineStrike(day.Add(14 * time.Hour))
		}
		if breaches[d][BreachHeavyWeapons] {
			n.heavyWeapons(day)
		}
	}
	// The radiation monitor's readings every six hours, to 07:00 the day
	// after the last, so that the last day's report is judged (the
	// reference agreement's grace is six hours).
	monitor := SourceRef{ID: "iaea-radiation-1", Kind: "fixed_sensor", Owner: "iaea"}
	for at := cfg.Start.Add(time.Hour); !at.After(cfg.Start.AddDate(0, 0, cfg.Days).Add(7 * time.Hour)); at = at.Add(6 * time.Hour) {
		n.add(n.point("other", monitor, "reading-"+at.Format("2006-01-02T15"), cfg.Plant, at, time.Minute, "", 0, 10, 1, 0.99))
	}
	sort.SliceStable(n.res.Observations, func(a, b int) bool {
		pa, pb := n.res.Observations[a].Properties, n.res.Observations[b].Properties
		if pa.ReportedAt != pb.ReportedAt {
			return pa.ReportedAt < pb.ReportedAt
		}
		return pa.Source.ID+"/"+pa.ID < pb.Source.ID+"/"+pb.ID
	})
	return n.res, nil
}

type nuclear struct {
	cfg NuclearPlantConfig
	rng *rand.Rand
	res *Result
}

func (n *nuclear) add(o Observation) { n.res.Observations = append(n.res.Observations, o) }

func (n *nuclear) poisson(mean float64) int { return poisson(n.rng, mean) }

// near is a point within about r metres of p.
func (n *nuclear) near(p [2]float64, r float64) [2]float64 {
	return move(p, r*math.Sqrt(n.rng.Float64()), n.rng.Float64()*2*math.Pi)
}

// point is an observation of a Point, reported delay after t.
func (n *nuclear) point(event string, src SourceRef, id string, pos [2]float64, t time.Time, delay time.Duration, equipment string, count int, accM, taS, conf float64) Observation {
	return Observation{Type: "Feature", Geometry: Geometry{Type: "Point", Coordinates: pos},
		Properties: Properties{ID: id, Source: src, ObservedAt: t.UTC().Format(time.RFC3339), ReportedAt: t.Add(delay).UTC().Format(time.RFC3339),
			Event: event, Equipment: equipment, Count: count, AttributedTo: "unknown", AccuracyM: accM, TimeAccuracyS: taS, Confidence: conf}}
}

// powerLineStrike is a strike on the power line from the far bank.
func (n *nuclear) powerLineStrike(t time.Time) {
	id := "power-line-strike-" + t.Format("2006-01-02")
	shot := n.point("strike", SourceRef{ID: "acoustic-znpp", Kind: "fixed_sensor", Owner: "mission"}, id, n.cfg.PowerLine, t, 2*time.Minute, "missile", 0, 60, 1, 0.9)
	shot.Geometry = Geometry{Type: "LineString", Coordinates: [][2]float64{n.cfg.Bank, n.cfg.PowerLine}}
	sat := n.point("strike", SourceRef{ID: "sat-7", Kind: "satellite", Owner: "cn"}, id, n.cfg.PowerLine, t.Add(5*time.Second), 40*time.Minute, "missile", 0, 30, 2, 0.9)
	n.add(shot)
	n.add(sat)
	n.truth(id, t, n.cfg.PowerLine, "strike", n.cfg.PowerLineRule, shot, sat)
}

// heavyWeapons is an artillery battery inside the plant's zone, 1 km
// from the plant, seen twice.
func (n *nuclear) heavyWeapons(day time.Time) {
	id := "battery-" + day.Format(time.DateOnly)
	pos := move(n.cfg.Plant, 1000, math.Pi/4)
	var obs []Observation
	for i, h := range []int{10, 16} {
		at := day.Add(time.Duration(h) * time.Hour)
		obs = append(obs,
			n.point("heavy_weapon", SourceRef{ID: "sat-7", Kind: "satellite", Owner: "cn"}, fmt.Sprintf("%s-sat-%d", id, i), pos, at, time.Hour, "artillery", 4, 15, 60, 0.9),
			n.point("heavy_weapon", SourceRef{ID: "uav-znpp", Kind: "uav", Owner: "mission"}, fmt.Sprintf("%s-uav-%d", id, i), pos, at.Add(20*time.Minute), 15*time.Minute, "artillery", 4, 25, 30, 0.85))
	}
	for _, o := range obs {
		n.add(o)
	}
	n.truth(id, day.Add(10*time.Hour), pos, "heavy_weapon", n.cfg.PlantRule, obs...)
}

func (n *nuclear) truth(id string, t time.Time, pos [2]float64, event, rule string, obs ...Observation) {
	party := n.cfg.Party
	tr := Truth{EventID: id, Violation: &rule, Party: &party, Event: event, At: t, Position: pos}
	for _, o := range obs {
		tr.Observations = append(tr.Observations, ObsRef{Source: o.Properties.Source.ID, ID: o.Properties.ID})
	}
	n.res.Truth = append(n.res.Truth, tr)
}

// move is the point d metres from p on a bearing (radians from north),
// on a local flat approximation (good to a metre over 20 km here).
func move(p [2]float64, d, bearing float64) [2]float64 {
	const perDegree = EarthRadiusM * math.Pi / 180
	lat := p[1] + d*math.Cos(bearing)/perDegree
	lon := p[0] + d*math.Sin(bearing)/(perDegree*math.Cos(p[1]*math.Pi/180))
	r := func(v float64) float64 { return math.Round(v*1e6) / 1e6 }
	return [2]float64{r(lon), r(lat)}
}
