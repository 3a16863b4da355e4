package forecast

import "math"

// round computes one round of the expected-utility model from positions x
// (Scholz et al. 2011; docs/forecast.md numbers the steps).
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
	r.Risk, r.RiskExp = riskExponents(e.utilities(x, r.Median, r.Prob, one))
	r.EU = e.utilities(x, r.Median, r.Prob, r.RiskExp)

	if e.variant == EUText {
		e.offersText(&r)
	} else {
		e.offersTable(&r)
	}
	return r
}

// offersText: every actor i that expects to gain by challenging j makes j
// an offer, classified by i's expected utility a = EU[i][j] (with r_i) and
// j's b = EU[j][i] (with r_j); each actor accepts the offer that moves it
// least.
func (e *euDim) offersText(r *EURound) {
	x := r.Positions
	for i := range x {
		for j := range x {
			if i == j || x[i] == x[j] {
				continue
			}
			if o, ok := classify(i, j, r.EU[i][j], r.EU[j][i], x); ok {
				r.Offers = append(r.Offers, o)
			}
		}
	}
	for k, o := range r.Offers {
		cur := r.Accepted[o.To]
		if cur < 0 || math.Abs(o.Position-x[o.To]) < math.Abs(r.Offers[cur].Position-x[o.To]) {
			r.Accepted[o.To] = k
		}
	}
}

// offersTable: each receiver j weighs every other actor i's challenge from
// its own point of view (both expected utilities with r_j); it accepts a
// confrontation it would lose before a compromise before a capitulation,
// the least move among confrontations or capitulations, and among
// compromises the one whose utility-weighted position
// (|EU_j| x_j + |EU_i| x_i) / (|EU_j| + |EU_i|) is least.
func (e *euDim) offersTable(r *EURound) {
	x := r.Positions
	rank := map[string]int{OfferConfrontation: 0, OfferCompromise: 1, OfferCapitulation: 2}
	for j := range x {
		best, bestKey := -1, 0.0
		rj := r.RiskExp[j]
		usq := riskU(0.5, rj)
		for i := range x {
			if i == j || x[i] == x[j] {
				continue
			}
			dij := e.dist(x[i], x[j])
			us, uf := riskU(0.5-0.5*dij, rj), riskU(0.5+0.5*dij, rj)
			a := e.combine(i, j, x, r.Median, r.Prob, rj, us, uf, usq)
			b := e.combine(j, i, x, r.Median, r.Prob, rj, us, uf, usq)
			o, ok := classify(i, j, a, b, x)
			if !ok {
				continue
			}
			key := math.Abs(o.Position - x[j])
			if o.Kind == OfferCompromise {
				key = (math.Abs(b)*x[j] + math.Abs(a)*x[i]) / (math.Abs(a) + math.Abs(b))
			}
			r.Offers = append(r.Offers, o)
			k := len(r.Offers) - 1
			if best < 0 || rank[o.Kind] < rank[r.Offers[best].Kind] ||
				(rank[o.Kind] == rank[r.Offers[best].Kind] && key < bestKey) {
				best, bestKey = k, key
			}
		}
		r.Accepted[j] = best
	}
}

// classify is i's offer to j when i's expected utility of challenging j is
// a and j's of challenging i is b: a confrontation j loses (a > b > 0, j
// moves to x_i), a compromise (a > 0 > b, a > |b|: j moves |b/a| of the way
// to x_i) or a capitulation (a > 0 > b, |b| >= a: j moves to x_i).
// Otherwise i makes j no offer.
func classify(i, j int, a, b float64, x []float64) (EUOffer, bool) {
	o := EUOffer{From: i, To: j, EUFrom: a, EUTo: b}
	switch {
	case a <= 0:
		return o, false // i gains nothing by challenging j
	case b > 0 && a > b:
		o.Kind, o.Position = OfferConfrontation, x[i]
	case b > 0:
		return o, false // j expects more from challenging i
	case a > -b:
		o.Kind = OfferCompromise
		o.Position = x[j] + (x[i]-x[j])*(-b/a)
	default:
		o.Kind, o.Position = OfferCapitulation, x[i]
	}
	return o, true
}

// dist is the distance between two positions on the normalised 0..1 scale.
func (e *euDim) dist(a, b float64) float64 { return math.Abs(a-b) / e.span }

// probabilities is P[i][j], the probability that i prevails over j: the
// votes v_k(i,j) = c_k s_k (d_kj - d_ki) for i over j of the actors who
// prefer i, divided by the sum of every vote's magnitude in the contest
// (i, j) (EUText, the printed equation) or in every contest between the
// actors' positions (EUTable).
func (e *euDim) probabilities(x []float64) [][]float64 {
	n := len(x)
	d := make([][]float64, n) // d[k][a] = d_ka
	for k := range n {
		d[k] = make([]float64, n)
		for a := range n {
			d[k][a] = e.dist(x[k], x[a])
		}
	}
	all := 0.0
	if e.variant != EUText {
		for k := range n {
			dk, sum := d[k], 0.0
			for a := range n {
				for b := range a {
					sum += math.Abs(dk[b] - dk[a])
				}
			}
			all += 2 * e.w[k] * sum // the contests (a, b) and (b, a)
		}
	}
	p := make([][]float64, n)
	for i := range n {
		p[i] = make([]float64, n)
		for j := range n {
			if x[i] == x[j] {
				continue // no contest
			}
			var pro, sum float64
			for k := range n {
				v := e.w[k] * (d[k][j] - d[k][i])
				if v > 0 {
					pro += v
				}
				sum += math.Abs(v)
			}
			if e.variant != EUText {
				sum = all
			}
			if sum > 0 {
				p[i][j] = pro / sum
			}
		}
	}
	return p
}

// utilities is EU[i][j], i's expected utility of challenging j with i's
// own risk exponent.
func (e *euDim) utilities(x []float64, med float64, p [][]float64, r []float64) [][]float64 {
	n := len(x)
	eu := make([][]float64, n)
	for i := range n {
		eu[i] = make([]float64, n)
		usq := riskU(0.5, r[i])
		for j := range n {
			if i != j {
				dij := e.dist(x[i], x[j])
				us, uf := riskU(0.5-0.5*dij, r[i]), riskU(0.5+0.5*dij, r[i])
				eu[i][j] = e.combine(i, j, x, med, p, r[i], us, uf, usq)
			}
		}
	}
	return eu
}

// eu is i's expected utility of challenging j, seen with risk exponent r:
//
//	EU = s_j (P U_s + (1-P) U_f) + (1 - s_j) U_s - Q U_sq - (1-Q)(T U_b + (1-T) U_w)
//
// with U_s = 2 - 4(0.5 - 0.5 d_ij)^r, U_f = 2 - 4(0.5 + 0.5 d_ij)^r,
// U_b = 2 - 4(0.5 - 0.25(d_iμ + d_ij))^r, U_w = 2 - 4(0.5 + 0.25(d_iμ + d_ij))^r,
// U_sq = 2 - 4·0.5^r, P = P[i][j], and T = 1 when j lies farther from i
// than the median μ does. The salience is always the challenged actor's:
// j's expected utility of challenging i is eu(j, i), with s_i, where the
// paper prints s_j.
func (e *euDim) eu(i, j int, x []float64, med float64, p [][]float64, r float64) float64 {
	dij := e.dist(x[i], x[j])
	us, uf, usq := riskU(0.5-0.5*dij, r), riskU(0.5+0.5*dij, r), riskU(0.5, r)
	return e.combine(i, j, x, med, p, r, us, uf, usq)
}

// combine is eu from its utilities of success, failure and status quo
// (which depend only on |x_i - x_j| and r, so a pair shares them).
func (e *euDim) combine(i, j int, x []float64, med float64, p [][]float64, r, us, uf, usq float64) float64 {
	pij := p[i][j]
	v := e.s[j]*(pij*us+(1-pij)*uf) + (1-e.s[j])*us - e.q*usq
	if e.q < 1 {
		dij, dim := e.dist(x[i], x[j]), e.dist(x[i], med)
		ub, uw := riskU(0.5-0.25*(dim+dij), r), riskU(0.5+0.25*(dim+dij), r)
		t := 0.0
		if dij > dim {
			t = 1
		}
		v -= (1 - e.q) * (t*ub + (1-t)*uw)
	}
	return v
}

// riskU is 2 - 4 v^r.
func riskU(v, r float64) float64 {
	if r == 1 {
		return 2 - 4*v
	}
	return 2 - 4*math.Pow(v, r)
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
