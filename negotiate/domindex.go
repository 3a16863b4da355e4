package negotiate

import "sort"

// domIndex answers "does a stored point dominate q?" for the Pareto search.
// Points sit in k-d trees whose nodes keep the componentwise maximum of their
// points, so a query skips every subtree that cannot reach q. Insertions go
// to a short buffer, then into trees of doubling sizes that merge like the
// digits of a binary counter (Bentley–Saxe), so each point is rebuilt only
// O(log n) times. The last dominator found is tried first: neighbouring
// packages of the depth-first search share dominators.
type domIndex struct {
	dim    int
	pts    [][]float64
	buf    []int // indices not yet in a tree
	trees  []*kdTree
	recent int   // index of the last dominator, or -1
	work   int64 // points compared and tree nodes visited: the cost of the queries
}

type kdTree struct {
	perm  []int // point indices in tree order
	nodes []kdNode
}

type kdNode struct {
	lo, hi      int       // range of perm
	left, right int       // child nodes, -1 for a leaf
	max         []float64 // componentwise maximum of the node's points
}

const (
	kdLeaf   = 8
	kdBuffer = 32
)

func newDomIndex(dim int) *domIndex { return &domIndex{dim: dim, recent: -1} }

func (x *domIndex) add(v []float64) {
	x.buf = append(x.buf, len(x.pts))
	x.pts = append(x.pts, v)
	if len(x.buf) < kdBuffer {
		return
	}
	perm := x.buf
	x.buf = nil
	for len(x.trees) > 0 && len(x.trees[len(x.trees)-1].perm) <= len(perm) {
		perm = append(perm, x.trees[len(x.trees)-1].perm...)
		x.trees = x.trees[:len(x.trees)-1]
	}
	x.trees = append(x.trees, x.build(perm))
}

func (x *domIndex) build(perm []int) *kdTree {
	t := &kdTree{perm: append([]int(nil), perm...)}
	x.buildNode(t, 0, len(perm), 0)
	return t
}

func (x *domIndex) buildNode(t *kdTree, lo, hi, depth int) int {
	id := len(t.nodes)
	t.nodes = append(t.nodes, kdNode{lo: lo, hi: hi, left: -1, right: -1})
	mx := append([]float64(nil), x.pts[t.perm[lo]]...)
	for _, i := range t.perm[lo+1 : hi] {
		for d, v := range x.pts[i] {
			mx[d] = max(mx[d], v)
		}
	}
	t.nodes[id].max = mx
	if hi-lo > kdLeaf {
		d := depth % x.dim
		sub := t.perm[lo:hi]
		sort.Slice(sub, func(a, b int) bool { return x.pts[sub[a]][d] < x.pts[sub[b]][d] })
		mid := (lo + hi) / 2
		l := x.buildNode(t, lo, mid, depth+1)
		r := x.buildNode(t, mid, hi, depth+1)
		t.nodes[id].left, t.nodes[id].right = l, r
	}
	return id
}

// dominated reports whether some stored point other than skip dominates q.
func (x *domIndex) dominated(q []float64, skip int) bool {
	if x.recent >= 0 && x.recent != skip && dominates(x.pts[x.recent], q) {
		return true
	}
	x.work += int64(len(x.buf))
	for _, i := range x.buf {
		if i != skip && dominates(x.pts[i], q) {
			x.recent = i
			return true
		}
	}
	for j := len(x.trees) - 1; j >= 0; j-- {
		if x.search(x.trees[j], 0, q, skip) {
			return true
		}
	}
	return false
}

func (x *domIndex) search(t *kdTree, id int, q []float64, skip int) bool {
	n := &t.nodes[id]
	x.work++
	for d, v := range n.max {
		if v < q[d]-Tol {
			return false
		}
	}
	if n.left < 0 {
		x.work += int64(n.hi - n.lo)
		for _, i := range t.perm[n.lo:n.hi] {
			if i != skip && dominates(x.pts[i], q) {
				x.recent = i
				return true
			}
		}
		return false
	}
	// The upper half first: its points are larger on the split dimension.
	return x.search(t, n.right, q, skip) || x.search(t, n.left, q, skip)
}
