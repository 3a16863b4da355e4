package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/render"
	"github.com/spf13/cobra"
)

func newEvaluateCmd() *cobra.Command {
	var f analysisFlags
	var only string
	c := &cobra.Command{
		Use:   "evaluate SCENARIO",
		Short: "Score proposals for every party: utility, acceptance, red lines, costliest issues",
		Long: `evaluate scores each proposal for every party that has a position: its
utility, whether it accepts, the issues where the proposal crosses one of its
red lines, and the issues that cost it most. A proposal that leaves issues
undecided is partial: it is scored on its decided issues only.`,
		Args:              exactArgs(1, "one SCENARIO"),
		ValidArgsFunction: scenarioCompletion,
		RunE: func(c *cobra.Command, args []string) error {
			m, err := load(args[0])
			if err != nil {
				return err
			}
			evals, err := evaluations(m, only)
			if err != nil {
				return err
			}
			if f.json {
				return writeJSON(c.OutOrStdout(), evals)
			}
			for _, ev := range evals {
				render.Evaluation(c.OutOrStdout(), ev)
				fmt.Fprintln(c.OutOrStdout())
			}
			return nil
		},
	}
	f.register(c)
	c.Flags().StringVar(&only, "proposal", "", "evaluate only this proposal id")
	return c
}

func evaluations(m *negotiate.Model, only string) ([]negotiate.Evaluation, error) {
	var out []negotiate.Evaluation
	for i := range m.Scenario.Proposals {
		p := &m.Scenario.Proposals[i]
		if only == "" || p.ID == only {
			out = append(out, m.Evaluate(p))
		}
	}
	if only != "" && len(out) == 0 {
		return nil, accord.Errorf(accord.ENOTFOUND, "unknown proposal %q", only)
	}
	if out == nil {
		out = []negotiate.Evaluation{}
	}
	return out, nil
}

func newCompareCmd() *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "compare SCENARIO",
		Short: "The comparison matrix of every proposal (issues × proposals, each party's verdict)",
		Long: `compare prints the comparison matrix of the scenario's proposals: one row per
issue with the option each proposal chooses (marking red lines), then one row
per party with its verdict on each proposal. It is the generated successor of
Table 1 of the SIIS report. Formats: markdown (default), html, json.`,
		Example:           "  accord compare scenarios/ukraine-2025 --format html > table1.html",
		Args:              exactArgs(1, "one SCENARIO"),
		ValidArgsFunction: scenarioCompletion,
		RunE: func(c *cobra.Command, args []string) error {
			if format != "markdown" && format != "html" && format != "json" {
				return usageError{cmd: "compare", err: fmt.Errorf("unknown --format %q (markdown, html or json)", format)}
			}
			m, err := load(args[0])
			if err != nil {
				return err
			}
			mx := m.Compare()
			switch format {
			case "html":
				return render.MatrixHTML(c.OutOrStdout(), mx)
			case "json":
				return writeJSON(c.OutOrStdout(), mx)
			}
			return render.MatrixMarkdown(c.OutOrStdout(), mx)
		},
	}
	c.Flags().StringVar(&format, "format", "markdown", "markdown, html or json")
	_ = c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"markdown", "html", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return c
}

func newSolveCmd() *cobra.Command {
	var f analysisFlags
	var concept string
	c := &cobra.Command{
		Use:   "solve SCENARIO",
		Short: "The best acceptable package under a solution concept",
		Long: `solve finds the acceptable package (every veto party accepts it) that is best
under a solution concept:

  nash         maximises the product of the veto parties' gains over their BATNA
  common       maximises the least normalised gain (U_i − d_i)/(M_i − d_i),
               M_i being party i's best acceptable utility: security that no
               party gains at another's expense; ties go to the larger Nash product
  utilitarian  maximises the sum of the veto parties' utilities

The search is exact (branch and bound); any optimal package may be returned
when several tie, and the optimal value is printed. When --budget runs out
first, the best package found is printed with an upper bound on the optimum
("exact": false in --json); when it runs out before any acceptable package is
found, solve fails (exit 1) saying so: "no package is acceptable" (null in
--json) is only said when the search finished.`,
		Args:              exactArgs(1, "one SCENARIO"),
		ValidArgsFunction: scenarioCompletion,
		RunE: func(c *cobra.Command, args []string) error {
			if !slices.Contains(negotiate.Concepts, concept) {
				return usageError{cmd: "solve", err: fmt.Errorf("unknown --concept %q (nash, common or utilitarian)", concept)}
			}
			m, err := load(args[0])
			if err != nil {
				return err
			}
			o := f.options()
			o.Context = c.Context() // Ctrl-C stops the search
			s, err := m.Solve(concept, o)
			if err != nil {
				return err
			}
			if f.json {
				return writeJSON(c.OutOrStdout(), s)
			}
			if s == nil {
				fmt.Fprintln(c.OutOrStdout(), "no package is acceptable to every veto party: run 'accord analyze' to see which red lines block agreement")
				return nil
			}
			render.Solution(c.OutOrStdout(), s)
			return nil
		},
	}
	f.register(c)
	c.Flags().StringVar(&concept, "concept", negotiate.ConceptNash, "nash, common or utilitarian")
	_ = c.RegisterFlagCompletionFunc("concept", cobra.FixedCompletions(negotiate.Concepts, cobra.ShellCompDirectiveNoFileComp))
	return c
}

func newBridgeCmd() *cobra.Command {
	var f analysisFlags
	var only string
	c := &cobra.Command{
		Use:   "bridge SCENARIO",
		Short: "For each proposal, the nearest acceptable package; or what blocks agreement",
		Long: `bridge finds, for each complete proposal, the acceptable package that changes
the fewest issues (ties go to the larger Nash product). Partial proposals are
skipped. When no package is acceptable at all, it lists instead the smallest
sets of veto red lines (up to three) whose lifting would make agreement
possible, or says that the parties' reservation values conflict even without
red lines.

When --budget runs out before a proposal's search finds any acceptable
package, the proposal is said to be cut (listed under "cut" in --json, its
bridge null). "acceptable" in --json is true when the count or a search
found an acceptable package, false when none exists, and null when every
search that could tell was cut. When none exists, --json gives what blocks
agreement with analyze --json's keys: "conflicts" (the smallest sets of red
lines, each [{"party","issue","option"}...]), "min_blocking_red_lines",
"reservation_conflict" and, when the budget cut that search,
"conflicts_cut".`,
		Args:              exactArgs(1, "one SCENARIO"),
		ValidArgsFunction: scenarioCompletion,
		RunE: func(c *cobra.Command, args []string) error {
			m, err := load(args[0])
			if err != nil {
				return err
			}
			o := f.options()
			if only != "" {
				if _, ok := m.Scenario.Proposal(only); !ok {
					return accord.Errorf(accord.ENOTFOUND, "unknown proposal %q", only)
				}
			}
			o.Context = c.Context() // Ctrl-C stops the count and the searches
			out := c.OutOrStdout()
			cnt, err := m.CountAcceptableContext(o)
			if err != nil {
				return err
			}
			if cnt.Upper.Sign() == 0 {
				return writeConflicts(out, m, o, f.json)
			}
			r, err := bridgeAll(m, o, only)
			if err != nil {
				return err
			}
			if r.empty {
				// The count was cut, but a finished bridge search proves
				// the acceptable set empty.
				return writeConflicts(out, m, o, f.json)
			}
			if f.json {
				// acceptable: true when proven, null when unknown (the count
				// and every search were cut before anything was found).
				var acceptable any
				if cnt.Lower.Sign() > 0 || r.found {
					acceptable = true
				}
				return writeJSON(out, map[string]any{"acceptable": acceptable, "bridges": r.bridges, "cut": r.cut})
			}
			for _, id := range r.order {
				b := r.bridges[id]
				switch {
				case b != nil:
					fmt.Fprintf(out, "%s\n", id)
					render.BridgeText(out, b)
				case slices.Contains(r.cut, id):
					fmt.Fprintf(out, "%s: no bridge found: the budget of %d node(s) ran out before the search found any acceptable package, which does not show that none exists; raise --budget\n", id, f.budget)
				default:
					fmt.Fprintf(out, "%s: partial proposal, no bridge\n", id)
				}
			}
			return nil
		},
	}
	f.register(c)
	c.Flags().StringVar(&only, "proposal", "", "bridge only this proposal id")
	return c
}

// bridges are the outcomes of bridge's searches, by proposal.
type bridges struct {
	order   []string                     // proposals in scenario order
	bridges map[string]*negotiate.Bridge // nil: partial or cut
	cut     []string                     // complete proposals whose search the budget cut
	found   bool                         // some search found an acceptable package
	empty   bool                         // some search finished and found none: the set is empty
}

// bridgeAll bridges every proposal (or only one).
func bridgeAll(m *negotiate.Model, o negotiate.Options, only string) (*bridges, error) {
	r := &bridges{bridges: map[string]*negotiate.Bridge{}, cut: []string{}}
	for i := range m.Scenario.Proposals {
		p := &m.Scenario.Proposals[i]
		if only != "" && p.ID != only {
			continue
		}
		b, err := m.NearestAcceptable(p, o)
		var be *negotiate.BudgetError
		switch {
		case errors.As(err, &be):
			r.cut = append(r.cut, p.ID)
		case errors.Is(err, negotiate.ErrPartial):
		case err != nil:
			return nil, err
		case b == nil:
			r.empty = true
		default:
			r.found = true
		}
		r.order = append(r.order, p.ID)
		r.bridges[p.ID] = b
	}
	return r, nil
}

// writeConflicts says why no package is acceptable.
func writeConflicts(out io.Writer, m *negotiate.Model, o negotiate.Options, asJSON bool) error {
	cf, err := m.ConflictsContext(o)
	if err != nil {
		return err
	}
	if asJSON {
		// analyze --json's names for the same facts.
		return writeJSON(out, struct {
			Acceptable bool `json:"acceptable"`
			negotiate.ConflictsReport
		}{false, cf.Report()})
	}
	render.Conflicts(out, &cf)
	return nil
}

func newFrontierCmd() *cobra.Command {
	var f analysisFlags
	var x, y, out string
	c := &cobra.Command{
		Use:   "frontier SCENARIO --x PARTY --y PARTY",
		Short: "SVG plot of the acceptable set's frontier for two parties, proposals marked",
		Long: `frontier plots, in the utilities of two parties, the frontier of the
acceptable set (acceptable packages that no other acceptable package betters
for both), their BATNAs, and every proposal (filled when every veto party
accepts it, grey when partial). The SVG goes to stdout or --out; --json prints
the points instead.`,
		Example:           "  accord frontier scenarios/ukraine-2025 --x ua --y ru --out frontier.svg",
		Args:              exactArgs(1, "one SCENARIO"),
		ValidArgsFunction: scenarioCompletion,
		RunE: func(c *cobra.Command, args []string) error {
			if x == "" || y == "" {
				return usageError{cmd: "frontier", err: fmt.Errorf("frontier needs --x and --y, two party ids")}
			}
			if err := checkOutputPath(out); err != nil {
				return err
			}
			if err := checkNotInput("--out", out, args[0]); err != nil {
				return err
			}
			m, err := load(args[0])
			if err != nil {
				return err
			}
			o := f.options()
			o.Context = c.Context() // Ctrl-C stops the search
			pl, err := m.Plane(x, y, o)
			if err != nil {
				return err
			}
			if f.json {
				return writeJSON(c.OutOrStdout(), pl)
			}
			if out == "" {
				return render.PlaneSVG(c.OutOrStdout(), pl)
			}
			return writeFileAtomic(out, func(file *os.File) error { return render.PlaneSVG(file, pl) })
		},
	}
	f.register(c)
	c.Flags().StringVar(&x, "x", "", "party on the horizontal axis")
	c.Flags().StringVar(&y, "y", "", "party on the vertical axis")
	c.Flags().StringVarP(&out, "out", "o", "", "write the SVG to this file instead of stdout")
	return c
}
