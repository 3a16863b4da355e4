package render

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/accord-peace/accord/robust"
)

// The robustness report and chart of a result without ranges: the text
// says so, and the chart is well-formed SVG with one bar per target.
func TestRobustNoRanges(t *testing.T) {
	r := &robust.Result{Scenario: "s", Runs: 10, Seed: 1, Inputs: []robust.Input{}, Unsolved: []string{"common"}, Targets: []robust.Target{
		{Kind: robust.TargetProposal, ID: "a&b", Partial: true, PointAccepted: true, Accepted: 10, Probability: 1},
		{Kind: robust.TargetSolution, ID: "nash", Accepted: 0},
	}}
	var text, svg bytes.Buffer
	if err := RobustText(&text, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"10 runs, seed 1, 0 ranged values", "a&b*", "100.0% ± 0.0", "solution  common: none", "none: the scenario gives no range"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	if err := RobustSVG(&svg, r); err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(svg.Bytes(), new(struct{})); err != nil {
		t.Errorf("not XML: %v\n%s", err, svg.String())
	}
	for _, want := range []string{"a&amp;b", "nash solution", "the scenario gives no range", `<g class="proposal">`, `<g class="solution">`} {
		if !strings.Contains(svg.String(), want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
}
