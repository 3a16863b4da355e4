package report_test

import (
	"bytes"
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/report"
)

// The settlements table lists at most 20 rows: the report says how many
// settlements and incidents it leaves out, and does not claim 20 rows when
// it has fewer. It said "The 20 settlements nearest the most of the day's
// incidents" whatever the count, and dropped the rest without a word.
func TestSettlementsTableSaysWhatItLeavesOut(t *testing.T) {
	day := time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)
	var gaz strings.Builder
	for i := range 25 {
		fmt.Fprintf(&gaz, "UA\tPlace %02d\t%.5f\t36.00000\n", i, 45+float64(i)*0.5) // 55 km apart
	}
	places, err := report.ParsePlaces([]byte(gaz.String()), "test places")
	if err != nil {
		t.Fatal(err)
	}
	ru := "ru"
	for _, c := range []struct {
		name   string
		places int // settlements with incidents: place i has i+1 of them, the first a violation
		want   string
	}{
		{"two", 2, "The 2 settlements nearest the day's incidents, every one."},
		{"twenty", 20, "The 20 settlements nearest the day's incidents, every one."},
		// Places 0, 1 and 2 have the fewest: 1 + 2 + 3 incidents, 3 violations.
		{"twenty-three", 23, "The 20 settlements nearest the most of the day's incidents, of 23: the other 3, nearest 6 incidents (3 violations), are not listed."},
	} {
		t.Run(c.name, func(t *testing.T) {
			var ins []monitor.Incident
			for p := range c.places {
				for k := range p + 1 {
					in := monitor.Incident{ID: fmt.Sprintf("inc-%d-%d", p, k), FirstObserved: day.Add(time.Hour), State: "confirmed", Event: "firing",
						Location: [2]float64{36, 45 + float64(p)*0.5}}
					if k == 0 {
						in.Violations = []monitor.Violation{{Rule: "crossing", Party: &ru}}
					}
					ins = append(ins, in)
				}
			}
			r := report.Build("ref", day, ins, nil)
			r.Places = places
			var b bytes.Buffer
			if err := r.HTML(&b); err != nil {
				t.Fatal(err)
			}
			h := b.String()
			if rows := strings.Count(h, "<tr><td>Place "); rows != min(c.places, 20) {
				t.Errorf("%d settlement rows, want %d", rows, min(c.places, 20))
			}
			if !strings.Contains(h, html.EscapeString(c.want)) {
				i := strings.Index(h, "settlements nearest")
				t.Errorf("the table's note lacks %q:\n%s", c.want, h[max(0, i-200):min(len(h), i+300)])
			}
		})
	}
}
