package report_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/report"
)

func TestBuild(t *testing.T) {
	day := time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)
	ru, ua := "ru", "ua"
	in := func(id string, at time.Time, state, event string, zones []string, vs ...monitor.Violation) monitor.Incident {
		return monitor.Incident{ID: id, FirstObserved: at, LastObserved: at, State: state, Event: event, Equipment: "mlrs",
			Zones: zones, Violations: vs, Location: [2]float64{36, 48}, DistanceToLineM: 12000}
	}
	band := monitor.Violation{Rule: "band:mlrs", Party: &ru, AttributionConfidence: 0.85}
	dmz := monitor.Violation{Rule: "zone:dmz", Party: &ua}
	ins := []monitor.Incident{
		in("a", day.Add(2*time.Hour), "confirmed", "heavy_weapon", nil, band),
		in("b", day.Add(5*time.Hour), "reported", "troop_concentration", []string{"dmz"}, dmz),
		in("c", day.Add(-3*time.Hour), "confirmed", "heavy_weapon", nil, band),
		in("d", day.Add(-30*time.Hour), "confirmed", "firing", nil),   // two days before: not counted
		in("e", day.Add(25*time.Hour), "confirmed", "explosion", nil), // the next day
		in("f", day.Add(7*time.Hour), "confirmed", "movement_restriction", nil),
		in("inc-10", day.Add(8*time.Hour), "confirmed", "movement_restriction", nil),
		in("inc-2", day.Add(9*time.Hour), "confirmed", "movement_restriction", nil),
	}
	r := report.Build("ref", day.Add(13*time.Hour), ins, func(*monitor.Incident) string { return "km 0–100" })
	if r.Today != (report.Counts{Incidents: 5, Confirmed: 4, Violations: 2}) || r.Yesterday != (report.Counts{Incidents: 1, Confirmed: 1, Violations: 1}) {
		t.Errorf("counts today %+v yesterday %+v", r.Today, r.Yesterday)
	}
	if len(r.Rules) != 2 || r.Rules[0] != (report.RuleRow{Rule: "band:mlrs", Party: "ru", Today: 1, Yesterday: 1}) {
		t.Errorf("rules %+v", r.Rules)
	}
	if len(r.Weapons) != 1 || r.Weapons[0].Incident != "a" || len(r.Restrictions) != 3 || r.Restrictions[0].ID != "f" || r.Restrictions[1].ID != "inc-2" || r.Restrictions[2].ID != "inc-10" {
		t.Errorf("weapons %+v restrictions %+v", r.Weapons, r.Restrictions)
	}
	if len(r.Zones) != 1 || r.Zones[0] != (report.AreaRow{Area: "dmz", Today: 1}) || r.Stretches[0] != (report.AreaRow{Area: "km 0–100", Today: 5, Yesterday: 1}) {
		t.Errorf("areas %+v %+v", r.Zones, r.Stretches)
	}
	r.Parties = map[string]string{"ru": "Russian Federation"}
	r.SetCutoff([]monitor.Observation{
		{ObservedAt: day.Add(23 * time.Hour), ReportedAt: day.Add(24*time.Hour + 20*time.Minute)},
		{ObservedAt: day.Add(25 * time.Hour), ReportedAt: day.Add(26 * time.Hour)}, // the next day's: not counted
	})
	var b bytes.Buffer
	if err := r.HTML(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Monday 2 June 2025", "band:mlrs", "+1", "±0", "Heavy weapons seen inside their withdrawal bands", "<td>f</td>",
		"Russian Federation", "<td>Ukraine</td>", "very likely (85%)", "Observations received up to 00:20 UTC on 3 June 2025", "counter(page)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the HTML lacks %q", want)
		}
	}
	if i, j := strings.Index(b.String(), "<td>inc-2</td>"), strings.Index(b.String(), "<td>inc-10</td>"); i < 0 || j < 0 || i > j {
		t.Errorf("inc-2 at %d, inc-10 at %d: want inc-2 first", i, j)
	}
}
