package geo

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/golang/geo/s2"
)

// geodTestLines reads testdata/wgs84/geodtest-lines.txt: 20 lines of
// Karney's GeodTest.dat, as published in GeographicLib's own test suite.
func geodTestLines(t *testing.T) [][]float64 {
	t.Helper()
	f, err := os.Open("testdata/wgs84/geodtest-lines.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var row []float64
		for _, w := range strings.Fields(line) {
			v, err := strconv.ParseFloat(w, 64)
			if err != nil {
				t.Fatalf("geodtest-lines.txt: %q: %v", line, err)
			}
			row = append(row, v)
		}
		out = append(out, row)
	}
	return out
}

// The kernel's Vincenty formulae against the published GeodTest lines
// (Karney's exact solutions): distance, azimuths and the direct problem.
// Vincenty's inverse may fail to converge on nearly antipodal lines; none
// of the kernel's questions are of that kind, and at least 15 of the 20
// lines must converge.
func TestVincentyAgainstGeodTest(t *testing.T) {
	lines := geodTestLines(t)
	if len(lines) != 20 {
		t.Fatalf("%d GeodTest lines, want 20", len(lines))
	}
	converged := 0
	for _, l := range lines {
		lat1, lon1, azi1, lat2, lon2, azi2, s12 := l[0], l[1], l[2], l[3], l[4], l[5], l[6]
		s, a1, a2, ok := vincentyInverse(lat1*rad, lon1*rad, lat2*rad, lon2*rad)
		if ok {
			converged++
			if math.Abs(s-s12) > 0.001 || angleDiff(a1*deg, azi1) > 1e-7 || angleDiff(a2*deg, azi2) > 1e-7 {
				t.Errorf("inverse %v: %.6f m %.9f° %.9f°, want %.6f m %.9f° %.9f°", l[:6], s, a1*deg, a2*deg, s12, azi1, azi2)
			}
		}
		g := newGline(lat1*rad, lon1*rad, azi1*rad)
		la, lo, az := g.at(s12)
		back, _, _, _ := vincentyInverse(la, lo, lat2*rad, lon2*rad)
		if back > 0.001 || angleDiff(az*deg, azi2) > 1e-7 {
			t.Errorf("direct %v: off by %.6f m, azimuth %.9f°, want %.9f°", l[:6], back, az*deg, azi2)
		}
	}
	if converged < 15 {
		t.Errorf("Vincenty's inverse converged on %d of 20 lines", converged)
	}
	t.Logf("inverse converged on %d of 20 GeodTest lines", converged)
}

func angleDiff(a, b float64) float64 { return math.Abs(math.Remainder(a-b, 360)) }

// truthCase is one geometry of testdata/wgs84/truth.json, written by
// truth.js with GeographicLib (Karney 2013): a line, its bands, zones
// (clockwise rings of geodesic edges) and points near their edges, each
// with its WGS 84 distance to the line and side.
type truthCase struct {
	Name   string         `json:"name"`
	Line   [][2]float64   `json:"line"`
	Bands  []float64      `json:"bands"`
	Zones  [][][2]float64 `json:"zones"`
	Points []struct {
		What   string     `json:"what"`
		P      [2]float64 `json:"p"`
		D      float64    `json:"d"`
		Side   int8       `json:"side"`
		Zone   int        `json:"zone"`
		Inside bool       `json:"inside"`
	} `json:"points"`
}

// Points 0.2–200 m either side of band edges, of the line and of zone edges
// (WGS 84 distances, geodesic edges), from the equator to 70° in both
// hemispheres, across the antimeridian and on the reference line: the
// kernel's and the naive scan's band, side and zone decisions must be those
// of GeographicLib.
func TestWGS84GroundTruth(t *testing.T) {
	data, err := os.ReadFile("testdata/wgs84/truth.json")
	if err != nil {
		t.Fatal(err)
	}
	var truth struct {
		Cases []truthCase `json:"cases"`
	}
	if err := json.Unmarshal(data, &truth); err != nil {
		t.Fatal(err)
	}
	for _, c := range truth.Cases {
		t.Run(c.Name, func(t *testing.T) {
			var k *Kernel
			if c.Name == "reference" {
				_, k = mustReference(t)
			} else {
				g := &Geometry{Parts: [][][2]float64{c.Line}}
				for _, ring := range c.Zones {
					g.Zones = append(g.Zones, Zone{ID: "z", Role: RoleDMZ, Polygons: [][][][2]float64{{ring}}})
				}
				p := &parser{file: c.Name}
				for i := range g.Zones {
					g.Zones[i].polygon = p.s2Polygon("zone", g.Zones[i].Polygons)
				}
				if len(p.problems) > 0 {
					t.Fatal(p.problems)
				}
				if k, err = NewKernel(g, c.Bands, Options{}); err != nil {
					t.Fatal(err)
				}
			}
			if len(c.Bands) != len(k.bands) {
				t.Fatalf("%d bands in the truth, %d in the kernel", len(c.Bands), len(k.bands))
			}
			sphereWrong, sphereSide, sphereZone, fails := 0, 0, 0, 0
			worst := 0.0
			for n, pt := range c.Points {
				p := Point(pt.P[0], pt.P[1])
				if n%4 == 0 { // the distance itself, on a sample: the foot's accuracy
					worst = math.Max(worst, math.Abs(k.DistanceWGS84M(pt.P[0], pt.P[1])-pt.D))
				}
				if e, d := nearestAll(k.edges, p); d > 0 && sideOf(k.edges, e, p) != pt.Side {
					sphereSide++
				}
				if pt.What == "zone" && k.zones[pt.Zone].ContainsPoint(p) != pt.Inside {
					sphereZone++
				}
				got, naive := k.PlacePoint(p), k.Naive(p)
				if got != naive {
					t.Errorf("%s point %v: kernel %+v, naive %+v", pt.What, pt.P, got, naive)
				}
				var want uint64
				for i, b := range c.Bands {
					if pt.D < b {
						want |= 1 << i
					}
					if (k.NaiveDistanceM(p) < b) != (pt.D < b) {
						sphereWrong++
					}
				}
				bad := got.Bands != want || got.Side != pt.Side
				if pt.What == "zone" && got.Zones.Has(pt.Zone) != pt.Inside {
					bad = true
				}
				if bad {
					fails++
					if fails <= 10 {
						t.Errorf("%s point %v (%.3f m from the line on WGS 84, side %d, inside %v): bands %b side %d zones %v; want bands %b",
							pt.What, pt.P, pt.D, pt.Side, pt.Inside, got.Bands, got.Side, got.Zones.Indices(), want)
					}
				}
			}
			if fails > 0 {
				t.Errorf("%d of %d points decided unlike WGS 84", fails, len(c.Points))
			}
			if worst > 0.001 {
				t.Errorf("DistanceWGS84M off GeographicLib's distance by %.4f m", worst)
			}
			t.Logf("%d points; the sphere alone would misjudge %d band tests, %d sides, %d zone tests; distance within %.2g m of GeographicLib",
				len(c.Points), sphereWrong, sphereSide, sphereZone, worst)
		})
	}
}

// The gap between a geodesic edge and its great-circle arc, which the
// kernel bounds (gedge.dev), against a dense sample.
func TestGedgeDevBound(t *testing.T) {
	for _, e := range [][2][2]float64{
		{{20, 0}, {21, 0.2}}, {{30, 45}, {31, 45}}, {{36, 70}, {37, 70.3}}, {{-70, -66}, {-69, -66}}, {{179.8, 60}, {-179.8, 60}},
	} {
		ge := newGedge(e[0], e[1])
		gap := 0.0
		for i := 1; i < 100; i++ {
			lat, lon, _ := ge.line.at(ge.length * float64(i) / 100)
			q := s2.PointFromLatLng(s2.LatLngFromDegrees(lat*deg, lon*deg))
			gap = math.Max(gap, float64(s2.DistanceFromSegment(q, point(e[0]), point(e[1])))*EarthRadiusM)
		}
		if gap > ge.dev {
			t.Errorf("%v: gap %.4f m above the bound %.4f m", e, gap, ge.dev)
		}
		t.Logf("%v: %.0f m long, gap %.4f m, bound %.4f m", e, ge.length, gap, ge.dev)
	}
}
