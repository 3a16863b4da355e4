package report_test

import (
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/monitor"
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

// IncidentsAt keeps each incident's last version from a step whose clock
// was before the instant, and an incident first handed out after it as
// first recorded, marked late; the report counts by those versions. Build
// (the incidents as given) says the figures are not the day's end's.
func TestIncidentsAt(t *testing.T) {
	day := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	in := func(id string, h float64, state string) monitor.Incident {
		at := day.Add(time.Duration(h * float64(time.Hour)))
		return monitor.Incident{ID: id, State: state, Event: "firing", FirstObserved: at, LastObserved: at}
	}
	type step struct {
		clock    float64 // hours after day
		versions []monitor.Incident
	}
	for _, c := range []struct {
		name      string
		steps     []step
		states    string // id=state of each kept incident, in order
		counts    report.Counts
		sentences []string // what the summary must hold
	}{
		{"confirmed the day after", []step{
			{23.99, []monitor.Incident{in("inc-1", 23.98, "reported")}},
			{24.05, []monitor.Incident{in("inc-1", 23.98, "confirmed")}},
		}, "inc-1=reported", report.Counts{Incidents: 1},
			[]string{"1 incident (0 the day before, 1 more), 0 of them confirmed by independent sources by the end of the day."}},
		{"dismissed the day after", []step{
			{12, []monitor.Incident{in("inc-1", 11, "confirmed")}},
			{30, []monitor.Incident{in("inc-1", 11, "dismissed")}},
		}, "inc-1=confirmed", report.Counts{Incidents: 1, Confirmed: 1}, nil},
		{"a step at the next day's first instant is after", []step{
			{10, []monitor.Incident{in("inc-1", 10, "reported")}},
			{24, []monitor.Incident{in("inc-1", 10, "confirmed"), in("inc-2", 23.5, "reported")}},
		}, "inc-1=reported inc-2=reported", report.Counts{Incidents: 2, Late: 1},
			[]string{"1 of them was first recorded after the end of the day, from observations received late: it is given as first recorded, the others as they stood at the end of the day."}},
		{"first observed after the instant", []step{
			{10, []monitor.Incident{in("inc-1", 10, "reported")}},
			{24.5, []monitor.Incident{in("inc-2", 24.5, "reported")}},
		}, "inc-1=reported", report.Counts{Incidents: 1}, nil},
		{"received late, then confirmed", []step{
			{25, []monitor.Incident{in("inc-1", 23, "reported"), in("inc-2", -1, "corroborated")}},
			{26, []monitor.Incident{in("inc-1", 23, "confirmed"), in("inc-2", -1, "confirmed")}},
		}, "inc-1=reported inc-2=corroborated", report.Counts{Incidents: 1, Late: 1},
			[]string{"1 of them and 1 of the day before's were first recorded after the end of the day"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			at := report.NewIncidentsAt(day.AddDate(0, 0, 1))
			for _, s := range c.steps {
				at.Add([]monitor.Observation{{ObservedAt: day.Add(time.Duration(s.clock * float64(time.Hour)))}}, s.versions)
			}
			var got []string
			for _, in := range at.Incidents() {
				got = append(got, in.ID+"="+in.State)
			}
			if strings.Join(got, " ") != c.states {
				t.Errorf("kept %q, want %q", strings.Join(got, " "), c.states)
			}
			r := report.BuildAt("ref", day, at, nil)
			if r.Today != c.counts || !r.AtEnd {
				t.Errorf("counts %+v (at the end: %v), want %+v", r.Today, r.AtEnd, c.counts)
			}
			s := strings.Join(r.Summary(), "\n")
			for _, want := range c.sentences {
				if !strings.Contains(s, want) {
					t.Errorf("the summary lacks %q:\n%s", want, s)
				}
			}
		})
	}
	r := report.Build("ref", day, []monitor.Incident{in("inc-1", 1, "confirmed")}, nil)
	if want := "1 of them confirmed by independent sources as the record given to this report holds them, not as they stood at the end of the day."; r.AtEnd || !strings.Contains(strings.Join(r.Summary(), "\n"), want) {
		t.Errorf("Build's summary lacks %q: %q", want, r.Summary())
	}
}
