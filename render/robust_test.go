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

// A name holding a character XML does not allow (a control character)
// leaves the SVG well-formed: the character is shown as U+FFFD.
func TestRobustSVGNamesWithControlCharacters(t *testing.T) {
	r := &robust.Result{Scenario: "s\x01", Runs: 10, Seed: 1, Inputs: []robust.Input{}, Targets: []robust.Target{
		{Kind: robust.TargetProposal, ID: "a\x1bb\uffff", PointAccepted: true, Accepted: 10, Probability: 1},
	}}
	var svg bytes.Buffer
	if err := RobustSVG(&svg, r); err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(svg.Bytes(), new(struct{})); err != nil {
		t.Fatalf("not XML: %v\n%s", err, svg.String())
	}
	if !strings.Contains(svg.String(), "a\ufffdb\ufffd") {
		t.Errorf("the proposal's name is not shown with U+FFFD in place of what XML does not allow:\n%s", svg.String())
	}
}
