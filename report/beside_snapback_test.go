package report_test

import (
	"testing"
	"time"

	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/report"
)

// An agreement run beside the main one is reported with its snapback in
// force by the end of the report's day, not as it stands at the record's
// end: a snapback that took effect after the day, or was lifted before
// its end, was not in force on it. The report took the state's final
// word (SnapbackState.InForce), whatever the day.
func TestBesideSnapbackByTheEndOfTheDay(t *testing.T) {
	day := time.Date(2025, 6, 4, 0, 0, 0, 0, time.UTC)
	at := func(d, h int) time.Time { return day.AddDate(0, 0, d).Add(time.Duration(h) * time.Hour) }
	tp := func(t time.Time) *time.Time { return &t }
	for _, c := range []struct {
		name string
		sb   *engine.SnapbackState
		want bool
	}{
		{"none", nil, false},
		{"notified, not effective", &engine.SnapbackState{NotifiedAt: at(-1, 0), EffectiveAt: at(29, 0)}, false},
		{"effective on the day", &engine.SnapbackState{NotifiedAt: at(-30, 0), EffectiveAt: at(0, 0), Effective: true}, true},
		{"effective after the day", &engine.SnapbackState{NotifiedAt: at(-29, 0), EffectiveAt: at(1, 0), Effective: true}, false},
		{"lifted after the day", &engine.SnapbackState{EffectiveAt: at(-3, 0), Effective: true, LiftedAt: tp(at(2, 0))}, true},
		{"lifted on the day", &engine.SnapbackState{EffectiveAt: at(-3, 0), Effective: true, LiftedAt: tp(at(0, 12))}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := report.Build("ref", day, nil, nil)
			r.AddBeside("Grain corridor", &engine.State{Agreement: "gc", Snapback: c.sb})
			if got := r.Beside[0].Snapback; got != c.want {
				t.Errorf("snapback in force by the end of %s: %v, want %v", day.Format("2006-01-02"), got, c.want)
			}
		})
	}
}
