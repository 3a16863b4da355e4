package negotiate

import "math"

// bridgeResult is the nearest acceptable package to a proposal.
type bridgeResult struct {
	Found   bool
	Exact   bool
	Changes int
	Nash    float64
	Package []int
	Nodes   int64
}

// bridge finds a member of the acceptable set at the least number of changed
// issues from prop (an option per issue), ties to the larger Nash product. It
// deepens the number of changes allowed one at a time, so the first depth that
// holds a member is the minimum.
func bridge(s *space, prop []int, budget int64) bridgeResult {
	b := &bridgeState{s: s, w: s.newWalk(), prop: prop, budget: budget}
	b.same = make([][]bool, s.nd)
	for d := range s.classes {
		b.same[d] = make([]bool, len(s.classes[d]))
		for c, cl := range s.classes[d] {
			for _, o := range cl.members {
				if o == prop[s.issue[d]] {
					b.same[d][c] = true
				}
			}
		}
	}
	// minChanges[d]: changes forced below depth d (issues whose proposed option is out).
	b.forced = make([]int, s.nd+1)
	for d := s.nd - 1; d >= 0; d-- {
		b.forced[d] = b.forced[d+1] + 1
		for _, ok := range b.same[d] {
			if ok {
				b.forced[d]--
				break
			}
		}
	}
	res := bridgeResult{Exact: true}
	if s.empty {
		return res
	}
	for k := b.forced[0]; k <= s.nd; k++ {
		b.limit = k
		b.visit(0, 0)
		if b.have || b.nodes > budget {
			break
		}
	}
	res.Found, res.Nash, res.Package, res.Nodes = b.have, b.bestNash, b.bestPkg, b.nodes
	res.Changes = b.limit
	res.Exact = b.nodes <= budget
	return res
}

type bridgeState struct {
	s        *space
	w        *walk
	prop     []int
	same     [][]bool // [depth][class]: the class holds the proposed option
	forced   []int
	limit    int
	have     bool
	bestNash float64
	bestPkg  []int
	nodes    int64
	budget   int64
}

func (b *bridgeState) visit(d, changes int) {
	b.nodes++
	s, w := b.s, b.w
	if changes+b.forced[d] > b.limit || !w.feasible(d) || b.nodes > b.budget {
		return
	}
	if b.have {
		bound := 1.0
		for p, c := range s.constrained {
			if c {
				bound *= math.Max(w.ub(d, p)-s.batna[p], 0)
			}
		}
		if bound <= b.bestNash {
			return
		}
	}
	if d == s.nd {
		nash := 1.0
		for p, c := range s.constrained {
			if c {
				nash *= surplus(w.sum[d][p], s.batna[p])
			}
		}
		if !b.have || nash > b.bestNash {
			b.have, b.bestNash, b.bestPkg = true, nash, w.pkg(b.prop)
		}
		return
	}
	// The proposed option first: it costs nothing.
	for pass := 0; pass < 2; pass++ {
		for c := range s.classes[d] {
			if b.same[d][c] != (pass == 0) {
				continue
			}
			cost := 0
			if pass == 1 {
				cost = 1
			}
			w.down(d, c)
			b.visit(d+1, changes+cost)
			w.up(d, c)
		}
	}
}
