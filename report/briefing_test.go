package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/forecast"
	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/report"
)

// The briefing's forecast section: the final weighted median and mean per
// issue with the option nearest the median, and the chart; none without
// AddForecast.
func TestBriefingForecast(t *testing.T) {
	opts := []accord.Option{{ID: "none"}, {ID: "some"}, {ID: "<all>"}}
	s := &accord.Scenario{
		ID:      "t",
		Parties: []accord.Party{{ID: "x", Veto: true}, {ID: "y", Veto: true}},
		Issues:  []accord.Issue{{ID: "i", Options: opts}},
		Positions: map[string]*accord.Position{
			"x": {Issues: map[string]accord.IssuePosition{"i": {Weight: 1, Utility: map[string]float64{"none": 100}}}},
			"y": {Issues: map[string]accord.IssuePosition{"i": {Weight: 1, Utility: map[string]float64{"<all>": 100}}}},
		},
		Proposals: []accord.Proposal{{ID: "p", Choices: map[string]string{"i": "some"}}},
	}
	m := negotiate.Compile(s)
	ev := m.Evaluate(&s.Proposals[0])
	render := func(b *report.Briefing) string {
		t.Helper()
		var out bytes.Buffer
		if err := b.HTML(&out); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	br, err := report.NewBriefing(s.ID, ev, nil, nil, m.Compare())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(render(br), "Where the bargaining may land") {
		t.Error("a forecast section without AddForecast")
	}
	in, err := forecast.ScenarioInput(s)
	if err != nil {
		t.Fatal(err)
	}
	fc, _, err := forecast.Run(in, forecast.ModelCompromise, forecast.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := br.AddForecast(s, fc); err != nil {
		t.Fatal(err)
	}
	html := render(br)
	for _, want := range []string{
		"<h2>Where the bargaining may land</h2>",
		"By the compromise model, run on the scenario's 2 parties with positions",
		"After 1 round(s)",
		`<tr><td>i</td><td class="n">50.0</td><td class="n">50.0</td><td>some</td></tr>`,
		"<title>Forecast (compromise): positions by round</title>",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("briefing lacks %q", want)
		}
	}
	// The median at an end names that option, escaped.
	fc.Median[1][0] = 96
	if err := br.AddForecast(s, fc); err != nil {
		t.Fatal(err)
	}
	if html := render(br); !strings.Contains(html, "<td>&lt;all&gt;</td>") {
		t.Error("the option nearest 96 is not <all>, escaped")
	}
}
