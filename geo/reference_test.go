package geo

import (
	"math/rand/v2"
	"os"
	"sync"
	"testing"

	"github.com/golang/geo/s2"
)

var reference struct {
	once sync.Once
	g    *Geometry
	k    *Kernel
	err  error
}

// referenceBands are the reference agreement's band distances (metres):
// Minsk artillery, MLRS, heavy MLRS and the 2015 addendum's 15 km.
var referenceBands = []float64{25000, 35000, 70000, 15000}

// mustReference parses the reference geometry and builds its kernel once.
func mustReference(tb testing.TB) (*Geometry, *Kernel) {
	tb.Helper()
	reference.once.Do(func() {
		path := "../scenarios/ukraine-2025/monitoring/geometry.geojson"
		data, err := os.ReadFile(path)
		if err != nil {
			reference.err = err
			return
		}
		if reference.g, reference.err = ParseGeoJSON(path, data); reference.err != nil {
			return
		}
		reference.k, reference.err = NewKernel(reference.g, referenceBands, Options{})
	})
	if reference.err != nil {
		tb.Fatal(reference.err)
	}
	return reference.g, reference.k
}

func TestReferenceGeometry(t *testing.T) {
	g, _ := mustReference(t)
	km := g.LengthM() / 1000
	t.Logf("%d vertices, %.0f km, %d zones", g.Vertices(), km, len(g.Zones))
	if g.Vertices() < 2000 || km < 1000 || km > 1400 || len(g.Zones) < 10 {
		t.Errorf("reference geometry: %d vertices, %.0f km, %d zones; want ≥ 2,000, 1,000–1,400 km, ≥ 10", g.Vertices(), km, len(g.Zones))
	}
	znpp := g.Zone("znpp")
	if znpp == nil || !znpp.Polygon().ContainsPoint(Point(34.5863, 47.5119)) {
		t.Error("the Zaporizhzhia plant is not inside zone znpp")
	}
}

// On the reference geometry, the kernel agrees with the naive scan on
// points near the line, a fifth of them within a few km of a vertex.
func TestReferenceKernelAgreesWithNaive(t *testing.T) {
	g, k := mustReference(t)
	r := rand.New(rand.NewPCG(11, 12))
	n := 100000
	if testing.Short() {
		n = 10000
	}
	line := g.Parts[0]
	for i := 0; i < n; i++ {
		v := line[r.IntN(len(line))]
		p := Point(v[0]+(r.Float64()*2-1)*1.3, v[1]+(r.Float64()*2-1)*0.9)
		if i%5 == 0 {
			p = Point(v[0]+(r.Float64()-0.5)*0.06, v[1]+(r.Float64()-0.5)*0.04)
		}
		if got, want := k.PlacePoint(p), k.Naive(p); got != want {
			t.Fatalf("point %v: kernel %+v, naive %+v", s2.LatLngFromPoint(p), got, want)
		}
	}
}

func TestDistanceAtLeastIsALowerBound(t *testing.T) {
	g, k := mustReference(t)
	for _, p := range benchPoints(g, 20000) {
		ll := s2.LatLngFromPoint(p)
		lon, lat := ll.Lng.Degrees(), ll.Lat.Degrees()
		if lb, d := k.DistanceAtLeastM(lon, lat), k.DistanceM(lon, lat); lb > d {
			t.Fatalf("%v: lower bound %v above the distance %v", ll, lb, d)
		}
	}
}
