package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/accord-peace/accord"
)

// Config describes one simulated run.
type Config struct {
	Seed     uint64
	Start    time.Time     // first instant; 2025-06-01T00:00:00Z when zero
	Duration time.Duration // how long events happen
	Rate     float64       // true events per hour
	// Line is the contact line, [lon, lat] vertices in degrees.
	Line [][2]float64
	// Sides names the party holding each side of the line: [left, right] of
	// the line's direction.
	Sides         [2]string
	Bands         []Band
	DMZHalfWidthM float64
	Sites         []ProtectedSite
	// FalseAlarmsPerHour across the whole network.
	FalseAlarmsPerHour float64
	// DMZZone names the demilitarised strip in zone rules ("dmz" when empty).
	DMZZone string
	// Judge, when set, decides the truth of each event — the rules it
	// breaks and by whom, the first being the one the truth names — from
	// the event as it really happened, so the truth follows the agreement's
	// own rules and geometry. Without it the simulator's intent is the truth.
	Judge func(TrueEvent) []Verdict
	// Dense, when set, makes the front busy (see Dense): bursts of shots
	// into a few hotspots and wider errors. Nil is the default run.
	Dense *Dense
}

// Verdict is a rule a true event breaks and the party that broke it.
type Verdict struct{ Rule, Party string }

// TrueEvent is a true event as the judge sees it: exact, with no sensor
// between.
type TrueEvent struct {
	Event, Equipment string
	CaliberMM        int
	Position         [2]float64  // [lon, lat]
	Origin           *[2]float64 // where a shot came from
}

// Observation is one simulated report, in the wire form of docs/observation.md.
type Observation struct {
	Type       string     `json:"type"`
	Geometry   Geometry   `json:"geometry"`
	Properties Properties `json:"properties"`
}

// Geometry is a GeoJSON Point or LineString.
type Geometry struct {
	Type        string `json:"type"`
	Coordinates any    `json:"coordinates"`
}

// Properties are an observation's properties.
type Properties struct {
	ID            string    `json:"id"`
	Source        SourceRef `json:"source"`
	ObservedAt    string    `json:"observed_at"`
	ReportedAt    string    `json:"reported_at"`
	Event         string    `json:"event"`
	Equipment     string    `json:"equipment,omitempty"`
	CaliberMM     int       `json:"caliber_mm,omitempty"`
	Count         int       `json:"count,omitempty"`
	AttributedTo  string    `json:"attributed_to"`
	AccuracyM     float64   `json:"accuracy_m"`
	TimeAccuracyS float64   `json:"time_accuracy_s"`
	Confidence    float64   `json:"confidence"`
	// Vessel names the vessel of a vessel or inspection report (grain.go).
	Vessel *accord.Vessel `json:"vessel,omitempty"`
}

// SourceRef names an observation's source.
type SourceRef struct {
	ID    string `json:"id"`
	Kind  string `json:"kind"`
	Owner string `json:"owner"`
}

// Truth is the ground truth of one true event: which observations report it,
// and the rule it breaks (nil when none) and by whom.
type Truth struct {
	EventID      string   `json:"event_id"`
	Observations []ObsRef `json:"observations"`
	Violation    *string  `json:"violation"`
	Party        *string  `json:"party"`
	// All lists every rule the judge found broken, the named one first; it
	// is not part of the truth file.
	All []Verdict `json:"-"`
	// Event, At and Position are the true event's kind, instant and
	// position ([lon, lat], the impact for a shot), for measurements that
	// need them (fusion's oracle); they are not part of the truth file.
	Event    string     `json:"-"`
	At       time.Time  `json:"-"`
	Position [2]float64 `json:"-"`
}

// ObsRef is the idempotency key of an observation.
type ObsRef struct {
	Source string `json:"source"`
	ID     string `json:"id"`
}

// Result is a simulated run: observations in the order they arrive
// (reported_at), duplicates and false alarms included, and the truth.
type Result struct {
	Observations []Observation
	Truth        []Truth
}

type generator struct {
	cfg     Config
	rng     *rand.Rand
	line    *line
	sources []Source
	seq     map[string]int
}

// MaxEvents is the most events a run may expect: (Rate +
// FalseAlarmsPerHour) × the duration in hours. A run is held in memory, about
// 5 KB an event with its observations and truth, so the ceiling keeps it
// within a few gigabytes (and a few minutes); split a longer run by --start
// and --seed.
const MaxEvents = 1_000_000

// checkEvery is how many events pass between two looks at the context.
const checkEvery = 1 << 10

// ExpectedEvents is the number of events a config expects: true events and
// false alarms over its duration.
func (cfg Config) ExpectedEvents() float64 {
	return (cfg.Rate + cfg.FalseAlarmsPerHour) * cfg.Duration.Hours()
}

// Run simulates a monitoring network over the config's duration.
func Run(cfg Config) (*Result, error) { return RunContext(context.Background(), cfg) }

// RunContext is Run, stopped soon after ctx is done (every thousand events
// or so): it then returns an error wrapping ctx's.
func RunContext(ctx context.Context, cfg Config) (*Result, error) {
	if len(cfg.Line) < 2 {
		return nil, errors.New("sim: the contact line needs at least two vertices")
	}
	if !(cfg.Rate >= 0) || cfg.Duration < 0 || !(cfg.FalseAlarmsPerHour >= 0) || math.IsInf(cfg.Rate, 0) || math.IsInf(cfg.FalseAlarmsPerHour, 0) {
		return nil, accord.Errorf(accord.EINVALID, "sim: rate and false alarms must be finite numbers ≥ 0, and the duration not negative")
	}
	if n := cfg.ExpectedEvents(); n > MaxEvents {
		return nil, accord.Errorf(accord.EINVALID, "sim: %.4g true events and %.4g false alarms an hour for %v expect %.4g events, more than the %d a run may hold in memory (sim.MaxEvents, about 5 KB an event): lower the rate or the duration, or split the run",
			cfg.Rate, cfg.FalseAlarmsPerHour, cfg.Duration, n, MaxEvents)
	}
	if len(cfg.Bands) == 0 {
		return nil, errors.New("sim: at least one withdrawal band is needed")
	}
	if cfg.DMZZone == "" {
		cfg.DMZZone = "dmz"
	}
	if cfg.Start.IsZero() {
		cfg.Start = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	}
	if cfg.Dense != nil {
		if err := cfg.Dense.check(); err != nil {
			return nil, err
		}
	}
	g := &generator{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 0xacc04d)), line: newLine(cfg.Line), seq: map[string]int{}}
	g.sources = network(g.line.length(), cfg.Sides)
	res := &Result{}
	hours := cfg.Duration.Hours()
	stopped := func(i int) error {
		if i%checkEvery != 0 || ctx.Err() == nil {
			return nil
		}
		return fmt.Errorf("sim: stopped after %d events: %w", len(res.Truth), context.Cause(ctx))
	}
	if d := cfg.Dense; d != nil {
		for i := range g.sources {
			g.sources[i].AccuracyM *= d.AccuracyScale
			g.sources[i].TimeAccuracyS *= d.TimeAccuracyScale
		}
		for i, ev := range g.denseEvents() {
			if err := stopped(i); err != nil {
				return nil, err
			}
			g.emit(res, ev)
		}
	} else {
		n := poisson(g.rng, cfg.Rate*hours)
		times := make([]time.Duration, n)
		for i := range times {
			times[i] = time.Duration(g.rng.Float64() * float64(cfg.Duration))
		}
		sort.Slice(times, func(a, b int) bool { return times[a] < times[b] })
		for i, dt := range times {
			if err := stopped(i); err != nil {
				return nil, err
			}
			g.emit(res, g.draw(cfg.Start.Add(dt), i))
		}
	}
	for i := poisson(g.rng, cfg.FalseAlarmsPerHour*hours); i > 0; i-- {
		if err := stopped(i); err != nil {
			return nil, err
		}
		res.Observations = append(res.Observations, g.falseAlarm())
	}
	sort.SliceStable(res.Observations, func(a, b int) bool {
		pa, pb := res.Observations[a].Properties, res.Observations[b].Properties
		if pa.ReportedAt != pb.ReportedAt {
			return pa.ReportedAt < pb.ReportedAt
		}
		return pa.Source.ID+"/"+pa.ID < pb.Source.ID+"/"+pb.ID
	})
	return res, nil
}

// emit judges a true event, has every source report it and records its
// truth.
func (g *generator) emit(res *Result, ev event) {
	if g.cfg.Judge != nil {
		te := TrueEvent{Event: ev.kind, Equipment: ev.equipment, CaliberMM: ev.caliber, Position: lonLat(ev.pos)}
		if ev.origin != nil {
			o := lonLat(*ev.origin)
			te.Origin = &o
		}
		ev.violation, ev.party = "", ""
		vs := g.cfg.Judge(te)
		if len(vs) > 0 {
			ev.violation, ev.party = vs[0].Rule, vs[0].Party
		}
		ev.others = vs
	}
	tr := Truth{EventID: ev.id, Observations: []ObsRef{}, All: ev.others, Event: ev.kind, At: ev.at, Position: lonLat(ev.pos)}
	if ev.violation != "" {
		v, p := ev.violation, ev.party
		tr.Violation, tr.Party = &v, &p
	}
	for _, src := range g.sources {
		for _, o := range g.report(src, ev) {
			res.Observations = append(res.Observations, o)
			tr.Observations = appendRef(tr.Observations, o)
		}
	}
	res.Truth = append(res.Truth, tr)
}

// appendRef adds an observation's key once (exact resends share it).
func appendRef(refs []ObsRef, o Observation) []ObsRef {
	r := ObsRef{Source: o.Properties.Source.ID, ID: o.Properties.ID}
	for _, x := range refs {
		if x == r {
			return refs
		}
	}
	return append(refs, r)
}

// report returns what one source reports of one event: nothing, one
// observation, or (rarely) an exact resend or a repeat under a new id.
func (g *generator) report(src Source, ev event) []Observation {
	p, ok := src.Detect[ev.kind]
	if !ok || g.rng.Float64() >= p {
		return nil
	}
	if src.Reach > 0 && math.Abs(src.AlongM-ev.along) > src.Reach {
		return nil
	}
	o := g.observation(src, ev)
	out := []Observation{o}
	switch r := g.rng.Float64(); {
	case r < 0.03: // an exact resend: same key, same content
		out = append(out, o)
	case r < 0.05: // the same sighting reported again under a new id
		again := g.observation(src, ev)
		out = append(out, again)
	}
	return out
}

func (g *generator) observation(src Source, ev event) Observation {
	g.seq[src.ID]++
	observed := ev.at.Add(time.Duration(g.rng.NormFloat64() * src.TimeAccuracyS / 2 * float64(time.Second)))
	observed = observed.Truncate(time.Second)
	delay := src.DelayMin + time.Duration(g.rng.Float64()*float64(src.DelayMax-src.DelayMin))
	reported := observed.Add(delay).Truncate(time.Second)
	if reported.Before(observed) {
		reported = observed
	}
	props := Properties{
		ID:         fmt.Sprintf("%s-%06d", src.ID, g.seq[src.ID]),
		Source:     SourceRef{ID: src.ID, Kind: src.Kind, Owner: src.Owner},
		ObservedAt: observed.UTC().Format(time.RFC3339), ReportedAt: reported.UTC().Format(time.RFC3339),
		Event: ev.kind, Equipment: ev.equipment, CaliberMM: ev.caliber, Count: 1,
		AttributedTo: "unknown", AccuracyM: src.AccuracyM, TimeAccuracyS: src.TimeAccuracyS, Confidence: src.Confidence,
	}
	if ev.kind == "heavy_weapon" && g.rng.Float64() < 0.3 {
		props.Count = 2 + g.rng.IntN(4)
	}
	// A party blames the other side for what lands on its own.
	if src.Kind == PartyReport && ev.sidePos == src.Owner {
		props.AttributedTo = g.opponent(src.Owner)
	}
	sigma := src.AccuracyM / 2
	geom := Geometry{Type: "Point", Coordinates: lonLat(jitter(ev.pos, sigma, g.rng.NormFloat64))}
	if ev.origin != nil && (src.Kind == FixedSensor || src.Kind == UAV) {
		geom = Geometry{Type: "LineString", Coordinates: [][2]float64{
			lonLat(jitter(*ev.origin, sigma, g.rng.NormFloat64)), lonLat(jitter(ev.pos, sigma, g.rng.NormFloat64)),
		}}
	}
	return Observation{Type: "Feature", Geometry: geom, Properties: props}
}

func (g *generator) opponent(party string) string {
	if g.cfg.Sides[0] == party {
		return g.cfg.Sides[1]
	}
	return g.cfg.Sides[0]
}

// falseAlarm is a report of nothing: a fixed sensor's false trigger or a
// party's unfounded complaint.
func (g *generator) falseAlarm() Observation {
	var src Source
	for {
		src = g.sources[g.rng.IntN(len(g.sources))]
		if src.Kind == FixedSensor || src.Kind == PartyReport {
			break
		}
	}
	at := g.cfg.Start.Add(time.Duration(g.rng.Float64() * float64(g.cfg.Duration)))
	s := g.rng.Float64() * g.line.length()
	if src.Reach > 0 {
		s = src.AlongM + (g.rng.Float64()*2-1)*src.Reach
	}
	p, left := g.line.at(max(0, min(s, g.line.length())))
	ev := event{id: "false", kind: "explosion", at: at, pos: offset(p, left, (g.rng.Float64()*2-1)*5000), sidePos: g.cfg.Sides[g.rng.IntN(2)]}
	return g.observation(src, ev)
}

// poisson draws a Poisson deviate (normal approximation past 500).
func poisson(r *rand.Rand, mean float64) int {
	if mean <= 0 {
		return 0
	}
	if mean > 500 {
		return max(0, int(mean+r.NormFloat64()*math.Sqrt(mean)+0.5))
	}
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
