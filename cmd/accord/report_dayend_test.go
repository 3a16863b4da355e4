package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// lateObservation is one observation made at a given instant, far from the
// line's incidents: appended to a record, it moves the agreement engine's
// clock on to that instant, as any later entry does.
func lateObservation(at string) string {
	return `{"type":"Feature","geometry":{"type":"Point","coordinates":[37.535239,49.826215]},"properties":{"id":"late-` + strings.NewReplacer(":", "", "-", "").Replace(at) +
		`","source":{"id":"late","kind":"fixed_sensor","owner":"mission"},"observed_at":"` + at + `","reported_at":"` + at +
		`","event":"explosion","count":1,"attributed_to":"unknown","accuracy_m":150,"time_accuracy_s":1,"confidence":0.8}}` + "\n"
}

// The daily report shows what the agreement engine derives on its day
// even when no entry of the record follows the deadlines: the record below
// runs from 1 June 2025 00:00 to 4 June 00:58 UTC, so the notices of the
// violations confirmed on 1 June after 01:00 expire on 4 June after the
// record's last entry (response_days: 3). The report of 4 June, a day
// over, must read as it reads when a later entry (5 June) has brought the
// engine's clock past the day — consultations closed upheld by default,
// the snapback they notify —; it said "1 closed; 55 remain open". A day
// not over (--now inside it) is reported as of now, what the engine
// derives by then, and says it is partial.
func TestDailyReportDerivesTheDaysDeadlines(t *testing.T) {
	obs, _ := simulateTo(t, "--seed", "9", "--duration", "73h", "--rate", "2")
	data, err := os.ReadFile(obs)
	if err != nil {
		t.Fatal(err)
	}
	with := func(t *testing.T, extra string) string {
		p := filepath.Join(t.TempDir(), "obs.ndjson")
		if err := os.WriteFile(p, append(append([]byte{}, data...), extra...), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	report := func(t *testing.T, path string, args ...string) (html, stderr string) {
		t.Helper()
		out := filepath.Join(t.TempDir(), "r.html")
		_, errOut, code := runAccord(t, append([]string{"report", "daily", "reference", path, "--day", "2025-06-04", "--out", out}, args...)...)
		if code != 0 {
			t.Fatalf("report daily %s: exit %d: %s", strings.Join(args, " "), code, errOut)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return string(b), errOut
	}
	consultations := regexp.MustCompile(`<p>\d+ consultations? w[a-z]+ opened[^<]*</p>`)
	clock := regexp.MustCompile(`<p>(On the agreement&#39;s clock|No consequence)[^<]*</p>`)
	engineSays := func(html string) string {
		return consultations.FindString(html) + "\n" + clock.FindString(html)
	}

	for _, tc := range []struct {
		name string
		now  []string // --now
		// later is an observation that brings the engine's clock to the
		// instant the report must be as of.
		later   string
		partial string // what the summary says of a partial report; "": none
	}{
		{"the day is over", nil, lateObservation("2025-06-05T00:30:00Z"), ""},
		{"the day is over by --now", []string{"--now", "2025-06-05T01:00:00Z"}, lateObservation("2025-06-05T00:30:00Z"), ""},
		{"the day is not over", []string{"--now", "2025-06-04T12:00:00Z"}, lateObservation("2025-06-04T12:00:00Z"),
			"This report is partial: Wednesday 4 June 2025 is not over; it says what the record holds as of 12:00:00 UTC."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, errOut := report(t, with(t, ""), tc.now...)
			want, _ := report(t, with(t, tc.later), tc.now...)
			if engineSays(got) != engineSays(want) {
				t.Errorf("the record ending at 4 June 00:58 UTC reports\n%s\nwant, as with an entry at %s,\n%s", engineSays(got), tc.later[strings.Index(tc.later, `"observed_at":"`)+15:][:20], engineSays(want))
			}
			if tc.partial == "" {
				if got != want {
					t.Errorf("the report of a day over differs from the one a later entry gives")
				}
				if strings.Contains(got, "partial") || strings.Contains(errOut, "partial") {
					t.Errorf("a day over is reported partial: %s", errOut)
				}
				if !strings.Contains(got, " upheld)") || strings.Contains(got, "1 closed (1 upheld)") {
					t.Errorf("the report lacks the notices expired on the day: %s", engineSays(got))
				}
				return
			}
			if !strings.Contains(got, "<p>"+tc.partial+"</p>") {
				t.Errorf("the summary lacks %q:\n%s", tc.partial, got[strings.Index(got, "<h2>Summary"):][:1200])
			}
			if !strings.Contains(errOut, "accord: warning: 2025-06-04 is not over: the report is partial, as of 2025-06-04T12:00:00Z") {
				t.Errorf("stderr %q does not warn that the report is partial", errOut)
			}
		})
	}
}
