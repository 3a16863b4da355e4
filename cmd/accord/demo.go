package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sim"
	"github.com/spf13/cobra"
)

func newDemoCmd() *cobra.Command {
	var c serverConfig
	var duration time.Duration
	var rate, speed float64
	var exit bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Start the server on the reference agreement and feed it a simulated sensor network live",
		Long: `demo starts the mission server (as 'accord serve') on the embedded store and the
reference agreement, and runs the simulator's sensor network into it over
HTTP, --speed times faster than real time: observations are posted when their
reported_at comes. It prints the URL of the live page, then progress every
few seconds. Ctrl-C stops it cleanly; with --exit it stops when the
simulation ends. The data directory is a new temporary one unless --data
names one.`,
		Example: "  accord demo\n  accord demo --speed 600 --rate 400 --addr 127.0.0.1:9000",
		Args:    exactArgs(0, "no argument"),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
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
			fmt.Fprintf(out, "accord demo: open %s/ (data in %s)\n", s.URL, c.data)
			a, k := s.agreement, s.kernel // the server's, built once
			cfg := sim.FromAgreement(a.Monitoring, k)
			cfg.Seed, cfg.Duration, cfg.Rate, cfg.FalseAlarmsPerHour = uint64(time.Now().UnixNano()), duration, rate, 2
			cfg.Judge = judgeWith(monitor.NewPipeline(a.Monitoring, k, fusion.Config{}))
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
	cmd.Flags().DurationVar(&duration, "duration", 24*time.Hour, "simulated time")
	cmd.Flags().Float64Var(&rate, "rate", 200, "true events per simulated hour")
	cmd.Flags().Float64Var(&speed, "speed", 120, "simulated seconds per real second")
	cmd.Flags().BoolVar(&exit, "exit", false, "stop when the simulation ends instead of serving on")
	return cmd
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
			fmt.Fprintln(out, "stopping")
			return nil
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
			fmt.Fprintf(out, "%s simulated: %d of %d observations sent, %d stored\n", simNow.Format("2006-01-02 15:04"), sent, len(obs), added)
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
