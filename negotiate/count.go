package negotiate

import (
	"math/big"
	"math/bits"
)

// Count is an exact count, or exact bounds when the node budget ran out.
type Count struct {
	Exact bool
	Value *big.Int // the count when Exact
	Lower *big.Int // always a true lower bound (Value when Exact)
	Upper *big.Int // always a true upper bound (Value when Exact)
	Nodes int64    // search nodes visited
}

// countAcceptable counts the packages every constrained party of s accepts.
// Subtrees wholly inside are counted by their size without being visited.
func countAcceptable(s *space, budget int64) Count {
	c := &counter{s: s, w: s.newWalk(), budget: budget}
	if !s.empty {
		c.visit(0, 1)
	}
	in := c.in.value()
	res := Count{Nodes: c.nodes, Lower: in, Upper: new(big.Int).Add(in, c.unexplored.value())}
	if c.unexplored.value().Sign() == 0 {
		res.Exact, res.Value = true, in
	}
	return res
}

type counter struct {
	s              *space
	w              *walk
	nodes, budget  int64
	in, unexplored bigCount
}

func (c *counter) visit(d int, mult uint64) {
	c.nodes++
	w := c.w
	if !w.feasible(d) {
		return
	}
	if w.allIn(d) {
		c.in.addMul(c.s, mult, d)
		return
	}
	if c.nodes > c.budget {
		c.unexplored.addMul(c.s, mult, d)
		return
	}
	for ci, cl := range c.s.classes[d] {
		hi, m := bits.Mul64(mult, uint64(len(cl.members)))
		if hi != 0 {
			panic("negotiate: package multiplicity overflows 64 bits")
		}
		w.down(d, ci)
		c.visit(d+1, m)
		w.up(d, ci)
	}
}
