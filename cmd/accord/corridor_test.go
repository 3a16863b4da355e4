package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// monitor run's text summary: with the grain corridor beside the
// reference agreement it ends with the corridor's throughput, a line per
// day (testdata/corridor/monitor-run-grain.txt), after exactly what it
// prints without it; without a corridor it prints what it printed before
// (testdata/corridor/monitor-run-reference.txt, written by the binary
// before the corridor's summary).
func TestMonitorRunCorridorThroughput(t *testing.T) {
	front, _ := simulateTo(t, "--seed", "3", "--duration", "3h")
	want, err := os.ReadFile(filepath.Join("testdata", "corridor", "monitor-run-reference.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := runAccord(t, "monitor", "run", "reference", front); code != 0 || out != string(want) {
		t.Errorf("without a corridor: exit %d %s\n%s\nwant\n%s", code, errOut, out, want)
	}

	grain, _ := simulateTo(t, "--seed", "2", "--duration", "72h", "--rate", "0", "--false-alarms", "0", "--grain")
	plain, errOut, code := runAccord(t, "monitor", "run", "reference", grain)
	if code != 0 || strings.Contains(plain, "corridor") {
		t.Fatalf("grain observations, no corridor section: exit %d %s\n%s", code, errOut, plain)
	}
	beside, errOut, code := runAccord(t, "monitor", "run", "reference", grain, "--beside", "grain-corridor")
	if code != 0 {
		t.Fatalf("--beside grain-corridor: exit %d %s", code, errOut)
	}
	block, ok := strings.CutPrefix(beside, plain)
	if !ok {
		t.Fatalf("--beside grain-corridor does not begin with the summary without it:\n%s\nwithout:\n%s", beside, plain)
	}
	path := filepath.Join("testdata", "corridor", "monitor-run-grain.txt")
	golden, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if block != string(golden) {
		t.Errorf("the corridor's throughput:\n%s\nwant\n%s", block, golden)
	}
}

// report daily --beside grain-corridor has the "Grain corridor" section:
// the day's voyages and tonnes against the day before and the corridor's
// violations of the day (the simulated breaches: the attack and the
// uninspected departure on 2 June); without the corridor beside it, none.
func TestDailyReportCorridor(t *testing.T) {
	obs, _ := simulateTo(t, "--seed", "2", "--duration", "72h", "--rate", "0", "--false-alarms", "0", "--grain", "--grain-breach", "outside,uninspected,attack")
	dir := t.TempDir()
	out := filepath.Join(dir, "with.html")
	if _, errOut, code := runAccord(t, "report", "daily", "reference", obs, "--beside", "grain-corridor", "--day", "2025-06-02", "--out", out); code != 0 {
		t.Fatalf("report daily: exit %d %s", code, errOut)
	}
	b, _ := os.ReadFile(out)
	html := string(b)
	for _, s := range []string{"<h2>Grain corridor</h2>",
		`<tr class="corridor-voyages"><td>voyages completed</td><td class="n">3</td><td class="n">0</td><td class="n">+3</td></tr>`,
		`<tr class="corridor-violation"><td>vessel:IMO9000376:v1:uninspected</td><td>vessel not inspected`,
		`<span class="muted">zone:bsgi-corridor</span></td><td>Russia</td>`} {
		if !strings.Contains(html, s) {
			t.Errorf("the report lacks %s", s)
		}
	}
	without := filepath.Join(dir, "without.html")
	if _, errOut, code := runAccord(t, "report", "daily", "reference", obs, "--day", "2025-06-02", "--out", without); code != 0 {
		t.Fatalf("report daily: exit %d %s", code, errOut)
	}
	if b, _ := os.ReadFile(without); strings.Contains(string(b), `id="corridor"`) {
		t.Error("a corridor section without the corridor's agreement")
	}
}

// A report of 2 June as of just after its first instant (--now: the day
// not over) counts the voyages completed by then — none — not the 3 the
// observations given complete later that day, as its incidents are those
// as of then (report.IncidentsAt).
func TestPartialDailyReportCorridorAsOf(t *testing.T) {
	obs, _ := simulateTo(t, "--seed", "2", "--duration", "72h", "--rate", "0", "--false-alarms", "0", "--grain", "--grain-breach", "outside,uninspected,attack")
	out := filepath.Join(t.TempDir(), "partial.html")
	if _, errOut, code := runAccord(t, "report", "daily", "reference", obs, "--beside", "grain-corridor", "--day", "2025-06-02", "--now", "2025-06-02T00:00:01Z", "--out", out); code != 0 {
		t.Fatalf("report daily: exit %d %s", code, errOut)
	}
	b, _ := os.ReadFile(out)
	want := `<tr class="corridor-voyages"><td>voyages completed</td><td class="n">0</td><td class="n">0</td><td class="n">±0</td></tr>`
	if got := regexp.MustCompile(`<tr class="corridor-voyages">.*?</tr>`).FindString(string(b)); got != want {
		t.Errorf("as of 00:00:01 the report says\n%s\nwant\n%s", got, want)
	}
}
