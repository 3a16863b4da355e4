package negotiate_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/scenario"
)

// budgetScenario is the package example's scenario with a partial proposal
// added; with blocked, b's BATNA puts every package out of reach.
func budgetScenario(t *testing.T, blocked bool) *negotiate.Model {
	t.Helper()
	batna := "40"
	if blocked {
		batna = "99"
	}
	s, err := scenario.Parse("budget.yaml", []byte(`
id: budget
parties:
  - {id: a, veto: true}
  - {id: b, veto: true}
tracks: [{id: t}]
issues:
  - {id: border, track: t, options: [{id: a-line}, {id: de-facto}, {id: b-line}]}
  - {id: relief, track: t, options: [{id: none}, {id: phased-snapback}, {id: full}]}
positions:
  a:
    batna: 40
    issues:
      border: {weight: 2, utility: {a-line: 100, de-facto: 50}, red_lines: [b-line]}
      relief: {weight: 1, utility: {none: 100, phased-snapback: 60, full: 0}}
  b:
    batna: `+batna+`
    issues:
      border: {weight: 2, utility: {b-line: 100, de-facto: 60}, red_lines: [a-line]}
      relief: {weight: 1, utility: {full: 100, phased-snapback: 70}}
proposals:
  - {id: maximal-a, choices: {border: a-line, relief: none}}
  - {id: half, choices: {border: de-facto}}
`))
	if err != nil {
		t.Fatal(err)
	}
	return negotiate.Compile(s)
}

// TestSearchCut: a search the budget cuts before it finds any package says
// so (a *BudgetError, code EINVALID) instead of answering "nothing is
// acceptable"; a finished search that finds nothing still answers nil.
func TestSearchCut(t *testing.T) {
	type want int
	const (
		found   want = iota
		none         // the search finished: the acceptable set is empty
		cut          // *BudgetError
		partial      // ErrPartial
	)
	for _, tc := range []struct {
		name     string
		blocked  bool
		budget   int64
		concept  string // Solve; NearestAcceptable when empty
		proposal string
		want     want
	}{
		{"nash, budget 1", false, 1, negotiate.ConceptNash, "", cut},
		{"utilitarian, budget 1", false, 1, negotiate.ConceptUtilitarian, "", cut},
		{"common, budget 1", false, 1, negotiate.ConceptCommon, "", cut},
		{"nash, default budget", false, 0, negotiate.ConceptNash, "", found},
		{"common, default budget", false, 0, negotiate.ConceptCommon, "", found},
		{"nash, empty set", true, 0, negotiate.ConceptNash, "", none},
		{"bridge, budget 1", false, 1, "", "maximal-a", cut},
		{"bridge, default budget", false, 0, "", "maximal-a", found},
		{"bridge, partial proposal", false, 0, "", "half", partial},
		{"bridge, empty set", true, 0, "", "maximal-a", none},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := budgetScenario(t, tc.blocked)
			o := negotiate.Options{Budget: tc.budget}
			var got any
			var err error
			if tc.concept != "" {
				var s *negotiate.Solution
				s, err = m.Solve(tc.concept, o)
				if s != nil {
					got = s
				}
			} else {
				p, _ := m.Scenario.Proposal(tc.proposal)
				var b *negotiate.Bridge
				b, err = m.NearestAcceptable(p, o)
				if b != nil {
					got = b
				}
				if old := m.BridgeProposal(p, o); (old == nil) != (b == nil) {
					t.Errorf("BridgeProposal %v, NearestAcceptable %v", old, b)
				}
			}
			var be *negotiate.BudgetError
			switch tc.want {
			case found:
				if err != nil || got == nil {
					t.Fatalf("got %v, %v; want a result", got, err)
				}
			case none:
				if err != nil || got != nil {
					t.Fatalf("got %v, %v; want nil, nil", got, err)
				}
			case cut:
				if !errors.As(err, &be) || got != nil {
					t.Fatalf("got %v, %v; want a *BudgetError", got, err)
				}
				if be.Budget != tc.budget || accord.ErrorCode(err) != accord.EINVALID {
					t.Errorf("budget %d, code %s: want %d, %s", be.Budget, accord.ErrorCode(err), tc.budget, accord.EINVALID)
				}
			case partial:
				if !errors.Is(err, negotiate.ErrPartial) || got != nil || accord.ErrorCode(err) != accord.EINVALID {
					t.Fatalf("got %v, %v; want ErrPartial", got, err)
				}
			}
		})
	}
}

// TestAnalyzeSearchCut: Analyze keeps going when the budget cuts its
// searches, and names them rather than leaving a nil that reads "empty".
func TestAnalyzeSearchCut(t *testing.T) {
	for _, tc := range []struct {
		budget      int64
		wantCut     []string
		wantBridges []string
	}{
		{1, negotiate.Concepts, []string{"maximal-a"}},
		{0, nil, nil},
	} {
		a, err := budgetScenario(t, false).Analyze(negotiate.Options{Budget: tc.budget})
		if err != nil {
			t.Fatalf("budget %d: %v", tc.budget, err)
		}
		if !slices.Equal(a.SolutionsCut, tc.wantCut) || !slices.Equal(a.BridgesCut, tc.wantBridges) {
			t.Errorf("budget %d: cut %v and %v, want %v and %v", tc.budget, a.SolutionsCut, a.BridgesCut, tc.wantCut, tc.wantBridges)
		}
		r := a.Report()
		if !slices.Equal(r.SolutionsCut, tc.wantCut) || r.Proposals["maximal-a"].BridgeCut != (tc.wantBridges != nil) {
			t.Errorf("budget %d: report %v, bridge cut %v", tc.budget, r.SolutionsCut, r.Proposals["maximal-a"].BridgeCut)
		}
	}
}
