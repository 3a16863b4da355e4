package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sim"
	"github.com/spf13/cobra"
)

func newDemoCmd() *cobra.Command {
	var c serverConfig
	var duration time.Duration
	var rate, speed float64
	var seed uint64
	var exit, war, skipTalks bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Start the server on the reference agreement and tell a ceasefire's story into it live",
		Long: `demo starts the mission server (as 'accord serve') on the embedded store and the
reference agreement, and tells a ceasefire's story into it over HTTP, on the
routes a real deployment uses: the simulator's sensor network reports
violations frequent on the first days and falling, then calm; the parties
answer the notices (accept, or dispute with evidence) and record the
provisions they carry out; the guarantors sign findings; the permanent
phase opens on verified compliance and releases the first tranche of
relief; three days in, a breach is upheld and the snapback re-imposes it.
Beside the ceasefire run the reference case's three functional agreements
(--agreement reference-case, the default): the Black Sea grain corridor,
whose vessels the simulator sails and one of which leaves the lane — a
breach the corridor's own consultation answers (its party disputes, its
guarantors uphold) without touching the other agreements —, the prisoner
exchange and the Zaporizhzhia plant's safety, each with its own parties,
consultation and state on the dashboard. --agreement reference runs the
ceasefire alone.
The engine's events narrate it on the dashboard. The reconstruction
registry starts with illustrative funds, projects and commitments: money
without conditions is disbursed at once, the rest is asked for every 45
seconds and released when the agreement allows (the dashboard's money view). A busy simulated hour
takes 1/--speed of an hour (half a second by default), a calm one a sixth
of that: the story takes about four minutes. The same --seed tells the
same story.

With --war it runs instead the simulator's unrelenting front (--rate true
events an hour for --duration, --speed 120 by default) and answers
nothing.

Before the ceasefire, the negotiation that leads to it (unless
--skip-negotiation): the mediator opens the reference negotiation from its
public part, the five parties submit their confidential positions, signed,
and the text goes round — the 28-point plan, objections, accord's bridge —
until every veto party accepts it; the package is compiled to an agreement
draft. It runs on a second server (URL printed; data in DATA/negotiation),
with tokens for the mediator and each party and the parties' keys in
DATA/talks, since negotiations are served to token holders only while the
story's server stays open to the dashboard. The same commands work by hand
there: 'accord negotiation status ukraine-2025 --server URL --token
$(cat DATA/talks/mediator.token)'.

It prints the URL of the live page, then what happens. Ctrl-C stops it
cleanly (exit 130 before the story or the simulation ends, 0 once it has
ended); with --exit it stops when the story (or the simulation) ends. The
data directory is a new temporary one unless --data names one.`,
		Example: "  accord demo\n  accord demo --seed 7 --speed 14400\n  accord demo --war --speed 600 --rate 400 --addr 127.0.0.1:9000",
		Args:    exactArgs(0, "no argument"),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			if !war && !cmd.Flags().Changed("speed") {
				speed = 7200
			}
			if !(speed > 0) {
				return usageError{cmd: cmd.CommandPath(), err: fmt.Errorf("--speed %g: want a positive number of simulated seconds per real second", speed)}
			}
			if duration <= 0 || !(rate >= 0) || math.IsInf(rate, 0) {
				return usageError{cmd: cmd.CommandPath(), err: fmt.Errorf("--duration %v, --rate %g: want a duration above 0 and a finite rate ≥ 0", duration, rate)}
			}
			if len(c.agreements) == 0 {
				c.agreements = []string{referenceCase}
			}
			if c.data == "" {
				dir, err := os.MkdirTemp("", "accord-demo-")
				if err != nil {
					return err
				}
				c.data = dir
			}
			logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn}))
			s, err := startServer(cmd.Context(), c, logger)
			if err != nil {
				return err
			}
			defer s.stop()
			if !war {
				if err := seedReconstruction(s.deployment.Funding, out); err != nil {
					return err
				}
				later, stopLater := context.WithCancel(cmd.Context())
				defer stopLater()
				go disburseLater(later, s.deployment.Funding, 45*time.Second, out)
			}
			fmt.Fprintf(out, "accord demo: open %s/ (data in %s)\n", s.URL, c.data)
			a, cfg, err := storySim(s)
			if err != nil {
				return err
			}
			if !war {
				if err := storyFits(a); err != nil {
					return err
				}
				if !skipTalks {
					stop, err := demoNegotiation(cmd.Context(), c, logger, out)
					if err != nil {
						return err
					}
					defer stop()
				}
				cfg.Seed = seed
				res, err := sim.RunCeasefire(cfg, sim.DefaultCeasefire())
				if err != nil {
					return err
				}
				// The functional agreements beside the main one have their
				// own streams (the grain corridor's vessels).
				if res.Observations, err = withFunctional(res.Observations, s.deployment.Agreements(), seed); err != nil {
					return err
				}
				busy := time.Duration(float64(time.Hour) / speed)
				fmt.Fprintf(out, "a ceasefire's story, seed %d: %d observations over up to %d days, a busy hour in %v\n", seed, len(res.Observations), sim.DefaultCeasefire().Days, busy)
				return tellStory(cmd, newStory(s.URL, cfg, res.Observations, busy, busy/6, out), exit, out)
			}
			// The front of accord simulate with the same seed, rate and duration.
			cfg.Seed, cfg.Duration, cfg.Rate, cfg.FalseAlarmsPerHour = seed, duration, rate, 2
			res, err := sim.Run(cfg)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "simulating %v: %d observations of %d true events, at %gx real time\n",
				duration, len(res.Observations), len(res.Truth), speed)
			return feed(cmd, s.URL, res.Observations, speed, exit, out)
		},
	}
	c.register(cmd, "")
	cmd.Flags().DurationVar(&duration, "duration", 24*time.Hour, "simulated time (--war)")
	cmd.Flags().Float64Var(&rate, "rate", 200, "true events per simulated hour (--war)")
	cmd.Flags().Float64Var(&speed, "speed", 120, "simulated seconds per real second (the story's busy hours: 7200 unless given)")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "the story's seed (--war: the front's, as accord simulate --seed): the same seed tells the same story")
	cmd.Flags().BoolVar(&war, "war", false, "run the unrelenting front instead of the ceasefire's story")
	cmd.Flags().BoolVar(&skipTalks, "skip-negotiation", false, "go straight to the ceasefire's story, without the negotiation before it")
	cmd.Flags().BoolVar(&exit, "exit", false, "stop when the story or the simulation ends instead of serving on")
	return cmd
}

// demoNegotiation runs the reference negotiation on a second server, with
// tokens and keys made in the data directory, and leaves it serving; stop
// stops it.
func demoNegotiation(ctx context.Context, c serverConfig, logger *slog.Logger, out io.Writer) (stop func(), err error) {
	if _, err := os.Stat(filepath.Join(c.data, "negotiation")); err == nil {
		fmt.Fprintf(out, "the negotiation was run before in %s (its record in %s): not again\n", c.data, filepath.Join(c.data, "negotiation"))
		return func() {}, nil
	}
	cast, err := newTalksCast(filepath.Join(c.data, "talks"))
	if err != nil {
		return nil, err
	}
	host, _, _ := net.SplitHostPort(c.addr)
	nc := c
	nc.addr, nc.data, nc.agreements, nc.scenario = net.JoinHostPort(host, "0"), filepath.Join(c.data, "negotiation"), nil, ""
	nc.tokens, nc.keys = cast.tokensFile(), cast.keysFile()
	s, err := startServer(ctx, nc, logger)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "the negotiation, on %s (tokens and keys in %s):\n", s.URL, cast.dir)
	if _, err := negotiateReference(ctx, s.URL, cast, out); err != nil {
		s.stop()
		return nil, err
	}
	return func() { s.stop() }, nil
}

// tellStory tells the story, then serves on until Ctrl-C unless exit.
func tellStory(cmd *cobra.Command, st *story, exit bool, out io.Writer) error {
	if err := st.run(cmd.Context()); err != nil {
		if err := cmd.Context().Err(); err != nil {
			// Stopped before its end: the story was not told (exit 130).
			fmt.Fprintln(out, "stopping")
			return fmt.Errorf("the story stopped before its end: %w", err)
		}
		return err
	}
	fmt.Fprintln(out, "the story is told")
	if exit {
		return nil
	}
	<-cmd.Context().Done()
	fmt.Fprintln(out, "stopping")
	return nil
}

// feed posts the observations as their reported_at comes, in batches.
func feed(cmd *cobra.Command, url string, obs []sim.Observation, speed float64, exit bool, out io.Writer) error {
	if len(obs) == 0 {
		return nil
	}
	t0, _ := time.Parse(time.RFC3339, obs[0].Properties.ReportedAt)
	start := time.Now()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	progress := time.Now()
	sent, added := 0, 0
	for sent < len(obs) {
		select {
		case <-cmd.Context().Done():
			// Stopped before the front was fed (exit 130).
			fmt.Fprintln(out, "stopping")
			return fmt.Errorf("the simulation stopped after %d of %d observations: %w", sent, len(obs), cmd.Context().Err())
		case <-tick.C:
		}
		simNow := t0.Add(time.Duration(float64(time.Since(start)) * speed))
		var buf bytes.Buffer
		n := 0
		for sent+n < len(obs) {
			at, _ := time.Parse(time.RFC3339, obs[sent+n].Properties.ReportedAt)
			if at.After(simNow) {
				break
			}
			b, _ := json.Marshal(obs[sent+n])
			buf.Write(b)
			buf.WriteByte('\n')
			n++
		}
		if n == 0 {
			continue
		}
		resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", &buf)
		if err != nil {
			return err
		}
		var r struct{ Added, Duplicates int }
		json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("the server refused a batch: %s", resp.Status)
		}
		sent += n
		added += r.Added
		if time.Since(progress) > 3*time.Second || sent == len(obs) {
			progress = time.Now()
			fmt.Fprintf(out, "%s simulated: %d of %d observations sent, %d stored\n", instant(simNow), sent, len(obs), added)
		}
	}
	fmt.Fprintln(out, "simulation done")
	if exit {
		return nil
	}
	<-cmd.Context().Done()
	fmt.Fprintln(out, "stopping")
	return nil
}

// storySim is the simulator's configuration for a server's story: the
// front of its main agreement (its own monitoring section and kernel, not
// the merged ones of the agreements beside it) and the judge of what
// breaks its rules. It returns the main agreement.
func storySim(s *server) (*agreement.Agreement, sim.Config, error) {
	a, k := s.agreement, s.kernel
	if s.monitoring != a.Monitoring {
		var err error
		if k, err = monitor.NewKernel(a.Monitoring); err != nil {
			return nil, sim.Config{}, err
		}
	}
	cfg := sim.FromAgreement(a.Monitoring, k)
	cfg.Judge = judgeWith(monitor.NewPipeline(a.Monitoring, k, fusion.Config{}))
	return a, cfg, nil
}
