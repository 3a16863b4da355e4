package forecast

// KTAB's probabilistic Condorcet election (kmodel.cpp: coalitions, vProb,
// condPCE) with the proportional voting rule and the linear victory
// probability: actors of weight w vote between options according to their
// utilities u[actor][option].

// minCoalition is KTAB's floor on a coalition's strength.
const minCoalition = 1e-8

// condorcetPCE returns the probability that each option wins the election:
// every pair of options (a, b) is contested by the coalitions
// c(a,b) = Σ_k max(0, w_k (u_ka - u_kb)) (plus a floor) and c(b,a), a beats
// b with probability c(a,b) / (c(a,b) + c(b,a)), and an option's chance is
// its probability of beating every other, normalised over the options
// (KTAB's "conditional" PCE).
func condorcetPCE(w []float64, u [][]float64, nOpt int) []float64 {
	p := make([]float64, nOpt)
	for i := range p {
		p[i] = 1
	}
	for i := range nOpt {
		for j := range i {
			cij, cji := minCoalition, minCoalition
			for k := range w {
				v := w[k] * (u[k][i] - u[k][j])
				if v > 0 {
					cij += v
				} else if v < 0 {
					cji -= v
				}
			}
			pij := cij / (cij + cji)
			p[i] *= pij
			p[j] *= 1 - pij
		}
	}
	// The diagonal's 0.5 multiplies every option alike and cancels in the
	// normalisation.
	sum := 0.0
	for _, x := range p {
		sum += x
	}
	for i := range p {
		p[i] /= sum
	}
	return p
}

// bigRMid is KTAB's risk attitude from the election's probabilities on the
// "mid" range -0.5..1: (3p - (pMax + 2 pMin)) / (2 (pMax - pMin)). With
// every probability equal, every actor is risk-neutral.
func bigRMid(p []float64) []float64 {
	lo, hi := 1.0, 0.0
	for _, x := range p {
		lo = min(lo, x)
		hi = max(hi, x)
	}
	r := make([]float64, len(p))
	if hi-lo <= 0 {
		return r
	}
	for i, x := range p {
		r[i] = (3*x - (hi + 2*lo)) / (2 * (hi - lo))
	}
	return r
}
