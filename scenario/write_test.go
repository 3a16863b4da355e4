package scenario_test

import (
	"reflect"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/scenario"
	"github.com/accord-peace/accord/synth"
)

func TestFormatRoundTrip(t *testing.T) {
	sources := []string{"testdata/good/yaml12.yaml", "../cmd/accord/testdata/tiny.yaml"}
	for _, path := range sources {
		s, err := scenario.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, path, s)
	}
	for seed := uint64(1); seed <= 5; seed++ {
		s := synth.Generate(synth.Config{Issues: 6, Options: 4, Parties: 4, Seed: seed, Uniform: seed%2 == 0})
		roundTrip(t, s.ID, s)
	}
}

func roundTrip(t *testing.T, name string, sc *accord.Scenario) {
	t.Helper()
	data, err := scenario.Format(sc)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	back, err := scenario.Parse(name, data)
	if err != nil {
		t.Fatalf("%s: the written scenario does not parse: %v\n%s", name, err, data)
	}
	if !reflect.DeepEqual(sc, back) {
		t.Errorf("%s: round trip changed the scenario\n%s", name, data)
	}
}
