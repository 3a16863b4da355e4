package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/scenario"
	"github.com/spf13/cobra"
)

// usageError marks a wrong command line (exit code 2).
type usageError struct {
	cmd string
	err error
}

func (u usageError) Error() string { return u.err.Error() }

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "accord",
		Short: "Negotiate, agree, monitor, enforce and prove a peace settlement",
		Long: `accord models a multi-party negotiation (parties, tracks, issues, options,
positions, proposals; see docs/scenario.md), scores every proposal for every
party, and finds the packages that every party holding a veto can accept;
compiles a package into a phased agreement; monitors the ceasefire against
the agreed lines and zones (docs/observation.md), runs the emergency
consultation and applies the agreed consequences; and keeps every step in a
signed, verifiable record. 'accord demo' shows it all on the reference case.

A SCENARIO argument is a scenario YAML file, or a folder holding scenario.yaml
(for example scenarios/ukraine-2025). An AGREEMENT argument is an agreement
file, or "reference" for the embedded Ukraine 2025 reference agreement.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(debug.ReadBuildInfo()),
	}
	root.SetVersionTemplate("accord {{.Version}}\n")
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{cmd: c.CommandPath(), err: err}
	})
	root.AddCommand(
		newAnalyzeCmd(),
		newEvaluateCmd(),
		newCompareCmd(),
		newSolveCmd(),
		newBridgeCmd(),
		newFrontierCmd(),
		newGenerateCmd(),
		newSimulateCmd(),
		newMonitorCmd(),
		newAgreementCmd(),
		newReplayCmd(),
		newLedgerCmd(),
		newVerifyCmd(),
		newWitnessCmd(),
		newConsultCmd(),
		newClockCmd(),
		newExchangeCmd(),
		newServeCmd(),
		newConfigCmd(),
		newDemoCmd(),
		newReportCmd(),
		newScenarioCmd(),
		newNegotiationCmd(),
		newReconstructionCmd(),
		newForecastCmd(),
		newRobustCmd(),
	)
	root.InitDefaultCompletionCmd() // now, so that it is checked as the others
	requireSubcommand(root)
	root.SetHelpCommand(&cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 {
				return usageError{err: fmt.Errorf("no help for %q: %q has no such command", strings.Join(args, " "), target.CommandPath())}
			}
			return target.Help()
		},
	})
	return root
}

// requireSubcommand makes every command that only groups subcommands (the
// root among them) refuse an argument that names none of them, as a usage
// error (exit 2): cobra would print the help and exit 0 below the root. Such
// a command given no argument prints its help.
func requireSubcommand(c *cobra.Command) {
	for _, sub := range c.Commands() {
		requireSubcommand(sub)
	}
	if !c.HasSubCommands() || c.Run != nil || c.RunE != nil {
		return
	}
	c.Args = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		var names []string
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() {
				names = append(names, sub.Name())
			}
		}
		if c.SuggestionsMinimumDistance <= 0 {
			c.SuggestionsMinimumDistance = 2
		}
		msg := fmt.Sprintf("unknown command %q for %q; the commands are %s", args[0], c.CommandPath(), strings.Join(names, ", "))
		if s := c.SuggestionsFor(args[0]); len(s) > 0 {
			msg = fmt.Sprintf("unknown command %q for %q; did you mean %s?", args[0], c.CommandPath(), strings.Join(s, " or "))
		}
		return usageError{cmd: c.CommandPath(), err: fmt.Errorf("%s", msg)}
	}
	c.RunE = func(c *cobra.Command, args []string) error { return c.Help() }
}

// version is the build's version: the module's version when built from a
// tagged module (go install ...@v1.2.3), else the commit it was built from
// and its time (with "dirty" when the tree had changes), else "(devel)".
func version(bi *debug.BuildInfo, ok bool) string {
	if !ok || bi == nil {
		return "(unknown: no build information)"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, at, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = " dirty"
			}
		}
	}
	if rev == "" {
		return "(devel)"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	v := "(devel) " + rev
	if at != "" {
		v += " " + at
	}
	return v + dirty
}

// exactArgs is cobra.ExactArgs with a usage error.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError{cmd: c.CommandPath(), err: fmt.Errorf("%s needs %s, got %d argument(s)", c.CommandPath(), names, len(args))}
		}
		return nil
	}
}

// analysisFlags are the flags every analysing command shares.
type analysisFlags struct {
	json   bool
	budget int64
}

func (f *analysisFlags) register(c *cobra.Command) {
	c.Flags().BoolVar(&f.json, "json", false, "print JSON for scripts instead of text")
	f.budget = negotiate.DefaultBudget
	c.Flags().Var((*budgetValue)(&f.budget), "budget", "search nodes per search, at least 1; counts past it are given as exact bounds, a search it cuts says so")
}

// budgetValue is the --budget flag: a positive number of search nodes. The
// negotiate package reads 0 as its default, so 0 and negative values are
// refused here rather than silently meaning 200,000,000.
type budgetValue int64

// String implements pflag.Value.
func (b *budgetValue) String() string { return strconv.FormatInt(int64(*b), 10) }

// Type implements pflag.Value.
func (b *budgetValue) Type() string { return "int" }

// Set implements pflag.Value.
func (b *budgetValue) Set(s string) error {
	n, err := strconv.ParseInt(s, 0, 64)
	if err != nil {
		return fmt.Errorf("not a whole number of search nodes")
	}
	if n < 1 {
		return fmt.Errorf("the budget is a number of search nodes and must be at least 1 (the default is %d)", negotiate.DefaultBudget)
	}
	*b = budgetValue(n)
	return nil
}

func (f *analysisFlags) options() negotiate.Options { return negotiate.Options{Budget: f.budget} }

// load reads and compiles a scenario.
func load(path string) (*negotiate.Model, error) {
	s, err := scenario.Load(path)
	if err != nil {
		return nil, err
	}
	return negotiate.Compile(s), nil
}

// scenarioCompletion completes SCENARIO arguments with YAML files and folders.
func scenarioCompletion(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
}
