package forecast

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"testing"
)

// MustReadCSV reads a KTAB CSV from testdata.
func MustReadCSV(tb testing.TB, name string) *Input {
	tb.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	in, err := ReadCSV(f)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return in
}

// ktabFinal reads KTAB's own result: actor,dimension,initial,final.
func ktabFinal(t *testing.T) map[[2]string][2]float64 {
	t.Helper()
	f, err := os.Open("testdata/dummyData_3Dim.smpc-final.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[[2]string][2]float64{}
	for _, r := range recs[1:] {
		a, _ := strconv.ParseFloat(r[2], 64)
		b, _ := strconv.ParseFloat(r[3], 64)
		out[[2]string{r[0], r[1]}] = [2]float64{a, b}
	}
	return out
}

// TestSMPAgainstKTAB runs the SMP on KTAB's dummy data and compares the
// final positions with KTAB's own run (smpc 0.1, default parameters, 10
// turns): every one within 0.5 on the 0..100 scale.
func TestSMPAgainstKTAB(t *testing.T) {
	in := MustReadCSV(t, "dummyData_3Dim.csv")
	fc, err := SMP(in, SMPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := ktabFinal(t)
	t.Logf("states: %d (KTAB: 11)", len(fc.Positions))
	if len(fc.Positions) != 11 {
		t.Errorf("got %d states, KTAB stops after 11", len(fc.Positions))
	}
	final := fc.Final()
	worst := 0.0
	for i, a := range fc.Actors {
		for d, dim := range fc.Dimensions {
			w := want[[2]string{a, dim}]
			if w[0] != in.Actors[i].Position[d] {
				t.Fatalf("%s %s: initial %v, KTAB's %v", a, dim, in.Actors[i].Position[d], w[0])
			}
			diff := final[i][d] - w[1]
			worst = max(worst, math.Abs(diff))
			t.Logf("%s %s: %6.2f -> ours %6.2f, KTAB %6.2f (%+.2f)", a, dim, w[0], final[i][d], w[1], diff)
			if math.Abs(diff) > 0.5 {
				t.Errorf("%s %s: final %.2f, KTAB %.2f", a, dim, final[i][d], w[1])
			}
		}
	}
	t.Logf("largest difference: %.4f", worst)
	// KTAB prints two decimals: agreement to the printed precision.
	if worst > 0.0051 {
		t.Errorf("largest difference %.4f is more than KTAB's rounding", worst)
	}
}

// TestSMPWorkersAgree checks that the result does not depend on how many
// goroutines share a turn.
func TestSMPWorkersAgree(t *testing.T) {
	in := MustReadCSV(t, "dummyData_3Dim.csv")
	one, err := SMP(in, SMPOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	many, err := SMP(in, SMPOptions{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	for s := range one.Positions {
		for i := range one.Positions[s] {
			for d := range one.Positions[s][i] {
				if one.Positions[s][i][d] != many.Positions[s][i][d] {
					t.Fatalf("state %d actor %d dim %d: %v with one worker, %v with four", s, i, d, one.Positions[s][i][d], many.Positions[s][i][d])
				}
			}
		}
	}
}
