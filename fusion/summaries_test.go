package fusion

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/golang/geo/s2"
)

// timeBound gives the verdict of the member-by-member time test, on the
// boundary too: whole seconds and whole time accuracies make |dt| = tw
// exactly, many members alike.
func TestTimeBoundMatchesMemberTest(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	const w = 20 * time.Second
	tests := []struct {
		name    string
		members [][2]float64 // seconds after t0, time accuracy
		at, ta  float64
		want    bool
	}{
		{"inside", [][2]float64{{0, 1}, {10, 1}}, 15, 1, true},
		{"exactly at the late edge", [][2]float64{{0, 1}, {10, 1}}, 22, 1, true},
		{"a second past the late edge", [][2]float64{{0, 1}, {10, 1}}, 23, 1, false},
		{"exactly at the early edge", [][2]float64{{0, 1}, {10, 1}}, -12, 1, true},
		{"past the early edge", [][2]float64{{0, 1}, {10, 1}}, -12.5, 1, false},
		{"a wide member widens its own reach only", [][2]float64{{0, 100}, {10, 0}}, 31, 0, false},
		{"a wide report reaches all", [][2]float64{{0, 0}, {10, 0}}, 60, 40, true},
		{"many alike at the edge", func() (m [][2]float64) {
			for range 1000 {
				m = append(m, [2]float64{0, 1})
			}
			return append(m, [2]float64{1, 1})
		}(), 22, 1, true},
		{"a nanosecond past the edge", [][2]float64{{0, 1}}, 22.000000001, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
			var b timeBound
			want := true
			for _, x := range tt.members {
				b.add(at(x[0]), x[1])
				dt := math.Abs(at(x[0]).Sub(at(tt.at)).Seconds())
				want = want && !(dt > w.Seconds()+x[1]+tt.ta)
			}
			if want != tt.want {
				t.Fatalf("the member test says %v, the case %v", want, tt.want)
			}
			work := 0
			if got := b.admits(w, at(tt.at), tt.ta, &work); got != want {
				t.Errorf("admits %v, the member test %v", got, want)
			}
			if work > 4 {
				t.Errorf("%d members judged, want at most 4 (alike ones are kept once)", work)
			}
		})
	}
}

// spaceBound gives the verdict of the member-by-member distance test, for
// reports all round a cloud of members and on its edge, while keeping few
// of the members.
func TestSpaceBoundMatchesMemberTest(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, shape := range []string{"gaussian", "line", "one point", "ring"} {
		t.Run(shape, func(t *testing.T) {
			var s spaceBound
			type pt struct {
				p   s2.Point
				acc float64
			}
			var members []pt
			for i := range 1000 {
				var e, n float64
				switch shape {
				case "gaussian":
					e, n = rng.NormFloat64()*50, rng.NormFloat64()*50
				case "line":
					e, n = float64(i%100)*3, float64(i%100)*1.5
				case "ring":
					a := rng.Float64() * 2 * math.Pi
					e, n = 200*math.Cos(a), 200*math.Sin(a)
				}
				acc := []float64{30, 150}[i%2]
				p := s2.PointFromLatLng(s2.LatLngFromDegrees(48+n/111195, 37.8+e/(111195*math.Cos(48*math.Pi/180))))
				if !s.add(p, acc, time.Time{}, 0) {
					t.Fatal("a member within metres refused")
				}
				members = append(members, pt{p, acc})
			}
			kept := 0
			for _, h := range s.classes {
				kept += len(h.keep)
			}
			t.Logf("%d members, %d kept", len(members), kept)
			// On a line or a ring every member may be the farthest from
			// some report: all are kept.
			if (shape == "gaussian" || shape == "one point") && kept > 100 {
				t.Errorf("%d members kept, want a hull's worth", kept)
			}
			for range 2000 {
				// Reports from the middle to well beyond the gate.
				r := rng.Float64() * 1500
				a := rng.Float64() * 2 * math.Pi
				p := s2.PointFromLatLng(s2.LatLngFromDegrees(48+r*math.Sin(a)/111195, 37.8+r*math.Cos(a)/(111195*math.Cos(48*math.Pi/180))))
				acc := []float64{10, 100, 300}[rng.IntN(3)]
				want := true
				for _, x := range members {
					if float64(x.p.Distance(p))*earthRadiusM > 2*math.Hypot(x.acc, acc) {
						want = false
						break
					}
				}
				work := 0
				if got := s.admits(2, p, acc, &work); got != want {
					t.Fatalf("report %v m at %.2f rad, accuracy %v: admits %v, the member test %v", r, a, acc, got, want)
				}
			}
		})
	}
}

// The engine's verdicts equal the old engine's on reports made to sit on
// the edges: whole seconds and whole time accuracies, positions repeated.
func TestDifferentialOnEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	e, ref := New(worstFit(Config{})), newRef(Config{})
	for i := range 4000 {
		r := rep("s"+fmt.Sprint(rng.IntN(5)), fmt.Sprint(i), []string{"a", "b", "c"}[rng.IntN(3)], "impact",
			float64(rng.IntN(4))*40, 0, 0, []float64{50, 100}[rng.IntN(2)], 0.5)
		r.ObservedAt = t0.Add(time.Duration(i/10+rng.IntN(30)) * time.Second)
		r.TimeAccuracyS = float64(rng.IntN(3))
		if got, want := e.Add(r), ref.Add(r); got.ID != want.ID {
			t.Fatalf("report %d joined %s, the reference %s", i, got.ID, want.ID)
		}
	}
	ins, refs := e.Incidents(), ref.Incidents()
	if len(ins) != len(refs) {
		t.Fatalf("%d incidents, the reference %d", len(ins), len(refs))
	}
	for i := range ins {
		sameIncident(t, ins[i], refs[i])
	}
}

// rep is a report at metres (east, north) from a point near Donetsk.
func rep(src, id, owner, event string, east, north float64, s int, acc, conf float64) Report {
	const lat0, lon0 = 48.0, 37.8
	return Report{Source: src, ID: id, Owner: owner, Kind: "fixed_sensor", Event: event,
		Lat: lat0 + north/111195, Lon: lon0 + east/(111195*math.Cos(lat0*math.Pi/180)), AccuracyM: acc,
		ObservedAt: time.Date(2025, 6, 1, 4, 0, s, 0, time.UTC), TimeAccuracyS: 1, Confidence: conf}
}
