package geo

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/golang/geo/s2"
)

// testGeometry is a wiggly line of about n vertices from near Kherson to
// near Vovchansk, with a few zones: a stand-in for the reference geometry
// that the kernel's tests can build in memory.
func testGeometry(tb testing.TB, n int) *Geometry {
	tb.Helper()
	way := [][2]float64{{32.6, 46.6}, {33.4, 46.8}, {34.5, 47.4}, {35.6, 47.5}, {36.8, 47.8}, {37.5, 48.3}, {37.8, 48.9}, {38.0, 49.3}, {37.6, 49.8}, {36.9, 50.3}}
	var line [][2]float64
	per := n / (len(way) - 1)
	for i := 1; i < len(way); i++ {
		a, b := way[i-1], way[i]
		for j := 0; j < per; j++ {
			t := float64(j) / float64(per)
			w := 0.01 * math.Sin(float64(len(line))*0.15) * math.Sin(math.Pi*t)
			line = append(line, [2]float64{a[0] + t*(b[0]-a[0]) + w, a[1] + t*(b[1]-a[1]) - w})
		}
	}
	line = append(line, way[len(way)-1])
	g := &Geometry{LineID: "contact-line", Parts: [][][2]float64{line}}
	circle := func(id, role string, lon, lat, rm float64) {
		var ring [][2]float64
		for i := 0; i < 32; i++ {
			a := 2 * math.Pi * float64(i) / 32
			ring = append(ring, [2]float64{lon + rm/111195/math.Cos(lat*math.Pi/180)*math.Cos(a), lat + rm/111195*math.Sin(a)})
		}
		g.Zones = append(g.Zones, Zone{ID: id, Role: role, Polygons: [][][][2]float64{{ring}}})
	}
	circle("znpp", RoleProtectedSite, 34.5863, 47.5119, 3000)
	circle("znpp-no-fly", RoleNoFly, 34.5863, 47.5119, 30000)
	circle("square", RoleDisengagementArea, 37.5, 48.3, 4000)
	circle("far", RoleSecurityArea, 30.5, 50.45, 20000) // Kyiv: far from the line
	p := &parser{file: "test"}
	for i := range g.Zones {
		g.Zones[i].polygon = p.s2Polygon("zone", g.Zones[i].Polygons)
	}
	if len(p.problems) > 0 {
		tb.Fatal(p.problems)
	}
	return g
}

var testBands = []float64{15000, 25000, 35000, 70000}

// randomNear draws points within about 120 km of the line's bounding box.
func randomNear(r *rand.Rand) s2.Point {
	return Point(31.5+r.Float64()*8, 45.8+r.Float64()*5.3)
}

func TestKernelAgreesWithNaive(t *testing.T) {
	g := testGeometry(t, 2000)
	for _, level := range []int{12, 16} {
		k, err := NewKernel(g, testBands, Options{MaxLevel: level})
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(1, uint64(level)))
		n := 100000
		if testing.Short() {
			n = 10000
		}
		for i := 0; i < n; i++ {
			p := randomNear(r)
			if i%10 == 0 { // a point within a few km of a vertex: the hard cases
				v := g.Parts[0][r.IntN(len(g.Parts[0]))]
				p = Point(v[0]+(r.Float64()-0.5)*0.05, v[1]+(r.Float64()-0.5)*0.05)
			}
			got, want := k.PlacePoint(p), k.Naive(p)
			if got != want {
				ll := s2.LatLngFromPoint(p)
				t.Fatalf("level %d: point %v: kernel %+v, naive %+v", level, ll, got, want)
			}
		}
		if far := k.Place(30.5, 50.45); !far.Zones.Has(3) || far.Bands != 0 {
			t.Errorf("Kyiv: %+v, want zone 3 and no band", far)
		}
	}
}

func TestSideAndDistance(t *testing.T) {
	// A straight meridian line northwards: east is right, west is left.
	g := &Geometry{Parts: [][][2]float64{{{30, 40}, {30, 41}, {30, 42}}}}
	k, err := NewKernel(g, []float64{10000}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lon, lat float64
		side     int8
		inBand   bool
		km       float64
	}{
		{29.9, 41, 1, true, 8.4},
		{30.1, 41, -1, true, 8.4},
		{30.2, 41, -1, false, 16.8},
		{29.5, 40.5, 1, false, 42.2},
	}
	for _, tt := range tests {
		pl := k.Place(tt.lon, tt.lat)
		d := k.DistanceM(tt.lon, tt.lat) / 1000
		if pl.Side != tt.side || pl.InBand(0) != tt.inBand || math.Abs(d-tt.km) > 0.1 {
			t.Errorf("(%v, %v): side %d band %v %.1f km; want %d %v %.1f km", tt.lon, tt.lat, pl.Side, pl.InBand(0), d, tt.side, tt.inBand, tt.km)
		}
	}
}

func TestVincenty(t *testing.T) {
	// Vincenty (1975), test line: Flinders Peak to Buninyong, 54,972.271 m.
	got := VincentyM([2]float64{144.42486788888889, -37.95103341666667}, [2]float64{143.92649552777777, -37.65282113888889})
	if math.Abs(got-54972.271) > 0.001 {
		t.Errorf("Flinders Peak–Buninyong: %.4f m, want 54972.271", got)
	}
	// One degree of latitude about 48° N: the meridian radius of curvature M
	// there, a(1−e²)/(1−e² sin²φ)^1.5, times π/180: 111,190.4 m.
	if got := VincentyM([2]float64{35, 47.5}, [2]float64{35, 48.5}); math.Abs(got-111190.4) > 1 {
		t.Errorf("meridian degree at 48N: %.1f", got)
	}
}

func TestCrossings(t *testing.T) {
	g := &Geometry{Parts: [][][2]float64{{{30, 40}, {30, 41}, {30, 42}}}}
	k, err := NewKernel(g, []float64{10000}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path [][2]float64
		want int
	}{
		{[][2]float64{{29.8, 40.5}, {30.2, 40.5}}, 1},
		{[][2]float64{{29.8, 40.5}, {29.9, 40.6}}, 0},
		{[][2]float64{{29.8, 40.5}, {30.2, 40.5}, {29.8, 40.7}}, 2},
		{[][2]float64{{29.8, 45}, {30.2, 45}}, 0}, // beyond the line's end
	}
	for _, tt := range tests {
		if got := k.Crossings(tt.path); got != tt.want {
			t.Errorf("%v: %d crossings, want %d", tt.path, got, tt.want)
		}
	}
}

// A band distance the kernel cannot cover is refused, not built: the cover
// grows with the farthest band (2,000 km ran out of memory); 200.001 km was
// built before MaxBandM.
func TestNewKernelRefusesBadBands(t *testing.T) {
	g := &Geometry{Parts: [][][2]float64{{{30, 40}, {30, 41}, {30, 42}}}}
	tests := []struct {
		name string
		m    float64
		ok   bool
	}{
		{"the bound", MaxBandM, true},
		{"past the bound", MaxBandM + 1, false},
		{"zero", 0, false},
		{"negative", -1, false},
		{"NaN", math.NaN(), false},
		{"infinite", math.Inf(1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewKernel(g, []float64{10000, tt.m}, Options{})
			if tt.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !tt.ok && (err == nil || !strings.Contains(err.Error(), "at most 200000")) {
				t.Fatalf("error %v, want it to say at most 200000", err)
			}
		})
	}
}
