package report_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestDailyGolden renders a small day in full — summary, map, settlements,
// the tables — against testdata/daily.golden.html (go test ./report
// -run Golden -update rewrites it; read the diff).
func TestDailyGolden(t *testing.T) {
	day := time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)
	ru, ua := "ru", "ua"
	in := func(id string, h float64, lon, lat float64, event string, vs ...monitor.Violation) monitor.Incident {
		at := day.Add(time.Duration(h * float64(time.Hour)))
		return monitor.Incident{ID: id, FirstObserved: at, LastObserved: at, State: "confirmed", Event: event, Equipment: "mlrs",
			Location: [2]float64{lon, lat}, Side: "ru", DistanceToLineM: 8000, Violations: vs}
	}
	ins := []monitor.Incident{
		in("inc-10", 3, 37.269, 47.793, "heavy_weapon", monitor.Violation{Rule: "band:mlrs", Party: &ru, AttributionConfidence: 0.97}),
		in("inc-2", 1, 37.83, 48.60, "firing", monitor.Violation{Rule: "crossing", Party: &ua, AttributionConfidence: 0.62}),
		in("inc-999", 5, 37.5, 48.2, "heavy_weapon", monitor.Violation{Rule: "band:mlrs", Party: &ru, AttributionConfidence: 0.81}),
		in("inc-1974", 6, 37.0, 47.9, "troop_concentration", monitor.Violation{Rule: "zone:dmz", Party: nil}),
		in("inc-3", 7, 37.25, 47.78, "movement_restriction"),
		in("inc-1", -2, 37.84, 48.59, "firing", monitor.Violation{Rule: "crossing", Party: &ru, AttributionConfidence: 0.9}),
	}
	// Each incident as it stood at the day's end: the next day's step
	// dismisses inc-2 (its version then is not the report's) and first
	// records inc-1980, seen at 22:00 but received late.
	at := report.NewIncidentsAt(day.AddDate(0, 0, 1))
	at.Add([]monitor.Observation{{ObservedAt: day.Add(23 * time.Hour)}}, ins)
	dismissed := ins[1]
	dismissed.State = "dismissed"
	at.Add([]monitor.Observation{{ObservedAt: day.Add(25 * time.Hour)}, {ObservedAt: day.Add(22 * time.Hour)}}, []monitor.Incident{dismissed, in("inc-1980", 22, 37.6, 48.4, "firing")})
	r := report.BuildAt("ukraine-2025-ceasefire", day, at, func(*monitor.Incident) string { return "km 0100–0200 along the line" })
	r.Parties = map[string]string{"ru": "Russia", "ua": "Ukraine"}
	r.SetCutoff([]monitor.Observation{{ObservedAt: day.Add(23 * time.Hour), ReportedAt: day.Add(23*time.Hour + 40*time.Minute)}})
	r.Geometry = &geo.Geometry{LineID: "contact-line", LineName: "Line of contact", Parts: [][][2]float64{{{36.8, 47.6}, {37.3, 47.9}, {37.9, 48.7}}},
		Zones: []geo.Zone{{ID: "dmz", Name: "Demilitarised strip", Polygons: [][][][2]float64{{{{36.9, 47.8}, {37.1, 47.8}, {37.1, 48.0}, {36.9, 47.8}}}}}}}
	var err error
	if r.Places, err = report.ParsePlaces([]byte(gazetteer), "Settlements: GeoNames (www.geonames.org), CC BY 4.0."); err != nil {
		t.Fatal(err)
	}
	tp := func(t time.Time) *time.Time { return &t }
	r.SetEngine(&engine.State{
		Violations: []engine.ViolationState{{ID: "inc-10:band:mlrs", At: day.Add(3 * time.Hour)}, {ID: "inc-1:crossing", At: day.Add(-2 * time.Hour)}},
		Consultations: []engine.ConsultationState{
			{ID: "inc-10:band:mlrs", Violation: "inc-10:band:mlrs"},
			{ID: "inc-1:crossing", Violation: "inc-1:crossing", Outcome: "upheld", ClosedAt: tp(day.Add(10 * time.Hour))},
		},
		Derived: []engine.Derived{{At: day.Add(12 * time.Hour), What: "tranche sanctions-1 re-imposed"}},
	})
	var b bytes.Buffer
	if err := r.HTML(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "daily.golden.html")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("the report differs from %s (run with -update and read the diff)", path)
	}
}
