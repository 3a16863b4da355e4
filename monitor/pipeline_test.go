package monitor_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/sim"
)

// mustReference is the reference agreement's monitoring section and its
// kernel.
func mustReference(tb testing.TB) (*agreement.Monitoring, *geo.Kernel) {
	a, k := monitortest.Reference(tb)
	return a.Monitoring, k
}

// simulate runs the simulator on the reference geometry with the pipeline's
// own rules as the judge of truth.
func simulate(tb testing.TB, seed uint64, d time.Duration, rate float64) *sim.Result {
	tb.Helper()
	m, k := mustReference(tb)
	judge := monitor.NewPipeline(m, k, fusion.Config{})
	cfg := sim.FromAgreement(m, k)
	cfg.Seed, cfg.Duration, cfg.Rate, cfg.FalseAlarmsPerHour = seed, d, rate, 2
	cfg.Judge = func(ev sim.TrueEvent) []sim.Verdict {
		var out []sim.Verdict
		for _, v := range judge.Judge(monitor.TrueEvent{Event: ev.Event, Equipment: ev.Equipment, CaliberMM: float64(ev.CaliberMM), Position: ev.Position, Origin: ev.Origin}) {
			if v.Party != nil {
				out = append(out, sim.Verdict{Rule: v.Rule, Party: *v.Party})
			}
		}
		return out
	}
	res, err := sim.Run(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

// latest keeps the last version of each incident a pipeline handed out, in
// the order each first appeared: what a mission's incident store holds.
func latest(changed ...[]monitor.Incident) []monitor.Incident {
	var out []monitor.Incident
	at := map[string]int{}
	for _, ins := range changed {
		for _, in := range ins {
			if i, ok := at[in.ID]; ok {
				out[i] = in
				continue
			}
			at[in.ID] = len(out)
			out = append(out, in)
		}
	}
	return out
}

// toObservation converts a simulated observation through the wire contract's
// fields.
func toObservation(tb testing.TB, o sim.Observation) *monitor.Observation {
	p := o.Properties
	obs := &monitor.Observation{ID: p.ID, Source: monitor.Source(p.Source), Event: p.Event, Equipment: p.Equipment,
		CaliberMM: float64(p.CaliberMM), Count: p.Count, AttributedTo: p.AttributedTo, AccuracyM: p.AccuracyM,
		TimeAccuracyS: p.TimeAccuracyS, Confidence: p.Confidence}
	var err error
	if obs.ObservedAt, err = time.Parse(time.RFC3339, p.ObservedAt); err != nil {
		tb.Fatal(err)
	}
	obs.ReportedAt, _ = time.Parse(time.RFC3339, p.ReportedAt)
	switch c := o.Geometry.Coordinates.(type) {
	case [2]float64:
		obs.Position = c
	case [][2]float64:
		obs.Path, obs.Position = c, c[len(c)-1]
	}
	return obs
}

// On the simulator's data, the violations found and their attribution
// match the ground truth: precision and recall of (event, rule, party) of
// at least 0.95, the target, over fixed seeds.
func TestViolationsAgainstGroundTruth(t *testing.T) {
	m, k := mustReference(t)
	for _, seed := range []uint64{1, 2, 3} {
		res := simulate(t, seed, 12*time.Hour, 40)
		p := monitor.NewPipeline(m, k, fusion.Config{})
		var batch []*monitor.Observation
		for _, o := range res.Observations {
			batch = append(batch, toObservation(t, o))
		}
		incidentOf := map[fusion.Ref]int{}
		ins := latest(p.Observe(batch))
		for i, in := range ins {
			for _, r := range in.Observations {
				incidentOf[r] = i
			}
		}
		// A true violation is found when the incident holding most of its
		// reports carries the rule, attributed to the right party. An
		// incident's violation is right when a true event among its reports
		// breaks that rule.
		truthOf := map[fusion.Ref]*sim.Truth{}
		for i := range res.Truth {
			for _, r := range res.Truth[i].Observations {
				truthOf[fusion.Ref{Source: r.Source, ID: r.ID}] = &res.Truth[i]
			}
		}
		tp, fn, wrongParty := 0, 0, 0
		for _, tr := range res.Truth {
			if tr.Violation == nil || len(tr.Observations) == 0 {
				continue
			}
			votes := map[int]int{}
			for _, r := range tr.Observations {
				votes[incidentOf[fusion.Ref{Source: r.Source, ID: r.ID}]]++
			}
			best, n := -1, 0
			for i, v := range votes {
				if v > n || (v == n && i < best) {
					best, n = i, v
				}
			}
			found := false
			for _, v := range ins[best].Violations {
				if v.Rule == *tr.Violation {
					found = true
					if v.Party == nil || *v.Party != *tr.Party {
						wrongParty++
					}
				}
			}
			if found {
				tp++
			} else {
				fn++
			}
		}
		fp := 0
		for _, in := range ins {
			for _, v := range in.Violations {
				if strings.HasPrefix(v.Rule, "ceiling:") {
					continue
				}
				right := false
				for _, r := range in.Observations {
					if tr := truthOf[r]; tr != nil {
						for _, x := range tr.All {
							right = right || x.Rule == v.Rule
						}
					}
				}
				if !right {
					fp++
					if testing.Verbose() {
						t.Logf("  unmatched %s on %s (%s, %d obs, %s, %d sources)", v.Rule, in.ID, in.Event, len(in.Observations), in.State, in.IndependentSources)
					}
				}
			}
		}
		precision := float64(tp-wrongParty) / float64(tp-wrongParty+fp+wrongParty)
		recall := float64(tp-wrongParty) / float64(tp+fn)
		t.Logf("seed %d: %d observations, %d incidents; violations tp %d fp %d fn %d, wrong party %d: precision %.4f recall %.4f",
			seed, len(res.Observations), len(ins), tp, fp, fn, wrongParty, precision, recall)
		if precision < 0.95 || recall < 0.95 {
			t.Errorf("seed %d: precision %.4f recall %.4f, want both ≥ 0.95", seed, precision, recall)
		}
	}
}

// Over days of observations the pipeline closes incidents and forgets them,
// but hands each out: every observation ends in exactly one incident, and
// the incidents do not depend on how the observations were cut into
// batches (ceilings included).
func TestHistoryIsHandedOutWhateverTheBatches(t *testing.T) {
	m, k := mustReference(t)
	res := simulate(t, 7, 72*time.Hour, 30)
	var obs []*monitor.Observation
	for _, o := range res.Observations {
		obs = append(obs, toObservation(t, o))
	}
	whole := monitor.NewPipeline(m, k, fusion.Config{})
	all := latest(whole.Observe(obs))
	chunked := monitor.NewPipeline(m, k, fusion.Config{})
	var parts [][]monitor.Incident
	for i := 0; i < len(obs); i += 37 {
		parts = append(parts, chunked.Observe(obs[i:min(i+37, len(obs))]))
	}
	cut := latest(parts...)
	in := map[fusion.Ref]int{}
	closed := 0
	for _, inc := range all {
		for _, r := range inc.Observations {
			in[r]++
		}
		if inc.ClosedAt != nil {
			closed++
			if inc.ClosedReason == "" || inc.ClosedAt.Sub(inc.LastObserved) < 24*time.Hour {
				t.Errorf("%s closed at %v, %v after its last observation (%q)", inc.ID, inc.ClosedAt, inc.ClosedAt.Sub(inc.LastObserved), inc.ClosedReason)
			}
		}
	}
	for _, o := range obs {
		if n := in[fusion.Ref{Source: o.Source.ID, ID: o.ID}]; n != 1 {
			t.Fatalf("observation %s/%s is in %d incidents, want 1", o.Source.ID, o.ID, n)
		}
	}
	if closed < len(all)/2 {
		t.Errorf("%d of %d incidents closed over three days, %d open: want most closed", closed, len(all), whole.Open())
	}
	if len(cut) != len(all) {
		t.Fatalf("%d incidents in batches of 37, %d in one batch", len(cut), len(all))
	}
	for i := range all {
		a, b := mustJSON(t, all[i]), mustJSON(t, cut[i])
		if a != b {
			t.Fatalf("incident %d differs by batching:\n one batch %s\n batches   %s", i, a, b)
		}
	}
	t.Logf("%d observations, %d incidents, %d closed, %d open", len(obs), len(all), closed, whole.Open())
}

func mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
