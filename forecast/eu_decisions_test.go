package forecast

import (
	"math"
	"testing"
)

// The decisions of docs/forecast.md ("Decisions where the paper is
// ambiguous or misprinted"), one test each where the EC test does not
// already pin them.

// Decision 1: the salience in an expected utility is the challenged
// actor's, both ways (s_j in i's, s_i in j's).
func TestEUSalienceIsTheTargets(t *testing.T) {
	in := &Input{Dimensions: []string{"d"}, Actors: []Actor{
		{Name: "i", Power: 1, Position: []float64{0}, Salience: []float64{20}},
		{Name: "j", Power: 2, Position: []float64{100}, Salience: []float64{90}},
	}}
	e := newEUDim(in, 0, 1, EUText)
	x := []float64{0, 100}
	p := e.probabilities(x)
	want := func(sTarget, pij float64) float64 {
		// d = 1, r = 1: U_s = 2, U_f = -2, U_sq = 0.
		return sTarget*(pij*2+(1-pij)*-2) + (1-sTarget)*2
	}
	if got, w := e.eu(0, 1, x, 0, p, 1), want(0.9, p[0][1]); math.Abs(got-w) > 1e-12 {
		t.Errorf("i challenging j: %v, want %v (with s_j = 0.9)", got, w)
	}
	if got, w := e.eu(1, 0, x, 0, p, 1), want(0.2, p[1][0]); math.Abs(got-w) > 1e-12 {
		t.Errorf("j challenging i: %v, want %v (with s_i = 0.2, not s_j)", got, w)
	}
}

// Decision 2: compromise when the challenger's gain exceeds the target's
// loss, by the fraction |b/a|; capitulation otherwise; the move is
// continuous across the boundary.
func TestEUClassify(t *testing.T) {
	x := []float64{10, 0} // i at 10, j at 0
	for _, tc := range []struct {
		a, b float64
		kind string
		pos  float64
	}{
		{0.5, 0.2, OfferConfrontation, 10},
		{0.5, -0.1, OfferCompromise, 2},
		{0.5, -0.4999999, OfferCompromise, 9.999998},
		{0.5, -0.5, OfferCapitulation, 10},
		{0.5, -0.9, OfferCapitulation, 10},
	} {
		o, ok := classify(0, 1, tc.a, tc.b, x)
		if !ok || o.Kind != tc.kind || math.Abs(o.Position-tc.pos) > 1e-9 {
			t.Errorf("a %v b %v: %v %s %v, want %s %v", tc.a, tc.b, ok, o.Kind, o.Position, tc.kind, tc.pos)
		}
	}
	for _, ab := range [][2]float64{{-0.1, 0.3}, {0, -1}, {0.2, 0.5}} {
		if _, ok := classify(0, 1, ab[0], ab[1], x); ok {
			t.Errorf("a %v b %v: an offer, want none", ab[0], ab[1])
		}
	}
}

// Decision 6: the most vulnerable actor is the most risk-acceptant (r =
// 0.5), the most secure the most risk-averse (r = 2).
func TestEURiskFromVulnerability(t *testing.T) {
	// eu[j][i]: j's expected utility of challenging i. Actor 0 is the
	// target everyone gains from; actor 2 nobody does.
	eu := [][]float64{
		{0, 0.1, -0.5},
		{0.9, 0, -0.5},
		{0.9, 0.1, 0},
	}
	R, r := riskExponents(eu)
	if R[0] != 1 || math.Abs(r[0]-0.5) > 1e-12 || R[2] != -1 || math.Abs(r[2]-2) > 1e-12 {
		t.Errorf("R %v r %v; want actor 0 at R 1, r 0.5 and actor 2 at R -1, r 2", R, r)
	}
}

// Decision 3: the table variant's denominator makes every probability
// small, the text variant's makes P_ij + P_ji = 1.
func TestEUProbabilityDenominators(t *testing.T) {
	in := MustReadCSV(t, "ec-emissions.csv")
	x := make([]float64, len(in.Actors))
	for i, a := range in.Actors {
		x[i] = a.Position[0]
	}
	text := newEUDim(in, 0, 1, EUText).probabilities(x)
	table := newEUDim(in, 0, 1, EUTable).probabilities(x)
	for i := range x {
		for j := range x {
			if x[i] == x[j] {
				continue
			}
			if s := text[i][j] + text[j][i]; math.Abs(s-1) > 1e-12 {
				t.Errorf("text: P[%d][%d] + P[%d][%d] = %v", i, j, j, i, s)
			}
			if table[i][j] > 0.02 || table[i][j] >= text[i][j]+1e-12 {
				t.Errorf("table: P[%d][%d] = %v (text %v)", i, j, table[i][j], text[i][j])
			}
		}
	}
}
