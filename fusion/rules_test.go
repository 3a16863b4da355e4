package fusion_test

import (
	"math"
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion"
)

var t0 = time.Date(2025, 6, 1, 4, 0, 0, 0, time.UTC)

// rep is a report at metres (east, north) from a point near Donetsk, s seconds after t0.
func rep(src, id, owner, event string, east, north float64, s int, acc, conf float64) fusion.Report {
	const lat0, lon0 = 48.0, 37.8
	lat := lat0 + north/111195
	lon := lon0 + east/(111195*math.Cos(lat0*math.Pi/180))
	return fusion.Report{Source: src, ID: id, Owner: owner, Kind: "fixed_sensor", Event: event, Lat: lat, Lon: lon,
		AccuracyM: acc, ObservedAt: t0.Add(time.Duration(s) * time.Second), TimeAccuracyS: 1, Confidence: conf, AttributedTo: "unknown"}
}

func TestRules(t *testing.T) {
	tests := []struct {
		name       string
		reports    []fusion.Report
		incidents  int
		state      string  // of the first incident
		confidence float64 // of the first incident
	}{
		{"one report", []fusion.Report{rep("a", "1", "mission", "impact", 0, 0, 0, 50, 0.8)}, 1, fusion.Reported, 0.8},
		{"exact resend stored once", []fusion.Report{
			rep("a", "1", "mission", "impact", 0, 0, 0, 50, 0.8), rep("a", "1", "mission", "impact", 0, 0, 0, 50, 0.8),
		}, 1, fusion.Reported, 0.8},
		{"repeats from one owner do not raise confidence", []fusion.Report{
			rep("a", "1", "mission", "impact", 0, 0, 0, 50, 0.8), rep("b", "1", "mission", "impact", 20, 0, 1, 50, 0.7), rep("a", "2", "mission", "explosion", 10, 10, 2, 50, 0.8),
		}, 1, fusion.Reported, 0.8},
		{"independent owners: noisy-OR, confirmed", []fusion.Report{
			rep("a", "1", "mission", "impact", 0, 0, 0, 50, 0.8), rep("s", "1", "cn", "impact", 30, 0, 2, 50, 0.6),
		}, 1, fusion.Confirmed, 1 - 0.2*0.4},
		{"two parties alone only corroborate", []fusion.Report{
			rep("p", "1", "ru", "impact", 0, 0, 0, 50, 0.9), rep("q", "1", "ua", "impact", 30, 0, 2, 50, 0.9),
		}, 1, fusion.Corroborated, 0.99},
		{"two shells 300 m and 40 s apart, precise sensors: two events", []fusion.Report{
			rep("a", "1", "mission", "impact", 0, 0, 0, 50, 0.8), rep("b", "1", "cn", "impact", 300, 0, 40, 50, 0.8),
		}, 2, fusion.Reported, 0.8},
		{"same place, imprecise sources: one event", []fusion.Report{
			rep("a", "1", "mission", "impact", 0, 0, 0, 400, 0.8), rep("b", "1", "cn", "impact", 300, 0, 5, 400, 0.8),
		}, 1, fusion.Confirmed, 0.96},
		{"incompatible kinds stay apart", []fusion.Report{
			rep("a", "1", "mission", "impact", 0, 0, 0, 50, 0.8), rep("b", "1", "cn", "troop_concentration", 0, 0, 0, 50, 0.8),
		}, 2, fusion.Reported, 0.8},
		{"a weapon that stays put is one incident for hours", []fusion.Report{
			rep("a", "1", "mission", "heavy_weapon", 0, 0, 0, 30, 0.8), rep("b", "1", "cn", "heavy_weapon", 10, 0, 3*3600, 30, 0.8),
		}, 1, fusion.Confirmed, 0.96},
		{"a report arriving an hour late still joins", []fusion.Report{
			rep("a", "1", "mission", "impact", 0, 0, 3600, 50, 0.8), rep("z", "1", "other", "impact", 0, 0, 7200, 50, 0.8),
			rep("b", "1", "cn", "impact", 10, 0, 3601, 50, 0.8),
		}, 2, fusion.Confirmed, 0.96},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := fusion.New(fusion.Config{Parties: []string{"ru", "ua"}})
			for _, r := range tt.reports {
				e.Add(r)
			}
			ins := e.Incidents()
			if len(ins) != tt.incidents {
				t.Fatalf("%d incidents, want %d", len(ins), tt.incidents)
			}
			if ins[0].State != tt.state || math.Abs(ins[0].Confidence-tt.confidence) > 1e-9 {
				t.Errorf("state %s confidence %v, want %s %v", ins[0].State, ins[0].Confidence, tt.state, tt.confidence)
			}
		})
	}
}

func TestHorizonClosesOldIncidents(t *testing.T) {
	e := fusion.New(fusion.Config{Horizon: time.Hour})
	first := e.Add(rep("a", "1", "m", "impact", 0, 0, 0, 50, 0.8))
	e.Add(rep("a", "2", "m", "impact", 50000, 0, 2*3600, 50, 0.8))
	if n := len(e.Incidents()); n != 1 {
		t.Errorf("%d open incidents, want 1 (the first is past the horizon)", n)
	}
	closed := e.TakeClosed()
	if len(closed) != 1 || closed[0] != first {
		t.Fatalf("closed %v, want the first incident", closed)
	}
	if closed[0].ClosedAt.IsZero() || closed[0].ClosedReason == "" || len(closed[0].Reports) != 1 {
		t.Errorf("closed incident %+v: want when, why and its reports kept", closed[0])
	}
	if again := e.TakeClosed(); len(again) != 0 {
		t.Errorf("closed incidents handed out twice: %v", again)
	}
	// A resend of a closed incident's report is the caller's duplicate: the
	// engine has forgotten it and would open a new incident, which is why
	// the mission layer keeps the keys in its store.
	if in := e.Add(rep("a", "1", "m", "impact", 0, 0, 0, 50, 0.8)); in == first {
		t.Error("a closed incident took a report")
	}
}

func TestDeterministic(t *testing.T) {
	run := func() []fusion.Incident {
		e := fusion.New(fusion.Config{})
		for i := 0; i < 50; i++ {
			e.Add(rep("a", string(rune('a'+i%26))+string(rune('a'+i/26)), "m", "impact", float64(i%5)*30, 0, i, 50, 0.7))
		}
		var out []fusion.Incident
		for _, in := range e.Incidents() {
			out = append(out, *in)
		}
		return out
	}
	a, b := run(), run()
	if len(a) != len(b) {
		t.Fatal("different incident counts")
	}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].Lat != b[i].Lat || len(a[i].Reports) != len(b[i].Reports) {
			t.Errorf("incident %d differs between runs", i)
		}
	}
}
