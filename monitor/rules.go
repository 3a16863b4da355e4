package monitor

import (
	"math"
	"slices"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/geo"
)

func round(x, unit float64) float64 { return math.Round(x/unit) * unit }

// evaluate places an incident and applies the rules that concern it alone.
func (p *Pipeline) evaluate(in *fusion.Incident) Incident { return p.evaluateWith(in, p.summarise(in)) }

// TrueEvent is an event as it really happened, for Judge.
type TrueEvent struct {
	Event, Equipment string
	CaliberMM        float64
	Position         [2]float64  // [lon, lat]
	Origin           *[2]float64 // where a shot came from
}

// Judge applies the rules to an exact event, as an all-seeing monitor
// would: the ground truth of a simulation. It returns the violations in the
// order evaluate finds them.
func (p *Pipeline) Judge(ev TrueEvent) []Violation {
	o := &Observation{ID: "truth", Source: Source{ID: "truth", Kind: KindGroundMonitor, Owner: "truth"},
		Position: ev.Position, Event: ev.Event, Equipment: ev.Equipment, CaliberMM: ev.CaliberMM,
		Count: 1, AttributedTo: Unknown, AccuracyM: 1, Confidence: 1}
	if ev.Origin != nil {
		o.Path = [][2]float64{*ev.Origin, ev.Position}
	}
	in := &fusion.Incident{ID: "truth", Event: ev.Event, Equipment: ev.Equipment,
		Lon: ev.Position[0], Lat: ev.Position[1], AccuracyM: 1, Owners: []string{"truth"}}
	return p.evaluateWith(in, p.summaryOf([]*Observation{o})).Violations
}

func (p *Pipeline) evaluateWith(in *fusion.Incident, s *summary) Incident {
	if in.State == fusion.Merged {
		return merged(in)
	}
	out, distM := p.violations(in, s)
	out.Ambiguous = in.Ambiguous
	out.DistanceToLineM = math.Round(distM)
	out.Violations = append(out.Violations, p.ceilings.hits[in.ID]...)
	if !in.ClosedAt.IsZero() {
		at := in.ClosedAt
		out.ClosedAt, out.ClosedReason = &at, in.ClosedReason
	}
	return out
}

// merged is the version of an incident merged into another: where and
// when it was, the survivor, no observation (they are the survivor's now)
// and no violation of its own.
func merged(in *fusion.Incident) Incident {
	return Incident{
		ID: in.ID, State: fusion.Merged, Event: in.Event, Equipment: in.Equipment,
		Location:      [2]float64{round(in.Lon, 1e-6), round(in.Lat, 1e-6)},
		FirstObserved: in.FirstObserved, LastObserved: in.LastObserved,
		Zones: []string{}, Violations: []Violation{}, Ambiguous: in.Ambiguous, MergedInto: in.MergedInto,
	}
}

// violations places an incident and finds its violations. It returns
// them with the incident's distance to the line (DistanceToLineM is left
// to evaluateWith).
func (p *Pipeline) violations(in *fusion.Incident, s *summary) (Incident, float64) {
	pl, distM, atLeastM := p.k.Locate(in.Lon, in.Lat)
	conf := -1.0
	sideConf := func() float64 {
		if conf < 0 {
			conf = sideConfidenceOf(distM, atLeastM, in.AccuracyM)
		}
		return conf
	}
	out := Incident{
		ID: in.ID, State: in.State, Event: in.Event, Equipment: in.Equipment,
		Location:      [2]float64{round(in.Lon, 1e-6), round(in.Lat, 1e-6)},
		FirstObserved: in.FirstObserved, LastObserved: in.LastObserved,
		Observations: slices.Clone(in.Reports), IndependentSources: len(in.Owners),
		Confidence: round(in.Confidence, 1e-4), Side: p.m.Sides.Party(pl.Side),
		Zones: []string{}, Violations: []Violation{}, ConfirmedAt: in.ConfirmedAt, SeenConfirmed: in.SeenConfirmed, OpenedAt: in.OpenedAt,
	}
	zoneIdx := pl.Zones.Indices()
	for _, zi := range zoneIdx {
		out.Zones = append(out.Zones, p.m.Geometry.Zones[zi].ID)
	}
	events := s.events
	present := func() (string, float64) { return out.Side, sideConf() }
	org, orgAcc, hasOrigin := s.origin()
	from := &spot{k: p.k, at: org} // where the shots came from

	// Weapons inside their withdrawal band: where the weapon stands (a
	// shot's origin, or the sighting itself).
	if in.Equipment != "" && (events["heavy_weapon"] || hasOrigin) {
		wpl, wconf := pl, sideConf // where the incident is
		if !events["heavy_weapon"] {
			wpl = from.place()
			wconf = func() float64 { return from.sideConfidence(orgAcc) }
		}
		cal := s.caliber
		for i := range p.m.Bands {
			b := &p.m.Bands[i]
			if party := p.m.Sides.Party(wpl.Side); b.Applies(in.Equipment, cal) && b.AppliesTo(party) && wpl.InBand(i) {
				conf := wconf()
				out.Violations = append(out.Violations, violation("band:"+b.ID, b.Provision, party, conf))
			}
		}
	}
	// Fire across the line: the origin and the impact on different sides
	// (a shot's origin: a flight path has none, see shot).
	if p.m.Crossing != nil && hasOrigin && p.m.Crossing.Governs(in.Equipment, events) {
		opl := from.place()
		if opl.Side != 0 && pl.Side != 0 && opl.Side != pl.Side {
			party := p.m.Sides.Party(opl.Side)
			conf := from.sideConfidence(orgAcc) * sideConf()
			out.Violations = append(out.Violations, violation("crossing", p.m.Crossing.Provision, party, conf))
		}
	}
	// A flight over the line.
	if p.m.Overflight != nil && s.flight != nil {
		out.Violations = append(out.Violations, violation("overflight", p.m.Overflight.Provision, s.flight.party, s.flight.conf))
	}
	// Forbidden events inside zones: where the incident is (fire landing
	// in the zone), then, for the rules against fire from a zone, where the
	// shot came from. In each zone the first rule broken counts.
	for _, zi := range zoneIdx {
		z := &p.m.Geometry.Zones[zi]
		for _, ri := range p.zoneRules[zi] {
			r := &p.m.Zones[ri]
			if r.Fire == agreement.FireFrom || !r.Governs(in.Equipment) || !anyOf(events, r.Forbid) {
				continue
			}
			party, conf := present()
			if isFire(events) {
				party, conf = p.firer(s, from, orgAcc, hasOrigin)
			}
			if !r.Binds(party) {
				continue
			}
			out.Violations = append(out.Violations, violation("zone:"+z.ID, r.Provision, party, conf))
			break
		}
	}
	if hasOrigin && p.fireFrom {
		opl := from.place()
		for _, zi := range opl.Zones.Indices() {
			z := &p.m.Geometry.Zones[zi]
			for _, ri := range p.zoneRules[zi] {
				r := &p.m.Zones[ri]
				if r.Fire != agreement.FireFrom || !r.Governs(in.Equipment) || !anyOf(events, r.Forbid) {
					continue
				}
				party, conf := p.firer(s, from, orgAcc, hasOrigin)
				if !r.Binds(party) {
					continue
				}
				out.Violations = append(out.Violations, violation("zone-from:"+z.ID, r.Provision, party, conf))
				break
			}
		}
	}
	return out, distM
}

// firer attributes fire: to the side its origin is on when a sensor saw
// the origin, else to the party the sources name, by noisy-OR over the
// owners that name it (a party's own report counts half, being a party's).
func (p *Pipeline) firer(s *summary, org *spot, acc float64, hasOrigin bool) (string, float64) {
	if hasOrigin {
		return p.m.Sides.Party(org.place().Side), org.sideConfidence(acc)
	}
	owners := s.attributed
	best, bestConf := "", 0.0
	for _, party := range sortedKeys(owners) {
		miss := 1.0
		for _, c := range owners[party] {
			miss *= 1 - c
		}
		if 1-miss > bestConf {
			best, bestConf = party, 1-miss
		}
	}
	return best, bestConf
}

func isFire(events map[string]bool) bool {
	return events["firing"] || events["strike"] || events["impact"] || events["explosion"]
}

func anyOf(events map[string]bool, kinds []string) bool {
	for _, k := range kinds {
		if events[k] {
			return true
		}
	}
	return false
}

func violation(rule, provision, party string, conf float64) Violation {
	v := Violation{Rule: rule, Provision: provision, AttributionConfidence: round(conf, 1e-4)}
	if party != "" {
		v.Party = &party
	}
	return v
}

// spot is a position that the rules may place, and whose side they may
// weigh, more than once: the kernel locates it once, when first asked.
type spot struct {
	k               *geo.Kernel
	at              [2]float64 // lon, lat
	done            bool
	pl              geo.Placement
	distM, atLeastM float64
}

func (o *spot) locate() {
	if !o.done {
		o.pl, o.distM, o.atLeastM = o.k.Locate(o.at[0], o.at[1])
		o.done = true
	}
}

// place is Kernel.Place of the position.
func (o *spot) place() geo.Placement {
	o.locate()
	return o.pl
}

// sideConfidence is Pipeline.sideConfidenceAt of the position.
func (o *spot) sideConfidence(accuracyM float64) float64 {
	o.locate()
	return sideConfidenceOf(o.distM, o.atLeastM, accuracyM)
}
