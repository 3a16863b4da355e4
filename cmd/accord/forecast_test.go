package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// forecastJSON is the object `accord forecast --json` prints.
type forecastJSON struct {
	Model      string        `json:"model"`
	Rounds     int           `json:"rounds"`
	Actors     []string      `json:"actors"`
	Dimensions []string      `json:"dimensions"`
	Positions  [][][]float64 `json:"positions"`
	Median     [][]float64   `json:"median"`
	Mean       [][]float64   `json:"mean"`
}

func runForecastJSON(t *testing.T, args ...string) forecastJSON {
	t.Helper()
	out, errs, code := runAccord(t, append([]string{"forecast", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var f forecastJSON
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	states := f.Rounds + 1
	if len(f.Positions) != states || len(f.Median) != states || len(f.Mean) != states {
		t.Fatalf("rounds %d but %d/%d/%d states", f.Rounds, len(f.Positions), len(f.Median), len(f.Mean))
	}
	for _, st := range f.Positions {
		if len(st) != len(f.Actors) {
			t.Fatalf("a state with %d actors, want %d", len(st), len(f.Actors))
		}
		for _, p := range st {
			if len(p) != len(f.Dimensions) {
				t.Fatalf("a position with %d dimensions, want %d", len(p), len(f.Dimensions))
			}
		}
	}
	return f
}

// TestForecastKTAB: the SMP on KTAB's dummy data ends where KTAB's own run
// does (within 0.5; forecast's tests check the figures more closely).
func TestForecastKTAB(t *testing.T) {
	f := runForecastJSON(t, "testdata/forecast/dummyData_3Dim.csv", "--model", "smp")
	if f.Model != "smp" || f.Rounds != 10 || len(f.Actors) != 7 || f.Dimensions[2] != "Pstn3" {
		t.Fatalf("model %q, %d rounds, %d actors, dims %v", f.Model, f.Rounds, len(f.Actors), f.Dimensions)
	}
	if f.Positions[0][0][1] != 6.37 {
		t.Errorf("state 0 is not the input: %v", f.Positions[0][0])
	}
	// KTAB: SActor-05 ends at (79.88, 34.37, 75.16).
	for d, want := range []float64{79.88, 34.37, 75.16} {
		if got := f.Positions[10][5][d]; math.Abs(got-want) > 0.5 {
			t.Errorf("SActor-05 dim %d: %v, KTAB %v", d, got, want)
		}
	}
}

// TestForecastEC: the EC car-emissions example in years through the EU
// model: 9 states (the input and Table 2's 8 rounds), the input's mean 7.39
// years, round 1's median 8.43 (the paper's 8.4).
func TestForecastEC(t *testing.T) {
	f := runForecastJSON(t, "testdata/forecast/ec-emissions.csv", "--model", "eu")
	if f.Model != "eu" || f.Rounds != 8 || len(f.Actors) != 10 {
		t.Fatalf("model %q, %d rounds, %d actors", f.Model, f.Rounds, len(f.Actors))
	}
	if math.Abs(f.Mean[0][0]-7.39) > 0.01 || f.Median[0][0] != 7 {
		t.Errorf("input: mean %v median %v, want 7.39 and 7", f.Mean[0][0], f.Median[0][0])
	}
	if math.Abs(f.Median[1][0]-8.4) > 0.1 {
		t.Errorf("round 1: median %v, paper 8.4", f.Median[1][0])
	}
	c := runForecastJSON(t, "testdata/forecast/ec-emissions.csv", "--model", "compromise")
	if c.Rounds != 1 || math.Abs(c.Positions[1][3][0]-7.39) > 0.01 {
		t.Errorf("compromise: %d rounds, Germany at %v", c.Rounds, c.Positions[1][3][0])
	}
}

// TestForecastTableAndSVG: the text table and the SVG, on a scenario.
func TestForecastTableAndSVG(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "f.svg")
	out, errs, code := runAccord(t, "forecast", tiny, "--model", "smp", "--svg", svg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "Forecast by the smp model") || !strings.Contains(out, "median") {
		t.Errorf("table:\n%s", out)
	}
	b, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "<svg") || !strings.Contains(string(b), `class="actor"`) {
		t.Errorf("svg: %.200s", b)
	}
}

// TestForecastEUOffers: the EU table ends with the offers accepted.
func TestForecastEUOffers(t *testing.T) {
	out, errs, code := runAccord(t, "forecast", "testdata/forecast/ec-emissions.csv", "--model", "eu")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "round 1: Belgium accepts France's compromise") || !strings.Contains(out, "risk exponents") {
		t.Errorf("output:\n%s", out)
	}
}

// TestForecastBadInput: a bad CSV exits 1 naming line and column; a bad
// command line exits 2.
func TestForecastBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"testdata/forecast/bad-salience.csv"}, 1, "bad-salience.csv: line 4, column 10: salience 140 of B on Pstn1 outside 0..100"},
		{[]string{"testdata/forecast/missing.csv"}, 1, "missing.csv"},
		{[]string{"testdata/forecast/ec-emissions.csv", "--model", "bogus"}, 2, `--model "bogus"`},
		{[]string{"testdata/forecast/ec-emissions.csv", "--q", "2"}, 2, "--q is 2"},
		{[]string{"testdata/forecast/ec-emissions.csv", "--model", "eu", "--eu-variant", "x"}, 2, `--eu-variant "x"`},
		{[]string{}, 2, "needs one SCENARIO or FILE.csv"},
		{[]string{"testdata/forecast/ec-emissions.csv", "--rounds", "-1"}, 2, "--rounds is -1"},
		{[]string{"testdata/forecast/ec-emissions.csv", "--rounds", "100000"}, 2, "--rounds is 100000"},
	} {
		_, errs, code := runAccord(t, append([]string{"forecast"}, tc.args...)...)
		if code != tc.code || !strings.Contains(errs, tc.msg) || strings.Contains(errs, "this is a bug") {
			t.Errorf("%v: exit %d, %q; want %d and %q", tc.args, code, errs, tc.code, tc.msg)
		}
	}
}

// The briefing says where the bargaining may land: the SMP run of accord
// forecast on the same scenario, its final median and mean per issue.
func TestBriefingForecast(t *testing.T) {
	f := runForecastJSON(t, tiny, "--model", "smp")
	html := filepath.Join(t.TempDir(), "b.html")
	if _, errs, code := runAccord(t, "report", "briefing", tiny, "--proposal", "p1", "--out", html); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	data, _ := os.ReadFile(html)
	last := len(f.Median) - 1
	wants := []string{"<h2>Where the bargaining may land</h2>", "By KTAB&#39;s spatial model of politics (SMP)",
		fmt.Sprintf("After %d round(s)", f.Rounds), "<title>Forecast (smp): positions by round</title>"}
	for d, dim := range f.Dimensions {
		wants = append(wants, fmt.Sprintf(`<tr><td>%s</td><td class="n">%.1f</td><td class="n">%.1f</td>`, dim, f.Median[last][d], f.Mean[last][d]))
	}
	for _, want := range wants {
		if !strings.Contains(string(data), want) {
			t.Errorf("briefing lacks %q", want)
		}
	}
}
