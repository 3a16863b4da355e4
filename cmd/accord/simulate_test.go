package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A run whose reports would carry a time past the year 9999 — which no
// RFC 3339 time names, and accord's own reader refuses — is refused naming
// the flags, with nothing written: before, simulate --start
// 9999-12-31T23:00:00Z wrote "reported_at":"10000-01-01…".
func TestSimulatePastYear9999(t *testing.T) {
	truth := filepath.Join(t.TempDir(), "truth.ndjson")
	tests := []struct {
		name string
		args []string
		msg  string
	}{
		{"the run ends past 9999", []string{"simulate", "--start", "9999-12-31T23:00:00Z", "--duration", "2h"},
			"--start 9999-12-31T23:00:00Z and --duration 2h0m0s end past the year 9999"},
		{"its reports come past 9999", []string{"simulate", "--start", "9999-12-31T23:00:00Z", "--duration", "1h", "--truth", truth},
			`--start 9999-12-31T23:00:00Z and --duration 1h0m0s: the observation `},
		{"reports delayed past 9999", []string{"simulate", "--start", "9999-12-31T22:30:00Z", "--duration", "1h"},
			`would carry the time "10000-01-01T`},
		{"nuclear plant: the days end past 9999", []string{"simulate", "nuclear-plant", "--start", "9999-12-31T00:00:00Z", "--days", "2"},
			"--start 9999-12-31T00:00:00Z and --days 2 end past the year 9999"},
		{"nuclear plant: its reports come past 9999", []string{"simulate", "nuclear-plant", "--start", "9999-12-31T00:00:00Z", "--days", "1", "--truth", truth},
			`--start 9999-12-31T00:00:00Z and --days 1: the observation `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errs, code := runAccord(t, tt.args...)
			if code != 2 || out != "" || !strings.Contains(errs, tt.msg) {
				t.Errorf("exit %d, stdout %.100q, stderr %q; want 2, nothing written and %q", code, out, errs, tt.msg)
			}
			if _, err := os.Stat(truth); err == nil {
				t.Errorf("%s written", truth)
			}
		})
	}
	// The last hours that fit are simulated.
	if out := mustRun(t, "simulate", "--start", "9999-12-31T00:00:00Z", "--duration", "6h"); !strings.Contains(out, `"reported_at":"9999-12-31T`) {
		t.Errorf("no report of 9999-12-31: %.200s", out)
	}
}
