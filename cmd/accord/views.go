package main

import (
	"fmt"
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
when several tie, and the optimal value is printed.`,
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
			s, err := m.Solve(concept, f.options())
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
red lines.`,
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
			out := c.OutOrStdout()
			if cnt := m.CountAcceptable(o); cnt.Upper.Sign() == 0 {
				cf := m.Conflicts(o)
				if f.json {
					return writeJSON(out, map[string]any{"acceptable": false, "conflicts": cf})
				}
				render.Conflicts(out, &cf)
				return nil
			}
			bridges := map[string]*negotiate.Bridge{}
			for i := range m.Scenario.Proposals {
				p := &m.Scenario.Proposals[i]
				if only != "" && p.ID != only {
					continue
				}
				b := m.BridgeProposal(p, o)
				bridges[p.ID] = b
				if !f.json {
					if b == nil {
						fmt.Fprintf(out, "%s: partial proposal, no bridge\n", p.ID)
						continue
					}
					fmt.Fprintf(out, "%s\n", p.ID)
					render.BridgeText(out, b)
				}
			}
			if f.json {
				return writeJSON(out, map[string]any{"acceptable": true, "bridges": bridges})
			}
			return nil
		},
	}
	f.register(c)
	c.Flags().StringVar(&only, "proposal", "", "bridge only this proposal id")
	return c
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
			m, err := load(args[0])
			if err != nil {
				return err
			}
			pl, err := m.Plane(x, y, f.options())
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
