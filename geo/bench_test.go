package geo

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/golang/geo/s2"
)

// benchPoints draws points near the line, as observations fall: a random
// vertex moved by up to ±1.3° of longitude and ±0.9° of latitude (about
// ±100 km).
func benchPoints(g *Geometry, n int) []s2.Point {
	r := rand.New(rand.NewPCG(7, 7))
	line := g.Parts[0]
	pts := make([]s2.Point, n)
	for i := range pts {
		v := line[r.IntN(len(line))]
		pts[i] = Point(v[0]+(r.Float64()*2-1)*1.3, v[1]+(r.Float64()*2-1)*0.9)
	}
	return pts
}

func BenchmarkPlace(b *testing.B) {
	g := testGeometry(b, 2000)
	start := time.Now()
	k, err := NewKernel(g, testBands, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("build %v, %d cells, %d classes, %d candidate edges", time.Since(start), len(k.cover.lo), len(k.cover.classes), len(k.cover.edges))
	pts := benchPoints(g, 1<<16)
	b.Run("kernel", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			k.PlacePoint(pts[i&(len(pts)-1)])
		}
	})
	b.Run("naive", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			k.Naive(pts[i&(len(pts)-1)])
		}
	})
}
