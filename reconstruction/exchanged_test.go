package reconstruction

import (
	"os"
	"testing"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
)

// A condition counts the persons released in prisoner exchanges over the
// engine's state as the engine counts them: the prisoner exchange's log
// (engine/testdata/exchange.ndjson) has ru release 390 + 84 + 37 + 400.
func TestEngineStateCountsExchanges(t *testing.T) {
	a, err := agreement.Load("../scenarios/ukraine-2025/prisoner-exchange.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../engine/testdata/exchange.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	events, err := engine.ReadLog(f, "exchange.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	s, err := engine.Replay(a, events)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		condition string
		want      bool
	}{
		{"exchanged(party=ru) == 911", true},
		{"exchanged(party=ua) == 994", true},
		{"exchanged(party=ru, within=60d) == 400", true},
	} {
		got, err := EngineState{A: a, S: s}.Holds(c.condition)
		if err != nil || got != c.want {
			t.Errorf("%s: %v, %v; want %v", c.condition, got, err, c.want)
		}
	}
}
