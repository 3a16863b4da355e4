package geo

import (
	"math/rand/v2"
	"sort"
	"sync"
	"testing"

	"github.com/golang/geo/s2"
)

// DistanceM answers as the scan of every edge does, bit for bit, whether
// its cell's candidates are being listed or already kept: near the line
// (where the cover keeps edges), farther out (its certain cells), beyond
// the cover, on and beside the vertices, and on points of one cell met
// again.
func TestDistanceMIsTheScans(t *testing.T) {
	g, k := mustReference(t)
	r := rand.New(rand.NewPCG(9, 4))
	var pts [][2]float64
	for range 60000 {
		pts = append(pts, [2]float64{29 + r.Float64()*14, 43.5 + r.Float64()*10})
	}
	for range 5000 {
		pts = append(pts, [2]float64{r.Float64()*360 - 180, r.Float64()*180 - 90})
	}
	line := g.Parts[0]
	for range 40000 { // points of a few cells, met many times
		v := line[r.IntN(40)]
		pts = append(pts, [2]float64{v[0] + 0.4 + r.Float64()*0.03, v[1] - 0.3 + r.Float64()*0.03})
	}
	for _, part := range g.Parts {
		for _, v := range part {
			pts = append(pts, v, [2]float64{v[0] + 1e-7, v[1] - 1e-7}, [2]float64{v[0] + 0.2, v[1] + 0.2})
		}
	}
	for pass := range 2 {
		for _, q := range pts {
			want := k.NaiveDistanceM(Point(q[0], q[1]))
			if got := k.DistanceM(q[0], q[1]); got != want {
				t.Fatalf("pass %d, %v: %v m, the scan %v m", pass, q, got, want)
			}
		}
	}
	t.Logf("%d points, %d cells kept", len(pts), len(k.dist.cells))
}

// The cover's indexed search finds the cell the binary search of every
// cell finds, for leaf cells inside, between, at the ends of and around the
// cover's cells.
func TestCoverFindIsTheSearch(t *testing.T) {
	_, k := mustReference(t)
	c := &k.cover
	search := func(leaf s2.CellID) (coverCell, bool) {
		i := sort.Search(len(c.at), func(i int) bool { return c.at[i].lo > leaf }) - 1
		if i < 0 || c.at[i].hi < leaf {
			return coverCell{}, false
		}
		return c.at[i].cell, true
	}
	r := rand.New(rand.NewPCG(2, 8))
	var leaves []s2.CellID
	for i := 0; i < len(c.at); i += 7 {
		e := c.at[i]
		leaves = append(leaves, e.lo, e.hi, e.lo-2, e.hi+2, e.lo+s2.CellID(r.Uint64N(uint64(e.hi-e.lo)+1)))
	}
	for range 100000 {
		leaves = append(leaves, leafID(Point(25+r.Float64()*22, 40+r.Float64()*16)), leafID(Point(r.Float64()*360-180, r.Float64()*180-90)))
	}
	for _, leaf := range leaves {
		c1, ok1 := c.find(leaf)
		c2, ok2 := search(leaf)
		if c1 != c2 || ok1 != ok2 {
			t.Fatalf("%x: found %v %v, the search %v %v", uint64(leaf), c1, ok1, c2, ok2)
		}
	}
}

// Locate answers as Place, DistanceM and DistanceAtLeastM do.
func TestLocateIsPlaceAndDistances(t *testing.T) {
	_, k := mustReference(t)
	r := rand.New(rand.NewPCG(6, 1))
	for range 50000 {
		lon, lat := 27+r.Float64()*18, 42+r.Float64()*13
		pl, d, lb := k.Locate(lon, lat)
		if pl != k.Place(lon, lat) || d != k.DistanceM(lon, lat) || lb != k.DistanceAtLeastM(lon, lat) {
			t.Fatalf("%v, %v: Locate gives %v %v %v", lon, lat, pl, d, lb)
		}
	}
}

// The kernel measures from several goroutines at once while its cells'
// candidates are listed (run with -race).
func TestDistanceMConcurrent(t *testing.T) {
	_, k := mustReference(t)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 3))
			for range 3000 {
				lon, lat := 33+r.Float64()*4, 46.5+r.Float64()*2
				if got, want := k.DistanceM(lon, lat), k.NaiveDistanceM(Point(lon, lat)); got != want {
					t.Errorf("%v, %v: %v m, the scan %v m", lon, lat, got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
