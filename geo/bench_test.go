package geo

import (
	"encoding/json"
	"math/rand/v2"
	"os"
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
	b.Logf("build %v, %d cells, %d classes, %d candidate edges", time.Since(start), len(k.cover.at), len(k.cover.classes), len(k.cover.edges))
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

// BenchmarkReference classifies points near the reference line (2,032
// vertices, four bands, 11 zones) with the kernel, the pruned naive scan,
// the full naive scan and, for the zones alone, tidwall/geojson.
func BenchmarkReference(b *testing.B) {
	g, k := mustReference(b)
	pts := benchPoints(g, 1<<16)
	b.Run("kernel", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			k.PlacePoint(pts[i&(len(pts)-1)])
		}
	})
	b.Run("naive-pruned", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			k.Naive(pts[i&(len(pts)-1)])
		}
	})
	b.Run("naive-full", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			naiveFull(k, pts[i&(len(pts)-1)])
		}
	})
	objs := tidwallZones(b, g)
	lls := tidwallPoints(pts)
	b.Run("tidwall-zones", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			pt := lls[i&(len(pts)-1)]
			for _, o := range objs {
				_ = o.Contains(pt)
			}
		}
	})
}

// BenchmarkReferenceBuild is the time to build the reference kernel.
func BenchmarkReferenceBuild(b *testing.B) {
	g, _ := mustReference(b)
	for b.Loop() {
		if _, err := NewKernel(g, referenceBands, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReferenceNearEdges classifies only points 0.2–200 m from a band's
// edge or from the line (testdata/wgs84/truth.json, reference case): the
// worst case, where most answers are decided on WGS 84.
func BenchmarkReferenceNearEdges(b *testing.B) {
	_, k := mustReference(b)
	data, err := os.ReadFile("testdata/wgs84/truth.json")
	if err != nil {
		b.Fatal(err)
	}
	var truth struct {
		Cases []truthCase `json:"cases"`
	}
	if err := json.Unmarshal(data, &truth); err != nil {
		b.Fatal(err)
	}
	var pts []s2.Point
	for _, c := range truth.Cases {
		if c.Name == "reference" {
			for _, p := range c.Points {
				pts = append(pts, Point(p.P[0], p.P[1]))
			}
		}
	}
	b.Run("kernel", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			k.PlacePoint(pts[i%len(pts)])
		}
	})
	b.Run("naive-pruned", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			k.Naive(pts[i%len(pts)])
		}
	})
}

// BenchmarkFoot is one WGS 84 decision's core: the foot of a point 25 km
// from a reference edge on its geodesic (two to four direct and inverse
// problems), against the spherical distance to the same edge.
func BenchmarkFoot(b *testing.B) {
	_, k := mustReference(b)
	i := len(k.edges) / 2
	e := &k.edges[i]
	mid := s2.Point{Vector: e.a.Add(e.b.Vector).Normalize()}
	ll := s2.LatLngFromPoint(mid)
	p := Point(ll.Lng.Degrees()+0.2, ll.Lat.Degrees()+0.15)
	pl := s2.LatLngFromPoint(p)
	b.Run("wgs84-foot", func(b *testing.B) {
		for b.Loop() {
			k.gedges[i].foot(float64(pl.Lat), float64(pl.Lng), 0.5)
		}
	})
	b.Run("sphere-distance", func(b *testing.B) {
		for b.Loop() {
			s2.DistanceFromSegment(p, e.a, e.b)
		}
	})
}
