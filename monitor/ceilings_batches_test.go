package monitor_test

import (
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
)

// A heavy weapon that closes (no report for a horizon) is counted against
// its zone's ceiling with the weapons it was present with, whether it
// closed before or after they were seen: four days of the front read in
// batches of 2,000 (a server's) and of 4,096 (its restart's replay) mark
// the same incidents over the ceilings. Before, a weapon that closed
// within the larger batch was dropped before the ceilings were counted:
// 7 incidents marked in one batching, 3 in the other (and at a server's
// restart the record's marks were not the replay's).
func TestCeilingMarksWhateverTheBatches(t *testing.T) {
	m, k := mustReference(t)
	res := simulate(t, 1, 4*24*time.Hour, 40)
	var obs []*monitor.Observation
	for _, o := range res.Observations {
		obs = append(obs, toObservation(t, o))
	}
	marks := func(per int) map[string]bool {
		p := monitor.NewPipeline(m, k, fusion.Config{})
		out := map[string]bool{}
		for i := 0; i < len(obs); i += per {
			for _, in := range p.Observe(obs[i:min(i+per, len(obs))]) {
				for _, v := range in.Violations {
					if strings.HasPrefix(v.Rule, "ceiling:") {
						out[in.ID] = true
					}
				}
			}
		}
		return out
	}
	small, large := marks(2000), marks(4096)
	differ := 0
	for id := range small {
		if !large[id] {
			differ++
		}
	}
	for id := range large {
		if !small[id] {
			differ++
		}
	}
	t.Logf("%d observations: %d incidents over a ceiling in batches of 2,000, %d in batches of 4,096, %d differ", len(obs), len(small), len(large), differ)
	if len(small) == 0 {
		t.Fatal("no incident over a ceiling: nothing compared")
	}
	if differ > 0 {
		t.Errorf("%d incidents marked over a ceiling in one batching and not the other", differ)
	}
}
