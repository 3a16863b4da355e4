package sim

import (
	"errors"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/golang/geo/s2"
)

// Dense makes a run where the front is busy: most true events are shells
// fired in bursts into a few hotspots, a few kilometres across, so that
// many events fall within a few kilometres and minutes of each other, and
// every source states (and makes) wider errors than in the default run.
// It stresses fusion where telling events apart is hard; the default run
// (Config.Dense nil) is unchanged by it.
//
// Config.Rate still counts true events per hour: HotspotShare of them are
// shots of bursts into the hotspots, the rest are drawn as in the default
// run, anywhere along the line.
type Dense struct {
	// Hotspots is the number of hotspots, each a point 1 to 6 km from the
	// line on a random side, placed along the line's middle 80 %.
	Hotspots int
	// HotspotRadiusM is the standard deviation (m) of a burst's aim point
	// around its hotspot's centre.
	HotspotRadiusM float64
	// HotspotShare is the fraction of true events that are shots of
	// bursts into a hotspot, in [0, 1].
	HotspotShare float64
	// BurstMean is the mean number of shots of a burst (1 + a Poisson
	// deviate of mean BurstMean−1), at least 1.
	BurstMean float64
	// BurstGap is the mean time between two shots of a burst (exponential).
	BurstGap time.Duration
	// BurstSpreadM is the standard deviation (m) of a shot's impact around
	// its burst's aim point, in each direction.
	BurstSpreadM float64
	// AccuracyScale and TimeAccuracyScale multiply every source's stated
	// position and time accuracy; the errors drawn follow the stated
	// figures (a 2-D Gaussian of σ = accuracy_m/2 in each direction, a
	// Gaussian of σ = time_accuracy_s/2), as in the default run.
	AccuracyScale, TimeAccuracyScale float64
}

// DefaultDense is the dense mode of `accord simulate --dense` and of the
// fusion measurements (fusion/dense_test.go): 3 hotspots of 2 km, four
// events in five shots of bursts of 4 shots a minute apart on average,
// impacts spread by 800 m around the burst's aim point, positions 1.5 and
// times 2 times as uncertain as in the default run. At 100 events an hour
// a shot has a median of 4 other events within 3 km and 5 minutes, and an
// oracle that knows every event can assign about 0.89 of the reports to
// their own event (fusion/dense_test.go).
func DefaultDense() *Dense {
	return &Dense{
		Hotspots: 3, HotspotRadiusM: 2000, HotspotShare: 0.8,
		BurstMean: 4, BurstGap: time.Minute, BurstSpreadM: 800,
		AccuracyScale: 1.5, TimeAccuracyScale: 2,
	}
}

// check reports the first parameter out of its range.
func (d *Dense) check() error {
	switch {
	case d.Hotspots < 1:
		return errors.New("sim: dense: at least one hotspot is needed")
	case !(d.HotspotShare >= 0 && d.HotspotShare <= 1):
		return errors.New("sim: dense: the hotspot share must be in [0, 1]")
	case !(d.BurstMean >= 1) || math.IsInf(d.BurstMean, 0):
		return errors.New("sim: dense: the mean burst size must be at least 1")
	case d.BurstGap < 0 || !(d.HotspotRadiusM >= 0) || !(d.BurstSpreadM >= 0):
		return errors.New("sim: dense: the burst gap, hotspot radius and burst spread must not be negative")
	case !(d.AccuracyScale > 0) || !(d.TimeAccuracyScale > 0) || math.IsInf(d.AccuracyScale, 0) || math.IsInf(d.TimeAccuracyScale, 0):
		return errors.New("sim: dense: the accuracy scales must be positive and finite")
	}
	return nil
}

// hotspot is where bursts land.
type hotspot struct {
	centre s2.Point
	along  float64
	dir    s2.Point // towards the hotspot's side of the line
	side   int      // the side it is on (index into Sides)
}

// denseEvents draws a dense run's true events, ordered by time and numbered
// in that order: the bursts into the hotspots and the background events.
func (g *generator) denseEvents() []event {
	d := g.cfg.Dense
	hours := g.cfg.Duration.Hours()
	spots := make([]hotspot, d.Hotspots)
	for i := range spots {
		s := g.line.length() * (0.1 + 0.8*g.rng.Float64())
		p, left := g.line.at(s)
		side := g.rng.IntN(2)
		dir := left
		if side == 1 {
			dir = s2.Point{Vector: left.Mul(-1)}
		}
		spots[i] = hotspot{centre: offset(p, dir, 1000+5000*g.rng.Float64()), along: s, dir: dir, side: side}
	}
	var evs []event
	for b := poisson(g.rng, g.cfg.Rate*hours*d.HotspotShare/d.BurstMean); b > 0; b-- {
		evs = append(evs, g.burst(spots[g.rng.IntN(len(spots))])...)
	}
	for n := poisson(g.rng, g.cfg.Rate*hours*(1-d.HotspotShare)); n > 0; n-- {
		evs = append(evs, g.draw(g.cfg.Start.Add(time.Duration(g.rng.Float64()*float64(g.cfg.Duration))), 0))
	}
	sort.SliceStable(evs, func(a, b int) bool { return evs[a].at.Before(evs[b].at) })
	for i := range evs {
		evs[i].id = "ev-" + strconv.Itoa(i)
	}
	return evs
}

// burst is a battery's shots into a hotspot: fired from 4 to 16 km behind
// the other side of the line, aimed at a point near the hotspot's centre,
// starting at a uniform time of the run.
func (g *generator) burst(h hotspot) []event {
	d := g.cfg.Dense
	lp, _ := g.line.at(h.along)
	back := s2.Point{Vector: h.dir.Mul(-1)}
	origin := offset(lp, back, 4000+12000*g.rng.Float64())
	aim := jitter(h.centre, d.HotspotRadiusM, g.rng.NormFloat64)
	t := g.cfg.Start.Add(time.Duration(g.rng.Float64() * float64(g.cfg.Duration)))
	owner, other := g.cfg.Sides[1-h.side], g.cfg.Sides[h.side]
	n := 1 + poisson(g.rng, d.BurstMean-1)
	out := make([]event, n)
	for i := range out {
		if i > 0 {
			t = t.Add(time.Duration(g.rng.ExpFloat64() * float64(d.BurstGap)))
		}
		o := jitter(origin, 50, g.rng.NormFloat64)
		out[i] = event{
			kind: "firing", at: t, pos: jitter(aim, d.BurstSpreadM, g.rng.NormFloat64), origin: &o,
			along: h.along, violation: RuleCrossing, party: owner, sidePos: other,
		}
	}
	return out
}
