package forecast

import (
	"math"
	"testing"
)

func TestWeightedMedian(t *testing.T) {
	for _, tc := range []struct {
		name   string
		xs, ws []float64
		want   float64
	}{
		{"EC input", []float64{4, 7, 4, 4, 10, 10, 10, 7, 4, 7}, []float64{6.4, 3.2, .6, 12.8, 9.6, 9.6, 14.4, .5, 5, 5.6}, 7},
		{"heavy end", []float64{0, 50, 100}, []float64{1, 1, 5}, 100},
		{"exactly half: midpoint", []float64{10, 30}, []float64{1, 1}, 20},
		{"exactly half, zero weight between", []float64{10, 20, 30}, []float64{1, 0, 1}, 20},
		{"unsorted", []float64{90, 10, 50}, []float64{1, 1, 1}, 50},
		{"all weights zero: plain median", []float64{1, 2, 9}, []float64{0, 0, 0}, 2},
	} {
		if got := WeightedMedian(tc.xs, tc.ws); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestWeightedMedianIsCondorcet checks the median against its definition:
// no position of the actors beats it in a pairwise vote with votes
// proportional to distance.
func TestWeightedMedianIsCondorcet(t *testing.T) {
	in := benchInput(15, 3)
	st := in.positions()
	med := Medians(in, st)
	for d := range in.Dimensions {
		xs, ws := column(in, st, d)
		cost := func(p float64) float64 {
			c := 0.0
			for i := range xs {
				c += ws[i] * math.Abs(xs[i]-p)
			}
			return c
		}
		for _, x := range xs {
			if cost(x) < cost(med[d])-1e-9 {
				t.Errorf("dim %d: %v beats the median %v", d, x, med[d])
			}
		}
	}
}

func TestWeightedMean(t *testing.T) {
	if got := WeightedMean([]float64{0, 10}, []float64{1, 3}); got != 7.5 {
		t.Errorf("%v, want 7.5", got)
	}
	if got := WeightedMean([]float64{0, 10}, []float64{0, 0}); got != 5 {
		t.Errorf("zero weights: %v, want the plain mean 5", got)
	}
}

func TestCompromise(t *testing.T) {
	in := MustReadCSV(t, "ec-emissions.csv")
	fc, err := Compromise(in)
	if err != nil {
		t.Fatal(err)
	}
	if fc.Rounds != 1 || len(fc.Positions) != 2 {
		t.Fatalf("%d rounds, %d states", fc.Rounds, len(fc.Positions))
	}
	for i := range fc.Actors {
		if math.Abs(fc.Positions[1][i][0]-500.3/67.7) > 1e-9 {
			t.Errorf("%s at %v, want 7.39", fc.Actors[i], fc.Positions[1][i][0])
		}
	}
	if math.Abs(fc.Median[1][0]-fc.Mean[1][0]) > 1e-12 {
		t.Errorf("everyone at one point: median %v mean %v", fc.Median[1][0], fc.Mean[1][0])
	}
}

// TestEUQ runs the model with Q < 1 (the better/worse term active) and a
// tied input; positions stay within the input's range.
func TestEUQ(t *testing.T) {
	in := MustReadCSV(t, "ec-emissions.csv")
	for _, q := range []float64{0, 0.5} {
		for _, v := range []string{EUTable, EUText} {
			fc, _, err := EU(in, EUOptions{Q: &q, Variant: v})
			if err != nil {
				t.Fatal(err)
			}
			for s, st := range fc.Positions {
				for i, p := range st {
					if p[0] < 4 || p[0] > 10 || math.IsNaN(p[0]) {
						t.Errorf("Q %v %s state %d: %s at %v", q, v, s, fc.Actors[i], p[0])
					}
				}
			}
		}
	}
	bad := 1.5
	if _, _, err := EU(in, EUOptions{Q: &bad}); err == nil {
		t.Error("Q = 1.5 accepted")
	}
	if _, _, err := EU(in, EUOptions{Variant: "x"}); err == nil {
		t.Error("variant x accepted")
	}
	same := &Input{Dimensions: []string{"d"}, Actors: []Actor{
		{Name: "a", Power: 1, Position: []float64{5}, Salience: []float64{50}},
		{Name: "b", Power: 1, Position: []float64{5}, Salience: []float64{50}},
	}}
	fc, _, err := EU(same, EUOptions{})
	if err != nil || fc.Final()[0][0] != 5 {
		t.Errorf("everyone at one point: %v %v", fc, err)
	}
}
