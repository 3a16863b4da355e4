package negotiate

import (
	"math"
	"sort"
)

// objective names what an optimisation maximises over the acceptable set.
type objective int

const (
	objParty  objective = iota // one party's utility (M_i of common security)
	objNash                    // Π (U_i − d_i)
	objUtil                    // Σ U_i
	objCommon                  // min_i g_i, ties by Nash
)

// optimum is the result of an optimisation.
type optimum struct {
	Found   bool    // the acceptable set is not empty
	Exact   bool    // the search finished: Value is the optimum
	Value   float64 // objective value of Package
	Nash    float64 // Nash product of Package
	Package []int   // option per issue
	Bound   float64 // when !Exact: an upper bound on the optimum
	Nodes   int64
}

// optimizer is a depth-first branch and bound over a space. Bounds combine
// each party's own best case with a separable relaxation: a weighted sum of
// the parties' utilities, maximised issue by issue, bounds the Nash product
// (through the tangent of the log at the incumbent) and the common-security
// minimum (through a convex combination of the parties' gains).
type optimizer struct {
	s      *space
	w      *walk
	kind   objective
	target int       // objParty: the space party
	scale  []float64 // objCommon: M_p − d_p, 0 when the party's gain is fixed
	lambda []float64 // objCommon: weights of the convex combination

	coef  []float64 // separable relaxation: Σ coef_p · U_p
	sep   []float64 // [depth] Σ over deeper-or-equal depths of the best class
	order [][]int   // [depth] classes by decreasing relaxation score

	have            bool
	best, bestNash  float64
	bestPkg         []int
	nodes, budget   int64
	exhausted       bool
	unexploredBound float64
}

func newOptimizer(s *space, kind objective, budget int64) *optimizer {
	o := &optimizer{s: s, w: s.newWalk(), kind: kind, budget: budget, unexploredBound: math.Inf(-1)}
	o.coef = make([]float64, s.np)
	return o
}

// run searches; the caller has set target, scale and lambda as needed.
func (o *optimizer) run() optimum {
	s := o.s
	switch o.kind {
	case objParty:
		o.coef[o.target] = 1
	case objUtil:
		for p, c := range s.constrained {
			if c {
				o.coef[p] = 1
			}
		}
	case objNash:
		w := o.w
		for p, c := range s.constrained {
			if c {
				o.coef[p] = 1 / math.Max(w.ub(0, p)-s.batna[p], 1e-6)
			}
		}
	case objCommon:
		for p := range s.constrained {
			if o.scale[p] > 0 {
				o.coef[p] = o.lambda[p] / o.scale[p]
			}
		}
	}
	o.relax()
	if !s.empty {
		o.visit(0)
	}
	res := optimum{Found: o.have, Exact: !o.exhausted, Value: o.best, Nash: o.bestNash, Nodes: o.nodes}
	if o.have {
		res.Package = o.bestPkg
	}
	if o.exhausted {
		res.Bound = math.Max(o.best, o.unexploredBound)
	}
	return res
}

// relax recomputes the separable relaxation and the branching order.
func (o *optimizer) relax() {
	s := o.s
	o.sep = make([]float64, s.nd+1)
	order := make([][]int, s.nd)
	for d := s.nd - 1; d >= 0; d-- {
		n := len(s.classes[d])
		score := make([]float64, n)
		best := math.Inf(-1)
		for c := 0; c < n; c++ {
			v := 0.0
			for p, k := range o.coef {
				if k != 0 {
					v += k * s.u[d][c*s.np+p]
				}
			}
			score[c] = v
			best = math.Max(best, v)
		}
		if n == 0 {
			best = 0
		}
		o.sep[d] = o.sep[d+1] + best
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return score[idx[a]] > score[idx[b]] })
		order[d] = idx
	}
	o.order = order
}

// linear is Σ coef_p · (decided utility + pending positive bonus − offset_p)
// + the relaxation of the issues below d: an upper bound on Σ coef_p (U_p − offset_p).
func (o *optimizer) linear(d int, offset []float64) float64 {
	w := o.w
	v := o.sep[d]
	for p, k := range o.coef {
		if k != 0 {
			v += k * (w.sum[d][p] + w.pos[d][p] - offset[p])
		}
	}
	return v
}

// nashBound bounds the Nash product below depth d.
func (o *optimizer) nashBound(d int, tangent bool) float64 {
	s, w := o.s, o.w
	prod := 1.0
	for p, c := range s.constrained {
		if c {
			prod *= math.Max(w.ub(d, p)-s.batna[p], 0)
		}
	}
	if !tangent || prod == 0 {
		return prod
	}
	// log Π x_p ≤ Σ log a_p − P + Σ x_p / a_p, with coef_p = 1/a_p.
	logA, n := 0.0, 0.0
	for p, c := range s.constrained {
		if c {
			logA -= math.Log(o.coef[p])
			n++
		}
	}
	return math.Min(prod, math.Exp(logA-n+o.linear(d, s.batna)))
}

// commonBound bounds min_p g_p below depth d.
func (o *optimizer) commonBound(d int) float64 {
	s, w := o.s, o.w
	b := math.Inf(1)
	for p, c := range s.constrained {
		if c && o.scale[p] > 0 {
			b = math.Min(b, (w.ub(d, p)-s.batna[p])/o.scale[p])
		}
	}
	if math.IsInf(b, 1) {
		return 1
	}
	return math.Min(b, o.linear(d, s.batna))
}

// bound returns an upper bound of the objective below depth d.
func (o *optimizer) bound(d int) float64 {
	s, w := o.s, o.w
	switch o.kind {
	case objParty:
		return w.ub(d, o.target)
	case objUtil:
		return o.linear(d, make([]float64, s.np))
	case objNash:
		return o.nashBound(d, true)
	default:
		return o.commonBound(d)
	}
}

// prune reports whether nothing below depth d can beat the incumbent.
func (o *optimizer) prune(d int) bool {
	if !o.have {
		return false
	}
	b := o.bound(d)
	if o.kind != objCommon {
		return b <= o.best
	}
	if b < o.best-Tol {
		return true
	}
	return b <= o.best+Tol && o.nashBound(d, false) <= o.bestNash
}

func (o *optimizer) visit(d int) {
	o.nodes++
	w := o.w
	if !w.feasible(d) || o.prune(d) {
		return
	}
	if d == o.s.nd {
		o.leaf()
		return
	}
	if o.nodes > o.budget {
		o.exhausted = true
		o.unexploredBound = math.Max(o.unexploredBound, o.bound(d))
		return
	}
	for _, c := range o.order[d] {
		w.down(d, c)
		o.visit(d + 1)
		w.up(d, c)
	}
}

func (o *optimizer) leaf() {
	s, w := o.s, o.w
	d := s.nd
	nash := 1.0
	for p, c := range s.constrained {
		if c {
			nash *= surplus(w.sum[d][p], s.batna[p])
		}
	}
	var v float64
	switch o.kind {
	case objParty:
		v = w.sum[d][o.target]
	case objUtil:
		for p, c := range s.constrained {
			if c {
				v += w.sum[d][p]
			}
		}
	case objNash:
		v = nash
	case objCommon:
		v = o.gain(d)
	}
	better := !o.have || v > o.best
	if o.kind == objCommon && o.have {
		better = gt(v, o.best) || (geq(v, o.best) && nash > o.bestNash)
	}
	if !better {
		return
	}
	o.have, o.best, o.bestNash, o.bestPkg = true, v, nash, w.pkg(nil)
	if o.kind == objNash {
		o.retune(d)
	}
}

// gain is min_p g_p of the package at the leaf.
func (o *optimizer) gain(d int) float64 {
	s, w := o.s, o.w
	g := 1.0
	for p, c := range s.constrained {
		if c && o.scale[p] > 0 {
			g = math.Min(g, (w.sum[d][p]-s.batna[p])/o.scale[p])
		}
	}
	return g
}

// retune moves the Nash tangent to the new incumbent, where it is tight.
func (o *optimizer) retune(d int) {
	s, w := o.s, o.w
	for p, c := range s.constrained {
		if c && w.sum[d][p]-s.batna[p] <= 1e-9 {
			return
		}
	}
	for p, c := range s.constrained {
		if c {
			o.coef[p] = 1 / (w.sum[d][p] - s.batna[p])
		}
	}
	o.relax()
}

// commonWeights chooses the convex combination for the common-security bound
// by multiplicative weights on the relaxation at the root: any choice is a
// valid bound; a good one is tight.
func commonWeights(s *space, scale []float64) []float64 {
	lambda := make([]float64, s.np)
	avg := make([]float64, s.np)
	n := 0.0
	for p, c := range s.constrained {
		if c && scale[p] > 0 {
			n++
		}
	}
	if n == 0 {
		return lambda
	}
	for p, c := range s.constrained {
		if c && scale[p] > 0 {
			lambda[p] = 1 / n
		}
	}
	const rounds, eta = 200, 0.5
	g := make([]float64, s.np)
	for t := 0; t < rounds; t++ {
		for p := range g {
			g[p] = s.base[p] - s.batna[p]
		}
		for d := 0; d < s.nd; d++ {
			best, bc := math.Inf(-1), 0
			for c := range s.classes[d] {
				v := 0.0
				for p, l := range lambda {
					if l != 0 {
						v += l / scale[p] * s.u[d][c*s.np+p]
					}
				}
				if v > best {
					best, bc = v, c
				}
			}
			for p := range g {
				if len(s.classes[d]) > 0 {
					g[p] += s.u[d][bc*s.np+p]
				}
			}
		}
		sum := 0.0
		for p, l := range lambda {
			if l != 0 {
				lambda[p] = l * math.Exp(-eta*g[p]/scale[p])
				sum += lambda[p]
			}
		}
		for p := range lambda {
			lambda[p] /= sum
			avg[p] += lambda[p] / rounds
		}
	}
	return avg
}
