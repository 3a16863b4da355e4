package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sim"
	"github.com/spf13/cobra"
)

func newSimulateCmd() *cobra.Command {
	var (
		agreementPath, truthPath string
		seed                     uint64
		duration                 time.Duration
		rate, falseAlarms        float64
		start                    string
		dense, grain             bool
		grainBreach              []string
	)
	cmd := &cobra.Command{
		Use:   "simulate [--seed N] [--duration D] [--rate R] [--dense] [--grain [--grain-breach KINDS]] [--truth FILE]",
		Short: "Write a simulated sensor network's observations as NDJSON",
		Long: `simulate runs a synthetic but plausible monitoring network along the agreed
contact line: satellites of three owners, fixed acoustic sensors every 12 km,
UAV patrols, ground monitors, both parties' reports and open sources, each with
its own accuracy, delay, detection rate, duplicates and false alarms. True
events (heavy weapons inside and outside their bands, shots across the line,
explosions, troops in the demilitarised strip, strikes on protected sites)
happen at --rate per hour over --duration.

With --dense the front is busy: four events in five are shells fired in
bursts (4 shots a minute apart on average, impacts 800 m around the burst's
aim) into 3 hotspots of 2 km, and every source's position and time errors
are 1.5 and 2 times wider (sim.DefaultDense); the rest are drawn as without
it. This is the stream fusion is measured on where events crowd
(fusion/dense_test.go).

With --grain the Black Sea grain corridor's stream joins the front's in
arrival order (sim.GrainCorridor, its defaults): merchant vessels sailing
the reference corridor at 12 knots between Odesa and the Bosphorus,
satellite AIS reports every 10 minutes and hourly SAR detections (vessel
observations), inspections by the JCC's teams off Istanbul (inspection
observations), 3 departures and 3 arrivals a day. --grain-breach injects
breaches: outside (the first outbound vessel leaves the lane for two
hours), uninspected (the second sails past the inspection area without an
inspection), attack (a missile strike 5 km off the lane); each is a line of
the truth file. --rate 0 leaves the grain corridor alone.

Observations go to stdout as NDJSON (docs/observation.md), in arrival order.
With --truth, one line per true event goes to FILE:
  {"event_id","observations":[{"source","id"}...],"violation":RULE|null,"party":ID|null}
where RULE is the first rule of the agreement the event really breaks, judged
on its exact position by the same rules 'accord monitor run' applies.

The geometry is the reference agreement's unless --agreement names another.
The same --seed gives the same output. A run is held in memory (about 5 KB
an event), so it may expect at most 1,000,000 events, (--rate +
--false-alarms) × --duration in hours; split a longer run by --start and
--seed. Ctrl-C stops it.`,
		Example: "  accord simulate --seed 7 --duration 6h --truth truth.ndjson > obs.ndjson\n  accord monitor run reference obs.ndjson --json",
		Args:    exactArgs(0, "no argument"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if duration <= 0 || !(rate >= 0) || !(falseAlarms >= 0) || math.IsInf(rate, 0) || math.IsInf(falseAlarms, 0) {
				return usageError{cmd: "simulate", err: fmt.Errorf("--duration must be > 0, --rate and --false-alarms finite numbers ≥ 0")}
			}
			if n := (rate + falseAlarms) * duration.Hours(); n > sim.MaxEvents {
				return usageError{cmd: "simulate", err: fmt.Errorf("--rate %g and --false-alarms %g an hour for --duration %v expect %.4g events, more than the %d a run may hold in memory (about 5 KB an event): lower them, or split the run by --start and --seed", rate, falseAlarms, duration, n, sim.MaxEvents)}
			}
			if err := checkOutputPath(truthPath); err != nil {
				return err
			}
			if err := checkNotInput("--truth", truthPath, agreementFiles(agreementPath)...); err != nil {
				return err
			}
			t0, err := time.Parse(time.RFC3339, start)
			if err != nil {
				return usageError{cmd: "simulate", err: fmt.Errorf("--start: %v", err)}
			}
			span := fmt.Sprintf("--start %s and --duration %v", start, duration)
			if end := t0.Add(duration); end.After(pastRFC3339) {
				return usageError{cmd: "simulate", err: fmt.Errorf("%s end past the year 9999, the last an RFC 3339 time can name: start earlier or run shorter", span)}
			}
			a, k, err := loadMonitoring(agreementPath)
			if err != nil {
				return err
			}
			judge := monitor.NewPipeline(a.Monitoring, k, fusion.Config{})
			cfg := sim.FromAgreement(a.Monitoring, k)
			cfg.Seed, cfg.Start, cfg.Duration, cfg.Rate, cfg.FalseAlarmsPerHour = seed, t0, duration, rate, falseAlarms
			cfg.Judge = judgeWith(judge)
			if dense {
				cfg.Dense = sim.DefaultDense()
			}
			res, err := sim.RunContext(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			if len(grainBreach) > 0 && !grain {
				return usageError{cmd: "simulate", err: fmt.Errorf("--grain-breach needs --grain")}
			}
			if grain {
				gc := sim.DefaultGrain()
				gc.Seed, gc.Start, gc.Duration = seed, t0, duration
				for _, b := range grainBreach {
					switch b {
					case "outside":
						gc.Breach.Outside = true
					case "uninspected":
						gc.Breach.Uninspected = true
					case "attack":
						gc.Breach.Attack = true
					default:
						return usageError{cmd: "simulate", err: fmt.Errorf("--grain-breach: %q: want outside, uninspected or attack", b)}
					}
				}
				gr, err := sim.GrainCorridor(gc)
				if err != nil {
					return err
				}
				res = sim.Combine(res, gr)
			}
			if err := checkSimulatedTimes(res, span); err != nil {
				return usageError{cmd: "simulate", err: err}
			}
			return writeSimulation(cmd.Context(), cmd.OutOrStdout(), res, truthPath)
		},
	}
	f := cmd.Flags()
	f.StringVar(&agreementPath, "agreement", "", "agreement file whose monitoring section to simulate (default: the embedded reference)")
	f.Uint64Var(&seed, "seed", 1, "random seed")
	f.DurationVar(&duration, "duration", 6*time.Hour, "how long the simulated events run")
	f.Float64Var(&rate, "rate", 40, "true events per hour")
	f.Float64Var(&falseAlarms, "false-alarms", 2, "false alarms per hour across the network")
	f.StringVar(&start, "start", "2025-06-01T00:00:00Z", "first instant (RFC 3339)")
	f.BoolVar(&dense, "dense", false, "a busy front: bursts of shots into a few hotspots, wider errors")
	f.BoolVar(&grain, "grain", false, "add the Black Sea grain corridor's vessels (scenarios/ukraine-2025/grain-corridor.yaml)")
	f.StringSliceVar(&grainBreach, "grain-breach", nil, "with --grain, inject breaches: outside, uninspected, attack (comma-separated)")
	f.StringVar(&truthPath, "truth", "", "also write the ground truth, one line per true event, to FILE")
	cmd.AddCommand(newSimulateNuclearPlantCmd())
	return cmd
}

// judgeWith makes the simulator's judge from a pipeline's rules: every rule
// an exact event breaks, with its party.
func judgeWith(p *monitor.Pipeline) func(sim.TrueEvent) []sim.Verdict {
	return func(ev sim.TrueEvent) []sim.Verdict {
		var out []sim.Verdict
		for _, v := range p.Judge(monitor.TrueEvent{Event: ev.Event, Equipment: ev.Equipment, CaliberMM: float64(ev.CaliberMM), Position: ev.Position, Origin: ev.Origin}) {
			if v.Party != nil {
				out = append(out, sim.Verdict{Rule: v.Rule, Party: *v.Party})
			}
		}
		return out
	}
}

// writeSimulation writes a simulation's observations as NDJSON to w and,
// with truthPath, its ground truth as NDJSON to that file (atomically),
// once the observations are all written: a truth file is never left
// beside observations that did not go out. It stops when ctx is done.
func writeSimulation(ctx context.Context, out io.Writer, res *sim.Result, truthPath string) error {
	if err := writeNDJSON(ctx, out, res.Observations); err != nil {
		return err
	}
	if truthPath == "" {
		return nil
	}
	return writeFileAtomic(truthPath, func(f *os.File) error { return writeNDJSON(ctx, f, res.Truth) })
}

// pastRFC3339 is the first instant an RFC 3339 time cannot name: its year
// has four digits.
var pastRFC3339 = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)

// checkSimulatedTimes refuses a run whose reports would carry a time that
// is no RFC 3339 time — one past the year 9999, as a report made hours
// after an event near its end is — which every reader of observations,
// accord's own included, refuses. span names the flags that set the run's
// time. It is called before anything is written.
func checkSimulatedTimes(res *sim.Result, span string) error {
	for _, o := range res.Observations {
		for _, at := range []string{o.Properties.ObservedAt, o.Properties.ReportedAt} {
			if _, err := time.Parse(time.RFC3339, at); err != nil {
				return fmt.Errorf("%s: the observation %s of %s would carry the time %q, outside the years 0000 to 9999 that an RFC 3339 time can name (reports come up to hours after their events): start earlier or run shorter",
					span, o.Properties.ID, o.Properties.Source.ID, at)
			}
		}
	}
	return nil
}

// writeNDJSON writes values one JSON per line, looking at ctx every few
// thousand lines.
func writeNDJSON[T any](ctx context.Context, out io.Writer, vs []T) error {
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	for i := range vs {
		if i%4096 == 0 && ctx.Err() != nil {
			return fmt.Errorf("writing stopped after %d of %d lines: %w", i, len(vs), context.Cause(ctx))
		}
		if err := enc.Encode(vs[i]); err != nil {
			return err
		}
	}
	return w.Flush()
}
