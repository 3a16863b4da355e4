package report_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/report"
)

func TestMap(t *testing.T) {
	day := time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)
	ru := "ru"
	in := func(id string, lon, lat float64, rules ...string) monitor.Incident {
		var vs []monitor.Violation
		for _, r := range rules {
			vs = append(vs, monitor.Violation{Rule: r, Party: &ru})
		}
		return monitor.Incident{ID: id, FirstObserved: day.Add(time.Hour), Location: [2]float64{lon, lat}, Violations: vs}
	}
	g := &geo.Geometry{LineID: "contact-line", Parts: [][][2]float64{{{36, 47}, {37, 48}, {38, 49}}},
		Zones: []geo.Zone{{ID: "dmz", Name: "Strip <demilitarised>", Polygons: [][][][2]float64{{{{36.5, 47.5}, {37, 47.5}, {37, 48}, {36.5, 47.5}}}}}}}
	ins := []monitor.Incident{
		in("inc-1", 37, 48, "crossing"), in("inc-2", 37.5, 48.5, "band:mlrs"), in("inc-3", 36.8, 47.7, "zone:dmz"),
		in("inc-4", 36.2, 47.2), in("inc-5", 50, 60, "crossing"), // inc-5 is outside the map
	}
	r := report.Build("ref", day, ins, nil)
	var b bytes.Buffer
	if err := r.HTML(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<svg") {
		t.Error("a map without a geometry")
	}
	r.Geometry = g
	b.Reset()
	if err := r.HTML(&b); err != nil {
		t.Fatal(err)
	}
	h := b.String()
	for _, c := range []struct {
		name, re string
		n        int
	}{
		{"the map", `<svg class="map"`, 1},
		{"the contact line", `<path class="line" d="M[0-9.]+ [0-9.]+L`, 1},
		{"the zone, escaped", `<path class="zone"[^>]*><title>Strip &lt;demilitarised&gt;</title>`, 1},
		{"a crossing", `<circle class="inc crossing"`, 1},
		{"a weapon in a band", `<circle class="inc band"`, 1},
		{"an incident in a zone", `<circle class="inc zone"`, 1},
		{"an incident without violation", `<circle class="inc none"`, 1},
		{"the count outside", `1 incident outside the map`, 1},
		{"the legend", `crossing the line \(1\)`, 1},
	} {
		if n := len(regexp.MustCompile(c.re).FindAllString(h, -1)); n != c.n {
			t.Errorf("%s: %d matches of %s, want %d", c.name, n, c.re, c.n)
		}
	}
	if i, j := strings.Index(h, "<h2>Summary</h2>"), strings.Index(h, `<svg class="map"`); i > j {
		t.Errorf("the map (%d) comes before the summary (%d)", j, i)
	}
}
