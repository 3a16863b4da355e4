package sim_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/sim"
	"github.com/golang/geo/s2"
)

func denseConfig(seed uint64) sim.Config {
	cfg := config(seed)
	cfg.Rate = 100
	cfg.Dense = sim.DefaultDense()
	return cfg
}

func TestDenseDeterministic(t *testing.T) {
	a, err := sim.Run(denseConfig(7))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := sim.Run(denseConfig(7))
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed gave two dense runs")
	}
	c, _ := sim.Run(denseConfig(8))
	if reflect.DeepEqual(a, c) {
		t.Error("two seeds gave the same dense run")
	}
}

func TestDenseRefusesBadParameters(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*sim.Dense)
		want string
	}{
		{"no hotspot", func(d *sim.Dense) { d.Hotspots = 0 }, "at least one hotspot"},
		{"share above 1", func(d *sim.Dense) { d.HotspotShare = 1.5 }, "hotspot share"},
		{"burst below 1", func(d *sim.Dense) { d.BurstMean = 0.5 }, "mean burst size"},
		{"negative gap", func(d *sim.Dense) { d.BurstGap = -time.Second }, "must not be negative"},
		{"negative spread", func(d *sim.Dense) { d.BurstSpreadM = -1 }, "must not be negative"},
		{"zero accuracy scale", func(d *sim.Dense) { d.AccuracyScale = 0 }, "accuracy scales"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := denseConfig(1)
			tc.edit(cfg.Dense)
			_, err := sim.Run(cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// closeNeighbours is, per true event, the number of other true events
// within 3 km and 5 minutes of it.
func closeNeighbours(res *sim.Result) []int {
	pt := func(c [2]float64) s2.Point { return s2.PointFromLatLng(s2.LatLngFromDegrees(c[1], c[0])) }
	out := make([]int, len(res.Truth))
	for i, a := range res.Truth {
		for j := i + 1; j < len(res.Truth); j++ {
			b := res.Truth[j]
			if b.At.Sub(a.At) > 5*time.Minute {
				break // the truth is in time order
			}
			if float64(pt(a.Position).Distance(pt(b.Position)))*sim.EarthRadiusM <= 3000 {
				out[i]++
				out[j]++
			}
		}
	}
	return out
}

// The dense run is what it says: events crowd within a few km and minutes
// of each other (the default run at the same rate has next to none), the
// truth gives each event's instant and position in time order, and the
// sources state the wider accuracies.
func TestDenseRunIsDense(t *testing.T) {
	for _, tc := range []struct {
		name       string
		cfg        sim.Config
		minMedian  int // of the close neighbours per event
		maxMedian  int
		fixedAccM  float64
		fixedTimeS float64
	}{
		{"default", func() sim.Config { c := config(1); c.Rate = 100; return c }(), 0, 0, 150, 1},
		{"dense", denseConfig(1), 2, 1000, 225, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := sim.Run(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			for i, tr := range res.Truth {
				if tr.At.IsZero() || tr.Position == [2]float64{} || tr.Event == "" {
					t.Fatalf("%s: no instant, position or kind in the truth", tr.EventID)
				}
				if i > 0 && tr.At.Before(res.Truth[i-1].At) {
					t.Fatalf("%s before %s in the truth", tr.EventID, res.Truth[i-1].EventID)
				}
			}
			n := closeNeighbours(res)
			sort.Ints(n)
			med := n[len(n)/2]
			t.Logf("%d events, %d observations; close neighbours (3 km, 5 min) per event: median %d, 90th percentile %d", len(res.Truth), len(res.Observations), med, n[len(n)*9/10])
			if med < tc.minMedian || med > tc.maxMedian {
				t.Errorf("median of close neighbours %d, want %d..%d", med, tc.minMedian, tc.maxMedian)
			}
			for _, o := range res.Observations {
				if p := o.Properties; p.Source.Kind == sim.FixedSensor && (p.AccuracyM != tc.fixedAccM || p.TimeAccuracyS != tc.fixedTimeS) {
					t.Fatalf("a fixed sensor states %v m and %v s, want %v m and %v s", p.AccuracyM, p.TimeAccuracyS, tc.fixedAccM, tc.fixedTimeS)
				}
			}
		})
	}
}
