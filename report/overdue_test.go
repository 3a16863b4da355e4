package report_test

import (
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/report"
)

// A provision is overdue from the instant after its deadline, and the
// engine dates the event then: the daily report lists it on the day the
// provision is late — a due_date of 31 January (due at
// 23:59:59.999999999) on 1 February at 00:00, not on 31 January, where the
// provision was still in time (and a report of 1 February read from that
// day's record alone left it out).
func TestOverdueOnTheDayItIsLate(t *testing.T) {
	state := &engine.State{Derived: []engine.Derived{
		{At: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), What: "provision dated overdue (due 2026-01-31T23:59:59.999999999Z)"},
		{At: time.Date(2026, 2, 1, 10, 0, 0, 1, time.UTC), What: "provision rel overdue (due 2026-02-01T10:00:00Z)"},
	}}
	cases := []struct {
		day       time.Time
		want, not []string
	}{
		{time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC), nil, []string{"provision dated overdue", "provision rel overdue"}},
		{time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), []string{
			"provision dated overdue (due 2026-01-31T23:59:59.999999999Z) (00:00 UTC)",
			"provision rel overdue (due 2026-02-01T10:00:00Z) (10:00 UTC)",
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.day.Format("2006-01-02"), func(t *testing.T) {
			r := report.Build("ref", c.day, nil, nil)
			r.SetEngine(state)
			s := strings.Join(r.Summary(), "\n")
			for _, w := range c.want {
				if !strings.Contains(s, w) {
					t.Errorf("the summary lacks %q:\n%s", w, s)
				}
			}
			for _, w := range c.not {
				if strings.Contains(s, w) {
					t.Errorf("the summary has %q:\n%s", w, s)
				}
			}
		})
	}
}
