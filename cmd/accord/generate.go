package main

import (
	"context"
	"fmt"

	"github.com/accord-peace/accord/scenario"
	"github.com/accord-peace/accord/synth"
	"github.com/spf13/cobra"
)

// maxGenerated is the most utilities (issues × options × parties) generate
// writes: scenario.Format takes about 30 s and 5 GB for a million.
const maxGenerated = 1_000_000

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
the same scenario. It writes at most 1,000,000 utilities (--issues ×
--options × --parties: about 30 s, 16 MB of YAML and 5 GB of memory at the
ceiling). Ctrl-C stops it.`,
		Example: "  accord generate --issues 20 --options 5 --parties 6 > big.yaml\n  accord solve big.yaml --concept common",
		Args:    exactArgs(0, "no argument"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if c.Issues < 1 || c.Options < 1 || c.Parties < 1 {
				return usageError{cmd: "generate", err: fmt.Errorf("--issues, --options and --parties must be at least 1")}
			}
			if c.Veto < 0 || c.Veto > c.Parties {
				return usageError{cmd: "generate", err: fmt.Errorf("--veto must be within 0..%d", c.Parties)}
			}
			if !(c.Slack >= 0 && c.Slack <= 100) { // NaN too
				return usageError{cmd: "generate", err: fmt.Errorf("--slack must be within 0..100, got %v", c.Slack)}
			}
			if n := float64(c.Issues) * float64(c.Options) * float64(c.Parties); n > maxGenerated {
				return usageError{cmd: "generate", err: fmt.Errorf("--issues %d × --options %d × --parties %d is %.4g utilities, more than the %d generate writes (its YAML is built in memory, about 5 KB a utility)", c.Issues, c.Options, c.Parties, n, maxGenerated)}
			}
			ctx := cmd.Context()
			s, err := synth.GenerateContext(ctx, c)
			if err != nil {
				return err
			}
			// The YAML encoder cannot be told to stop: it runs aside, and
			// an interrupt returns at once (the process ends with it).
			type formatted struct {
				data []byte
				err  error
			}
			done := make(chan formatted, 1)
			go func() {
				data, err := scenario.Format(s)
				done <- formatted{data, err}
			}()
			select {
			case <-ctx.Done():
				return fmt.Errorf("generate: stopped while writing the YAML: %w", context.Cause(ctx))
			case f := <-done:
				if f.err != nil {
					return f.err
				}
				_, err = cmd.OutOrStdout().Write(f.data)
				return err
			}
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
