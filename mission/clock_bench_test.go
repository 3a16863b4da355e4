package mission_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
)

// BenchmarkTickIfDueNothingDue is serve --tick-every's look when nothing
// has passed: the engine's state after a simulated week (its
// consultations, violations and derived events), a tick to a nanosecond
// past its clock found to derive nothing — what the engine stage is held
// for once every D. A simulated week at 10 events an hour (746
// consultations): 2.8 µs (engine.Set.DerivesAt); 51 ms when the look
// copied the states before and after the tick through JSON
// (engine.Set.StatesAt and States).
func BenchmarkTickIfDueNothingDue(b *testing.B) {
	a, k := mustReference(b)
	lines := simulated(b, 1, t0, 7*24*time.Hour, 10)
	obs, err := monitor.Decode(bytes.NewReader(append(bytes.Join(lines, []byte("\n")), '\n')), "week")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	m, err := mission.Open(ctx, mission.Config{Agreement: a, Kernel: k, Observations: monitor.NewMemStore(), Incidents: monitor.NewMemIncidentStore()})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := m.Ingest(ctx, obs, nil); err != nil {
		b.Fatal(err)
	}
	st, _ := m.State()
	at := st.Now.Add(time.Nanosecond)
	for b.Loop() {
		if res, err := m.TickIfDue(ctx, at); err != nil || res.Ticked {
			b.Fatalf("%+v %v: want nothing due", res, err)
		}
	}
	b.ReportMetric(float64(len(st.Violations)), "violations")
	b.ReportMetric(float64(len(st.Consultations)), "consultations")
	b.ReportMetric(float64(len(st.Derived)), "derived")
}
