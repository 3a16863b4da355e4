package geo

import (
	"math"
	"slices"
	"testing"

	"github.com/golang/geo/s2"
)

// The outlines of the reference bands lie on the right side of the line and
// at the band's distance from it: the median vertex within 2 %, ninety-nine
// in a hundred within 3 %.
func TestOutlinesAtDistance(t *testing.T) {
	g, k := mustReference(t)
	for _, d := range []float64{15000, 25000, 70000} {
		outs := Outlines(g.Parts, d, k.DistanceM)
		if len(outs) != 2*len(g.Parts) {
			t.Fatalf("%g m: %d outlines for %d parts", d, len(outs), len(g.Parts))
		}
		var ratios []float64
		wrongSide := 0
		for _, o := range outs {
			if len(o.Line) < 2 {
				t.Fatalf("%g m: outline of part %d side %d has %d vertices", d, o.Part, o.Side, len(o.Line))
			}
			for _, p := range o.Line {
				ratios = append(ratios, k.NaiveDistanceM(Point(p[0], p[1]))/d)
				if k.Place(p[0], p[1]).Side != o.Side {
					wrongSide++
				}
			}
		}
		slices.Sort(ratios)
		med := ratios[len(ratios)/2]
		within := 0
		for _, r := range ratios {
			if math.Abs(r-1) <= 0.03 {
				within++
			}
		}
		t.Logf("%g km: %d vertices, median distance ratio %.4f, %.1f%% within 3%%, %d on the wrong side", d/1000, len(ratios), med, 100*float64(within)/float64(len(ratios)), wrongSide)
		if math.Abs(med-1) > 0.02 || within < len(ratios)*99/100 {
			t.Errorf("%g km: median ratio %.4f, %d of %d within 3%%", d/1000, med, within, len(ratios))
		}
		if wrongSide > len(ratios)/50 {
			t.Errorf("%g km: %d of %d vertices on the wrong side", d/1000, wrongSide, len(ratios))
		}
	}
}

// A straight line's outline is exactly at the distance.
func TestOutlineOfStraightLine(t *testing.T) {
	line := [][2]float64{{35, 48}, {35.5, 48.2}, {36, 48.4}}
	for _, o := range Outlines([][][2]float64{line}, 10000, nil) {
		for _, p := range o.Line {
			a := Point(p[0], p[1])
			d := math.Inf(1)
			for i := 1; i < len(line); i++ {
				e := s2.DistanceFromSegment(a, Point(line[i-1][0], line[i-1][1]), Point(line[i][0], line[i][1]))
				d = math.Min(d, float64(e)*EarthRadiusM)
			}
			if math.Abs(d-10000) > 5 {
				t.Errorf("side %d vertex %v: %.2f m from the line, want 10000", o.Side, p, d)
			}
		}
	}
}
