package fusion

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// atTheEnds draws sightings of a few guns that stay put, each next one at
// the very end of the time a persistent thing's rule allows (exactly the
// horizon plus both time accuracies from the nearest member, a nanosecond
// more or less) or well inside it, some arriving late by the same amounts
// before the first member: the reports summaries cannot judge by the ends
// of the span alone.
func atTheEnds(seed uint64, n int, horizon time.Duration) []Report {
	rng := rand.New(rand.NewPCG(seed, 13))
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	kinds := []string{"heavy_weapon", "troop_concentration", "mine", "movement_restriction"}
	tas := []float64{0, 1, 5, 60, 300}
	type gun struct {
		lat, lon    float64
		kind        string
		first, last time.Time
		firstTA     float64
		lastTA      float64
	}
	var guns []*gun
	var out []Report
	for len(out) < n {
		// One gun at a time, mostly, so that it is not closed by another's
		// clock; now and then the next.
		if len(guns) == 0 || rng.IntN(300) == 0 {
			guns = append(guns, &gun{lat: 47.5 + rng.NormFloat64()*0.01, lon: 35 + rng.NormFloat64()*0.01, kind: kinds[rng.IntN(len(kinds))]})
		}
		g := guns[len(guns)-1]
		ta := tas[rng.IntN(len(tas))]
		r := Report{Source: fmt.Sprintf("s%d", rng.IntN(10)), ID: fmt.Sprint(len(out)), Owner: []string{"un", "ru", "ua"}[rng.IntN(3)],
			Kind: "sensor", Event: g.kind, Lat: g.lat + rng.NormFloat64()*1e-5, Lon: g.lon + rng.NormFloat64()*1e-5,
			AccuracyM: []float64{30, 150}[rng.IntN(2)], TimeAccuracyS: ta, Confidence: 0.5}
		nudge := time.Duration(0) // on the end, a nanosecond inside, or now and then outside
		switch rng.IntN(20) {
		case 0:
			nudge = time.Nanosecond
		case 1, 2, 3, 4, 5:
			nudge = -time.Nanosecond
		}
		switch {
		case g.first.IsZero():
			r.ObservedAt = t0
			if len(guns) > 1 {
				r.ObservedAt = guns[len(guns)-2].last.Add(time.Minute)
			}
			g.first, g.firstTA = r.ObservedAt, ta
			g.last, g.lastTA = r.ObservedAt, ta
		case rng.IntN(6) == 0: // late, at the start's end
			gap := horizon + time.Duration((g.firstTA+ta)*float64(time.Second))
			r.ObservedAt = g.first.Add(-gap + nudge)
		case rng.IntN(2) == 0: // at the last's end
			gap := horizon + time.Duration((g.lastTA+ta)*float64(time.Second))
			r.ObservedAt = g.last.Add(gap + nudge)
		default: // well inside
			r.ObservedAt = g.last.Add(time.Duration(rng.Float64() * float64(horizon) / 4))
		}
		if r.ObservedAt.Before(g.first) {
			g.first, g.firstTA = r.ObservedAt, ta
		}
		if r.ObservedAt.After(g.last) {
			g.last, g.lastTA = r.ObservedAt, ta
		}
		out = append(out, r)
	}
	return out
}

// At the ends of a persistent thing's span the engine decides as the
// reference, member by member, to the nanosecond.
func TestDifferentialPersistentAtTheEnds(t *testing.T) {
	for _, c := range []struct {
		seed    uint64
		horizon time.Duration
	}{{1, 24 * time.Hour}, {2, 2 * time.Hour}, {3, 90 * time.Second}} {
		t.Run(fmt.Sprintf("seed=%d horizon=%v", c.seed, c.horizon), func(t *testing.T) {
			cfg := Config{Parties: []string{"ru", "ua"}, Horizon: c.horizon}
			e, ref := New(worstFit(cfg)), newRef(cfg)
			largest := 0
			for i, r := range atTheEnds(c.seed, 3000, c.horizon) {
				got, want := e.Add(r), ref.Add(r)
				if got.ID != want.ID {
					t.Fatalf("report %d (%+v) joined %s, the reference %s", i, r, got.ID, want.ID)
				}
				largest = max(largest, len(got.Reports))
				e.TakeClosed()
				ref.TakeClosed()
			}
			ins, refs := e.Incidents(), ref.Incidents()
			if len(ins) != len(refs) {
				t.Fatalf("%d open incidents, the reference %d", len(ins), len(refs))
			}
			for i := range ins {
				sameIncident(t, ins[i], refs[i])
			}
			t.Logf("%d incidents open, the largest of %d reports; %d judged at an end member by member, %d members judged", len(ins), largest, e.ends, e.work)
			if largest < summaryMin || e.ends == 0 {
				t.Errorf("largest incident %d reports, %d reports judged at an end: the data no longer reaches the summaries' ends", largest, e.ends)
			}
		})
	}
}
