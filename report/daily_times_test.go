package report_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/report"
)

// The daily report's tables of restrictions and of the corridor's
// violations give when each incident was first observed in RFC 3339 in
// UTC: they printed "15:04" with no zone, on the clock of the instant's
// own zone (12:00 for 09:00 UTC at +03:00).
func TestDailyTablesPrintInstantsInUTC(t *testing.T) {
	day := time.Date(2025, 12, 3, 0, 0, 0, 0, time.UTC)
	at := day.Add(9 * time.Hour).In(time.FixedZone("EEST", 3*3600))
	ua := "ua"
	ins := []monitor.Incident{
		{ID: "inc-1", State: "confirmed", Event: "movement_restriction", FirstObserved: at, LastObserved: at, Side: "ru", Location: [2]float64{37.6, 48}},
		{ID: "vessel:IMO1:v1:outside", State: "confirmed", Event: "vessel", FirstObserved: at, LastObserved: at, Location: [2]float64{30.3, 44.8},
			Violations: []monitor.Violation{{Rule: "corridor:outside", Party: &ua, AttributionConfidence: 1}}},
	}
	r := report.Build("ref", day, ins, nil)
	r.SetCorridor("grain", "Grain", "lane", nil, ins, func(rule string) bool { return strings.HasPrefix(rule, "corridor:") })
	var b bytes.Buffer
	if err := r.HTML(&b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	if n := strings.Count(html, "<td>2025-12-03T09:00:00Z</td>"); n != 2 {
		t.Errorf("%d table cells read 2025-12-03T09:00:00Z, want 2 (a restriction, a corridor violation)", n)
	}
	if bare := regexp.MustCompile(`<td>\d\d:\d\d</td>`).FindString(html); bare != "" {
		t.Errorf("a time without its day and zone: %q", bare)
	}
}
