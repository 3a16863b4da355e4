package sim_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/accord-peace/accord/sim"
)

// A ceasefire's violations fall day by day and stop at the calm; the run
// is the same for a seed, and no two observations share a key.
func TestRunCeasefire(t *testing.T) {
	c := sim.Ceasefire{Days: 8, Rate: 20, HalfLifeDays: 1, CalmAfterDays: 4, QuietRate: 2}
	a, err := sim.RunCeasefire(config(3), c)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := sim.RunCeasefire(config(3), c)
	if !reflect.DeepEqual(a.Observations, b.Observations) {
		t.Error("two runs of one seed differ")
	}
	start := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	perDay := make([]int, c.Days)
	events := make([]int, c.Days)
	for _, tr := range a.Truth {
		d := int(tr.At.Sub(start) / (24 * time.Hour))
		events[d]++
		if tr.Violation != nil {
			perDay[d]++
		}
	}
	if perDay[0] < 100 || perDay[0] <= perDay[2] || perDay[2] == 0 {
		t.Errorf("violations per day %v: want many on the first day, falling", perDay)
	}
	for d := c.CalmAfterDays; d < c.Days; d++ {
		if perDay[d] != 0 || events[d] == 0 {
			t.Errorf("day %d: %d violations of %d events, want events and no violation once calm", d, perDay[d], events[d])
		}
	}
	keys := map[sim.ObsRef]bool{}
	for i, o := range a.Observations {
		k := sim.ObsRef{Source: o.Properties.Source.ID, ID: o.Properties.ID}
		if keys[k] && !reflect.DeepEqual(o, a.Observations[i-1]) {
			t.Errorf("observation %v: the key is taken by another", k)
		}
		keys[k] = true
		if i > 0 && o.Properties.ReportedAt < a.Observations[i-1].Properties.ReportedAt {
			t.Fatalf("observation %d reported before the one before it", i)
		}
	}
	if _, err := sim.RunCeasefire(config(3), sim.Ceasefire{Days: -1, HalfLifeDays: 1}); err == nil {
		t.Error("a ceasefire of -1 days: no error")
	}
}

// A breach is one shot across the line by the party named, seen by more
// than one source.
func TestBreach(t *testing.T) {
	at := time.Date(2025, 7, 10, 0, 0, 0, 0, time.UTC)
	for _, party := range []string{"ru", "ua"} {
		res, ok, err := sim.Breach(config(5), at, party)
		if err != nil || !ok {
			t.Fatalf("%s: %v %v", party, ok, err)
		}
		if len(res.Truth) != 1 || *res.Truth[0].Violation != sim.RuleCrossing || *res.Truth[0].Party != party || len(res.Observations) < 2 {
			t.Errorf("%s: %+v with %d observations, want one crossing by %s", party, res.Truth, len(res.Observations), party)
		}
		for _, o := range res.Observations {
			if o.Properties.ObservedAt < at.Format(time.RFC3339) || o.Properties.ID[:7] != "breach-" {
				t.Errorf("%s: observation %s at %s", party, o.Properties.ID, o.Properties.ObservedAt)
			}
		}
	}
}
