package main

import (
	"fmt"
	"os"

	"github.com/accord-peace/accord/render"
	"github.com/accord-peace/accord/robust"
	"github.com/accord-peace/accord/scenario"
	"github.com/spf13/cobra"
)

func newRobustCmd() *cobra.Command {
	var (
		f        analysisFlags
		o        robust.Options
		svg      string
		progress bool
	)
	c := &cobra.Command{
		Use:   "robust SCENARIO",
		Short: "How sure the results are: acceptance probabilities over the scenario's ranges (Monte Carlo)",
		Long: `robust asks how sure the analysis is when utilities, weights and reservation
values are known only within ranges: a scenario may give [lo, hi] wherever it
gives such a number (docs/scenario.md, Ranges; every other command reads the
midpoint). robust draws every ranged value uniformly within its range, --runs
times, and reports for each proposal and for the Nash, common-security and
utilitarian solutions of the midpoint scenario the probability that every veto
party accepts it, then the issues whose uncertainty matters most (Spearman
rank correlations between the issue's ranged values and acceptance; see
docs/robust.md).

The result depends only on the scenario, --runs and --seed: the same seed
gives the same output on any machine and any number of cores. Runs are spread
over every core. Progress goes to stderr when stderr is a terminal, or with
--progress.`,
		Example: `  accord robust cmd/accord/testdata/ranges.yaml --runs 10000
  accord robust cmd/accord/testdata/ranges.yaml --runs 100000 --seed 7 --json | jq '.targets[] | {id, probability}'
  accord robust cmd/accord/testdata/ranges.yaml --runs 10000 --svg acceptance.svg`,
		Args:              exactArgs(1, "one SCENARIO"),
		ValidArgsFunction: scenarioCompletion,
		RunE: func(c *cobra.Command, args []string) error {
			if o.Runs <= 0 {
				return usageError{cmd: c.CommandPath(), err: fmt.Errorf("--runs must be positive, got %d", o.Runs)}
			}
			if o.Workers < 0 {
				return usageError{cmd: c.CommandPath(), err: fmt.Errorf("--workers is %d; want 0 (one per core) or more", o.Workers)}
			}
			if err := checkOutputPath(svg); err != nil {
				return err
			}
			if err := checkNotInput("--svg", svg, args[0]); err != nil {
				return err
			}
			s, err := scenario.Load(args[0])
			if err != nil {
				return err
			}
			o.Budget = f.budget
			if progress || isTerminal(c.ErrOrStderr()) {
				o.Progress = progressPrinter(c.ErrOrStderr(), isTerminal(c.ErrOrStderr()))
			}
			res, err := robust.Run(c.Context(), s, o)
			if err != nil {
				return err
			}
			if svg != "" {
				if err := writeFileAtomic(svg, func(f *os.File) error { return render.RobustSVG(f, res) }); err != nil {
					return err
				}
			}
			if f.json {
				return writeJSON(c.OutOrStdout(), res)
			}
			return render.RobustText(c.OutOrStdout(), res)
		},
	}
	f.register(c)
	c.Flags().IntVar(&o.Runs, "runs", 10000, "Monte Carlo runs")
	c.Flags().Uint64Var(&o.Seed, "seed", 1, "seed of the draws: the same seed gives the same result")
	c.Flags().IntVar(&o.Workers, "workers", 0, "goroutines running the draws (0: one per core); the result does not depend on it")
	c.Flags().StringVar(&svg, "svg", "", "also write a bar chart of the acceptance probabilities to this SVG file")
	c.Flags().BoolVar(&progress, "progress", false, "report progress on stderr even when it is not a terminal")
	return c
}
