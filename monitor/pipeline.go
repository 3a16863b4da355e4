package monitor

import (
	"math"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/geo"
)

// Pipeline places observations against the agreed geometry, fuses them
// into incidents and finds the violations of the agreed rules. Observe is
// its one entry point. It is not safe for concurrent use: one goroutine
// feeds it, in arrival order. Its memory holds the open incidents and
// their observations only: a closed incident is handed out once and
// forgotten (its keeper is the caller's store).
type Pipeline struct {
	m      *agreement.Monitoring
	k      *geo.Kernel
	fusion *fusion.Engine
	obs    map[Key]*Observation // the observations of open incidents
	sums   map[*fusion.Incident]*summary
	// summarised counts the observations the summaries took in (tests).
	summarised int
	// dup says that an observation came again in the batch in which the
	// incident of its first coming closed: fusion may have filed it in a
	// new incident, whose report then has no observation kept once the
	// closed incident's observations leave, so a summary may no longer
	// trust the observations it keeps (summary.go).
	dup bool
	// zoneRules[i] lists the rules that apply in zone i; fireFrom says
	// whether any is a rule against fire from a zone.
	zoneRules [][]int
	fireFrom  bool
	ceilings  ceilingState
	presence  *presenceState
	vessels   *Vessels // vessel and inspection observations (vessels.go)
	// openings are the incidents fusion opened in the last batch.
	openings []Opening
	// order is, for each incident the last batch returned, where in the
	// batch it was first changed (Order).
	order []int
}

// The places Order gives the incidents a batch changed that no line of it
// changed first: a ceiling's mark on a weapon the batch did not change
// (after every incident the lines changed), a vessel's track (after
// those).
const (
	OrderCeiling = math.MaxInt32 - 1
	OrderVessel  = math.MaxInt32
)

// Order lists, for each incident the last Observe or ObserveAt returned,
// in the same order, where in the batch it was first changed: 4·i + 0
// for the incident observation i joined or opened, + 1 for one fusion
// revised then, + 2 for one that closed then (fusion's clock passed its
// horizon), + 3 for a missing presence report its clock made due;
// OrderCeiling and OrderVessel for the others. The incidents come in the
// order of these places (ties: fusion's order). A sector's worker tells
// the sequencer each version's place in the whole batch (package
// sector), so that the sectors' versions of a batch are recorded in the
// order one pipeline hands them out.
func (p *Pipeline) Order() []int { return p.order }

// Opening is an incident fusion opened in a batch: its id, and the index
// in the batch of the observation that opened it.
type Opening struct {
	ID string
	At int
}

// Openings lists the incidents fusion opened in the last batch Observe or
// ObserveAt took, in the order they opened (the order of their ids), with
// the observation that opened each. A sector's worker tells the sequencer
// where in the whole batch each opened (package sector), so that the
// global ids follow one pipeline's order. Valid until the next batch.
func (p *Pipeline) Openings() []Opening { return p.openings }

// NewPipeline returns a pipeline for a monitoring section and its kernel
// (built with the section's band distances, in order).
func NewPipeline(m *agreement.Monitoring, k *geo.Kernel, cfg fusion.Config) *Pipeline {
	if cfg.Parties == nil {
		cfg.Parties = []string{m.Sides.Left, m.Sides.Right}
	}
	p := &Pipeline{m: m, k: k, fusion: fusion.New(cfg), obs: map[Key]*Observation{}, sums: map[*fusion.Incident]*summary{}}
	p.zoneRules = make([][]int, len(m.Geometry.Zones))
	for zi, z := range m.Geometry.Zones {
		for ri, r := range m.Zones {
			if r.Zone == z.ID || r.Role == z.Role {
				p.zoneRules[zi] = append(p.zoneRules[zi], ri)
				p.fireFrom = p.fireFrom || r.Fire == agreement.FireFrom
			}
		}
	}
	p.ceilings = newCeilingState()
	p.presence = newPresenceState(m, k)
	p.vessels = NewVessels(m, k, cfg.Parties, cfg.ConfirmAt, cfg.Horizon)
	return p
}

// Vessels is the pipeline's vessel tracker: tracks and throughput.
func (p *Pipeline) Vessels() *Vessels { return p.vessels }

// NewKernel builds the kernel a monitoring section needs.
func NewKernel(m *agreement.Monitoring) (*geo.Kernel, error) {
	return geo.NewKernel(m.Geometry, m.BandDistancesM(), geo.Options{})
}

// Observe fuses a batch of validated observations, in order, and returns
// every incident the batch changed, each evaluated (placed against the
// geometry, with its distance to the line and its violations), in the
// order first changed: the incidents the observations joined or opened,
// those fusion revised (an ambiguous incident merged into another, state
// merged, and the incident that took its observation), those that closed (ClosedAt set: the pipeline then forgets them),
// the missing presence reports the observations' clock has now passed
// (presence.go; each after the incidents of the observations before it),
// and those a ceiling now marks. An observation already fused into an open
// incident changes nothing; keeping each observation once for the
// record's whole life is the store's job, so callers pass new ones only.
func (p *Pipeline) Observe(batch []*Observation) []Incident {
	return p.ObserveAt(batch, nil)
}

// ObserveAt is Observe with the front's clock when each observation
// came (clocks[i] for batch[i], or nil): a sector's worker sees a part
// of the front, and moves fusion's and the presence duties' clocks as
// the whole front's observations would have (fusion.Report.Clock). A nil
// batch[i] is the front's clock clocks[i] where the sector has no
// observation: fusion's clock moves there and closes what it closes
// then (fusion.Engine.Tick; Order 4·i + 2), and the presence duties'
// clock, which judges there the periods whose deadline it passed (Order
// 4·i + 3).
func (p *Pipeline) ObserveAt(batch []*Observation, clocks []time.Time) []Incident {
	return p.ObservePresenceAt(batch, clocks, nil)
}

// ObservePresenceAt is ObserveAt where presence[i] marks a nil batch[i]
// as the presence duties' clock alone: where a vessel's report, which
// one pipeline's presence duties take as a time of the front and fusion
// does not (vessels are tracked, not fused), moved it in another sector.
// Fusion's clock does not move there.
func (p *Pipeline) ObservePresenceAt(batch []*Observation, clocks []time.Time, presence []bool) []Incident {
	clockOf := func(i int) time.Time {
		if i < len(clocks) {
			return clocks[i]
		}
		return time.Time{}
	}
	var touched []*fusion.Incident
	var touchedAt []int    // where each was first touched (Order)
	var missing []Incident // missing presence reports (presence.go)
	var missingAt []int    // each after the first missingAt[i] incidents touched
	var missingOrder []int // each one's place (Order)
	var sums []*summary    // sums[i]: touched[i]'s summary, once the batch met it
	seen := map[*fusion.Incident]int{}
	touchAt := func(in *fusion.Incident, at int) int {
		i, ok := seen[in]
		if !ok {
			i = len(touched)
			seen[in] = i
			touched, sums, touchedAt = append(touched, in), append(sums, nil), append(touchedAt, at)
		}
		return i
	}
	judge := func(i int, o *Observation, clock time.Time) { // every observation moves the presence clock
		for _, in := range p.presence.observe(o, clock, p.inZone) {
			missing, missingAt, missingOrder = append(missing, in), append(missingAt, len(touched)), append(missingOrder, 4*i+3)
		}
	}
	var vessels []*Observation
	var again []Key // keys already kept when their observation came
	clear(p.openings)
	p.openings = p.openings[:0]
	for i, o := range batch {
		if o == nil && i < len(presence) && presence[i] {
			for _, in := range p.presence.tick(clockOf(i)) {
				missing, missingAt, missingOrder = append(missing, in), append(missingAt, len(touched)), append(missingOrder, 4*i+3)
			}
			continue
		}
		if o == nil {
			// The front's clock alone (a sector's worker): fusion looks
			// for incidents to close as at an observation.
			p.fusion.Tick(clockOf(i))
			for _, in := range p.fusion.TakeClosed() {
				touchAt(in, 4*i+2)
			}
			for _, in := range p.presence.tick(clockOf(i)) {
				missing, missingAt, missingOrder = append(missing, in), append(missingAt, len(touched)), append(missingOrder, 4*i+3)
			}
			continue
		}
		if IsVesselEvent(o.Event) {
			vessels = append(vessels, o) // tracked, not fused
			judge(i, o, clockOf(i))
			continue
		}
		k := o.Key()
		_, had := p.obs[k]
		if had {
			again = append(again, k)
		} else {
			p.obs[k] = o
		}
		opened := p.fusion.Opened()
		in := p.fusion.Add(fusion.Report{
			Source: o.Source.ID, ID: o.ID, Owner: o.Source.Owner, Kind: o.Source.Kind,
			Event: o.Event, Equipment: o.Equipment, Lon: o.Position[0], Lat: o.Position[1],
			AccuracyM: o.AccuracyM, ObservedAt: o.ObservedAt, TimeAccuracyS: o.TimeAccuracyS,
			Confidence: o.Confidence, AttributedTo: o.AttributedTo, Clock: clockOf(i),
		})
		if p.fusion.Opened() != opened {
			p.openings = append(p.openings, Opening{ID: in.ID, At: i})
		}
		t := touchAt(in, 4*i)
		if !had {
			sums[t] = p.joined(in, sums[t], o)
		}
		for _, in := range p.fusion.TakeRevised() {
			touchAt(in, 4*i+1)
		}
		for _, in := range p.fusion.TakeClosed() {
			touchAt(in, 4*i+2)
		}
		judge(i, o, clockOf(i))
	}
	out := make([]Incident, len(touched))
	for i, in := range touched {
		sums[i] = p.summariseFrom(in, sums[i])
		out[i] = p.evaluateWith(in, sums[i])
	}
	out = p.markCeilings(out, touched, sums)
	order := touchedAt
	for len(order) < len(out) {
		order = append(order, OrderCeiling)
	}
	p.order = interleaveOrder(order, missingOrder, missingAt)
	out = interleave(out, missing, missingAt)
	out = append(out, p.vessels.Observe(vessels)...)
	for len(p.order) < len(out) {
		p.order = append(p.order, OrderVessel)
	}
	// What closed leaves memory: its observations are in the store.
	for _, in := range touched {
		if in.State == fusion.Merged {
			delete(p.sums, in) // its observations are the survivor's
		}
		if !in.ClosedAt.IsZero() {
			for _, r := range in.Reports {
				delete(p.obs, Key{Source: r.Source, ID: r.ID})
			}
			delete(p.sums, in)
		}
	}
	for _, k := range again {
		if _, ok := p.obs[k]; !ok {
			p.dup = true
		}
	}
	return out
}

// Open is the number of open incidents.
func (p *Pipeline) Open() int { return len(p.fusion.Incidents()) }

// sideConfidence is the probability that a position with the given
// accuracy (read, as fusion does, as about two standard deviations) lies on
// the side of the line its estimate is on, d metres from the line: Φ(d/σ).
func sideConfidence(d, accuracyM float64) float64 {
	sigma := math.Max(accuracyM/2, 1)
	return 0.5 * math.Erfc(-d/sigma/math.Sqrt2)
}

// sideConfidenceAt is sideConfidence at a position. Beyond six standard
// deviations from the line Φ rounds to 1 at the precision reported, so a
// lower bound of the distance from the cover settles it without a search.
func (p *Pipeline) sideConfidenceAt(lon, lat, accuracyM float64) float64 {
	if p.k.DistanceAtLeastM(lon, lat) > 6*math.Max(accuracyM/2, 1) {
		return 1
	}
	return sideConfidence(p.k.DistanceM(lon, lat), accuracyM)
}

// sideConfidenceOf is sideConfidenceAt of a position whose distance and
// lower bound of the distance (geo.Kernel.Locate) are known.
func sideConfidenceOf(distM, atLeastM, accuracyM float64) float64 {
	if atLeastM > 6*math.Max(accuracyM/2, 1) {
		return 1
	}
	return sideConfidence(distM, accuracyM)
}
