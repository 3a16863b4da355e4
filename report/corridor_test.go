package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/report"
)

// The grain corridor's section of the daily report: the day's voyages and
// tonnes against the day before, and the violations of the corridor
// agreement's rules first observed on the day (not the main agreement's,
// not the day before's), against testdata/daily-corridor.golden.html
// (go test ./report -run Corridor -update rewrites it; read the diff).
func TestDailyCorridorGolden(t *testing.T) {
	day := time.Date(2025, 12, 3, 0, 0, 0, 0, time.UTC)
	ua, ru := "ua", "ru"
	in := func(id string, h float64, event string, vs ...monitor.Violation) monitor.Incident {
		at := day.Add(time.Duration(h * float64(time.Hour)))
		return monitor.Incident{ID: id, FirstObserved: at, LastObserved: at, State: "confirmed", Event: event,
			Location: [2]float64{30.3, 44.8}, Violations: vs}
	}
	ins := []monitor.Incident{
		in("vessel:IMO9000376:v1:outside", 9.5, "vessel", monitor.Violation{Rule: "corridor:outside", Party: &ua, AttributionConfidence: 1}),
		in("inc-12", 14, "strike", monitor.Violation{Rule: "zone:bsgi-corridor", Party: &ru, AttributionConfidence: 0.9}),
		in("vessel:IMO9001112:v1:uninspected", 3.25, "vessel", monitor.Violation{Rule: "corridor:uninspected", Party: &ua, AttributionConfidence: 1}),
		in("inc-2", 1, "firing", monitor.Violation{Rule: "crossing", Party: &ru, AttributionConfidence: 0.8}),
		in("vessel:IMO9000003:v1:outside", -4, "vessel", monitor.Violation{Rule: "corridor:outside", Party: &ua, AttributionConfidence: 1}),
		in("vessel:IMO9000742:v2:outside", 26, "vessel", monitor.Violation{Rule: "corridor:outside", Party: &ua, AttributionConfidence: 1}),
	}
	at := report.NewIncidentsAt(day.AddDate(0, 0, 1))
	at.Add([]monitor.Observation{{ObservedAt: day.Add(23 * time.Hour)}}, ins)
	r := report.BuildAt("ukraine-2025-ceasefire", day, at, nil)
	r.Parties = map[string]string{"ru": "Russia", "ua": "Ukraine"}
	owns := func(rule string) bool { return strings.HasPrefix(rule, "corridor:") || rule == "zone:bsgi-corridor" }
	days := []monitor.DayThroughput{{Day: "2025-12-01", Voyages: 1, Tonnage: 30000}, {Day: "2025-12-02", Voyages: 3, Tonnage: 95284}, {Day: "2025-12-03", Voyages: 8, Tonnage: 188676.4}}
	r.SetCorridor("ukraine-2025-grain-corridor", "Black Sea grain corridor", "bsgi-lane", days, ins, owns)
	c := r.Corridor
	if c.Today.Voyages != 8 || c.Yesterday.Voyages != 3 || c.Today.Tonnage != 188676.4 || len(c.Violations) != 3 || c.Before != 1 {
		t.Errorf("corridor: %+v", c)
	}
	var b bytes.Buffer
	if err := r.HTML(&b); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"<h2>Grain corridor</h2>", `<td class="n">188,676</td><td class="n">95,284</td><td class="n">+93,392</td>`,
		"vessel:IMO9001112:v1:uninspected</td>", "inc-12</td>"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("the report lacks %s", s)
		}
	}
	path := filepath.Join("testdata", "daily-corridor.golden.html")
	if *update {
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

	// A day without a voyage, the day before with some.
	r.SetCorridor("ukraine-2025-grain-corridor", "", "bsgi-lane", days[:2], nil, owns)
	if c := r.Corridor; c.Today.Voyages != 0 || c.Today.Day != "2025-12-03" || c.Yesterday.Voyages != 3 || len(c.Violations) != 0 {
		t.Errorf("a day without a voyage: %+v", c)
	}
}

func TestTonnes(t *testing.T) {
	for x, want := range map[float64]string{0: "0", 999.6: "1,000", 95284: "95,284", 1234567: "1,234,567", -93392: "-93,392"} {
		if got := report.Tonnes(x); got != want {
			t.Errorf("Tonnes(%v) = %s, want %s", x, got, want)
		}
	}
}
