package negotiate

import (
	"math/big"
	"math/bits"
	"sort"
)

// frontierPoint is one class of frontier packages sharing a utility vector.
type frontierPoint struct {
	vec  []float64 // utilities of the objective parties
	pkg  []int     // a representative package
	mult uint64    // packages it stands for
}

// frontier is the Pareto frontier of the acceptable set over some parties.
type frontier struct {
	points []frontierPoint
	count  Count
}

// dominates reports whether a dominates b: ≥ everywhere and > somewhere,
// under the spec's tolerance.
func dominates(a, b []float64) bool {
	strict := false
	for i, v := range a {
		if v < b[i]-Tol {
			return false
		}
		strict = strict || v > b[i]+Tol
	}
	return strict
}

// paretoSearch enumerates the frontier of the packages every constrained
// party accepts, over the objective parties obj (space indices). A subtree is
// skipped when a package already found dominates the best it could offer.
// The budget counts search nodes plus the work of the dominance queries, so
// that it bounds time however large the frontier grows.
func paretoSearch(s *space, obj []int, budget int64) frontier {
	ps := &paretoState{s: s, w: s.newWalk(), obj: obj, budget: budget}
	ps.ub = make([][]float64, s.nd+1)
	for d := range ps.ub {
		ps.ub[d] = make([]float64, len(obj))
	}
	ps.order = make([][]int, s.nd)
	for d := range ps.order {
		n := len(s.classes[d])
		score := make([]float64, n)
		idx := make([]int, n)
		for c := range idx {
			idx[c] = c
			for _, p := range obj {
				score[c] += s.u[d][c*s.np+p]
			}
		}
		sort.SliceStable(idx, func(a, b int) bool { return score[idx[a]] > score[idx[b]] })
		ps.order[d] = idx
	}
	ps.idx = newDomIndex(len(obj))
	if !s.empty {
		ps.visit(0, 1)
	}
	// Every candidate was undominated when found; drop those a later one dominates.
	final := newDomIndex(len(obj))
	for _, f := range ps.points {
		final.add(f.vec)
	}
	kept := ps.points[:0]
	for i, f := range ps.points {
		if !final.dominated(f.vec, i) {
			kept = append(kept, f)
		}
	}
	ps.points = kept
	var total bigCount
	for _, f := range ps.points {
		total.add(f.mult)
	}
	n := total.value()
	res := frontier{points: ps.points, count: Count{Nodes: ps.nodes + ps.idx.work}}
	if ps.unexploredN.value().Sign() == 0 {
		res.count.Exact, res.count.Value, res.count.Lower, res.count.Upper = true, n, n, n
		return res
	}
	// Bounds: a point is certain when no unexplored subtree could dominate it.
	var sure bigCount
	for _, f := range ps.points {
		possible := false
		for _, u := range ps.unexplored {
			if dominatesOrTies(u, f.vec) {
				possible = true
				break
			}
		}
		if !possible {
			sure.add(f.mult)
		}
	}
	res.count.Lower = sure.value()
	if res.count.Lower.Sign() == 0 && len(ps.points) > 0 {
		res.count.Lower = big.NewInt(1) // a non-empty finite set has a frontier
	}
	res.count.Upper = new(big.Int).Add(n, ps.unexploredN.value())
	return res
}

// dominatesOrTies reports whether some vector ≤ ub could dominate v.
func dominatesOrTies(ub, v []float64) bool {
	for i := range ub {
		if !geq(ub[i], v[i]) {
			return false
		}
	}
	for i := range ub {
		if gt(ub[i], v[i]) {
			return true
		}
	}
	return false
}

const maxUnexploredVectors = 4096

type paretoState struct {
	s           *space
	w           *walk
	obj         []int
	ub          [][]float64
	order       [][]int
	points      []frontierPoint
	idx         *domIndex // every candidate found so far
	nodes       int64
	budget      int64
	unexplored  [][]float64
	unexploredN bigCount
}

func (ps *paretoState) visit(d int, mult uint64) {
	ps.nodes++
	w := ps.w
	if !w.feasible(d) {
		return
	}
	ub := ps.ub[d]
	for i, p := range ps.obj {
		ub[i] = w.ub(d, p)
	}
	if ps.idx.dominated(ub, -1) {
		return
	}
	if d == ps.s.nd {
		ps.add(append([]float64(nil), ub...), mult)
		return
	}
	if ps.nodes+ps.idx.work > ps.budget {
		ps.unexploredN.addMul(ps.s, mult, d)
		ps.noteUnexplored(ub)
		return
	}
	for _, c := range ps.order[d] {
		hi, m := bits.Mul64(mult, uint64(len(ps.s.classes[d][c].members)))
		if hi != 0 {
			panic("negotiate: package multiplicity overflows 64 bits")
		}
		w.down(d, c)
		ps.visit(d+1, m)
		w.up(d, c)
	}
}

// add records an undominated leaf. Points it dominates stay until the end:
// they are acceptable packages, so they may still prune.
func (ps *paretoState) add(v []float64, mult uint64) {
	ps.points = append(ps.points, frontierPoint{vec: v, pkg: ps.w.pkg(nil), mult: mult})
	ps.idx.add(v)
}

// noteUnexplored remembers the best an unexplored subtree could offer; past a
// cap, vectors are merged into their componentwise maximum (still a bound).
func (ps *paretoState) noteUnexplored(ub []float64) {
	v := append([]float64(nil), ub...)
	if len(ps.unexplored) < maxUnexploredVectors {
		ps.unexplored = append(ps.unexplored, v)
		return
	}
	last := ps.unexplored[len(ps.unexplored)-1]
	for i := range last {
		if v[i] > last[i] {
			last[i] = v[i]
		}
	}
}
