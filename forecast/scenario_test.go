package forecast

import (
	"testing"

	"github.com/accord-peace/accord"
)

func TestFromScenario(t *testing.T) {
	opts := []accord.Option{{ID: "a"}, {ID: "b"}, {ID: "c"}}
	s := &accord.Scenario{
		ID:      "t",
		Parties: []accord.Party{{ID: "x"}, {ID: "none"}, {ID: "y"}},
		Issues:  []accord.Issue{{ID: "i1", Options: opts}, {ID: "i2", Options: opts[:2]}},
		Positions: map[string]*accord.Position{
			"x": {Issues: map[string]accord.IssuePosition{
				"i1": {Weight: 3, Utility: map[string]float64{"a": 10, "b": 90, "c": 90}},
				"i2": {Weight: 1, Utility: map[string]float64{"b": 100}},
			}},
			"y": {Issues: map[string]accord.IssuePosition{
				"i1": {Weight: 2, Utility: map[string]float64{"c": 100}},
			}},
		},
	}
	in := FromScenario(s)
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(in.Actors) != 2 || in.Actors[0].Name != "x" || in.Actors[1].Name != "y" {
		t.Fatalf("actors %v", in.ActorNames())
	}
	x, y := in.Actors[0], in.Actors[1]
	want := func(got, w []float64) {
		t.Helper()
		for i := range w {
			if got[i] != w[i] {
				t.Errorf("got %v, want %v", got, w)
				return
			}
		}
	}
	want(x.Position, []float64{50, 100}) // b (first of the tie b=c), then b of two options
	want(x.Salience, []float64{75, 25})
	want(y.Position, []float64{100, 50})
	want(y.Salience, []float64{100, 0})
	if x.Power != 1 || y.Power != 1 {
		t.Errorf("powers %v %v, want 1", x.Power, y.Power)
	}
}

// NearestOption inverts FromScenario's layout of options on 0..100.
func TestNearestOption(t *testing.T) {
	is := accord.Issue{ID: "i", Options: []accord.Option{{ID: "a"}, {ID: "b"}, {ID: "c"}}}
	for x, want := range map[float64]int{0: 0, 24.9: 0, 25: 0, 25.1: 1, 50: 1, 74: 1, 80: 2, 100: 2} {
		if got := NearestOption(is, x); got != want {
			t.Errorf("%v: option %d, want %d", x, got, want)
		}
	}
	if NearestOption(accord.Issue{Options: []accord.Option{{ID: "a"}}}, 90) != 0 || NearestOption(accord.Issue{}, 50) != -1 {
		t.Error("one option or none")
	}
}
