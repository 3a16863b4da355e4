package report_test

import (
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/report"
)

// A report of a day not over, made as of 12:00 (SetNow) from a record
// that goes on into the afternoon (a file holding the afternoon's
// observations: the incidents are as of 12:00, IncidentsAt), counts what
// the engine did by 12:00 only: a consultation opened at 14:00, one
// closed at 13:00 and a tranche re-imposed at 15:00 happened after the
// instant the report says it holds.
func TestPartialReportEngineAsOf(t *testing.T) {
	day := time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)
	tp := func(t time.Time) *time.Time { return &t }
	st := &engine.State{
		Agreement: "beside",
		Violations: []engine.ViolationState{
			{ID: "inc-1:crossing", At: day.Add(time.Hour)}, {ID: "inc-2:crossing", At: day.Add(14 * time.Hour)},
		},
		Consultations: []engine.ConsultationState{
			{ID: "inc-1:crossing", Violation: "inc-1:crossing", Outcome: "upheld", ClosedAt: tp(day.Add(13 * time.Hour))},
			{ID: "inc-2:crossing", Violation: "inc-2:crossing"},
		},
		Derived: []engine.Derived{
			{At: day.Add(15 * time.Hour), What: "tranche t1 re-imposed"},
			// At 12:00 itself: after it, as the day's next first instant
			// is after the day (Until), an observation at 12:00 after the
			// incidents as of 12:00 (IncidentsAt).
			{At: day.Add(12 * time.Hour), What: "tranche t2 re-imposed"},
		},
		Snapback: &engine.SnapbackState{Effective: true, EffectiveAt: day.Add(16 * time.Hour)},
	}
	r := report.BuildAt("ref", day, report.NewIncidentsAt(day.Add(12*time.Hour)), nil)
	r.SetNow(day.Add(12 * time.Hour))
	r.SetEngine(st)
	r.AddBeside("Beside", st)
	if e := r.Engine; e.Opened != 1 || len(e.Closed) != 0 || e.OpenAtEnd != 1 || len(e.Consequences) != 0 {
		t.Errorf("as of 12:00: %d opened, closed %v, %d open, consequences %v; want 1 opened (01:00), none closed (13:00 is later), 1 open, no consequence (12:00 and 15:00 are not before 12:00)",
			e.Opened, e.Closed, e.OpenAtEnd, e.Consequences)
	}
	if b := r.Beside[0]; b.Engine.Opened != 1 || b.Engine.OpenAtEnd != 1 || len(b.Engine.Consequences) != 0 || b.Snapback {
		t.Errorf("the agreement beside as of 12:00: %+v, snapback %v; want as the main one's, no snapback (16:00 is later)", b.Engine, b.Snapback)
	}
	s := strings.Join(r.Summary(), "\n")
	if strings.Contains(s, "tranche t1") {
		t.Errorf("the summary as of 12:00 lists the tranche re-imposed at 15:00:\n%s", s)
	}
}
