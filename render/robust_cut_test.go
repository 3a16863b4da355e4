package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/accord-peace/accord/robust"
)

// accord robust's text lists the five issues of greatest influence: when
// the result ranks more, it says how many more and where they are (--json)
// instead of stopping at the fifth without a word.
func TestRobustTextSaysWhatItLeavesOut(t *testing.T) {
	for _, c := range []struct {
		issues int
		want   string // "": no line about the others
	}{
		{5, ""},
		{6, "  and 1 more issue, of less influence (--json lists every one)\n"},
		{8, "  and 3 more issues, of less influence (--json lists every one)\n"},
	} {
		t.Run(fmt.Sprint(c.issues), func(t *testing.T) {
			r := &robust.Result{Scenario: "s", Runs: 10, Seed: 1, Varying: 1,
				Inputs:  []robust.Input{{Party: "x", Kind: robust.KindUtility, Issue: "i0", Option: "a", Hi: 1}},
				Targets: []robust.Target{{Kind: robust.TargetProposal, ID: "p", Accepted: 5, Probability: 0.5}}}
			for k := range c.issues {
				r.Issues = append(r.Issues, robust.IssueInfluence{Group: robust.Group{Issue: fmt.Sprintf("i%d", k)}, Mean: 0.1 / float64(k+1), Max: 0.2, Target: 0})
			}
			var text bytes.Buffer
			if err := RobustText(&text, r); err != nil {
				t.Fatal(err)
			}
			s := text.String()
			if n := strings.Count(s, ". i"); n != min(c.issues, RobustTopIssues) {
				t.Errorf("%d issues listed, want %d:\n%s", n, min(c.issues, RobustTopIssues), s)
			}
			if c.want == "" && strings.Contains(s, "more issue") || c.want != "" && !strings.HasSuffix(s, c.want) {
				t.Errorf("want the text to end with %q:\n%s", c.want, s)
			}
		})
	}
}
