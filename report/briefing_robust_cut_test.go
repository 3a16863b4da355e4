package report_test

import (
	"bytes"
	"fmt"
	"html"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/report"
	"github.com/accord-peace/accord/robust"
)

// The briefing's robustness table lists the five issues of greatest
// influence: when more issues move the proposal's acceptance, it says how
// many it leaves out; it listed five and said nothing of the others.
func TestBriefingRobustnessSaysWhatItLeavesOut(t *testing.T) {
	opts := []accord.Option{{ID: "a"}, {ID: "b"}}
	s := &accord.Scenario{
		ID:        "t",
		Parties:   []accord.Party{{ID: "x", Veto: true}},
		Issues:    []accord.Issue{{ID: "i", Options: opts}},
		Positions: map[string]*accord.Position{"x": {Issues: map[string]accord.IssuePosition{"i": {Weight: 1, Utility: map[string]float64{"a": 100}}}}},
		Proposals: []accord.Proposal{{ID: "p", Choices: map[string]string{"i": "a"}}},
	}
	m := negotiate.Compile(s)
	ev := m.Evaluate(&s.Proposals[0])
	for _, c := range []struct {
		influential, still int // issues with a score above 0, then at 0
		want               string
	}{
		{3, 2, ""},
		{5, 0, ""},
		{7, 1, "The 5 issues of greatest influence, of 7 whose uncertainty moves acceptance: the other 2 are not listed."},
	} {
		t.Run(fmt.Sprintf("%d influential", c.influential), func(t *testing.T) {
			res := &robust.Result{Scenario: "t", Runs: 100, Seed: 1}
			target := robust.Target{Kind: robust.TargetProposal, ID: "p", Probability: 0.5, StdErr: 0.05}
			for k := range c.influential + c.still {
				issue := fmt.Sprintf("issue-%d", k)
				res.Inputs = append(res.Inputs, robust.Input{Party: "x", Kind: robust.KindUtility, Issue: issue, Option: "a", Lo: 0, Hi: 100})
				score := 0.0
				if k < c.influential {
					score = 0.5 / float64(k+1)
				}
				target.Influence = append(target.Influence, robust.Influence{Group: robust.Group{Issue: issue}, Score: score, Top: k, Rho: 0.3})
			}
			res.Targets = []robust.Target{target}
			br, err := report.NewBriefing(s.ID, ev, nil, nil, m.Compare())
			if err != nil {
				t.Fatal(err)
			}
			if err := br.AddRobustness(res); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := br.HTML(&out); err != nil {
				t.Fatal(err)
			}
			h := out.String()
			if rows := strings.Count(h, "<tr><td>issue-"); rows != min(c.influential, 5) {
				t.Errorf("%d rows, want %d", rows, min(c.influential, 5))
			}
			if c.want == "" && strings.Contains(h, "not listed") || c.want != "" && !strings.Contains(h, html.EscapeString(c.want)) {
				t.Errorf("want %q in the robustness section:\n%s", c.want, h[strings.Index(h, "How sure"):][:1500])
			}
		})
	}
}
