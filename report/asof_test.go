package report_test

import (
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/report"
)

// The report of a day over holds what the engine derives within it: its
// state ticked to the next day's first instant, which processes every
// deadline strictly before it (a deadline is missed strictly after
// itself); a day not over by now — its last instant,
// 23:59:59.999999999 UTC, included — is reported as of now and says it is
// partial, one not begun too.
func TestUntilAndPartial(t *testing.T) {
	day := time.Date(2025, 6, 4, 0, 0, 0, 0, time.UTC)
	end := time.Date(2025, 6, 4, 23, 59, 59, 999999999, time.UTC)
	next := time.Date(2025, 6, 5, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name    string
		now     time.Time
		until   time.Time
		partial string // the summary's first sentence; "": none
	}{
		{"over", time.Date(2026, 12, 3, 4, 0, 0, 0, time.UTC), next, ""},
		{"over by an instant", next, next, ""},
		{"its last instant", end, end, "This report is partial: Wednesday 4 June 2025 is not over; it says what the record holds as of 23:59:59 UTC."},
		{"during", time.Date(2025, 6, 4, 12, 0, 30, 0, time.FixedZone("EEST", 3*3600)), time.Date(2025, 6, 4, 9, 0, 30, 0, time.UTC),
			"This report is partial: Wednesday 4 June 2025 is not over; it says what the record holds as of 09:00:30 UTC."},
		{"before", time.Date(2025, 6, 3, 22, 0, 0, 0, time.UTC), time.Date(2025, 6, 3, 22, 0, 0, 0, time.UTC),
			"This report is partial: Wednesday 4 June 2025 has not begun; it says what the record holds as of 22:00:00 UTC on 3 June 2025."},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := report.Until(day, c.now); !got.Equal(c.until) || got.Location() != time.UTC {
				t.Errorf("Until(%s) = %s, want %s", c.now.Format(time.RFC3339Nano), got.Format(time.RFC3339Nano), c.until.Format(time.RFC3339Nano))
			}
			r := report.Build("ref", day, nil, nil)
			r.SetNow(c.now)
			s := r.Summary()
			switch {
			case c.partial == "" && (!r.AsOf.IsZero() || strings.Contains(strings.Join(s, "\n"), "partial")):
				t.Errorf("a day over is reported partial (as of %s): %q", r.AsOf, s)
			case c.partial != "" && s[0] != c.partial:
				t.Errorf("the summary begins %q, want %q", s[0], c.partial)
			}
		})
	}
}
