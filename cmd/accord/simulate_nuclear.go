package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/accord-peace/accord/sim"
)

func newSimulateNuclearPlantCmd() *cobra.Command {
	var (
		truthPath, start string
		seed             uint64
		days             int
		sightings        float64
		breaches         []string
	)
	cmd := &cobra.Command{
		Use:   "nuclear-plant [--seed N] [--days N] [--breach KIND@DAY]... [--truth FILE]",
		Short: "Write the Zaporizhzhia nuclear plant's simulated stream as NDJSON",
		Long: `nuclear-plant simulates the stream of the nuclear plant safety agreement
(scenarios/ukraine-2025/nuclear-plant.yaml, 'nuclear-plant' for short): the
IAEA team's presence report every day from the plant, a radiation monitor's
readings every six hours (to 07:00 the day after the last, so the last day
is judged), and satellite sightings around the plant with nothing to report
(event other), which break no rule.

--breach KIND@DAY injects a breach on a day (1 the first), repeatable:
  missing_report     the team's report of that day does not come
  power_line_strike  a strike on the 330 kV Ferosplavna-1 line's corridor
  heavy_weapons      an artillery battery inside the plant's zone
With --truth, one line per breach goes to FILE, as 'accord simulate' writes
them. The same --seed gives the same output.`,
		Example: "  accord simulate nuclear-plant --days 7 --breach missing_report@3 --breach power_line_strike@5 > npp.ndjson\n  accord monitor run nuclear-plant npp.ndjson --json",
		Args:    exactArgs(0, "no argument"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg := sim.DefaultNuclearPlant()
			t0, err := time.Parse(time.RFC3339, start)
			if err != nil {
				return usageError{cmd: "simulate nuclear-plant", err: fmt.Errorf("--start: %v", err)}
			}
			if days < 1 || !(sightings >= 0) || math.IsInf(sightings, 0) {
				return usageError{cmd: "simulate nuclear-plant", err: fmt.Errorf("--days must be ≥ 1 and --sightings a finite number ≥ 0")}
			}
			span := fmt.Sprintf("--start %s and --days %d", start, days)
			if days > 366*10000 || t0.AddDate(0, 0, days).After(pastRFC3339) {
				return usageError{cmd: "simulate nuclear-plant", err: fmt.Errorf("%s end past the year 9999, the last an RFC 3339 time can name: start earlier or simulate fewer days", span)}
			}
			cfg.Seed, cfg.Start, cfg.Days, cfg.SightingsPerDay = seed, t0, days, sightings
			for _, b := range breaches {
				kind, day, ok := strings.Cut(b, "@")
				n, err := strconv.Atoi(day)
				if !ok || err != nil {
					return usageError{cmd: "simulate nuclear-plant", err: fmt.Errorf("--breach %q: want KIND@DAY, as missing_report@3", b)}
				}
				cfg.Breaches = append(cfg.Breaches, sim.PlantBreach{Day: n, Kind: kind})
			}
			res, err := sim.NuclearPlant(cfg)
			if err != nil {
				return usageError{cmd: "simulate nuclear-plant", err: err}
			}
			if err := checkSimulatedTimes(res, span); err != nil {
				return usageError{cmd: "simulate nuclear-plant", err: err}
			}
			return writeSimulation(cmd.Context(), cmd.OutOrStdout(), res, truthPath)
		},
	}
	f := cmd.Flags()
	f.Uint64Var(&seed, "seed", 1, "random seed")
	f.IntVar(&days, "days", 7, "days of reports")
	f.Float64Var(&sightings, "sightings", 3, "satellite sightings around the plant per day (event other, breaking no rule)")
	f.StringVar(&start, "start", "2025-06-01T00:00:00Z", "the first day's midnight (RFC 3339)")
	f.StringArrayVar(&breaches, "breach", nil, "inject a breach: KIND@DAY (missing_report, power_line_strike, heavy_weapons), repeatable")
	f.StringVar(&truthPath, "truth", "", "also write the truth, one line per breach, to FILE")
	return cmd
}
