package render

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/accord-peace/accord/negotiate"
)

// Text writes the full analysis as a terminal report.
func Text(w io.Writer, a *negotiate.Analysis) error {
	p := &printer{w: w}
	title := a.Scenario
	if a.Title != "" {
		title += " — " + a.Title
	}
	p.f("%s\n%s\n\n", title, strings.Repeat("=", len([]rune(title))))
	p.f("Veto parties: %s\n", list(a.Veto))
	p.f("Packages: %s\n", a.Packages)
	p.f("Acceptable to every veto party: %s\n", count(a.Acceptable))
	p.f("Pareto frontier: %s\n\n", count(a.Pareto))

	p.f("Proposals\n---------\n")
	for _, ev := range a.Evaluations {
		Evaluation(w, ev)
		if b := a.Bridges[ev.Proposal]; b != nil {
			BridgeText(w, b)
		} else if slices.Contains(a.BridgesCut, ev.Proposal) {
			p.f("  nearest acceptable package: none found before the budget ran out (the search was cut; raise --budget)\n")
		}
		p.f("\n")
	}

	p.f("Solutions\n---------\n")
	if a.Acceptable.Upper.Sign() == 0 {
		p.f("none: no package is acceptable to every veto party\n")
	}
	for _, c := range negotiate.Concepts {
		if s := a.Solutions[c]; s != nil {
			Solution(w, s)
		} else if slices.Contains(a.SolutionsCut, c) {
			p.f("%s: none found before the budget ran out (the search was cut, which does not show that no package is acceptable; raise --budget)\n", c)
		}
	}
	if a.Conflicts != nil {
		p.f("\nWhy nothing is acceptable\n-------------------------\n")
		Conflicts(w, a.Conflicts)
	}
	if len(a.Frontier) > 0 {
		p.f("\nPareto frontier (best Nash first, %d of %s)\n", len(a.Frontier), count(a.Pareto))
		for i, f := range a.Frontier {
			p.f("  %2d. %s\n", i+1, utilities(f.Utilities))
		}
	}
	p.f("\nSequencing\n----------\n")
	Cycles(w, a.Cycles)
	return p.err
}

// Evaluation writes one proposal's verdicts.
func Evaluation(w io.Writer, ev negotiate.Evaluation) {
	p := &printer{w: w}
	head := ev.Proposal
	if ev.Title != "" {
		head += " (" + ev.Title + ")"
	}
	if ev.Partial {
		head += fmt.Sprintf(" — partial: %d undecided issue(s): %s", len(ev.Undecided), strings.Join(ev.Undecided, ", "))
	}
	p.f("%s\n", head)
	for _, v := range ev.Parties {
		verdict := "accepts"
		var why []string
		if len(v.RedLines) > 0 {
			why = append(why, "red lines crossed: "+strings.Join(v.RedLines, ", "))
		}
		if v.Utility < v.BATNA-negotiate.Tol {
			why = append(why, fmt.Sprintf("below its BATNA %.4g", v.BATNA))
		}
		if !v.Accepts {
			verdict = "REJECTS (" + strings.Join(why, "; ") + ")"
		}
		veto := ""
		if v.Veto {
			veto = " [veto]"
		}
		p.f("  %-8s%-7s utility %7.2f  %s\n", v.Party, veto, v.Utility, verdict)
		if len(v.Costs) > 0 {
			var cs []string
			for _, c := range v.Costs {
				cs = append(cs, fmt.Sprintf("%s=%s (−%.1f)", c.Issue, c.Option, c.Loss))
			}
			p.f("  %15s costs most: %s\n", "", strings.Join(cs, ", "))
		}
	}
	if ev.AcceptedByVeto {
		p.f("  → acceptable to every veto party\n")
	}
}

// BridgeText writes a proposal's nearest acceptable package.
func BridgeText(w io.Writer, b *negotiate.Bridge) {
	p := &printer{w: w}
	if b.Changes == 0 {
		p.f("  nearest acceptable package: the proposal itself (Nash product %.4g)\n", b.Nash)
		return
	}
	var ch []string
	for _, is := range b.Changed {
		ch = append(ch, is+"→"+b.Package[is])
	}
	exact := ""
	if !b.Exact {
		exact = " (budget ran out: not proven nearest)"
	}
	p.f("  nearest acceptable package: %d change(s)%s: %s (Nash product %.4g)\n", b.Changes, exact, strings.Join(ch, ", "), b.Nash)
}

// Solution writes one solution.
func Solution(w io.Writer, s *negotiate.Solution) {
	p := &printer{w: w}
	what := map[string]string{
		negotiate.ConceptNash:        "Nash product",
		negotiate.ConceptCommon:      "least normalised gain",
		negotiate.ConceptUtilitarian: "sum of veto utilities",
	}[s.Concept]
	exact := ""
	if !s.Exact {
		exact = fmt.Sprintf(" (budget ran out: best found; the optimum is at most %.6g)", s.Bound)
	}
	p.f("%s: %s = %.6g%s\n", s.Concept, what, s.Value, exact)
	p.f("  utilities: %s\n", utilities(s.Utilities))
	p.f("  package:   %s\n", pkg(s.Package))
}

// Conflicts writes why the acceptable set is empty.
func Conflicts(w io.Writer, c *negotiate.Conflicts) {
	p := &printer{w: w}
	switch {
	case !c.Exact && c.MinSize == 0:
		p.f("The budget ran out before the search found any package meeting every veto party's BATNA, which does not show that none exists; raise --budget.\n")
		return
	case !c.Exact:
		p.f("The budget ran out: at most %d red line(s) need lifting, not proven the fewest, and the list may be incomplete; raise --budget.\n", c.MinSize)
	}
	switch {
	case c.Reservation:
		p.f("The reservation values conflict: no package meets every veto party's BATNA even with every red line lifted.\n")
	case c.MinSize > 3 && !c.Exact:
		p.f("Sets of more than 3 are not listed.\n")
	case c.MinSize > 3:
		p.f("At least %d red lines would have to be lifted; sets of more than 3 are not listed.\n", c.MinSize)
	default:
		p.f("Lifting any one of these sets of %d red line(s) makes agreement possible:\n", c.MinSize)
		for _, set := range c.Sets {
			var parts []string
			for _, r := range set {
				parts = append(parts, fmt.Sprintf("%s: %s≠%s", r.Party, r.Issue, r.Option))
			}
			p.f("  - %s\n", strings.Join(parts, "; "))
		}
	}
}

// Cycles writes the sequencing deadlocks.
func Cycles(w io.Writer, cycles []negotiate.Cycle) {
	p := &printer{w: w}
	if len(cycles) == 0 {
		p.f("no deadlock: the parties' sequencing demands are compatible\n")
		return
	}
	for _, c := range cycles {
		p.f("deadlock among %s:\n", strings.Join(c.Tracks, ", "))
		for _, e := range c.Edges {
			p.f("  %s before %s — demanded by %s\n", e.First, e.Then, strings.Join(e.Parties, ", "))
		}
	}
}

func count(c negotiate.Count) string {
	if c.Exact {
		return c.Value.String()
	}
	return fmt.Sprintf("between %s and %s (the budget ran out after %d nodes; raise --budget for the exact figure)", c.Lower, c.Upper, c.Nodes)
}

func list(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func utilities(u map[string]float64) string {
	keys := slices.Sorted(maps.Keys(u))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %.2f", k, u[k])
	}
	return strings.Join(parts, ", ")
}

func pkg(p map[string]string) string {
	keys := slices.Sorted(maps.Keys(p))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + p[k]
	}
	return strings.Join(parts, " ")
}

// printer remembers the first write error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}
