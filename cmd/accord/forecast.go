package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/forecast"
	"github.com/accord-peace/accord/render"
	"github.com/accord-peace/accord/scenario"
	"github.com/spf13/cobra"
)

func newForecastCmd() *cobra.Command {
	var (
		model, svg string
		euVariant  string
		asJSON     bool
		rounds     int
		q          float64
	)
	c := &cobra.Command{
		Use:   "forecast SCENARIO|FILE.csv",
		Short: "Where the bargaining is likely to land: spatial models (SMP, expected utility, compromise) round by round",
		Long: `forecast runs a spatial model of bargaining on actors who hold a position on
each dimension, a power and a salience per dimension, and prints every actor's
position round by round with the weighted median and mean (weights power ×
salience); for the eu model, also every round's accepted offers and risk
exponents. The models (docs/forecast.md):

  smp         KTAB's spatial model of politics, its default parameters and
              stopping rule (reproduces KTAB's own run on its dummy data)
  eu          Bueno de Mesquita's expected-utility model as Scholz, Calbert and
              Smith (2011) write it out, dimension by dimension (--q, --rounds,
              --eu-variant)
  compromise  everyone at the power × salience weighted mean

The input is a CSV in KTAB's layout (a name ending in .csv; see
docs/forecast.md) or a scenario: one dimension per issue with its options
spread evenly on 0..100 in the order listed, each party at the option it
values most, salience its normalised weight × 100, power 1.

With --json one object: {"model","rounds","actors","dimensions","positions"
[state][actor][dimension] from the input,"median"[state][dimension],
"mean"[state][dimension]}, on the input's scale.`,
		Example: `  accord forecast dummyData_3Dim.csv --model smp
  accord forecast ec.csv --model eu --rounds 8 --json
  accord forecast scenarios/ukraine-2025 --model compromise --svg forecast.svg`,
		Args:              exactArgs(1, "one SCENARIO or FILE.csv"),
		ValidArgsFunction: forecastCompletion,
		RunE: func(c *cobra.Command, args []string) error {
			if rounds < 0 || rounds > maxForecastRounds {
				return usageError{cmd: c.CommandPath(), err: fmt.Errorf("--rounds is %d; want 0 (the model's default) to %d", rounds, maxForecastRounds)}
			}
			if euVariant != forecast.EUTable && euVariant != forecast.EUText {
				return usageError{cmd: c.CommandPath(), err: fmt.Errorf("--eu-variant %q: want table or text", euVariant)}
			}
			if !(q >= 0 && q <= 1) {
				return usageError{cmd: c.CommandPath(), err: fmt.Errorf("--q is %v; want 0..1", q)}
			}
			if !forecast.KnownModel(model) {
				return usageError{cmd: c.CommandPath(), err: fmt.Errorf("--model %q: want smp, eu or compromise", model)}
			}
			if err := checkOutputPath(svg); err != nil {
				return err
			}
			if err := checkNotInput("--svg", svg, args[0]); err != nil {
				return err
			}
			in, err := forecastInput(args[0])
			if err != nil {
				return err
			}
			fc, tr, err := forecast.Run(in, model, forecast.Options{
				SMP: forecast.SMPOptions{Turns: rounds},
				EU:  forecast.EUOptions{Rounds: rounds, Q: &q, Variant: euVariant},
			})
			if err != nil {
				return err
			}
			if svg != "" {
				if err := writeFileAtomic(svg, func(f *os.File) error { return render.ForecastSVG(f, fc) }); err != nil {
					return err
				}
			}
			if asJSON {
				return writeJSON(c.OutOrStdout(), fc)
			}
			if err := render.ForecastText(c.OutOrStdout(), fc); err != nil {
				return err
			}
			if tr != nil {
				return render.EUTraceText(c.OutOrStdout(), fc, tr)
			}
			return nil
		},
	}
	c.Flags().StringVar(&model, "model", "smp", "smp, eu or compromise")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts instead of text")
	c.Flags().StringVar(&svg, "svg", "", "also write an SVG of the positions converging to this file")
	c.Flags().IntVar(&rounds, "rounds", 0, "rounds to run; 0: the model's default (smp: KTAB's stopping rule; eu: 8)")
	c.Flags().StringVar(&euVariant, "eu-variant", forecast.EUTable, "eu: table (reproduces Scholz et al.'s Table 2) or text (their printed equations)")
	c.Flags().Float64Var(&q, "q", 1.0, "eu: probability that the status quo holds when an actor does not challenge")
	return c
}

// maxForecastRounds bounds --rounds: every state is kept for the output.
const maxForecastRounds = 10000

// forecastInput reads a KTAB CSV (by its .csv name) or maps a scenario.
func forecastInput(path string) (*forecast.Input, error) {
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		f, err := os.Open(path)
		if err != nil {
			code := accord.EINVALID
			if errors.Is(err, fs.ErrNotExist) {
				code = accord.ENOTFOUND
			}
			return nil, &accord.Error{Code: code, Err: err}
		}
		defer f.Close()
		in, err := forecast.ReadCSV(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return in, nil
	}
	s, err := scenario.Load(path)
	if err != nil {
		return nil, err
	}
	in, err := forecast.ScenarioInput(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return in, nil
}

// forecastCompletion completes with CSV and YAML files and folders.
func forecastCompletion(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return []string{"csv", "yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
}
