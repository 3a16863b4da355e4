package forecast

import "math"

// round computes one round of the expected-utility model from positions x
// (Scholz et al. 2011, section 2; the equation numbers in docs/forecast.md).
func (e *euDim) round(x []float64) EURound {
	n := len(x)
	r := EURound{
		Positions: append([]float64(nil), x...),
		Median:    WeightedMedian(x, e.w),
		Mean:      WeightedMean(x, e.w),
		Accepted:  make([]int, n),
	}
	for i := range r.Accepted {
		r.Accepted[i] = -1
	}
	if e.span <= 0 {
		return r // every actor at one point: nothing to bargain over
	}
	r.Prob = e.probabilities(x)

	// Risk: security levels from risk-neutral expected utilities (r = 1).
	one := make([]float64, n)
	for i := range one {
		one[i] = 1
	}
	eu1 := e.utilities(x, r.Median, r.Prob, one)
	r.Risk, r.RiskExp = riskExponents(eu1)
	r.EU = e.utilities(x, r.Median, r.Prob, r.RiskExp)

	// Offers.
	for i := range n {
		for j := range n {
			if i == j || x[i] == x[j] {
				continue
			}
			a, b := r.EU[i][j], r.EU[j][i]
			if a <= 0 {
				continue // i gains nothing by challenging j
			}
			o := EUOffer{From: i, To: j, EUFrom: a, EUTo: b}
			switch {
			case b > 0 && a > b:
				o.Kind, o.Position = OfferConfrontation, x[i]
			case b > 0:
				continue // j expects more from challenging i: j's offer, not i's
			case a > -b:
				o.Kind = OfferCompromise
				o.Position = x[j] + (x[i]-x[j])*(-b/a)
			default:
				o.Kind, o.Position = OfferCapitulation, x[i]
			}
			r.Offers = append(r.Offers, o)
		}
	}
	// Each actor accepts the offer that moves it least.
	for k, o := range r.Offers {
		cur := r.Accepted[o.To]
		if cur < 0 || math.Abs(o.Position-x[o.To]) < math.Abs(r.Offers[cur].Position-x[o.To]) {
			r.Accepted[o.To] = k
		}
	}
	return r
}

// dist is the distance between two positions on the normalised 0..1 scale.
func (e *euDim) dist(a, b float64) float64 { return math.Abs(a-b) / e.span }

// probabilities is P[i][j], the probability that i prevails over j: the
// votes v_k(i,j) = c_k s_k (|x_k - x_j| - |x_k - x_i|) for i summed over the
// actors voting for i, over the sum of every vote's magnitude.
func (e *euDim) probabilities(x []float64) [][]float64 {
	n := len(x)
	p := make([][]float64, n)
	for i := range n {
		p[i] = make([]float64, n)
		for j := range n {
			var pro, all float64
			for k := range n {
				v := e.w[k] * (e.dist(x[k], x[j]) - e.dist(x[k], x[i]))
				if v > 0 {
					pro += v
				}
				all += math.Abs(v)
			}
			if all > 0 {
				p[i][j] = pro / all
			} else {
				p[i][j] = 0.5
			}
		}
	}
	return p
}

// utilities is EU[i][j], i's expected utility of challenging j, with risk
// exponents r:
//
//	EU = s_j (P U_s + (1-P) U_f) + (1 - s_j) U_s - Q U_sq - (1-Q)(T U_b + (1-T) U_w)
//
// with U_s = 2 - 4(0.5 - 0.5 d_ij)^r_i, U_f = 2 - 4(0.5 + 0.5 d_ij)^r_i,
// U_b = 2 - 4(0.5 - 0.25(d_iμ + d_ij))^r_i, U_w = 2 - 4(0.5 + 0.25(d_iμ + d_ij))^r_i,
// U_sq = 2 - 4·0.5^r_i, and T = 1 when j lies farther from i than the
// median μ does. The same function gives j's expected utility of
// challenging i, with s_i in place of s_j (the symmetry the paper's
// printed formula breaks).
func (e *euDim) utilities(x []float64, med float64, p [][]float64, r []float64) [][]float64 {
	n := len(x)
	eu := make([][]float64, n)
	for i := range n {
		eu[i] = make([]float64, n)
		ri := r[i]
		u := func(v float64) float64 {
			if ri == 1 {
				return 2 - 4*v
			}
			return 2 - 4*math.Pow(v, ri)
		}
		dim := e.dist(x[i], med)
		usq := u(0.5)
		for j := range n {
			if i == j {
				continue
			}
			dij := e.dist(x[i], x[j])
			us, uf := u(0.5-0.5*dij), u(0.5+0.5*dij)
			ub, uw := u(0.5-0.25*(dim+dij)), u(0.5+0.25*(dim+dij))
			t := 0.0
			if dij > dim {
				t = 1
			}
			pij := p[i][j]
			eu[i][j] = e.s[j]*(pij*us+(1-pij)*uf) + (1-e.s[j])*us -
				e.q*usq - (1-e.q)*(t*ub+(1-t)*uw)
		}
	}
	return eu
}

// riskExponents turns risk-neutral expected utilities into each actor's
// risk attitude R_i and exponent r_i. An actor's vulnerability is what the
// others expect to gain by challenging it, Σ_j EU[j][i]; R_i places it
// between the least (-1) and the most (+1) vulnerable actor, and
// r_i = (1 - R_i/3) / (1 + R_i/3) lies in 0.5..2.
func riskExponents(eu [][]float64) (R, r []float64) {
	n := len(eu)
	v := make([]float64, n)
	for i := range n {
		for j := range n {
			if j != i {
				v[i] += eu[j][i]
			}
		}
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
	}
	R = make([]float64, n)
	r = make([]float64, n)
	for i := range n {
		if hi > lo {
			R[i] = (2*v[i] - hi - lo) / (hi - lo)
		}
		r[i] = (1 - R[i]/3) / (1 + R[i]/3)
	}
	return R, r
}
