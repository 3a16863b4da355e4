package monitor_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
)

// The summaries the pipeline keeps give the evaluations a rescan of every
// observation gives, to the bit, batch after batch, late reports included.
func TestSummariesMatchARescan(t *testing.T) {
	m, k := mustReference(t)
	res := simulate(t, 11, 24*time.Hour, 40)
	var obs []*monitor.Observation
	for _, o := range res.Observations {
		obs = append(obs, toObservation(t, o))
	}
	p := monitor.NewPipeline(m, k, fusion.Config{})
	checked := 0
	for i, b := 0, 0; i < len(obs); i, b = i+11, b+1 {
		p.Observe(obs[i:min(i+11, len(obs))])
		if b%20 != 0 {
			continue
		}
		cur, re := p.Current(), p.Rescan()
		if len(cur) != len(re) {
			t.Fatalf("batch %d: %d incidents, %d rescanned", b, len(cur), len(re))
		}
		for j := range cur {
			if a, b := mustJSON(t, cur[j]), mustJSON(t, re[j]); a != b {
				t.Fatalf("incident %s: kept summary gives\n %s\nrescan gives\n %s", cur[j].ID, a, b)
			}
			checked++
		}
	}
	if checked < 1000 {
		t.Errorf("only %d evaluations compared", checked)
	}
}

// A weapon re-sighted batch after batch: each batch's evaluation takes in
// the new observation, not all of them (the work used to grow with the
// incident, quadratic over its life); a late report makes the summary
// start over once.
func TestLongLivedIncidentCostsItsNewObservations(t *testing.T) {
	m, k := mustReference(t)
	p := monitor.NewPipeline(m, k, fusion.Config{})
	t0 := time.Date(2025, 6, 1, 4, 0, 0, 0, time.UTC)
	const n = 3000
	var late *monitor.Observation
	for i := 0; i < n; i++ {
		o := &monitor.Observation{ID: fmt.Sprint("s-", i), Source: monitor.Source{ID: "uav-1", Kind: monitor.KindUAV, Owner: "un"},
			Position: [2]float64{35.9, 47.4}, ObservedAt: t0.Add(time.Duration(i) * 5 * time.Second), Event: "heavy_weapon",
			Equipment: "artillery", CaliberMM: 152, Count: 2, AttributedTo: monitor.Unknown, AccuracyM: 20, TimeAccuracyS: 1, Confidence: 0.9}
		o.ReportedAt = o.ObservedAt.Add(time.Minute)
		if i == n/2 {
			late = o
			continue
		}
		if got := p.Observe([]*monitor.Observation{o}); len(got) != 1 {
			t.Fatalf("batch %d changed %d incidents", i, len(got))
		}
	}
	if got := p.Summarised(); got > n {
		t.Errorf("%d one-observation batches took %d observations into summaries, want one each", n-1, got)
	}
	before := p.Summarised()
	out := p.Observe([]*monitor.Observation{late})
	if len(out) != 1 || len(out[0].Observations) != n {
		t.Fatalf("the late report: %d incidents", len(out))
	}
	if got := p.Summarised() - before; got != n {
		t.Errorf("a late report took %d observations into the summary, want a rescan of %d", got, n)
	}
	if cur, re := p.Current(), p.Rescan(); !slices.EqualFunc(cur, re, func(a, b monitor.Incident) bool { return mustJSON(t, a) == mustJSON(t, b) }) {
		t.Error("after the late report the summary differs from a rescan")
	}
}

// BenchmarkLongLivedIncident feeds one weapon's n re-sightings as n
// one-observation batches: "kept" is the pipeline; "rescan" evaluates the
// incident from all its observations after each batch as well, as the
// pipeline did before it kept summaries (the peer, in the same run).
func BenchmarkLongLivedIncident(b *testing.B) {
	m, k := mustReference(b)
	t0 := time.Date(2025, 6, 1, 4, 0, 0, 0, time.UTC)
	for _, n := range []int{2000, 8000} {
		obs := make([]*monitor.Observation, n)
		for i := range obs {
			obs[i] = &monitor.Observation{ID: fmt.Sprint("s-", i), Source: monitor.Source{ID: "uav-1", Kind: monitor.KindUAV, Owner: "un"},
				Position: [2]float64{35.9, 47.4}, ObservedAt: t0.Add(time.Duration(i) * 2 * time.Second), Event: "heavy_weapon",
				Equipment: "artillery", CaliberMM: 152, Count: 2, AttributedTo: monitor.Unknown, AccuracyM: 20, TimeAccuracyS: 1, Confidence: 0.9}
			obs[i].ReportedAt = obs[i].ObservedAt.Add(time.Minute)
		}
		for _, mode := range []string{"kept", "rescan"} {
			b.Run(fmt.Sprintf("n=%d/%s", n, mode), func(b *testing.B) {
				for range b.N {
					p := monitor.NewPipeline(m, k, fusion.Config{})
					for _, o := range obs {
						p.Observe([]*monitor.Observation{o})
						if mode == "rescan" {
							p.Rescan()
						}
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/batch")
			})
		}
	}
}

// A summary brought up to date with late reports in place hands out what
// one that starts over from every observation by key hands out, batch
// after batch: on a stream whose reports come late (each swapped with one
// up to 40 behind it), and on one with observations sent twice.
func TestLateReportsInPlaceAsStartingOver(t *testing.T) {
	m, k := mustReference(t)
	res := simulate(t, 5, 12*time.Hour, 200)
	var obs []*monitor.Observation
	for _, o := range res.Observations {
		obs = append(obs, toObservation(t, o))
	}
	r := rand.New(rand.NewPCG(4, 4))
	for i := range obs {
		j := max(0, i-r.IntN(40))
		obs[i], obs[j] = obs[j], obs[i]
	}
	twice := slices.Clone(obs)
	for i := 0; i < len(obs); i += 97 {
		twice = slices.Insert(twice, min(len(twice), i+r.IntN(30)), obs[i])
	}
	for name, stream := range map[string][]*monitor.Observation{"late": obs, "late and twice": twice} {
		p, ref := monitor.NewPipeline(m, k, fusion.Config{}), monitor.NewPipeline(m, k, fusion.Config{})
		ref.RestartOnLate()
		n := 0
		for i := 0; i < len(stream); i += 23 {
			batch := stream[i:min(i+23, len(stream))]
			got, want := p.Observe(batch), ref.Observe(batch)
			if a, b := mustJSON(t, got), mustJSON(t, want); a != b {
				t.Fatalf("%s, batch %d: in place\n %s\nstarting over\n %s", name, i/23, a, b)
			}
			n += len(got)
		}
		t.Logf("%s: %d observations, %d evaluations", name, len(stream), n)
	}
}
