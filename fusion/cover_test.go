package fusion

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// coverOccupied gives the cells of S2's covering that are occupied, in its
// order, on caps of every size candidates asks for, anywhere on the
// sphere (near the cube's edges and corners too), with cells occupied in
// and around the covering and far from it.
func TestCoverOccupiedIsCovering(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 18))
	corners := []s2.Point{s2.PointFromCoords(1, 1, 1), s2.PointFromCoords(-1, 1, 1), s2.PointFromCoords(1, 0, 1), s2.PointFromCoords(0, 0, 1)}
	n, met := 0, 0
	for i := 0; i < 20000; i++ {
		var center s2.Point
		switch i % 4 {
		case 0: // near a corner or an edge of a face
			c := corners[rng.IntN(len(corners))]
			center = s2.Point{Vector: c.Add(s2.PointFromCoords(rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()).Mul(1e-3 * rng.Float64())).Normalize()}
		case 1: // the reference front's latitudes
			center = s2.PointFromLatLng(s2.LatLngFromDegrees(44+rng.Float64()*8, 30+rng.Float64()*10))
		default:
			center = s2.PointFromCoords(rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64())
		}
		level := indexLevels[rng.IntN(len(indexLevels))]
		reach := levelReach(level) * (1 + 20*rng.Float64()*rng.Float64())
		c := s2.CapFromCenterAngle(center, s1.Angle((reach+levelReach(level))/earthRadiusM))
		covering := (&s2.RegionCoverer{MinLevel: level, MaxLevel: level, MaxCells: 1 << 20}).Covering(c)
		// Occupy some of the covering's cells, some of their neighbours
		// (some outside the cap), some cells anywhere, some twice.
		var occupied []s2.CellID
		for _, x := range covering {
			switch rng.IntN(4) {
			case 0:
				occupied = append(occupied, x)
			case 1:
				occupied = append(occupied, x.AllNeighbors(level)[rng.IntN(8)])
			case 2:
				occupied = append(occupied, x, x)
			}
		}
		for j := 0; j < 20; j++ {
			occupied = append(occupied, s2.CellFromPoint(s2.PointFromCoords(rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64())).ID().Parent(level))
		}
		slices.Sort(occupied)
		var want []s2.CellID
		for _, x := range covering {
			if has(occupied, x) {
				want = append(want, x)
			}
		}
		var occ occupiedCells
		for _, x := range occupied {
			occ.insert(x)
		}
		got := coverOccupied(nil, c, level, &occ)
		if !slices.Equal(got, want) {
			t.Fatalf("cap at %v, %.0f m, level %d: %d cells %v, the covering's occupied %d %v", s2.LatLngFromPoint(center), float64(c.Radius())*earthRadiusM, level, len(got), got, len(want), want)
		}
		n += len(covering)
		met += len(want)
	}
	t.Logf("20,000 caps: %d cells in the coverings, %d of them occupied, the same", n, met)
}

// has reports whether the sorted cells hold c.
func has(occupied []s2.CellID, c s2.CellID) bool {
	_, ok := slices.BinarySearch(occupied, c)
	return ok
}

// neighbours, from its cache, are S2's AllNeighbors, in order, for cells
// asked once and again, some of them sharing a slot of the cache.
func TestNeighboursAreAllNeighbors(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 18))
	e := New(Config{})
	var asked []s2.CellID
	for i := 0; i < 50000; i++ {
		var c s2.CellID
		if len(asked) > 0 && rng.IntN(2) == 0 {
			c = asked[rng.IntN(len(asked))]
		} else {
			p := s2.PointFromCoords(rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64())
			c = s2.CellFromPoint(p).ID().Parent(indexLevels[rng.IntN(len(indexLevels))])
			asked = append(asked, c)
		}
		if got, want := e.neighbours(nil, c), c.AllNeighbors(c.Level()); !slices.Equal(got, want) {
			t.Fatalf("%v: %v, AllNeighbors %v", c, got, want)
		}
	}
}
