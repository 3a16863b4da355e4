package monitor_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
)

// Openings lists, batch by batch, every incident fusion opened, in the
// order of its ids, each with the observation that opened it: its first
// version lists that observation, and every "inc-N" is listed once, N
// counting from 1.
func TestOpenings(t *testing.T) {
	m, k := mustReference(t)
	res := simulate(t, 5, 12*time.Hour, 30)
	var obs []*monitor.Observation
	for _, o := range res.Observations {
		obs = append(obs, toObservation(t, o))
	}
	p := monitor.NewPipeline(m, k, fusion.Config{})
	n := 0
	for i := 0; i < len(obs); i += 50 {
		batch := obs[i:min(i+50, len(obs))]
		ins := p.Observe(batch)
		for _, o := range p.Openings() {
			n++
			if o.ID != "inc-"+strconv.Itoa(n) {
				t.Fatalf("batch at %d: opening %s, want inc-%d", i, o.ID, n)
			}
			at := slices.IndexFunc(ins, func(in monitor.Incident) bool { return in.ID == o.ID })
			if at < 0 || !in(ins[at], batch[o.At]) && ins[at].State != fusion.Merged {
				t.Fatalf("batch at %d: %s opened by line %d, which its version does not list", i, o.ID, o.At)
			}
		}
	}
	if n == 0 {
		t.Fatal("no incident opened")
	}
	t.Logf("%d observations, %d incidents opened", len(obs), n)
}

func in(inc monitor.Incident, o *monitor.Observation) bool {
	return slices.Contains(inc.Observations, o.Key())
}
