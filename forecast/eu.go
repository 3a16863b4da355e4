package forecast

import (
	"math"
	"runtime"

	"github.com/accord-peace/accord"
)

// EUOptions tunes the expected-utility model.
type EUOptions struct {
	// Rounds of offers; 0 means DefaultEURounds.
	Rounds int
	// Q is the probability that, when i does not challenge j, the status
	// quo holds (Scholz et al. take 1.0 for the EC example). Nil means 1.0.
	Q *float64
	// Variant is EUTable (the default) or EUText; docs/forecast.md says
	// how they differ.
	Variant string
	// Workers is how many goroutines run dimensions at once (they are
	// independent); 0 means GOMAXPROCS, 1 runs on one thread.
	Workers int
}

// DefaultEURounds is the number of rounds the expected-utility model runs
// by default: Table 2 of Scholz et al. (2011) shows rounds 1 to 8.
const DefaultEURounds = 8

// Variants of the expected-utility model.
const (
	// EUTable reproduces Table 2 of Scholz et al.: probabilities over
	// every contest's votes, each receiver weighing offers from its own
	// point of view, confrontations before compromises before
	// capitulations.
	EUTable = "table"
	// EUText follows the paper's printed equations (with s_i where
	// symmetry requires it): probabilities over the contest's own votes,
	// each actor's expected utility with its own risk exponent, and every
	// actor accepting the offer that moves it least.
	EUText = "text"
)

// Offer kinds of the expected-utility model.
const (
	OfferConfrontation = "confrontation"
	OfferCompromise    = "compromise"
	OfferCapitulation  = "capitulation"
)

// EUOffer is one offer from actor From to actor To in one round of the
// expected-utility model on one dimension.
type EUOffer struct {
	From, To int
	Kind     string  // OfferConfrontation, OfferCompromise or OfferCapitulation
	EUFrom   float64 // From's expected utility of challenging To
	EUTo     float64 // To's expected utility of challenging From
	// (EUText: each with its own risk exponent; EUTable: both with To's.)
	Position float64 // where To is asked to move
}

// EURound is one round of the expected-utility model on one dimension:
// the state it starts from and what the actors computed and offered.
type EURound struct {
	Positions []float64   // per actor, on the input's scale
	Median    float64     // power × salience weighted median
	Mean      float64     // power × salience weighted mean
	Prob      [][]float64 // Prob[i][j]: probability that i prevails over j
	Risk      []float64   // R_i in -1..1
	RiskExp   []float64   // r_i = (1 - R_i/3) / (1 + R_i/3)
	EU        [][]float64 // EU[i][j]: i's expected utility of challenging j
	Offers    []EUOffer
	Accepted  []int // per actor, the index in Offers it accepts, or -1
}

// EUTrace is the expected-utility model's full record: per dimension, its
// rounds (the last holds only the final state's positions, median and mean).
type EUTrace struct {
	Dimensions []string
	Rounds     [][]EURound // [dimension][round]
}

// EU runs the expected-utility model of Bueno de Mesquita as Scholz,
// Calbert and Smith (2011) write it out, on each dimension independently
// (with each actor's salience on it), and returns the forecast with the
// full trace. docs/forecast.md gives the equations and the decisions taken
// where the paper is ambiguous.
func EU(in *Input, opt EUOptions) (*Forecast, *EUTrace, error) {
	if err := in.Validate(); err != nil {
		return nil, nil, err
	}
	rounds := opt.Rounds
	if rounds <= 0 {
		rounds = DefaultEURounds
	}
	q := 1.0
	if opt.Q != nil {
		q = *opt.Q
		if !(q >= 0 && q <= 1) {
			return nil, nil, accord.Errorf(accord.EINVALID, "forecast: Q is %v; it must lie in 0..1", q)
		}
	}
	variant := opt.Variant
	if variant == "" {
		variant = EUTable
	}
	if variant != EUTable && variant != EUText {
		return nil, nil, accord.Errorf(accord.EINVALID, "forecast: EU variant %q; want %q or %q", variant, EUTable, EUText)
	}
	na, nd := len(in.Actors), len(in.Dimensions)
	states := make([][][]float64, rounds+1)
	for s := range states {
		states[s] = make([][]float64, na)
		for i := range states[s] {
			states[s][i] = make([]float64, nd)
		}
	}
	tr := &EUTrace{Dimensions: append([]string(nil), in.Dimensions...), Rounds: make([][]EURound, nd)}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	m := &smpModel{workers: workers} // only for its worker pool
	m.parallel(nd, func(d int) {
		e := newEUDim(in, d, q, variant)
		x := make([]float64, na)
		for i, a := range in.Actors {
			x[i] = a.Position[d]
		}
		var rs []EURound
		for range rounds {
			r := e.round(x)
			rs = append(rs, r)
			x = r.next()
		}
		rs = append(rs, EURound{Positions: x, Median: WeightedMedian(x, e.w), Mean: WeightedMean(x, e.w)})
		tr.Rounds[d] = rs
		for s, r := range rs {
			for i := range na {
				states[s][i][d] = r.Positions[i]
			}
		}
	})
	return newForecast("eu", in, states), tr, nil
}

// euDim is the model on one dimension.
type euDim struct {
	c, s, w  []float64 // capability, salience (0..1), c·s
	lo, span float64   // the scale: positions are normalised by the input's range
	q        float64
	variant  string
}

func newEUDim(in *Input, d int, q float64, variant string) *euDim {
	e := &euDim{q: q, lo: math.Inf(1), variant: variant}
	hi := math.Inf(-1)
	for _, a := range in.Actors {
		e.c = append(e.c, a.Power)
		e.s = append(e.s, a.Salience[d]/100)
		e.w = append(e.w, a.Power*a.Salience[d]/100)
		e.lo = min(e.lo, a.Position[d])
		hi = max(hi, a.Position[d])
	}
	e.span = hi - e.lo
	return e
}

// next is the positions after the round: each actor at the offer it
// accepted, or where it was.
func (r *EURound) next() []float64 {
	out := append([]float64(nil), r.Positions...)
	for i, k := range r.Accepted {
		if k >= 0 {
			out[i] = r.Offers[k].Position
		}
	}
	return out
}
