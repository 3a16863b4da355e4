package forecast

import "math"

// smpState is one turn's view: positions (= ideals, KTAB's identity
// accommodation), distances, risk attitudes and every actor's estimate of
// every actor's utility for every position.
type smpState struct {
	m    *smpModel
	pos  [][]float64
	diff [][]float64   // diff[i][j]: i's salience-weighted distance to j's position
	risk []float64     // each actor's own risk attitude
	util [][][]float64 // util[h][i][j]: h's estimate of i's utility of j's position
}

// bargain is an initiator's proposal that it and its target adopt new
// positions. A bargain with init == rcvr is the status quo.
type bargain struct {
	init, rcvr       int
	posInit, posRcvr []float64
}

func (m *smpModel) newState(pos [][]float64) *smpState {
	s := &smpState{m: m, pos: pos}
	na := m.na
	s.diff = make([][]float64, na)
	for i := range na {
		s.diff[i] = make([]float64, na)
		for j := range na {
			s.diff[i][j] = salDiff(pos[i], pos[j], m.sal[i])
		}
	}
	// Risk attitudes from a risk-neutral election among the positions,
	// weighted by power alone.
	rn := make([][]float64, na)
	for i := range na {
		rn[i] = make([]float64, na)
		for j := range na {
			rn[i][j] = riskUtil(s.diff[i][j], 0)
		}
	}
	s.risk = bigRMid(condorcetPCE(m.cap, rn, na))
	// h's estimate of i's risk attitude: (2 r_h + r_i) / 3 (one third).
	s.util = make([][][]float64, na)
	for h := range na {
		s.util[h] = make([][]float64, na)
		for i := range na {
			rhi := (2*s.risk[h] + s.risk[i]) / 3
			row := make([]float64, na)
			for j := range na {
				row[j] = riskUtil(s.diff[i][j], rhi)
			}
			s.util[h][i] = row
		}
	}
	return s
}

// turn runs one turn of bargaining and returns the next positions.
func (m *smpModel) turn(pos [][]float64) [][]float64 {
	s := m.newState(pos)
	na := m.na
	// Each actor picks its most advantageous target and proposes a bargain.
	offers := make([]*bargain, na)
	m.parallel(na, func(i int) { offers[i] = s.challenge(i) })
	queues := make([][]*bargain, na)
	for k := range na {
		queues[k] = []*bargain{{init: k, rcvr: k}}
	}
	for _, b := range offers {
		if b != nil {
			queues[b.init] = append(queues[b.init], b)
			queues[b.rcvr] = append(queues[b.rcvr], b)
		}
	}
	// Each actor adopts the bargain that wins an election among all actors.
	next := make([][]float64, na)
	m.parallel(na, func(k int) { next[k] = s.choose(k, queues[k]) })
	return next
}

// challenge is actor i's best challenge, as a bargain, or nil when no
// challenge gains it anything (KTAB's doBCN for one actor, with the
// initiator-only interpolated bargain).
func (s *smpState) challenge(i int) *bargain {
	const minSigEDU = 1e-5
	best, bestEU, bestP := -1, -1.0, 0.0
	for j := range s.m.na {
		if j == i {
			continue
		}
		p, edu := s.probEduChlg(i, i, i, j)
		if edu > minSigEDU && edu > bestEU {
			best, bestEU, bestP = j, edu, p
		}
	}
	if best < 0 {
		return nil
	}
	return s.interpolate(i, best, bestP, 1-bestP)
}

// probEduChlg is h's estimate of the probability that i defeats j when i
// challenges j, and of the change in k's utility from that challenge
// against the status quo (KTAB's probEduChlg, semi-committed third parties).
func (s *smpState) probEduChlg(h, k, i, j int) (float64, float64) {
	m := s.m
	u := s.util[h]
	uii, uij, uji, ujj := u[i][i], u[i][j], u[j][i], u[j][j]
	euSQ := u[k][i] + u[k][j]
	uVict := 2 * u[k][i] // j adopts i's position
	uLoss := 2 * u[k][j] // i adopts j's position
	si, sj := m.salSum[i], m.salSum[j]

	chij, chji := 1e-10, 1e-10
	add := func(v float64) {
		if v > 0 {
			chij += v
		} else if v < 0 {
			chji -= v
		}
	}
	add(si * m.cap[i] * (uii - uij))
	add(sj * m.cap[j] * (uji - ujj))
	ci, cj := chij, chji // the principals' own contributions
	for n := range m.na {
		if n == i || n == j {
			continue
		}
		wn := m.salSum[n] * m.cap[n]
		uni, unj, unn := u[n][i], u[n][j], u[n][n]
		// n's estimate of the little contest (i+n : j).
		vn := wn * (uni - unj)
		cni, cnj := ci, cj
		if vn > 0 {
			cni += vn
		} else if vn < 0 {
			cnj -= vn
		}
		pin := cni / (cni + cnj)
		pjn := 1 - pin
		// Semi-commitment: n joining the winner keeps its own position.
		uJoinI := pin*(2*uni+unn) + pjn*3*unj
		uJoinJ := pin*3*uni + pjn*(2*unj+unn)
		add(wn * (uJoinI - uJoinJ))
	}
	pij := chij / (chij + chji)
	euContest := pij*uVict + (1-pij)*uLoss
	euChlg := (1-sj)*uVict + sj*euContest
	return pij, euChlg - euSQ
}

// interpolate is the bargain i proposes to j when i expects to win with
// probability pi (and j with pj): per dimension, positions weighted by
// squared salience × squared probability, each side keeping a tiny extra
// weight on its own position, rounded to 4 decimals (KTAB's S2P2).
func (s *smpState) interpolate(i, j int, pi, pj float64) *bargain {
	const minW = 1e-6
	m := s.m
	b := &bargain{init: i, rcvr: j, posInit: make([]float64, m.nd), posRcvr: make([]float64, m.nd)}
	for d := range m.nd {
		ti, tj := s.pos[i][d], s.pos[j][d]
		si, sj := m.sal[i][d], m.sal[j][d]
		wi := si * si * pi * pi
		wj := sj * sj * pj * pj
		b.posInit[d] = round4(((wi+minW)*ti + wj*tj) / (wi + minW + wj))
		b.posRcvr[d] = round4((wi*ti + (minW+wj)*tj) / (wi + minW + wj))
	}
	return b
}

func round4(x float64) float64 { return float64(int(0.5+x*10000)) / 10000 }

// choose is the position actor k adopts: the bargain in its queue most
// likely to win an election in which every actor votes, by power, its
// utility of the state the bargain would bring (KTAB's
// updateBestBrgnPositions, deterministic transitions).
func (s *smpState) choose(k int, queue []*bargain) []float64 {
	m := s.m
	na, nb := m.na, len(queue)
	u := make([][]float64, na)
	for a := range na {
		own := s.util[a][a]
		sum := 0.0
		for _, x := range own {
			sum += x
		}
		row := make([]float64, nb)
		for bi, b := range queue {
			if b.init == b.rcvr {
				row[bi] = sum / float64(na)
				continue
			}
			v := sum - own[b.init] - own[b.rcvr]
			v += riskUtil(salDiff(s.pos[a], b.posInit, m.sal[a]), s.risk[a])
			v += riskUtil(salDiff(s.pos[a], b.posRcvr, m.sal[a]), s.risk[a])
			row[bi] = v / float64(na)
		}
		u[a] = row
	}
	p := condorcetPCE(m.cap, u, nb)
	best, bp := 0, -1.0
	for bi, x := range p {
		if math.Abs(x) > bp {
			best, bp = bi, math.Abs(x)
		}
	}
	b := queue[best]
	switch {
	case b.init == b.rcvr:
		return append([]float64(nil), s.pos[k]...)
	case b.init == k:
		return append([]float64(nil), b.posInit...)
	default:
		return append([]float64(nil), b.posRcvr...)
	}
}
