package main

import (
	"fmt"

	"github.com/accord-peace/accord/scenario"
	"github.com/accord-peace/accord/synth"
	"github.com/spf13/cobra"
)

func newGenerateCmd() *cobra.Command {
	var c synth.Config
	cmd := &cobra.Command{
		Use:   "generate --issues N --options M --parties P",
		Short: "Write a synthetic scenario of any size (for benchmarks and load tests)",
		Long: `generate writes a synthetic scenario as YAML to stdout. Options of each issue
lie on a line; each party has an ideal point per issue and values options by
their distance to it; red lines sit at the far ends; BATNAs sit a little
(--slack) below a hidden compromise package, which therefore stays acceptable.
With --uniform every utility is drawn uniformly instead. The same --seed gives
the same scenario.`,
		Example: "  accord generate --issues 20 --options 5 --parties 6 > big.yaml\n  accord solve big.yaml --concept common",
		Args:    exactArgs(0, "no argument"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if c.Issues < 1 || c.Options < 1 || c.Parties < 1 {
				return usageError{cmd: "generate", err: fmt.Errorf("--issues, --options and --parties must be at least 1")}
			}
			if c.Veto < 0 || c.Veto > c.Parties {
				return usageError{cmd: "generate", err: fmt.Errorf("--veto must be within 0..%d", c.Parties)}
			}
			data, err := scenario.Format(synth.Generate(c))
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(data)
			return err
		},
	}
	cmd.Flags().IntVar(&c.Issues, "issues", 10, "number of issues")
	cmd.Flags().IntVar(&c.Options, "options", 4, "options per issue")
	cmd.Flags().IntVar(&c.Parties, "parties", 4, "number of parties")
	cmd.Flags().IntVar(&c.Veto, "veto", 0, "veto parties, the first ones (0: all)")
	cmd.Flags().Uint64Var(&c.Seed, "seed", 1, "random seed")
	cmd.Flags().Float64Var(&c.Slack, "slack", 8, "how far below the hidden compromise BATNAs sit (0..100)")
	cmd.Flags().BoolVar(&c.Uniform, "uniform", false, "draw every utility uniformly from 0..100")
	return cmd
}
