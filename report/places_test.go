package report_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/report"
	"github.com/accord-peace/accord/scenarios"
)

const gazetteer = "# test\nUA\tVuhledar\t47.77973\t37.24999\nUA\tChasiv Yar\t48.58768\t37.83409\nRU\tBelgorod\t50.61074\t36.58015\n"

func TestParsePlaces(t *testing.T) {
	for _, c := range []struct{ name, data, err string }{
		{"good", gazetteer, ""},
		{"three fields", "UA\tX\t47\n", "places line 1: want 4 tab-separated fields"},
		{"bad latitude", "# c\nUA\tX\tnorth\t37\n", `places line 2: want a name and lat, lon in degrees, got "UA\tX\tnorth\t37"`},
		{"out of range", "UA\tX\t91\t37\n", "places line 1"},
		{"empty", "# nothing\n", "places: no place"},
	} {
		_, err := report.ParsePlaces([]byte(c.data), "")
		if (err == nil) != (c.err == "") || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.err)
		}
	}
	ps, err := report.ParsePlaces(scenarios.Places, "")
	if err != nil || ps.Len() < 2000 {
		t.Fatalf("the embedded places: %v, %d places", err, ps.Len())
	}
}

func TestDescribe(t *testing.T) {
	ps, err := report.ParsePlaces([]byte(gazetteer), "GeoNames")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		lon, lat float64
		want     string
	}{
		{"in it", 37.25, 47.78, "in Vuhledar"},
		{"north-east", 37.269, 47.793, "2.0 km north-east of Vuhledar"},
		{"south", 37.24999, 47.6898, "10 km south of Vuhledar"},
		{"west", 37.7, 48.58768, "9.9 km west of Chasiv Yar"},
		{"abroad", 36.58, 50.65, "4.4 km north of Belgorod (Russia)"},
		{"too far", 30, 46, ""},
	} {
		if got := ps.Describe([2]float64{c.lon, c.lat}); got != c.want {
			t.Errorf("%s: Describe = %q, want %q", c.name, got, c.want)
		}
	}
	for b, want := range map[float64]string{0: "north", 22.4: "north", 22.6: "north-east", 90: "east", 180: "south", 250: "west", 300: "north-west", 350: "north"} {
		if got := report.Direction(b); got != want {
			t.Errorf("Direction(%v) = %q, want %q", b, got, want)
		}
	}
}

func TestReportNamesPlaces(t *testing.T) {
	day := time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)
	ru := "ru"
	in := func(id string, at time.Time, lon, lat float64, event string) monitor.Incident {
		return monitor.Incident{ID: id, FirstObserved: at, Event: event, Equipment: "mlrs", Location: [2]float64{lon, lat}, State: "confirmed",
			Violations: []monitor.Violation{{Rule: "band:mlrs", Party: &ru, AttributionConfidence: 0.7}}}
	}
	ins := []monitor.Incident{
		in("inc-1", day.Add(time.Hour), 37.269, 47.793, "heavy_weapon"), in("inc-2", day.Add(2*time.Hour), 37.25, 47.78, "movement_restriction"),
		in("inc-3", day.Add(-time.Hour), 37.83, 48.58, "heavy_weapon"), in("inc-4", day.Add(3*time.Hour), 30, 46, "heavy_weapon"),
	}
	r := report.Build("ref", day, ins, nil)
	var err error
	if r.Places, err = report.ParsePlaces([]byte(gazetteer), "Settlements: GeoNames, CC BY 4.0."); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.HTML(&b); err != nil {
		t.Fatal(err)
	}
	h := b.String()
	for _, want := range []string{
		"2.0 km north-east of Vuhledar", "<td>in Vuhledar", "46.0000, 30.0000", // too far: lat, lon
		"Most incidents were near Vuhledar (2).", "<td>(no settlement within 50 km)</td>",
		"<tr><td>Vuhledar</td><td class=\"n\">2</td><td class=\"n\">2</td><td class=\"n\">0</td><td class=\"n\">+2</td></tr>",
		"Settlements: GeoNames, CC BY 4.0.", "likely (70%)",
	} {
		if !strings.Contains(h, want) {
			t.Errorf("the HTML lacks %q", want)
		}
	}
}
