package geo

import (
	"math"
	"slices"
	"sync"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// distLevel is the level of the S2 cells (about 2 km across) by which
// distCache keeps candidate edges, and distCells how many it keeps at most
// (beyond them a distance is searched in the blocks, uncached).
const (
	distLevel = 12
	distCells = 1 << 15
)

// distMargin (radians, about 6 mm) widens the bounds of distCache beyond
// the rounding of the distances they are computed from.
const distMargin = 1e-9

// distCache answers DistanceM where the cover keeps no edges (its certain
// cells): per S2 cell of level distLevel met, filled on first use, the
// edges that can be nearest to a point of the cell, nearest to its centre
// first. For a cell of centre c and radius r whose centre is dc from the
// line, every point q of the cell is within dc + r of the line, and an
// edge at d from c is at least d − |qc| from q: only edges within dc + 2r
// of c can be nearest to q, and once the best distance found for q is
// less than d − |qc|, no edge from there on can be nearer. The distance found is thus
// the least over all the edges of the same s2.UpdateMinDistance values the
// block search computes, bit for bit; the cache changes the cost, never the
// answer. It is safe for concurrent use.
type distCache struct {
	mu      sync.RWMutex
	cells   map[s2.CellID]*distCell
	scratch []distCand // newDistCell's, under mu
}

// distCell is one cell's centre and candidates, by distance from the
// centre.
type distCell struct {
	center s2.Point
	cands  []distCand
}

// distCand is a candidate edge and its distance from the cell's centre
// (as listed a chord angle; as kept radians, less distMargin).
type distCand struct {
	d float64
	i int32
}

// distance returns the distance (as nearestBlocked's) from p, in the leaf
// cell leaf, to the line.
func (k *Kernel) cachedDistance(p s2.Point, leaf s2.CellID) s1.ChordAngle {
	id := leaf.Parent(distLevel)
	dc := &k.dist
	dc.mu.RLock()
	c := dc.cells[id]
	dc.mu.RUnlock()
	if c == nil {
		dc.mu.Lock()
		if c = dc.cells[id]; c == nil && len(dc.cells) < distCells {
			if dc.cells == nil {
				dc.cells = map[s2.CellID]*distCell{}
			}
			c = k.newDistCell(id)
			dc.cells[id] = c
		}
		dc.mu.Unlock()
		if c == nil {
			_, d := nearestBlocked(k.edges, k.blocks, p)
			return d
		}
	}
	best := s1.InfChordAngle()
	off := float64(p.Distance(c.center)) + distMargin
	limit := math.Inf(1)
	for _, cd := range c.cands {
		if cd.d > limit {
			break
		}
		e := &k.edges[cd.i]
		if nd, ok := s2.UpdateMinDistance(p, e.a, e.b, best); ok {
			best = nd
			limit = float64(best.Angle()) + off
		}
	}
	return best
}

// newDistCell lists the candidate edges of a cell.
func (k *Kernel) newDistCell(id s2.CellID) *distCell {
	capb := s2.CellFromCellID(id).CapBound()
	c := capb.Center()
	r := float64(capb.Radius()) + distMargin
	_, d0 := nearestBlocked(k.edges, k.blocks, c)
	reachA := float64(d0.Angle()) + 2*r + distMargin
	within := s1.ChordAngleFromAngle(s1.Angle(reachA))
	rc := reach{a: reachA + slack}
	rc.sinA, rc.cosA = math.Sincos(rc.a)
	cs := k.dist.scratch[:0]
	for bi := range k.blocks {
		b := &k.blocks[bi]
		if !b.may(c.Dot(b.center.Vector), rc) {
			continue
		}
		for si := range b.subs {
			sb := &b.subs[si]
			if !sb.may(c.Dot(sb.center.Vector), rc) {
				continue
			}
			for i := sb.lo; i < sb.hi; i++ {
				e := &k.edges[i]
				if d, ok := s2.UpdateMinDistance(c, e.a, e.b, within); ok {
					cs = append(cs, distCand{d: float64(d), i: i})
				}
			}
		}
	}
	slices.SortFunc(cs, func(x, y distCand) int {
		if x.d != y.d {
			if x.d < y.d {
				return -1
			}
			return 1
		}
		return int(x.i - y.i)
	})
	k.dist.scratch = cs
	out := &distCell{center: c, cands: slices.Clone(cs)}
	for j := range out.cands {
		out.cands[j].d = float64(s1.ChordAngle(out.cands[j].d).Angle()) - distMargin
	}
	return out
}
