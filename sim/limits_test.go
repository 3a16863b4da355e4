package sim_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/sim"
)

// TestRunLimits: a run that expects more than MaxEvents is refused before
// anything is drawn (it ran out of memory), with a message that gives the
// numbers; a done context stops a run with an error wrapping its own.
func TestRunLimits(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name     string
		ctx      context.Context
		rate     float64
		alarms   float64
		duration time.Duration
		want     string // "" for success
		code     string
		cause    error
	}{
		{"default", context.Background(), 40, 2, 6 * time.Hour, "", "", nil},
		{"rate 1e12", context.Background(), 1e12, 2, 6 * time.Hour, "expect 6e+12 events, more than the 1000000", accord.EINVALID, nil},
		{"long and dense", context.Background(), 40, 2, 25000 * time.Hour, "expect 1.05e+06 events", accord.EINVALID, nil},
		{"false alarms alone", context.Background(), 0, 1e7, time.Hour, "0 true events and 1e+07 false alarms an hour", accord.EINVALID, nil},
		{"at the ceiling", cancelled, sim.MaxEvents, 0, time.Hour, "sim: stopped after 0 events", accord.EINTERNAL, context.Canceled},
		{"cancelled", cancelled, 40, 2, 6 * time.Hour, "sim: stopped after 0 events", accord.EINTERNAL, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config(1)
			cfg.Rate, cfg.FalseAlarmsPerHour, cfg.Duration = tc.rate, tc.alarms, tc.duration
			res, err := sim.RunContext(tc.ctx, cfg)
			if tc.want == "" {
				if err != nil || len(res.Truth) == 0 {
					t.Fatalf("%v, %d events", err, len(res.Truth))
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || accord.ErrorCode(err) != tc.code || tc.cause != nil && !errors.Is(err, tc.cause) {
				t.Fatalf("error %v (code %s), want %s saying %q", err, accord.ErrorCode(err), tc.code, tc.want)
			}
		})
	}
}
