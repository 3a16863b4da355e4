package scenario_test

import (
	"reflect"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/scenario"
)

// A range [lo, hi] gives its midpoint as the point value and keeps the
// range beside it; a number keeps no range.
func TestRangesMidpoint(t *testing.T) {
	s, err := scenario.Load("testdata/good/ranges.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ua, ru, eu := s.Positions["ua"], s.Positions["ru"], s.Positions["eu"]
	if ua.BATNA != 35 || *ua.BATNARange != [2]float64{30, 40} {
		t.Errorf("ua batna %v %v", ua.BATNA, ua.BATNARange)
	}
	if eu.BATNA != 0 || *eu.BATNARange != [2]float64{-10, 10} {
		t.Errorf("eu batna %v %v", eu.BATNA, eu.BATNARange)
	}
	if ru.BATNARange != nil {
		t.Errorf("ru batna range %v for a number", ru.BATNARange)
	}
	c := ua.Issues["crimea"]
	if c.Weight != 10 || *c.WeightRange != [2]float64{8, 12} {
		t.Errorf("ua crimea weight %v %v", c.Weight, c.WeightRange)
	}
	if c.Utility["reserved"] != 55 || c.Utility["ua"] != 100 || c.Utility["ru"] != 0 {
		t.Errorf("ua crimea utility %v", c.Utility)
	}
	if !reflect.DeepEqual(c.UtilityRange, map[string][2]float64{"reserved": {40, 70}}) {
		t.Errorf("ua crimea utility ranges %v", c.UtilityRange)
	}
	if n := ua.Issues["nato"]; n.Utility["closed"] != 15.25 || n.WeightRange != nil {
		t.Errorf("ua nato %+v", n)
	}
	// A block sequence is a range too, and lo = hi is allowed.
	rc := ru.Issues["crimea"]
	if rc.Utility["reserved"] != 65 || rc.UtilityRange["reserved"] != [2]float64{50, 80} || rc.Weight != 5 || *rc.WeightRange != [2]float64{5, 5} {
		t.Errorf("ru crimea %+v", rc)
	}
	if rn := ru.Issues["nato"]; rn.UtilityRange != nil && rn.Utility["open"] != 0.125 {
		t.Errorf("ru nato %+v", rn)
	}
}

// Ranges survive Format, Split and Join: the scenario read back is the
// same value, ranges included.
func TestRangesRoundTrip(t *testing.T) {
	s, err := scenario.Load("testdata/good/ranges.yaml")
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, "ranges", s)
	if whole := splitAndJoin(t, "ranges", s); !reflect.DeepEqual(whole, s) {
		t.Errorf("split and join lost the ranges:\n%+v\n%+v", whole.Positions["ua"], s.Positions["ua"])
	}
	// Join copies the ranges: changing the copy leaves the original alone.
	pub := *s
	pub.Positions = nil
	j, err := scenario.Join(&pub, s.Positions)
	if err != nil {
		t.Fatal(err)
	}
	j.Positions["ua"].BATNARange[0] = -1
	j.Positions["ua"].Issues["crimea"].WeightRange[0] = -1
	j.Positions["ua"].Issues["crimea"].UtilityRange["reserved"] = [2]float64{}
	if *s.Positions["ua"].BATNARange != [2]float64{30, 40} || *s.Positions["ua"].Issues["crimea"].WeightRange != [2]float64{8, 12} ||
		s.Positions["ua"].Issues["crimea"].UtilityRange["reserved"] != [2]float64{40, 70} {
		t.Errorf("Join shares ranges with its input")
	}
}

// A file without ranges parses to positions without ranges: nil fields,
// exactly as before ranges existed.
func TestNoRangesNoFields(t *testing.T) {
	s, err := scenario.Load("testdata/good/yaml12.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for pid, p := range s.Positions {
		if p.BATNARange != nil {
			t.Errorf("%s: batna range", pid)
		}
		for iid, ip := range p.Issues {
			if ip.WeightRange != nil || ip.UtilityRange != nil {
				t.Errorf("%s %s: ranges %v %v", pid, iid, ip.WeightRange, ip.UtilityRange)
			}
		}
	}
	_ = accord.Position{}
}

// A range whose midpoint or width overflows is refused, with its place.
func TestRangeTooLarge(t *testing.T) {
	pub := mustPublic(t)
	_, _, err := scenario.ParsePosition(pub, "p.yaml", []byte("negotiation: border-demo\nparty: north\nissues:\n  valley: {weight: [1e308, 1.7e308], utility: {north: 100}}\n"))
	wantError(t, err, "p.yaml", "p.yaml:4:20: issues.valley.weight: range [1e+308, 1.7e+308] is too large")
	// A batna is bounded besides (scenario.MaxMagnitude).
	_, _, err = scenario.ParsePosition(pub, "p.yaml", []byte("negotiation: border-demo\nparty: north\nbatna: [-1e308, 1.7e308]\n"))
	wantError(t, err, "p.yaml", "p.yaml:3:17: batna[1]: batna must be within -1e+06..1e+06, got 1.7e+308")
}
