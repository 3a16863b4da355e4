package forecast

import (
	"strings"
	"testing"

	"github.com/accord-peace/accord"
)

// Run dispatches by name to the models, the trace only for eu; an unknown
// name is refused naming the models.
func TestRun(t *testing.T) {
	in := &Input{Dimensions: []string{"d"}, Actors: []Actor{
		{Name: "a", Power: 1, Position: []float64{0}, Salience: []float64{50}},
		{Name: "b", Power: 2, Position: []float64{100}, Salience: []float64{50}},
	}}
	for _, m := range Models {
		f, tr, err := Run(in, m, Options{})
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if f.Model != m || (tr != nil) != (m == ModelEU) {
			t.Errorf("%s: model %q, trace %v", m, f.Model, tr != nil)
		}
	}
	if _, _, err := Run(in, "nope", Options{}); accord.ErrorCode(err) != accord.EINVALID || !strings.Contains(err.Error(), `model "nope": want smp, eu or compromise`) {
		t.Errorf("unknown model: %v", err)
	}
	if KnownModel("nope") || !KnownModel(ModelCompromise) {
		t.Error("KnownModel")
	}
}

// ScenarioInput maps as FromScenario does and refuses what no model runs on.
func TestScenarioInput(t *testing.T) {
	opts := []accord.Option{{ID: "a"}, {ID: "b"}}
	s := &accord.Scenario{
		ID:      "t",
		Parties: []accord.Party{{ID: "x"}, {ID: "y"}},
		Issues:  []accord.Issue{{ID: "i", Options: opts}},
		Positions: map[string]*accord.Position{
			"x": {Issues: map[string]accord.IssuePosition{"i": {Weight: 1, Utility: map[string]float64{"a": 100}}}},
			"y": {Issues: map[string]accord.IssuePosition{"i": {Weight: 1, Utility: map[string]float64{"b": 100}}}},
		},
	}
	in, err := ScenarioInput(s)
	if err != nil || len(in.Actors) != 2 || in.Actors[1].Position[0] != 100 {
		t.Fatalf("%v %+v", err, in)
	}
	delete(s.Positions, "y")
	if _, err := ScenarioInput(s); err == nil || !strings.Contains(err.Error(), "1 actor(s); a forecast needs at least two") {
		t.Errorf("one actor: %v", err)
	}
}
