package fusion_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion"
)

// A party's coarse report between three shells opens an incident of its
// own, ambiguous; a precise report that moves one shell's position onto it
// settles it, and the ambiguous incident merges into that shell's: a
// change handed out by TakeRevised, the merged incident naming its
// survivor, which now holds the party's report.
func TestAmbiguousReportMergesWhenSettled(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	at := func(x float64, s int) (float64, float64, time.Time) {
		lat := 47.5
		return lat, 35 + x/(6371008.8*math.Cos(lat*math.Pi/180))*180/math.Pi, t0.Add(time.Duration(s) * time.Second)
	}
	shot := func(src string, x float64, s int, acc, ta float64, owner, kind string) fusion.Report {
		lat, lon, ts := at(x, s)
		return fusion.Report{Source: src, ID: "1", Owner: owner, Kind: kind, Event: "impact", Lat: lat, Lon: lon,
			AccuracyM: acc, ObservedAt: ts, TimeAccuracyS: ta, Confidence: 0.8}
	}
	e := fusion.New(fusion.Config{Parties: []string{"ru", "ua"}})
	a := e.Add(shot("fix-1", -450, 0, 400, 1, "mission", "fixed_sensor"))
	b := e.Add(shot("fix-2", 500, 100, 400, 1, "mission", "fixed_sensor"))
	c := e.Add(shot("fix-3", 450, 200, 400, 1, "mission", "fixed_sensor"))
	if a == b || b == c || a == c {
		t.Fatal("three shots 100 s apart should be three incidents")
	}
	party := shot("party-ua", 0, 100, 600, 1800, "ua", "party_report")
	p := e.Add(party)
	if p == a || p == b || p == c || !p.Ambiguous {
		t.Fatalf("the party's report between three shells should open an ambiguous incident, got %s (ambiguous %v)", p.ID, p.Ambiguous)
	}
	if got := e.TakeRevised(); len(got) != 0 {
		t.Fatalf("nothing revised yet, got %d", len(got))
	}
	d := e.Add(shot("fix-4", -400, 100, 400, 1, "mission", "fixed_sensor"))
	if d != b {
		t.Fatalf("the fourth report should join the second shell's incident %s, joined %s", b.ID, d.ID)
	}
	rev := e.TakeRevised()
	if len(rev) != 2 || rev[0] != b || rev[1] != p {
		t.Fatalf("revised: %v, want the survivor %s then the merged %s", ids(rev), b.ID, p.ID)
	}
	if p.State != fusion.Merged || p.MergedInto != b.ID || len(p.Reports) != 0 {
		t.Errorf("merged incident: state %s, into %q, %d reports", p.State, p.MergedInto, len(p.Reports))
	}
	if !slices.Contains(b.Reports, fusion.Ref{Source: "party-ua", ID: "1"}) || len(b.Reports) != 3 {
		t.Errorf("the survivor holds %v", b.Reports)
	}
	if b.State != fusion.Confirmed || len(b.Owners) != 2 {
		t.Errorf("the survivor is %s with owners %v, want confirmed by mission and ua", b.State, b.Owners)
	}
	if slices.Contains(e.Incidents(), p) {
		t.Error("a merged incident is still open")
	}
	if again := e.Add(party); again != b {
		t.Errorf("the party's report sent again returns %s, want the survivor %s", again.ID, b.ID)
	}
	if got := e.TakeRevised(); len(got) != 0 {
		t.Errorf("revised again: %v", ids(got))
	}
}

func ids(ins []*fusion.Incident) []string {
	var out []string
	for _, in := range ins {
		out = append(out, in.ID)
	}
	return out
}
