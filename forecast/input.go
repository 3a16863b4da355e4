package forecast

import (
	"math"

	"github.com/accord-peace/accord"
)

// Input is what every model reads: the actors and the dimensions they
// bargain on.
type Input struct {
	Name        string
	Description string
	Dimensions  []string
	Actors      []Actor
}

// Actor is one side of the bargaining.
type Actor struct {
	Name        string
	Description string
	// Power is the actor's capability, >= 0, on any scale (only ratios
	// matter).
	Power float64
	// Position per dimension, on the input's scale (0..100 in KTAB's files).
	Position []float64
	// Salience per dimension, 0..100: the share of the actor's attention
	// the dimension takes; an actor's saliences sum to at most 100.
	Salience []float64
}

// Validate reports the first problem that would make a model meaningless:
// fewer than two actors, no dimension, a vector of the wrong length, a
// number that is not finite, a negative power, a salience outside 0..100 or
// saliences summing over 100.
func (in *Input) Validate() error {
	if len(in.Dimensions) == 0 {
		return accord.Errorf(accord.EINVALID, "forecast: no dimension")
	}
	if len(in.Actors) < 2 {
		return accord.Errorf(accord.EINVALID, "forecast: %d actor(s); a forecast needs at least two", len(in.Actors))
	}
	nd := len(in.Dimensions)
	for _, a := range in.Actors {
		if len(a.Position) != nd || len(a.Salience) != nd {
			return accord.Errorf(accord.EINVALID, "forecast: actor %q has %d position(s) and %d salience(s) for %d dimension(s)", a.Name, len(a.Position), len(a.Salience), nd)
		}
		if !finite(a.Power) || a.Power < 0 || a.Power > MaxPower {
			return accord.Errorf(accord.EINVALID, "forecast: actor %q has power %v; it must lie in 0..%g", a.Name, a.Power, MaxPower)
		}
		sum := 0.0
		for d := range nd {
			if !finite(a.Position[d]) {
				return accord.Errorf(accord.EINVALID, "forecast: actor %q has position %v on %q", a.Name, a.Position[d], in.Dimensions[d])
			}
			s := a.Salience[d]
			if !finite(s) || s < 0 || s > 100 {
				return accord.Errorf(accord.EINVALID, "forecast: actor %q has salience %v on %q; it must lie in 0..100", a.Name, s, in.Dimensions[d])
			}
			sum += s
		}
		if sum > 100+1e-9 {
			return accord.Errorf(accord.EINVALID, "forecast: actor %q has saliences summing to %g, over 100", a.Name, sum)
		}
	}
	return nil
}

// MaxPower bounds an actor's power, so that sums of votes cannot overflow;
// only ratios of powers matter.
const MaxPower = 1e12

// ActorNames lists the actors' names in input order.
func (in *Input) ActorNames() []string {
	out := make([]string, len(in.Actors))
	for i, a := range in.Actors {
		out[i] = a.Name
	}
	return out
}

// positions copies the input's positions as a state: [actor][dimension].
func (in *Input) positions() [][]float64 {
	out := make([][]float64, len(in.Actors))
	for i, a := range in.Actors {
		out[i] = append([]float64(nil), a.Position...)
	}
	return out
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
