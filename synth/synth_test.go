package synth_test

import (
	"reflect"
	"testing"

	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/synth"
)

func TestGenerate(t *testing.T) {
	for _, c := range []synth.Config{
		{Issues: 6, Options: 4, Parties: 3, Seed: 1},
		{Issues: 8, Options: 5, Parties: 5, Veto: 2, Seed: 2},
		{Issues: 5, Options: 3, Parties: 4, Seed: 3, Uniform: true},
	} {
		s := synth.Generate(c)
		if len(s.Issues) != c.Issues || len(s.Parties) != c.Parties {
			t.Errorf("%+v: %d issues, %d parties", c, len(s.Issues), len(s.Parties))
		}
		veto := 0
		for _, p := range s.Parties {
			if p.Veto {
				veto++
			}
		}
		if want := c.Veto; (want == 0 && veto != c.Parties) || (want != 0 && veto != want) {
			t.Errorf("%+v: %d veto parties", c, veto)
		}
		if !reflect.DeepEqual(s, synth.Generate(c)) {
			t.Errorf("%+v: the same seed gave two scenarios", c)
		}
		// The hidden compromise keeps the acceptable set non-empty (structured case).
		if !c.Uniform {
			if n := negotiate.Compile(s).CountAcceptable(negotiate.Options{}); n.Value.Sign() == 0 {
				t.Errorf("%+v: empty acceptable set", c)
			}
		}
	}
}
