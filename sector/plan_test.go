package sector_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/sector"
)

func plan(tb testing.TB, n int) *sector.Plan {
	tb.Helper()
	a, k := monitortest.Reference(tb)
	p, err := sector.NewPlan(a.Monitoring, k, n)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// near is the point along metres along the line from arc position pos
// (past its ends: straight on, along the end's tangent) and side metres
// to its left (negative: right).
func near(p *sector.Plan, pos, along, side float64) [2]float64 {
	at := pos + along
	base := math.Max(0, math.Min(at, p.LengthM()))
	x := pt(p.PointAt(base))
	b0, b1 := pt(p.PointAt(math.Max(base-1, 0))), pt(p.PointAt(math.Min(base+1, p.LengthM())))
	dir := s2.Point{Vector: b1.Sub(b0.Vector).Normalize()}
	x = move(x, dir, at-base)
	left := s2.Point{Vector: x.Cross(dir.Vector).Normalize()}
	x = move(x, left, side)
	ll := s2.LatLngFromPoint(x)
	return [2]float64{ll.Lng.Degrees(), ll.Lat.Degrees()}
}

// move is x moved d metres towards dir (a tangent), away from it when d
// is negative.
func move(x, dir s2.Point, d float64) s2.Point {
	if d == 0 {
		return x
	}
	to := s2.Point{Vector: x.Add(dir.Mul(math.Copysign(1e-3, d))).Normalize()}
	return s2.InterpolateAtDistance(s1.Angle(math.Abs(d)/geo.EarthRadiusM), x, to)
}

func pt(c [2]float64) s2.Point { return geo.Point(c[0], c[1]) }

type routeCase struct {
	Name      string  `json:"name"`
	N         int     `json:"n"`
	Bound     int     `json:"bound"`
	AlongM    float64 `json:"along_m"`
	SideM     float64 `json:"side_m"`
	AccuracyM float64 `json:"accuracy_m"`
	Event     string  `json:"event"`
	Own       int     `json:"own"`
	OwnEither []int   `json:"own_either"`
	Halo      []int   `json:"halo"`
}

func TestRoute(t *testing.T) {
	raw, err := os.ReadFile("testdata/route.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Cases []routeCase }
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	for _, tc := range file.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			p := plan(t, tc.N)
			start, _ := p.Bounds(min(tc.Bound, tc.N-1))
			if tc.Bound == tc.N {
				_, start = p.Bounds(tc.N - 1)
			}
			o := observation(near(p, start, tc.AlongM, tc.SideM), tc.AccuracyM)
			if tc.Event != "" {
				o.Event = tc.Event
			}
			own, halo := p.Route(o)
			if tc.OwnEither != nil {
				other := tc.OwnEither[0] + tc.OwnEither[1] - own
				if !slices.Contains(tc.OwnEither, own) || !slices.Equal(halo, []int{other}) {
					t.Errorf("own %d, halo %v; want one of %v owning, the other in the halo", own, halo, tc.OwnEither)
				}
				return
			}
			if own != tc.Own || !slices.Equal(halo, tc.Halo) && len(halo)+len(tc.Halo) > 0 {
				t.Errorf("own %d, halo %v; want %d, %v", own, halo, tc.Own, tc.Halo)
			}
			if got := p.Of(o.Position[0], o.Position[1]); got != own && tc.Event == "" {
				t.Errorf("Of says %d, Route %d", got, own)
			}
		})
	}
}

func observation(at [2]float64, acc float64) *monitor.Observation {
	t := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	return &monitor.Observation{ID: "o", Source: monitor.Source{ID: "s", Kind: monitor.KindUAV, Owner: "osce"},
		Position: at, ObservedAt: t, ReportedAt: t, Event: "firing", Count: 1, AttributedTo: monitor.Unknown,
		AccuracyM: acc, TimeAccuracyS: 60, Confidence: 0.8}
}

// The sector of a point is that of its nearest point on the line, as a
// scan of every edge finds it; and every point within Gate·√2·accuracy of
// an observation lies in its own sector or its halo (the guarantee the
// halo exists for), checked on random points near the line and near the
// bounds.
func TestOfAndHaloAgainstAScan(t *testing.T) {
	a, _ := monitortest.Reference(t)
	for _, n := range []int{2, 5, 16} {
		p := plan(t, n)
		rng := rand.New(rand.NewPCG(uint64(n), 1))
		for i := 0; i < 1000; i++ {
			var pos float64
			if i%2 == 0 {
				pos = rng.Float64() * p.LengthM()
			} else {
				s, _ := p.Bounds(1 + rng.IntN(n-1))
				pos = s + rng.NormFloat64()*500
			}
			at := near(p, pos, 0, rng.NormFloat64()*3000)
			acc := math.Exp(rng.Float64()*math.Log(2000)) + 1
			wantPos := scan(a.Monitoring, at)
			if got := p.Of(at[0], at[1]); !sameSector(p, got, wantPos) {
				s, e := p.Bounds(got)
				t.Fatalf("n %d: %v is at %.3f m along the line (scan), Of says sector %d [%.3f, %.3f)", n, at, wantPos, got, s, e)
			}
			own, halo := p.Route(observation(at, acc))
			r := sector.Gate * math.Sqrt2 * acc
			for j := 0; j < 16; j++ {
				q := offset(at, rng.Float64()*2*math.Pi, r*math.Sqrt(rng.Float64()))
				if s := p.Of(q[0], q[1]); s != own && !slices.Contains(halo, s) {
					t.Fatalf("n %d: %v (accuracy %.1f m): own %d, halo %v, but %v, %.1f m away, is in sector %d", n, at, acc, own, halo, q, r, s)
				}
			}
		}
	}
}

// sameSector: the scan's arc position lies in the sector, or within a
// millimetre of its bounds (rounding).
func sameSector(p *sector.Plan, got int, pos float64) bool {
	s, e := p.Bounds(got)
	return pos >= s-1e-3 && pos <= e+1e-3
}

// scan is the arc position of the nearest point of the line, by a scan of
// every edge (the first of equally near edges).
func scan(m *agreement.Monitoring, at [2]float64) float64 {
	x := pt(at)
	best, bestPos, cum := s1.InfChordAngle(), 0.0, 0.0
	for _, part := range m.Geometry.Parts {
		for i := 1; i < len(part); i++ {
			a, b := pt(part[i-1]), pt(part[i])
			l := float64(a.Distance(b)) * geo.EarthRadiusM
			if d := s2.DistanceFromSegment(x, a, b); s1.ChordAngleFromAngle(d) < best {
				best = s1.ChordAngleFromAngle(d)
				bestPos = cum + math.Min(float64(a.Distance(s2.Project(x, a, b)))*geo.EarthRadiusM, l)
			}
			cum += l
		}
	}
	return bestPos
}

// offset is the point d metres from at on a bearing (radians).
func offset(at [2]float64, bearing, d float64) [2]float64 {
	x := pt(at)
	north := s2.Point{Vector: s2.PointFromCoords(0, 0, 1).Sub(x.Mul(x.Z)).Normalize()}
	east := s2.Point{Vector: north.Cross(x.Vector).Normalize()}
	dir := north.Mul(math.Cos(bearing)).Add(east.Mul(math.Sin(bearing)))
	y := s2.InterpolateAtDistance(s1.Angle(d/geo.EarthRadiusM), x, s2.Point{Vector: x.Add(dir.Mul(1e-3)).Normalize()})
	ll := s2.LatLngFromPoint(y)
	return [2]float64{ll.Lng.Degrees(), ll.Lat.Degrees()}
}

func TestNewPlanRefuses(t *testing.T) {
	a, k := monitortest.Reference(t)
	noLine := *a.Monitoring
	noLine.Geometry = &geo.Geometry{LineID: "none"}
	for _, tc := range []struct {
		name string
		m    *agreement.Monitoring
		n    int
		want string // "" when it must succeed
	}{
		{"no sector", a.Monitoring, 0, "0 sectors; want 1 to 4096"},
		{"negative", a.Monitoring, -3, "-3 sectors; want 1 to 4096"},
		{"too many", a.Monitoring, sector.MaxSectors + 1, "4097 sectors; want 1 to 4096"},
		{"no line, two sectors", &noLine, 2, `2 sectors asked, but line "none" has no contact line`},
		{"no line, one sector", &noLine, 1, ""},
		{"one sector", a.Monitoring, 1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kk := k
			if tc.m == &noLine {
				kk = nil
			}
			p, err := sector.NewPlan(tc.m, kk, tc.n)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want == "":
				if own, halo := p.Route(observation([2]float64{30, 48}, 10)); own != 0 || halo != nil {
					t.Errorf("one sector routes to %d, %v", own, halo)
				}
			case err == nil || !strings.Contains(err.Error(), tc.want):
				t.Fatalf("error %v; want one saying %q", err, tc.want)
			}
		})
	}
}

// The halo's Gate is fusion's default: two reports of one event with the
// same accuracy join within Gate·√2·accuracy of each other and never
// beyond (were fusion's gate to widen, the halo would miss members).
func TestGateIsFusions(t *testing.T) {
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		factor float64 // of Gate·√2·accuracy
		join   bool
	}{
		{"well within", 0.3, true},
		{"just beyond", 1.01, false},
		{"far beyond", 3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const acc = 100.0
			e := fusion.New(fusion.Config{})
			a := [2]float64{35, 47.5}
			b := offset(a, 1, tc.factor*sector.Gate*math.Sqrt2*acc)
			r := func(id, owner string, p [2]float64) fusion.Report {
				return fusion.Report{Source: id, ID: id, Owner: owner, Kind: monitor.KindUAV, Event: "explosion",
					Lon: p[0], Lat: p[1], AccuracyM: acc, ObservedAt: at, TimeAccuracyS: 5, Confidence: 0.8, AttributedTo: monitor.Unknown}
			}
			first := e.Add(r("a", "osce", a))
			second := e.Add(r("b", "un", b))
			if (first == second) != tc.join {
				t.Errorf("joined %v; want %v", first == second, tc.join)
			}
		})
	}
}

// A plan is shared by the ingest goroutines: routing from several at once
// gives what routing from one does (run with -race).
func TestPlanConcurrent(t *testing.T) {
	obs := simulate(t, 12, 3*time.Hour, 60, false)
	shared, alone := plan(t, 5), plan(t, 5)
	type route struct {
		own  int
		halo []int
	}
	want := make([]route, len(obs))
	for i, o := range obs {
		want[i].own, want[i].halo = alone.Route(o)
	}
	done := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func(g int) {
			for i := range obs {
				j := (i + g*len(obs)/4) % len(obs)
				own, halo := shared.Route(obs[j])
				if own != want[j].own || !slices.Equal(halo, want[j].halo) {
					done <- fmt.Errorf("observation %d routed to %d %v, alone to %d %v", j, own, halo, want[j].own, want[j].halo)
					return
				}
			}
			done <- nil
		}(g)
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
