package report_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/report"
)

func TestSummary(t *testing.T) {
	day := time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)
	ru := "ru"
	in := func(id string, at time.Time, vs ...monitor.Violation) monitor.Incident {
		return monitor.Incident{ID: id, FirstObserved: at, LastObserved: at, State: "confirmed", Event: "firing", Violations: vs}
	}
	cross := monitor.Violation{Rule: "crossing", Party: &ru, AttributionConfidence: 0.9}
	ins := []monitor.Incident{in("inc-1", day.Add(-time.Hour), cross), in("inc-2", day.Add(time.Hour), cross), in("inc-3", day.Add(2*time.Hour), cross)}
	tp := func(t time.Time) *time.Time { return &t }
	state := &engine.State{
		Violations: []engine.ViolationState{
			{ID: "inc-1:crossing", At: day.Add(-time.Hour)}, {ID: "inc-2:crossing", At: day.Add(time.Hour)}, {ID: "inc-3:crossing", At: day.Add(2 * time.Hour)},
		},
		Consultations: []engine.ConsultationState{
			{ID: "inc-1:crossing", Violation: "inc-1:crossing", Outcome: "upheld", ClosedAt: tp(day.Add(3 * time.Hour))},
			{ID: "inc-2:crossing", Violation: "inc-2:crossing"},
			{ID: "inc-3:crossing", Violation: "inc-3:crossing", ClosedAt: tp(day.Add(30 * time.Hour))}, // closed the next day
		},
		Derived: []engine.Derived{
			{At: day.Add(time.Hour), What: "violation inc-2:crossing (crossing, major) confirmed: notice to ru"},
			{At: day.Add(4 * time.Hour), What: "tranche t1 re-imposed"},
			{At: day.Add(-4 * time.Hour), What: "phase p1 suspended"}, // the day before
		},
	}
	for _, c := range []struct {
		name  string
		state *engine.State
		want  []string
		not   []string
	}{
		{"with engine", state, []string{
			"On Monday 2 June 2025 the mission recorded 2 incidents (1 the day before, 1 more), 2 of them confirmed",
			"Attributed to Russia: 2 violations (1 the day before, 1 more): crossing the line (2).",
			"2 consultations were opened on the violations confirmed that day; 1 closed (1 upheld); 2 remain open at the end of the day.",
			"tranche t1 re-imposed (04:00 UTC)",
		}, []string{"phase p1", "notice to ru", "monitoring record only"}},
		{"without engine", nil, []string{"This report covers the monitoring record only"}, []string{"consultations were opened"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := report.Build("ref", day, ins, nil)
			r.SetEngine(c.state)
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
			var b bytes.Buffer
			if err := r.HTML(&b); err != nil {
				t.Fatal(err)
			}
			h := b.String()
			if i := strings.Index(h, "<h2>"); i < 0 || !strings.HasPrefix(h[i:], "<h2>Summary</h2>") {
				t.Errorf("the first section is not the summary: %.200s", h[max(i, 0):])
			}
		})
	}
}

// A day no observation was made on is said to be uncovered, first: its
// empty counts are the data's silence, not a quiet day. A day with data
// and no incident is not.
func TestSummaryOfADayTheDataDoesNotCover(t *testing.T) {
	day := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	before := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)
	r := report.Build("a", day, nil, nil)
	r.SetCutoff([]monitor.Observation{{ObservedAt: before, ReportedAt: before.Add(5 * time.Minute)}})
	s := r.Summary()
	if !r.Uncovered || len(s) == 0 || !strings.HasPrefix(s[0], "No observation made on Tuesday 1 January 2030 reached this report (the last was received 1 June 2025 10:05 UTC)") {
		t.Errorf("uncovered %v, summary %q; want it said first", r.Uncovered, s)
	}
	r = report.Build("a", day, nil, nil)
	r.SetCutoff([]monitor.Observation{{ObservedAt: day.Add(time.Hour)}})
	if s := r.Summary(); r.Uncovered || strings.Contains(strings.Join(s, " "), "No observation made") {
		t.Errorf("a day with an observation: uncovered %v, summary %q", r.Uncovered, s)
	}
}
