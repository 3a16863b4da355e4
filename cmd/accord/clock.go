package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/stream"
)

// clockFlags are what 'accord clock' needs: the server and the caller's
// token.
type clockFlags struct {
	server, token string
	json          bool
	timeout       clientTimeout
}

func (f *clockFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.server, "server", "http://127.0.0.1:8080", serverFlagUsage)
	c.Flags().StringVar(&f.token, "token", "", "the bearer token, a monitor's, when the server checks tokens (default $ACCORD_TOKEN)")
	c.Flags().BoolVar(&f.json, "json", false, "print the server's answer as JSON")
	f.timeout.register(c)
}

func newClockCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "clock",
		Short: "Move a mission's agreement clock on without data",
		Long: `clock talks to a mission server about its agreement's clock. The engine's
clock moves with the observations' time (a batch's latest observation): when
none come — a quiet front, a sensor outage, the night — a deadline that passes
(a provision overdue, a consultation's stage, a snapback taking effect, a
presence report missing) is recorded only at the next batch. A tick moves the
clock without data, through
the same path as a batch's tick: the tick and what it derives are recorded,
and the witnesses replay them (docs/server.md, "The agreement's clock").

  tick  move the clock on to a time (POST /v1/clock; a monitor's token)

'accord serve --tick-every D' ticks to its own clock when a deadline has
passed.

On a stream deployment (serve --stream) an ingest node publishes the tick to
the stream, as a batch, and answers once it is durable there: the recorder
moves the clock and records what passed after the batches the node took
before the tick; the command says so, and GET /v1/agreement shows the
result once recorded.

` + serverExits,
	}
	cmd.AddCommand(newClockTickCmd())
	return cmd
}

func newClockTickCmd() *cobra.Command {
	var f clockFlags
	var at string
	var ifDue bool
	cmd := &cobra.Command{
		Use:   "tick --at TIME|now",
		Short: "Move the agreement's clock on to a time, recording what passes by then",
		Long: `tick moves the mission's agreement clock on to --at, an RFC 3339 instant, or
now (this machine's clock): every deadline up to it is processed as the next
batch would process it, and the tick and what it derived are recorded: a
presence duty's period whose deadline it passes with no report of the duty's
monitor is judged missing (docs/monitoring.md, the presence rule). It prints
what the tick derived and the reports it judged missing.

A time no later than the clock changes nothing and records nothing (exit 0,
saying so): the clock never goes back, and a tick sent again — its answer lost
— does no harm. The server refuses (exit 1, saying why) a time past its own
clock by more than the clock skew it allows (24 h by default, as for an
observation's reported_at), a tick before the parties have signed (the first
batch starts the clock), and a caller whose token is not a monitor's.

With --if-due the tick is recorded only when a deadline passes by --at, or a
presence report is missing then (the
tick serve --tick-every makes): sent every minute from cron, it records a
deadline within a minute of its passing and nothing otherwise — the way to
tick a stream deployment whose recorder runs on a node of its own, where
serve --tick-every cannot run.

A stream node (serve --stream) answers once the tick is published to the
stream and prints that it is: the recorder decides it later, in order, and
records nothing for a time no later than the clock, or before the parties
have signed (its log says so); a regional ingest node refuses ticks.

` + serverExits,
		Example: `  accord clock tick --at 2025-06-03T00:00:00Z
  accord clock tick --at now --server https://mission.example.org --token $MONITOR
  accord clock tick --at now --if-due   # from cron: records only what passes`,
		Args: exactArgs(0, "no argument"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var t time.Time
			switch at {
			case "":
				return usageError{cmd: cmd.CommandPath(), err: fmt.Errorf("--at is required: an RFC 3339 instant (2025-06-03T00:00:00Z), or now")}
			case "now":
				t = time.Now()
			default:
				var err error
				if t, err = accord.ParseInstant(at); err != nil {
					return usageError{cmd: cmd.CommandPath(), err: fmt.Errorf("--at: %v (want e.g. 2025-06-03T00:00:00Z, or now)", err)}
				}
			}
			c := &talksClient{server: f.server, token: firstOf(f.token, os.Getenv("ACCORD_TOKEN")), timeout: &f.timeout}
			var res api.ClockResult
			raw, err := c.call(cmd.Context(), http.MethodPost, "/v1/clock", api.ClockRequest{At: t.UTC().Format(time.RFC3339Nano), IfDue: ifDue}, &res)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if f.json {
				_, err = w.Write(raw)
				return err
			}
			if res.Deferred && ifDue {
				fmt.Fprintf(w, "the tick to %s is published to the stream, asked if due: the recorder moves the agreement's clock there, after the batches taken before it, only if a deadline passes by then, and records what passes (GET /v1/agreement, the feed); otherwise nothing\n", res.Now.Format(time.RFC3339Nano))
				return nil
			}
			if res.Deferred {
				fmt.Fprintf(w, "the tick to %s is published to the stream: the recorder moves the agreement's clock there, after the batches taken before it, and records what passes by then (GET /v1/agreement, the feed); nothing, if the clock is there already\n", res.Now.Format(time.RFC3339Nano))
				return nil
			}
			if !res.Ticked && ifDue && res.Now.IsZero() {
				fmt.Fprintln(w, "the agreement is not in force yet (its clock starts at the first batch the parties sign): nothing recorded")
				return nil
			}
			if !res.Ticked && ifDue && res.Now.Before(t) {
				fmt.Fprintf(w, "no deadline passes by %s: nothing recorded (the agreement's clock stays at %s)\n", t.UTC().Format(time.RFC3339Nano), res.Now.Format(time.RFC3339Nano))
				return nil
			}
			if !res.Ticked {
				fmt.Fprintf(w, "the agreement's clock is at %s, not before %s: nothing to do\n", res.Now.Format(time.RFC3339Nano), t.UTC().Format(time.RFC3339Nano))
				return nil
			}
			fmt.Fprintf(w, "the agreement's clock moved to %s", res.Now.Format(time.RFC3339Nano))
			if res.LastEntry != nil {
				fmt.Fprintf(w, " (recorded up to ledger entry %d)", *res.LastEntry)
			}
			fmt.Fprintln(w)
			for _, in := range res.Missing {
				fmt.Fprintf(w, "  %s: %s\n", in.ID, in.ClosedReason)
			}
			if len(res.Derived) == 0 && len(res.Missing) == 0 {
				fmt.Fprintln(w, "  no deadline passed")
			}
			for _, d := range res.Derived {
				if d.Agreement != "" {
					fmt.Fprintf(w, "  %s: %s\n", d.Agreement, d.What)
					continue
				}
				fmt.Fprintf(w, "  %s\n", d.What)
			}
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&at, "at", "", "the time to move the clock to: an RFC 3339 instant, or now (required)")
	cmd.Flags().BoolVar(&ifDue, "if-due", false, "record the tick only when a deadline passes by then, or a presence report is missing (a cron job's tick, as serve --tick-every's); otherwise nothing is recorded and the clock stays")
	return cmd
}

// ticker ticks a mission's agreement clock to the wall clock now and then
// (serve --tick-every): when a deadline has passed by the wall clock since
// the last entry, the tick is recorded with what it derived
// (Mission.TickIfDue); otherwise nothing is.
type ticker struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// startTicker looks at once, then every d, until stopped: tick is the
// mission's TickIfDue, or on a stream node streamTickIfDue.
func startTicker(tick func(context.Context, time.Time) (mission.ClockResult, error), d time.Duration, now func() time.Time, logger *slog.Logger) *ticker {
	ctx, cancel := context.WithCancel(context.Background())
	t := &ticker{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(t.done)
		every := time.NewTicker(d)
		defer every.Stop()
		for {
			res, err := tick(ctx, now())
			switch {
			case err != nil:
				logger.Error("ticking the agreement's clock to the server's clock", "err", err)
			case res.Deferred:
				logger.Info("published a tick of the agreement's clock to the server's clock: a deadline passed by the recorder's engine; the recorder records it in the log's order", "at", res.Now.Format(time.RFC3339Nano))
			case res.Ticked:
				var last int64 = -1
				if res.LastEntry != nil {
					last = *res.LastEntry
				}
				logger.Info("ticked the agreement's clock to the server's clock: a deadline passed", "now", res.Now.Format(time.RFC3339Nano), "derived", len(res.Derived), "missing_reports", len(res.Missing), "last_entry", last)
			}
			select {
			case <-ctx.Done():
				return
			case <-every.C:
			}
		}
	}()
	return t
}

// streamTickIfDue is a stream node's TickIfDue (serve --stream --role
// all --tick-every): the recorder's engine (the node's mission) says
// whether a tick to at would derive something, the ingest whether it
// passes a presence duty's deadline (the sectors judge the period at
// it: Ingester.PresenceDueAt); if so the tick is
// published through the node's ingest, marked if-due, and the recorder
// decides it as TickIfDue where it lies among the batches (a batch
// published meanwhile may have passed the deadline already: the tick
// then records nothing, as TickIfDue after that batch). While the
// recorder lags, the next look may publish another: each is decided the
// same way, and records only what is due then.
func streamTickIfDue(m *mission.Mission, g *stream.Ingester) func(context.Context, time.Time) (mission.ClockResult, error) {
	return func(ctx context.Context, at time.Time) (mission.ClockResult, error) {
		due, err := m.DueAt(at)
		if err != nil {
			return mission.ClockResult{}, err
		}
		if !due && !g.PresenceDueAt(at) {
			return mission.ClockResult{}, nil
		}
		return g.TickIfDue(ctx, at)
	}
}

// stop stops the ticker and waits for a tick under way to be recorded
// (nil: none).
func (t *ticker) stop() {
	if t == nil {
		return
	}
	t.cancel()
	<-t.done
}
