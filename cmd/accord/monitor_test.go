package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// simulateTo runs accord simulate into files and returns their paths.
func simulateTo(t *testing.T, args ...string) (obs, truth string) {
	t.Helper()
	dir := t.TempDir()
	truth = filepath.Join(dir, "truth.ndjson")
	out, errOut, code := runAccord(t, append([]string{"simulate", "--truth", truth}, args...)...)
	if code != 0 {
		t.Fatalf("simulate: exit %d: %s", code, errOut)
	}
	obs = filepath.Join(dir, "obs.ndjson")
	if err := os.WriteFile(obs, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	return obs, truth
}

func TestSimulateWritesContractAndTruth(t *testing.T) {
	obs, truth := simulateTo(t, "--seed", "3", "--duration", "2h")
	again, _ := simulateTo(t, "--seed", "3", "--duration", "2h")
	a, _ := os.ReadFile(obs)
	b, _ := os.ReadFile(again)
	if string(a) != string(b) {
		t.Error("the same seed gave different observations")
	}
	lines := strings.Split(strings.TrimSpace(string(a)), "\n")
	if len(lines) < 100 {
		t.Fatalf("%d observations in 2 h", len(lines))
	}
	data, _ := os.ReadFile(truth)
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	n, violations := 0, 0
	for sc.Scan() {
		var tr map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &tr); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"event_id", "observations", "violation", "party"} {
			if _, ok := tr[f]; !ok {
				t.Fatalf("truth line without %q: %s", f, sc.Text())
			}
		}
		if len(tr) != 4 {
			t.Errorf("truth line with extra fields: %s", sc.Text())
		}
		if string(tr["violation"]) != "null" {
			violations++
		}
		n++
	}
	if n < 40 || violations == 0 {
		t.Errorf("%d true events, %d violations", n, violations)
	}
}

func TestMonitorRunJSON(t *testing.T) {
	obs, _ := simulateTo(t, "--seed", "5", "--duration", "2h")
	out, errOut, code := runAccord(t, "monitor", "run", "reference", obs, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	fields := []string{"id", "state", "event", "location", "first_observed", "last_observed", "observations",
		"independent_sources", "confidence", "side", "distance_to_line_m", "zones", "violations"}
	n, withViolation := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var in map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &in); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		for _, f := range fields {
			if _, ok := in[f]; !ok {
				t.Fatalf("incident without %q: %s", f, line)
			}
		}
		var vs []map[string]any
		json.Unmarshal(in["violations"], &vs)
		for _, v := range vs {
			for _, f := range []string{"rule", "provision", "party", "attribution_confidence"} {
				if _, ok := v[f]; !ok {
					t.Fatalf("violation without %q: %s", f, line)
				}
			}
		}
		if len(vs) > 0 {
			withViolation++
		}
		n++
	}
	if n < 20 || withViolation == 0 {
		t.Errorf("%d incidents, %d with a violation", n, withViolation)
	}
	text, _, code := runAccord(t, "monitor", "run", "reference", obs)
	if code != 0 || !strings.Contains(text, "RULE") || !strings.Contains(text, "incidents (") {
		t.Errorf("text summary: exit %d\n%s", code, text)
	}
}

func TestMonitorIngestIdempotentAndAtomic(t *testing.T) {
	obs, _ := simulateTo(t, "--seed", "2", "--duration", "1h")
	store := filepath.Join(t.TempDir(), "store.ndjson")
	out, errOut, code := runAccord(t, "monitor", "ingest", obs, "--store", store)
	if code != 0 || !strings.Contains(out, " new, 0 already stored") {
		t.Fatalf("first ingest: exit %d %s %s", code, out, errOut)
	}
	first, _ := os.ReadFile(store)
	out, _, code = runAccord(t, "monitor", "ingest", obs, "--store", store)
	if code != 0 || !strings.HasPrefix(out, "0 new,") {
		t.Errorf("second ingest: exit %d %s", code, out)
	}
	// A batch with one changed resend and one bad line is refused whole.
	lines := strings.Split(strings.TrimSpace(string(first)), "\n")
	changed := strings.Replace(lines[0], `"confidence":`, `"confidence":0.123,"x":`, 1)
	bad := filepath.Join(t.TempDir(), "bad.ndjson")
	os.WriteFile(bad, []byte(changed+"\n"), 0o644)
	_, errOut, code = runAccord(t, "monitor", "ingest", bad, "--store", store)
	if code != 1 || !strings.Contains(errOut, "different content") {
		t.Errorf("conflicting resend: exit %d, %s", code, errOut)
	}
	// Every conflict is named, in its file.
	changed2 := strings.Replace(lines[2], `"confidence":`, `"confidence":0.321,"x":`, 1)
	other := filepath.Join(t.TempDir(), "other.ndjson")
	os.WriteFile(other, []byte(lines[1]+"\n"), 0o644)
	os.WriteFile(bad, []byte(changed+"\n"+lines[1]+"\n"+changed2+"\n"), 0o644)
	_, errOut, code = runAccord(t, "monitor", "ingest", other, bad, "--store", store)
	for _, want := range []string{"bad.ndjson: observation 1: ", "bad.ndjson: observation 3: ", "2 observation(s) already stored with different content; nothing was stored"} {
		if code != 1 || !strings.Contains(errOut, want) {
			t.Errorf("two conflicting resends: exit %d, %s; want %q", code, errOut, want)
		}
	}
	os.WriteFile(bad, []byte(`{"type":"Feature","geometry":{"type":"Point","coordinates":[200,48]},"properties":{}}`+"\n"), 0o644)
	_, errOut, code = runAccord(t, "monitor", "ingest", bad, "--store", store)
	if code != 1 || !strings.Contains(errOut, "bad.ndjson:1: geometry.coordinates: longitude 200 is outside -180..180") {
		t.Errorf("bad line: exit %d, %s", code, errOut)
	}
	// The same key with other content in two files of one call: the later
	// file's error, with both places, not "already stored" (nothing was).
	fresh := filepath.Join(t.TempDir(), "fresh.ndjson")
	one := filepath.Join(t.TempDir(), "one.ndjson")
	os.WriteFile(one, []byte(lines[1]+"\n"+lines[0]+"\n"), 0o644)
	os.WriteFile(bad, []byte(changed+"\n"), 0o644)
	_, errOut, code = runAccord(t, "monitor", "ingest", one, bad, "--store", fresh)
	if want := "bad.ndjson: observation 1: (source "; code != 1 || !strings.Contains(errOut, want) || !strings.Contains(errOut, "was given before, in "+one+" (observation 2), with other content; nothing was stored") {
		t.Errorf("a key given again by a later file: exit %d, %s", code, errOut)
	}
	if _, err := os.Stat(fresh); err == nil {
		t.Error("a refused call made the store")
	}
	if after, _ := os.ReadFile(store); string(after) != string(first) {
		t.Error("a refused batch changed the store")
	}
}

// Every observation read is in ingest's answer: new, already stored, or
// repeated in the input (in one file, or by a later file).
func TestMonitorIngestCountsRepeats(t *testing.T) {
	obs, _ := simulateTo(t, "--seed", "3", "--duration", "1h", "--rate", "8")
	data, err := os.ReadFile(obs)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) < 3 {
		t.Fatalf("%d observations simulated", len(lines))
	}
	dir := t.TempDir()
	store := filepath.Join(dir, "store.ndjson")
	a, b := filepath.Join(dir, "a.ndjson"), filepath.Join(dir, "b.ndjson")
	os.WriteFile(a, []byte(lines[0]+"\n"+lines[1]+"\n"+lines[0]+"\n"+lines[0]+"\n"), 0o644)
	os.WriteFile(b, []byte(lines[1]+"\n"+lines[2]+"\n"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		// a: two observations, one of them three times.
		{[]string{a}, "2 new, 0 already stored, 2 repeated in the input, 2 in "},
		// b's first is stored; its second is new.
		{[]string{b}, "1 new, 1 already stored, 0 repeated in the input, 3 in "},
		// Both again: a's four lines and b's two, all stored; a's second
		// and third 0, and b's first, repeat earlier lines of the input.
		{[]string{a, b}, "0 new, 3 already stored, 3 repeated in the input, 3 in "},
	} {
		out, errOut, code := runAccord(t, append([]string{"monitor", "ingest", "--store", store}, c.args...)...)
		if code != 0 || !strings.HasPrefix(out, c.want) {
			t.Errorf("ingest %v: exit %d, %q %s; want %q", c.args, code, out, errOut, c.want)
		}
	}
}

func TestMonitorIngestACLEDAndUCDP(t *testing.T) {
	store := filepath.Join(t.TempDir(), "store.ndjson")
	out, errOut, code := runAccord(t, "monitor", "ingest", "--format", "acled", "../../monitor/testdata/acled/three.csv", "--store", store)
	if code != 0 || !strings.HasPrefix(out, "3 new") {
		t.Fatalf("acled: exit %d %s %s", code, out, errOut)
	}
	out, errOut, code = runAccord(t, "monitor", "ingest", "--format", "ucdp", "../../monitor/testdata/ucdp/three.csv", "--store", store)
	if code != 0 || !strings.HasPrefix(out, "3 new, 0 already stored, 0 repeated in the input, 6 in") {
		t.Fatalf("ucdp: exit %d %s %s", code, out, errOut)
	}
	_, errOut, code = runAccord(t, "monitor", "ingest", "--format", "acled", "../../monitor/testdata/acled/bad.csv", "--store", store)
	if code != 1 || !strings.Contains(errOut, "bad.csv:3: time_precision") {
		t.Errorf("bad acled: exit %d %s", code, errOut)
	}
	_, errOut, code = runAccord(t, "monitor", "ingest", "--format", "xml", "x", "--store", store)
	if code != 2 || !strings.Contains(errOut, `--format "xml"`) {
		t.Errorf("bad format: exit %d %s", code, errOut)
	}
}

// A week of observations through 'monitor run --json': every incident the
// input produced is printed, closed ones included, and every observation
// is in exactly one of them.
func TestMonitorRunPrintsAWholeWeek(t *testing.T) {
	obs, _ := simulateTo(t, "--seed", "5", "--duration", "168h", "--rate", "8")
	out, errOut, code := runAccord(t, "monitor", "run", "reference", obs, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	seen := map[[2]string]int{}
	closed, n := 0, 0
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var in struct {
			ClosedAt     *string `json:"closed_at"`
			ClosedReason string  `json:"closed_reason"`
			Observations []struct{ Source, ID string }
		}
		if err := json.Unmarshal(sc.Bytes(), &in); err != nil {
			t.Fatal(err)
		}
		n++
		if in.ClosedAt != nil && in.ClosedReason != "" {
			closed++
		}
		for _, r := range in.Observations {
			seen[[2]string{r.Source, r.ID}]++
		}
	}
	data, _ := os.ReadFile(obs)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	for _, l := range lines {
		var o struct {
			Properties struct {
				ID     string
				Source struct{ ID string }
			}
		}
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatal(err)
		}
		if c := seen[[2]string{o.Properties.Source.ID, o.Properties.ID}]; c != 1 {
			t.Fatalf("observation %s/%s is in %d printed incidents, want 1", o.Properties.Source.ID, o.Properties.ID, c)
		}
	}
	if closed < n/2 {
		t.Errorf("%d of %d incidents closed over a week", closed, n)
	}
	summary, _, _ := runAccord(t, "monitor", "run", "reference", obs)
	if want := fmt.Sprintf("%d distinct observations, %d incidents (", len(seen), n); !strings.HasPrefix(summary, want) || !strings.Contains(summary, fmt.Sprintf("%d closed", closed)) {
		t.Errorf("summary %q, want %q… and %d closed", strings.SplitN(summary, "\n", 2)[0], want, closed)
	}
}

// A day's report counts the same whatever later data the file holds.
func TestDailyReportDoesNotDependOnLaterData(t *testing.T) {
	obs, _ := simulateTo(t, "--seed", "9", "--duration", "120h", "--rate", "10")
	data, _ := os.ReadFile(obs)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	report := func(until string) string {
		path := filepath.Join(t.TempDir(), "obs.ndjson")
		var kept []string
		for _, l := range lines {
			var o struct {
				Properties struct {
					ReportedAt string `json:"reported_at"`
				}
			}
			json.Unmarshal([]byte(l), &o)
			if o.Properties.ReportedAt < until {
				kept = append(kept, l)
			}
		}
		os.WriteFile(path, []byte(strings.Join(kept, "\n")+"\n"), 0o644)
		out, errOut, code := runAccord(t, "report", "daily", "reference", path, "--day", "2025-06-02", "--out", filepath.Join(t.TempDir(), "r.html"))
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		return out
	}
	a, b, c := report("2025-06-04"), report("2025-06-05"), report("2025-06-09")
	if a != b || b != c {
		t.Errorf("the report of 2 June changes with the file's end:\n until 4 June: %s until 5 June: %s until 9 June: %s", a, b, c)
	}
	t.Log(a)
}

// The report of a day the data does not cover says so, in the report and
// on stderr, rather than read as a quiet day; a covered day does not.
func TestDailyReportOfAnUncoveredDay(t *testing.T) {
	obs, _ := simulateTo(t, "--seed", "9", "--duration", "6h", "--rate", "10")
	for _, tt := range []struct {
		day  string
		warn bool
	}{{"2030-01-01", true}, {"2025-06-01", false}} {
		out := filepath.Join(t.TempDir(), "r.html")
		_, errOut, code := runAccord(t, "report", "daily", "reference", obs, "--day", tt.day, "--out", out)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tt.day, code, errOut)
		}
		html, _ := os.ReadFile(out)
		said := strings.Contains(string(html), "not because nothing happened")
		warned := strings.Contains(errOut, "accord: warning: no observation of")
		if said != tt.warn || warned != tt.warn {
			t.Errorf("%s: the report says uncovered %v, stderr warns %v (%q); want %v", tt.day, said, warned, errOut, tt.warn)
		}
	}
}

// The summary's state counts add up to the incidents, merged ones
// included, and a merged incident is not counted open.
func TestMonitorRunSummaryCountsEveryState(t *testing.T) {
	obs, _ := simulateTo(t, "--seed", "3", "--duration", "6h", "--dense")
	out, errOut, code := runAccord(t, "monitor", "run", "reference", obs, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	states := map[string]int{}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var in struct{ State string }
		if err := json.Unmarshal([]byte(line), &in); err != nil {
			t.Fatal(err)
		}
		states[in.State]++
		n++
	}
	if states["merged"] == 0 {
		t.Fatalf("no merged incident among %d (%v): the test shows nothing", n, states)
	}
	summary, _, _ := runAccord(t, "monitor", "run", "reference", obs)
	first := strings.SplitN(summary, "\n", 2)[0]
	re := regexp.MustCompile(`(\d+) ([a-z]+)[,;]`)
	sum := 0
	for _, m := range re.FindAllStringSubmatch(strings.SplitN(first, "(", 2)[1], -1) {
		if m[2] == "closed" || m[2] == "open" {
			continue
		}
		k, _ := strconv.Atoi(m[1])
		if k != states[m[2]] {
			t.Errorf("summary: %s %s, the incidents: %d", m[1], m[2], states[m[2]])
		}
		sum += k
	}
	want := fmt.Sprintf("%d merged into others", states["merged"])
	if sum != n || !strings.Contains(first, want) {
		t.Errorf("summary %q: states add up to %d of %d incidents; want %q", first, sum, n, want)
	}
}
