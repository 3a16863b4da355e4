package forecast

import (
	"slices"
)

// Weight is an actor's weight on a dimension in the compromise model and in
// the median and mean: power × salience.
func Weight(a *Actor, d int) float64 { return a.Power * a.Salience[d] }

// Means is the power × salience weighted mean of the positions in a state
// ([actor][dimension]), per dimension: the compromise model's forecast. A
// dimension on which every weight is zero gets the plain mean.
func Means(in *Input, state [][]float64) []float64 {
	out := make([]float64, len(in.Dimensions))
	for d := range out {
		xs, ws := column(in, state, d)
		out[d] = WeightedMean(xs, ws)
	}
	return out
}

// Medians is the power × salience weighted median of the positions in a
// state, per dimension (see WeightedMedian).
func Medians(in *Input, state [][]float64) []float64 {
	out := make([]float64, len(in.Dimensions))
	for d := range out {
		xs, ws := column(in, state, d)
		out[d] = WeightedMedian(xs, ws)
	}
	return out
}

func column(in *Input, state [][]float64, d int) (xs, ws []float64) {
	xs = make([]float64, len(in.Actors))
	ws = make([]float64, len(in.Actors))
	for i := range in.Actors {
		xs[i] = state[i][d]
		ws[i] = Weight(&in.Actors[i], d)
	}
	return xs, ws
}

// WeightedMean is Σ w·x / Σ w; when every weight is zero, the plain mean.
func WeightedMean(xs, ws []float64) float64 {
	var sw, swx, sx float64
	for i, x := range xs {
		sw += ws[i]
		swx += ws[i] * x
		sx += x
	}
	if sw <= 0 {
		return sx / float64(len(xs))
	}
	return swx / sw
}

// WeightedMedian is the position that beats every other in a pairwise vote
// where each actor votes its weight for the nearer position: the smallest
// position at which the cumulative weight reaches half the total. When the
// cumulative weight equals half exactly, every point between that position
// and the next ties; the median is then their midpoint. With every weight
// zero, the plain median.
func WeightedMedian(xs, ws []float64) float64 {
	n := len(xs)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case xs[a] < xs[b]:
			return -1
		case xs[a] > xs[b]:
			return 1
		}
		return 0
	})
	total := 0.0
	for _, w := range ws {
		total += w
	}
	if total <= 0 {
		ws = make([]float64, n)
		for i := range ws {
			ws[i] = 1
		}
		total = float64(n)
	}
	half := total / 2
	cum := 0.0
	const tol = 1e-12
	for k, i := range idx {
		cum += ws[i]
		if cum >= half-tol*total {
			if cum <= half+tol*total {
				// Exactly half: the next distinct position ties.
				for _, j := range idx[k+1:] {
					if ws[j] > 0 {
						return (xs[i] + xs[j]) / 2
					}
				}
			}
			return xs[i]
		}
	}
	return xs[idx[n-1]]
}
