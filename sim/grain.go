package sim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/golang/geo/s2"

	"github.com/accord-peace/accord"
)

// GrainConfig describes a simulated stream of the Black Sea grain corridor
// (scenarios/ukraine-2025/grain-corridor.yaml): merchant vessels sailing
// between the Ukrainian ports and the Bosphorus along the corridor's lane,
// reporting AIS-like positions, inspected by the JCC's joint teams in the
// inspection area off Istanbul, outbound with grain and inbound in ballast.
// Zero fields take DefaultGrain's values.
type GrainConfig struct {
	Seed     uint64
	Start    time.Time     // 2025-12-01T00:00:00Z when zero
	Duration time.Duration // how long vessels depart and report
	// Route runs from a berth in the ports' zone along the lane's axis to
	// the inspection area; Past continues from there towards the strait.
	Route [][2]float64
	Past  [][2]float64
	// OutboundPerDay and InboundPerDay are the departures from the ports
	// and the arrivals from the strait per day (Poisson).
	OutboundPerDay, InboundPerDay float64
	// SpeedKn is the vessels' speed through the water, knots.
	SpeedKn float64
	// ReportEvery is the interval of the satellite AIS reports; SAREvery
	// that of the second, independent source's (a SAR satellite's vessel
	// detections).
	ReportEvery, SAREvery time.Duration
	// WaitMin and WaitMax bound the stay in the inspection area before the
	// inspection; the vessel sails an hour after it.
	WaitMin, WaitMax time.Duration
	// CargoMinT and CargoMaxT bound an outbound vessel's cargo, tonnes.
	CargoMinT, CargoMaxT float64
	Breach               GrainBreach
}

// GrainBreach injects breaches of the corridor's rules into the stream:
// the first outbound vessel leaves the lane (Outside, DeviationM off it
// for two hours in the middle of its voyage), the second sails past the
// inspection area without an inspection (Uninspected), and a missile
// strikes 5 km off the lane a third of the way through the run (Attack).
type GrainBreach struct {
	Outside, Uninspected, Attack bool
	DeviationM                   float64 // 20 km when 0
}

// Any reports whether a breach is injected.
func (b GrainBreach) Any() bool { return b.Outside || b.Uninspected || b.Attack }

// DefaultGrainRoute is the axis of the reference lane (the same six
// waypoints scenarios/ukraine-2025/monitoring/grain-corridor.geojson is
// drawn about, 301 nm), from a berth at Odesa, and on to the inspection
// area off Istanbul.
var DefaultGrainRoute = [][2]float64{{30.80, 46.40}, {30.85, 46.25}, {30.70, 45.60}, {30.30, 44.80}, {29.80, 43.80}, {29.40, 42.40}, {29.20, 41.40}, {29.15, 41.35}}

// DefaultGrainPast leads from the inspection area towards the Bosphorus.
var DefaultGrainPast = [][2]float64{{29.15, 41.35}, {29.08, 41.22}, {29.05, 41.15}}

// DefaultGrain returns the default grain corridor stream's settings:
// 3 departures and 3 arrivals a day (about 1,000 outbound voyages in the
// Initiative's year, as the JCC reported; a judgement of the rate, check
// the JCC's figures), 12 knots, satellite AIS every 10 minutes and a SAR
// detection every hour, 2 to 8 hours in the inspection area (a judgement),
// cargoes of 10,000 to 60,000 t (handysize to panamax bulk carriers; a
// judgement).
func DefaultGrain() GrainConfig {
	return GrainConfig{
		Start: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), Duration: 72 * time.Hour,
		Route: DefaultGrainRoute, Past: DefaultGrainPast,
		OutboundPerDay: 3, InboundPerDay: 3, SpeedKn: 12,
		ReportEvery: 10 * time.Minute, SAREvery: time.Hour,
		WaitMin: 2 * time.Hour, WaitMax: 8 * time.Hour,
		CargoMinT: 10000, CargoMaxT: 60000,
	}
}

// The grain stream's sources.
var (
	aisSource = Source{ID: "ais-sat", Kind: Satellite, Owner: "un", AccuracyM: 30, TimeAccuracyS: 5, Confidence: 0.9,
		DelayMin: time.Minute, DelayMax: 5 * time.Minute}
	sarSource = Source{ID: "sar-eu", Kind: Satellite, Owner: "eu", AccuracyM: 100, TimeAccuracyS: 30, Confidence: 0.8,
		DelayMin: 30 * time.Minute, DelayMax: 90 * time.Minute}
	// The joint team's report comes before the vessel is cleared to sail
	// (an hour after the inspection).
	jccSource = Source{ID: "jcc-teams", Kind: GroundMonitor, Owner: "jcc", AccuracyM: 200, TimeAccuracyS: 600, Confidence: 1,
		DelayMin: 5 * time.Minute, DelayMax: 30 * time.Minute}
)

const knot = 1852.0 / 3600 // m/s

type grainGen struct {
	cfg   GrainConfig
	rng   *rand.Rand
	end   time.Time
	res   *Result
	seq   map[string]int
	route *line
	past  *line
}

// GrainCorridor simulates the grain corridor: the observations in arrival
// order (reported_at) and, in Truth, one entry per injected breach (its
// rule, the party the agreement holds responsible — Ukraine for a
// vessel's breach, Russia for the attack — and the observations that show
// it). The same config gives the same stream.
func GrainCorridor(cfg GrainConfig) (*Result, error) {
	d := DefaultGrain()
	if cfg.Start.IsZero() {
		cfg.Start = d.Start
	}
	if cfg.Duration == 0 {
		cfg.Duration = d.Duration
	}
	if cfg.Route == nil {
		cfg.Route, cfg.Past = d.Route, d.Past
	}
	for _, f := range []struct {
		p *float64
		v float64
	}{{&cfg.OutboundPerDay, d.OutboundPerDay}, {&cfg.InboundPerDay, d.InboundPerDay}, {&cfg.SpeedKn, d.SpeedKn},
		{&cfg.CargoMinT, d.CargoMinT}, {&cfg.CargoMaxT, d.CargoMaxT}, {&cfg.Breach.DeviationM, 20000}} {
		if *f.p == 0 {
			*f.p = f.v
		}
	}
	for _, f := range []struct {
		p *time.Duration
		v time.Duration
	}{{&cfg.ReportEvery, d.ReportEvery}, {&cfg.SAREvery, d.SAREvery}, {&cfg.WaitMin, d.WaitMin}, {&cfg.WaitMax, d.WaitMax}} {
		if *f.p == 0 {
			*f.p = f.v
		}
	}
	switch {
	case cfg.Duration < 0 || cfg.OutboundPerDay < 0 || cfg.InboundPerDay < 0 || cfg.SpeedKn <= 0:
		return nil, errors.New("sim: grain: duration and rates must not be negative, the speed must be positive")
	case len(cfg.Route) < 2 || len(cfg.Past) < 2:
		return nil, errors.New("sim: grain: the route and the way past need two positions each")
	case cfg.WaitMax < cfg.WaitMin || cfg.CargoMaxT < cfg.CargoMinT || cfg.ReportEvery <= 0 || cfg.SAREvery <= 0:
		return nil, errors.New("sim: grain: a maximum below its minimum, or a report interval ≤ 0")
	}
	g := &grainGen{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 0x9a41)), end: cfg.Start.Add(cfg.Duration),
		res: &Result{}, seq: map[string]int{}, route: newLine(cfg.Route), past: newLine(cfg.Past)}
	days := cfg.Duration.Hours() / 24
	type sailing struct {
		at       time.Time
		outbound bool
	}
	var ss []sailing
	for _, x := range []struct {
		n        int
		outbound bool
	}{{poisson(g.rng, cfg.OutboundPerDay*days), true}, {poisson(g.rng, cfg.InboundPerDay*days), false}} {
		for range x.n {
			ss = append(ss, sailing{at: cfg.Start.Add(time.Duration(g.rng.Float64() * float64(cfg.Duration))).Truncate(time.Second), outbound: x.outbound})
		}
	}
	sort.SliceStable(ss, func(a, b int) bool { return ss[a].at.Before(ss[b].at) })
	out := 0
	for i, s := range ss {
		v := accord.Vessel{ID: imo(900000 + 37*i), Name: fmt.Sprintf("GRAIN %03d", i+1), Flag: []string{"PA", "LR", "MT", "TR", "MH"}[g.rng.IntN(5)]}
		if s.outbound {
			out++
			v.CargoT = math.Round(cfg.CargoMinT + g.rng.Float64()*(cfg.CargoMaxT-cfg.CargoMinT))
			g.outbound(v, s.at, cfg.Breach.Outside && out == 1, cfg.Breach.Uninspected && out == 2)
		} else {
			g.inbound(v, s.at)
		}
	}
	if cfg.Breach.Attack {
		g.attack(cfg.Start.Add(cfg.Duration / 3).Truncate(time.Second))
	}
	sort.SliceStable(g.res.Observations, func(a, b int) bool {
		pa, pb := g.res.Observations[a].Properties, g.res.Observations[b].Properties
		if pa.ReportedAt != pb.ReportedAt {
			return pa.ReportedAt < pb.ReportedAt
		}
		return pa.Source.ID+"/"+pa.ID < pb.Source.ID+"/"+pb.ID
	})
	return g.res, nil
}

// imo makes a synthetic IMO number from six digits, with its check digit
// (the last digit of the sum of the six weighted 7..2).
func imo(six int) string {
	s := fmt.Sprintf("%06d", six%1000000)
	sum := 0
	for i, c := range s {
		sum += int(c-'0') * (7 - i)
	}
	return fmt.Sprintf("IMO%s%d", s, sum%10)
}

// leg is a stretch sailed along a line from distance s0 to s1 (metres; s1
// < s0 sails it backwards), starting at t, at the configured speed.
type leg struct {
	l      *line
	s0, s1 float64
	t      time.Time
}

func (g *grainGen) dur(l leg) time.Duration {
	return time.Duration(math.Abs(l.s1-l.s0) / (g.cfg.SpeedKn * knot) * float64(time.Second))
}

// pos is where a vessel on a leg is at t, off its track by dev metres
// (to the left of the line's direction) between devFrom and devTo of its
// distance along the line, ramping in and out over a fifth of it.
func (g *grainGen) pos(l leg, t time.Time, dev, devFrom, devTo float64) s2.Point {
	f := float64(t.Sub(l.t)) / float64(g.dur(l))
	s := l.s0 + (l.s1-l.s0)*math.Max(0, math.Min(1, f))
	p, left := l.l.at(s)
	if dev != 0 && s > devFrom && s < devTo {
		ramp := (devTo - devFrom) / 5
		w := math.Min(1, math.Min(s-devFrom, devTo-s)/ramp)
		p = offset(p, left, -dev*w) // to the right of the outbound route: east, out to sea
	}
	return p
}

// track emits the reports of a vessel from t0 to t1 (both sources, each on
// its own clock) at the positions where gives, and returns their keys.
func (g *grainGen) track(v accord.Vessel, t0, t1 time.Time, where func(time.Time) s2.Point) []ObsRef {
	var refs []ObsRef
	for _, src := range []Source{aisSource, sarSource} {
		every := g.cfg.ReportEvery
		if src.ID == sarSource.ID {
			every = g.cfg.SAREvery
		}
		// Each vessel's reports fall at its own phase of the interval.
		phase := time.Duration(g.rng.Float64() * float64(every)).Truncate(time.Second)
		for t := t0.Truncate(every).Add(phase); t.Before(t1); t = t.Add(every) {
			if t.Before(t0) || !t.Before(g.end) {
				continue
			}
			o := g.report(src, v, accord.EventVessel, t, where(t))
			refs = append(refs, ObsRef{Source: src.ID, ID: o.Properties.ID})
		}
	}
	return refs
}

func (g *grainGen) report(src Source, v accord.Vessel, event string, t time.Time, p s2.Point) Observation {
	g.seq[src.ID]++
	delay := src.DelayMin + time.Duration(g.rng.Float64()*float64(src.DelayMax-src.DelayMin))
	vv := v
	o := Observation{Type: "Feature", Geometry: Geometry{Type: "Point", Coordinates: lonLat(jitter(p, src.AccuracyM/4, g.rng.NormFloat64))},
		Properties: Properties{
			ID: fmt.Sprintf("%s-%07d", src.ID, g.seq[src.ID]), Source: SourceRef{ID: src.ID, Kind: src.Kind, Owner: src.Owner},
			ObservedAt: t.UTC().Format(time.RFC3339), ReportedAt: t.Add(delay).Truncate(time.Second).UTC().Format(time.RFC3339),
			Event: event, Count: 1, AttributedTo: "unknown", AccuracyM: src.AccuracyM, TimeAccuracyS: src.TimeAccuracyS,
			Confidence: src.Confidence, Vessel: &vv,
		}}
	g.res.Observations = append(g.res.Observations, o)
	return o
}

// outbound sails a vessel from its berth to the inspection area, waits,
// is inspected (unless it skips it), and sails on past it.
func (g *grainGen) outbound(v accord.Vessel, t time.Time, deviate, skip bool) {
	L := g.route.length()
	sail := leg{l: g.route, s0: 0, s1: L, t: t}
	arrive := t.Add(g.dur(sail))
	dev, from, to := 0.0, 0.0, 0.0
	if deviate {
		// Two hours off the lane in the middle of the voyage.
		mid, half := L/2, g.cfg.SpeedKn*knot*3600
		dev, from, to = g.cfg.Breach.DeviationM, mid-half, mid+half
	}
	refs := g.track(v, t, arrive, func(at time.Time) s2.Point { return g.pos(sail, at, dev, from, to) })
	if deviate {
		g.truth("grain-outside-"+v.ID, "corridor:outside", "ua", g.offRefs(v, sail, from, to, refs))
	}
	inspPt, _ := g.route.at(L)
	leave := arrive
	if !skip {
		wait := g.cfg.WaitMin + time.Duration(g.rng.Float64()*float64(g.cfg.WaitMax-g.cfg.WaitMin))
		insp := arrive.Add(wait).Truncate(time.Second)
		leave = insp.Add(time.Hour)
		g.track(v, arrive, leave, func(time.Time) s2.Point { return inspPt })
		if insp.Before(g.end) {
			g.report(jccSource, v, accord.EventInspection, insp, inspPt)
		}
	}
	on := leg{l: g.past, s0: 0, s1: g.past.length(), t: leave}
	refs = g.track(v, leave, leave.Add(g.dur(on)+time.Hour), func(at time.Time) s2.Point { return g.pos(on, at, 0, 0, 0) })
	if skip && leave.Before(g.end) {
		g.truth("grain-uninspected-"+v.ID, "corridor:uninspected", "ua", refs)
	}
}

// offRefs keeps the reports of a vessel made while it was off the lane.
func (g *grainGen) offRefs(v accord.Vessel, l leg, from, to float64, refs []ObsRef) []ObsRef {
	var out []ObsRef
	for _, r := range refs {
		for _, o := range g.res.Observations {
			p := o.Properties
			if p.Source.ID != r.Source || p.ID != r.ID {
				continue
			}
			t, _ := time.Parse(time.RFC3339, p.ObservedAt)
			f := float64(t.Sub(l.t)) / float64(g.dur(l))
			if s := l.s0 + (l.s1-l.s0)*f; s > from+(to-from)/5 && s < to-(to-from)/5 {
				out = append(out, r)
			}
		}
	}
	return out
}

// inbound sails a vessel from the strait into the inspection area, where
// it is inspected, and up the corridor to its berth, in ballast.
func (g *grainGen) inbound(v accord.Vessel, t time.Time) {
	up := leg{l: g.past, s0: g.past.length(), s1: 0, t: t}
	arrive := t.Add(g.dur(up))
	g.track(v, t, arrive, func(at time.Time) s2.Point { return g.pos(up, at, 0, 0, 0) })
	inspPt, _ := g.route.at(g.route.length())
	wait := g.cfg.WaitMin + time.Duration(g.rng.Float64()*float64(g.cfg.WaitMax-g.cfg.WaitMin))
	insp := arrive.Add(wait).Truncate(time.Second)
	leave := insp.Add(time.Hour)
	g.track(v, arrive, leave, func(time.Time) s2.Point { return inspPt })
	if insp.Before(g.end) {
		g.report(jccSource, v, accord.EventInspection, insp, inspPt)
	}
	sail := leg{l: g.route, s0: g.route.length(), s1: 0, t: leave}
	g.track(v, leave, leave.Add(g.dur(sail)+time.Hour), func(at time.Time) s2.Point { return g.pos(sail, at, 0, 0, 0) })
}

// attack is a missile strike 5 km east of the lane, a third of the way
// down it, seen by a Turkish coastal radar, the JCC's observer aboard a
// nearby vessel and Ukraine's navy, which names Russia.
func (g *grainGen) attack(t time.Time) {
	p, left := g.route.at(g.route.length() / 3)
	p = offset(p, left, -5000)
	var refs []ObsRef
	for _, s := range []struct {
		src Source
		by  string
	}{
		{Source{ID: "radar-tr", Kind: FixedSensor, Owner: "tr", AccuracyM: 300, TimeAccuracyS: 2, Confidence: 0.85, DelayMin: time.Minute, DelayMax: 3 * time.Minute}, "unknown"},
		{Source{ID: "jcc-observer", Kind: GroundMonitor, Owner: "un", AccuracyM: 500, TimeAccuracyS: 5, Confidence: 0.8, DelayMin: 5 * time.Minute, DelayMax: 20 * time.Minute}, "unknown"},
		{Source{ID: "ua-navy", Kind: PartyReport, Owner: "ua", AccuracyM: 1000, TimeAccuracyS: 10, Confidence: 0.7, DelayMin: 10 * time.Minute, DelayMax: 30 * time.Minute}, "ru"},
	} {
		g.seq[s.src.ID]++
		delay := s.src.DelayMin + time.Duration(g.rng.Float64()*float64(s.src.DelayMax-s.src.DelayMin))
		o := Observation{Type: "Feature", Geometry: Geometry{Type: "Point", Coordinates: lonLat(jitter(p, s.src.AccuracyM/4, g.rng.NormFloat64))},
			Properties: Properties{ID: fmt.Sprintf("%s-%07d", s.src.ID, g.seq[s.src.ID]), Source: SourceRef{ID: s.src.ID, Kind: s.src.Kind, Owner: s.src.Owner},
				ObservedAt: t.UTC().Format(time.RFC3339), ReportedAt: t.Add(delay).Truncate(time.Second).UTC().Format(time.RFC3339),
				Event: "strike", Equipment: "missile", Count: 1, AttributedTo: s.by, AccuracyM: s.src.AccuracyM,
				TimeAccuracyS: s.src.TimeAccuracyS, Confidence: s.src.Confidence}}
		g.res.Observations = append(g.res.Observations, o)
		refs = append(refs, ObsRef{Source: s.src.ID, ID: o.Properties.ID})
	}
	g.truth("grain-attack", "zone:bsgi-corridor", "ru", refs)
}

func (g *grainGen) truth(id, rule, party string, refs []ObsRef) {
	r, p := rule, party
	if refs == nil {
		refs = []ObsRef{}
	}
	g.res.Truth = append(g.res.Truth, Truth{EventID: id, Observations: refs, Violation: &r, Party: &p, All: []Verdict{{Rule: rule, Party: party}}})
}

// Combine puts several simulated streams into one (the front's and the
// grain corridor's, one record): the observations in arrival order
// (reported_at, then source and id, as Run orders them), the truths one
// stream after the other.
func Combine(rs ...*Result) *Result {
	out := &Result{}
	for _, r := range rs {
		out.Observations = append(out.Observations, r.Observations...)
		out.Truth = append(out.Truth, r.Truth...)
	}
	sort.SliceStable(out.Observations, func(a, b int) bool {
		pa, pb := out.Observations[a].Properties, out.Observations[b].Properties
		if pa.ReportedAt != pb.ReportedAt {
			return pa.ReportedAt < pb.ReportedAt
		}
		return pa.Source.ID+"/"+pa.ID < pb.Source.ID+"/"+pb.ID
	})
	return out
}
