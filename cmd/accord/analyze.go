package main

import (
	"fmt"
	"time"

	"github.com/accord-peace/accord/render"
	"github.com/spf13/cobra"
)

func newAnalyzeCmd() *cobra.Command {
	var f analysisFlags
	var limit int
	var progress bool
	c := &cobra.Command{
		Use:   "analyze SCENARIO",
		Short: "Everything accord finds in a scenario",
		Long: `analyze prints every result of the negotiation engine: the proposals scored
for every party (utility, acceptance, red lines crossed, costliest issues), the
size of the acceptable set (packages every veto party accepts), its Pareto
frontier, the Nash, common-security and utilitarian solutions, the nearest
acceptable package to each complete proposal, the red lines that block
agreement when nothing is acceptable, and the deadlocks in the parties'
sequencing demands.

Counts are exact. When a count would need more search nodes than --budget,
the output says so and gives exact lower and upper bounds instead.`,
		Example:           "  accord analyze scenarios/ukraine-2025\n  accord analyze scenarios/ukraine-2025 --json | jq .acceptable_count",
		Args:              exactArgs(1, "one SCENARIO"),
		ValidArgsFunction: scenarioCompletion,
		RunE: func(c *cobra.Command, args []string) error {
			if limit < 0 {
				return usageError{cmd: "analyze", err: fmt.Errorf("--frontier-limit %d: want 0 or more", limit)}
			}
			m, err := load(args[0])
			if err != nil {
				return err
			}
			o := f.options()
			o.FrontierLimit = limit
			o.Context = c.Context() // Ctrl-C stops the searches
			if progress {
				start := time.Now()
				o.Progress = func(stage string) {
					fmt.Fprintf(c.ErrOrStderr(), "accord: %6.2fs %s\n", time.Since(start).Seconds(), stage)
				}
			}
			a, err := m.Analyze(o)
			if err != nil {
				return err
			}
			if f.json {
				return writeJSON(c.OutOrStdout(), a.Report())
			}
			return render.Text(c.OutOrStdout(), a)
		},
	}
	f.register(c)
	c.Flags().IntVar(&limit, "frontier-limit", 20, "frontier members to list")
	c.Flags().BoolVar(&progress, "progress", false, "report each stage and its start time on stderr (for long analyses)")
	return c
}
