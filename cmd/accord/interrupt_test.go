package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runAccordCtx is runAccord with a context, cancelled after delay (at once
// when 0), as Ctrl-C cancels main's.
func runAccordCtx(t *testing.T, delay time.Duration, args ...string) (stdout, stderr string, code int, took time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if delay == 0 {
		cancel()
	} else {
		time.AfterFunc(delay, cancel)
	}
	var out, errb bytes.Buffer
	start := time.Now()
	code = run(ctx, args, &out, &errb)
	return out.String(), errb.String(), code, time.Since(start)
}

// TestInterrupted: a cancelled context (Ctrl-C, SIGTERM) stops the long
// commands short, with "interrupted", the step cut and exit 130, never
// "a bug".
func TestInterrupted(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.yaml")
	yaml, errs, code := runAccord(t, "generate", "--issues", "30", "--options", "5", "--parties", "6")
	if code != 0 {
		t.Fatalf("generate: exit %d: %s", code, errs)
	}
	if err := os.WriteFile(big, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		delay time.Duration // 0: cancelled before the start
		args  []string
		says  string
	}{
		{0, []string{"analyze", tiny}, "the analysis (starting) stopped"},
		{0, []string{"solve", tiny}, "nash solution stopped"},
		{0, []string{"frontier", tiny, "--x", "ua", "--y", "ru"}, "the frontier of ua and ru stopped"},
		{0, []string{"simulate"}, "sim: stopped after 0 events"},
		{0, []string{"generate"}, "synth: stopped"},
		{0, []string{"robust", "testdata/ranges.yaml", "--runs", "100"}, "context canceled"},
		{0, []string{"bridge", tiny}, "counting the acceptable set stopped"},
		{0, []string{"report", "briefing", tiny, "--proposal", "p1", "--out", filepath.Join(t.TempDir(), "b.html")}, `bridge from proposal "p1" stopped`},
		// About 10 s and 3 s uncancelled.
		{300 * time.Millisecond, []string{"analyze", big}, "the analysis (counting the acceptable set) stopped"},
		{300 * time.Millisecond, []string{"simulate", "--duration", "10000h"}, "sim: stopped after"},
		{300 * time.Millisecond, []string{"bridge", big}, "counting the acceptable set stopped"},
	} {
		out, errs, code, took := runAccordCtx(t, tc.delay, tc.args...)
		name := strings.Join(tc.args, " ")
		if code != exitInterrupted || !strings.Contains(errs, "accord: interrupted: ") || !strings.Contains(errs, tc.says) ||
			strings.Contains(errs, "this is a bug") || out != "" {
			t.Errorf("%s: exit %d, stdout %d bytes, stderr:\n%s\nwant exit %d saying %q", name, code, len(out), errs, exitInterrupted, tc.says)
		}
		// That the work stopped short is what the messages say (each
		// names the step cut); how soon is the machine's, not asserted
		// (5.5 s under a load of 12 on two cores).
		t.Logf("%s: stopped %v after the cancel", name, took-tc.delay)
	}
}

// TestRunawayInputsRefused: numbers that would run out of memory or make no
// sense are usage errors that say why, before any work.
func TestRunawayInputsRefused(t *testing.T) {
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"robust", "testdata/ranges.yaml", "--workers", "-2"}, "--workers is -2; want 0 (one per core) or more"},
		{[]string{"simulate", "--rate", "1e12"}, "--rate 1e+12 and --false-alarms 2 an hour for --duration 6h0m0s expect 6e+12 events, more than the 1000000"},
		{[]string{"simulate", "--duration", "30000h"}, "expect 1.26e+06 events"},
		{[]string{"simulate", "--rate", "0", "--false-alarms", "1e9"}, "expect 6e+09 events"},
		{[]string{"generate", "--issues", "100000000"}, "--issues 100000000 × --options 4 × --parties 4 is 1.6e+09 utilities, more than the 1000000"},
		{[]string{"generate", "--slack", "NaN"}, "--slack must be within 0..100, got NaN"},
		{[]string{"report", "briefing", "testdata/tiny.yaml", "--proposal", "p1", "--out", "/tmp/never.html", "--runs", "-5"}, "--runs must be positive, got -5"},
		{[]string{"generate", "--slack", "-1e300"}, "--slack must be within 0..100, got -1e+300"},
	} {
		out, errs, code := runAccord(t, tc.args...)
		if code != exitUsage || !strings.Contains(errs, tc.says) || out != "" {
			t.Errorf("%s: exit %d, stdout %d bytes, stderr:\n%s\nwant exit 2 saying %q", strings.Join(tc.args, " "), code, len(out), errs, tc.says)
		}
	}
}
