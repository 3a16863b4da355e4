package fusion_test

import (
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/sim"
)

func simConfig(seed uint64) sim.Config {
	var line [][2]float64
	for i := 0; i <= 400; i++ {
		f := float64(i) / 400
		line = append(line, [2]float64{32.6 + f*(36.9-32.6), 46.6 + f*(50.3-46.6)})
	}
	return sim.Config{
		Seed: seed, Duration: 6 * time.Hour, Rate: 60, Line: line, Sides: [2]string{"ru", "ua"},
		Bands: []sim.Band{
			{Equipment: "artillery", CaliberMM: 152, DistanceM: 25000},
			{Equipment: "mlrs", CaliberMM: 122, DistanceM: 35000},
			{Equipment: "tank", DistanceM: 15000},
		},
		DMZHalfWidthM:      5000,
		Sites:              []sim.ProtectedSite{{ID: "znpp", Lon: 34.58, Lat: 47.51, RadiusM: 3000}},
		FalseAlarmsPerHour: 3,
	}
}

// report converts a simulated observation (wire form) for fusion.
func report(t *testing.T, o sim.Observation) fusion.Report {
	p := o.Properties
	var c [2]float64
	switch g := o.Geometry.Coordinates.(type) {
	case [2]float64:
		c = g
	case [][2]float64:
		c = g[len(g)-1] // a shot is placed at its impact
	}
	obs, err := time.Parse(time.RFC3339, p.ObservedAt)
	if err != nil {
		t.Fatal(err)
	}
	return fusion.Report{
		Source: p.Source.ID, ID: p.ID, Owner: p.Source.Owner, Kind: p.Source.Kind,
		Event: p.Event, Equipment: p.Equipment, Lon: c[0], Lat: c[1], AccuracyM: p.AccuracyM,
		ObservedAt: obs, TimeAccuracyS: p.TimeAccuracyS, Confidence: p.Confidence, AttributedTo: p.AttributedTo,
	}
}

// On the simulator's data, fusion puts the reports of one true event in one
// incident and reports of different events apart: pairwise precision and
// recall of at least 0.95 (the target), over several seeds.
func TestPrecisionRecallAgainstGroundTruth(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		res, err := sim.Run(simConfig(seed))
		if err != nil {
			t.Fatal(err)
		}
		truth := map[fusion.Ref]string{}
		for _, tr := range res.Truth {
			for _, r := range tr.Observations {
				truth[fusion.Ref{Source: r.Source, ID: r.ID}] = tr.EventID
			}
		}
		e := fusion.New(fusion.Config{Parties: []string{"ru", "ua"}, Horizon: 48 * time.Hour})
		got := map[fusion.Ref]string{}
		for _, o := range res.Observations {
			r := report(t, o)
			in := e.Add(r)
			got[fusion.Ref{Source: r.Source, ID: r.ID}] = in.ID
		}
		var keys []fusion.Ref
		for k := range got {
			keys = append(keys, k)
		}
		tp, fp, fn := 0, 0, 0
		for i := range keys {
			for j := i + 1; j < len(keys); j++ {
				ta, tb := truth[keys[i]], truth[keys[j]]
				sameTruth := ta != "" && ta == tb
				sameInc := got[keys[i]] == got[keys[j]]
				switch {
				case sameTruth && sameInc:
					tp++
				case sameInc:
					fp++
				case sameTruth:
					fn++
				}
			}
		}
		precision := float64(tp) / float64(tp+fp)
		recall := float64(tp) / float64(tp+fn)
		t.Logf("seed %d: %d reports, %d events, pairs tp %d fp %d fn %d: precision %.4f recall %.4f", seed, len(keys), len(res.Truth), tp, fp, fn, precision, recall)
		if precision < 0.95 || recall < 0.95 {
			t.Errorf("seed %d: precision %.4f recall %.4f, want both >= 0.95", seed, precision, recall)
		}
	}
}
