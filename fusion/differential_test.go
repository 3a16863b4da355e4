package fusion

import (
	"flag"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// clustered draws n reports of a few events at a time, several sources
// each, so that incidents of hundreds of members form next to one another:
// positions scattered about the events by the sources' accuracies (some of
// them drawn anew per report), times about the events' by the sources'
// time accuracies (some on whole seconds, so that ties occur), exact
// resends, repeated positions, reports arriving late, and now and then a
// report outside the summaries' domain (zero accuracy, negative time
// accuracy) so that the member-by-member path is held to the rule too.
func clustered(seed uint64, n int) []Report {
	rng := rand.New(rand.NewPCG(seed, 1))
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	kinds := []string{"impact", "explosion", "firing", "strike", "drone", "aircraft", "heavy_weapon", "troop_concentration", "mine"}
	owners := []string{"mission", "ru", "ua", "osint", "cn", "sat"}
	accs := []float64{10, 30, 150, 300, 800}
	tas := []float64{0, 1, 5, 60, 300}
	type event struct {
		lat, lon float64
		at       time.Time
		kind     string
		equip    string
	}
	var evs []event
	var out []Report
	var prev []Report
	for len(out) < n {
		if len(evs) == 0 || rng.IntN(250) == 0 {
			ev := event{lat: 47.5 + rng.NormFloat64()*0.02, lon: 35 + rng.NormFloat64()*0.02,
				at: t0.Add(time.Duration(len(out)) * 3 * time.Second), kind: kinds[rng.IntN(len(kinds))]}
			if rng.IntN(2) == 0 {
				ev.equip = []string{"artillery", "tank", "mlrs"}[rng.IntN(3)]
			}
			evs = append(evs, ev)
			if len(evs) > 6 {
				evs = evs[1:]
			}
		}
		ev := evs[rng.IntN(len(evs))]
		acc := accs[rng.IntN(len(accs))]
		if rng.IntN(5) == 0 {
			acc = 5 + rng.Float64()*400
		}
		ta := tas[rng.IntN(len(tas))]
		r := Report{
			Source: fmt.Sprintf("s%d", rng.IntN(30)), ID: fmt.Sprintf("%d", len(out)),
			Owner: owners[rng.IntN(len(owners))], Kind: "sensor", Event: ev.kind,
			AccuracyM: acc, TimeAccuracyS: ta, Confidence: 0.3 + 0.6*rng.Float64(),
		}
		if group(ev.kind) == "fire" {
			r.Event = kinds[rng.IntN(4)]
		}
		if ev.equip != "" && rng.IntN(3) > 0 {
			r.Equipment = ev.equip
		} else if rng.IntN(50) == 0 {
			r.Equipment = "tank"
		}
		sigma := acc / 4 / 111195
		r.Lat = ev.lat + rng.NormFloat64()*sigma
		r.Lon = ev.lon + rng.NormFloat64()*sigma/math.Cos(ev.lat*math.Pi/180)
		spread := window(group(ev.kind)).Seconds()/3 + ta/2
		r.ObservedAt = ev.at.Add(time.Duration(rng.NormFloat64() * spread * float64(time.Second)))
		if rng.IntN(3) == 0 {
			r.ObservedAt = r.ObservedAt.Truncate(time.Second)
		}
		if rng.IntN(4) == 0 {
			r.AttributedTo = []string{"ru", "ua", "unknown"}[rng.IntN(3)]
		}
		switch k := rng.IntN(200); {
		case k < 6 && len(prev) > 0: // an exact resend
			r = prev[rng.IntN(len(prev))]
		case k < 12 && len(prev) > 0: // another report at a position already seen
			p := prev[rng.IntN(len(prev))]
			r.Lat, r.Lon, r.AccuracyM = p.Lat, p.Lon, p.AccuracyM
		case k == 12:
			r.AccuracyM = 0
		case k == 13:
			r.TimeAccuracyS = -1
		}
		prev = append(prev, r)
		out = append(out, r)
	}
	// Some arrive late.
	for i := range out {
		if j := i + rng.IntN(20); j < len(out) && rng.IntN(4) == 0 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out
}

var moreSeeds = flag.Int("fusion.seeds", 0, "more seeds for TestDifferentialAgainstReference")

// worstFit is a configuration with the choice of the old engine, which
// the reference keeps (reference_test.go): the differential tests hold the
// summaries, the index and the bounds to that rule. The likelihood's
// choice (assign.go) is measured on the simulator (dense_test.go).
func worstFit(cfg Config) Config {
	cfg.Assign = WorstFit
	return cfg
}

// The engine decides as the old one did, report by report, and its
// incidents are the old one's: membership and order, ids, states, kinds,
// equipment, positions and accuracies to the bit, spans, owners,
// attributions, closing. Confidence too, to the bit with two owners or
// fewer; with three or more the old engine multiplied in map order, so its
// own last bit varied from run to run, and the two agree within 1e-15.
func TestDifferentialAgainstReference(t *testing.T) {
	cases := []struct {
		seed    uint64
		n       int
		horizon time.Duration
	}{
		{1, 3000, 0}, {2, 3000, 0}, {3, 3000, 2 * time.Hour}, {4, 2000, 30 * time.Minute}, {5, 6000, 0},
	}
	for i := range *moreSeeds {
		cases = append(cases, struct {
			seed    uint64
			n       int
			horizon time.Duration
		}{uint64(100 + i), 3000, time.Duration(i%3) * time.Hour})
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("seed=%d", c.seed), func(t *testing.T) {
			cfg := Config{Parties: []string{"ru", "ua"}, Horizon: c.horizon}
			e, ref := New(worstFit(cfg)), newRef(cfg)
			largest := 0
			var closed []*Incident
			var refClosedR []*refIncident
			for i, r := range clustered(c.seed, c.n) {
				got, want := e.Add(r), ref.Add(r)
				if got.ID != want.ID {
					t.Fatalf("report %d (%+v) joined %s, the reference %s", i, r, got.ID, want.ID)
				}
				largest = max(largest, len(got.Reports))
				closed = append(closed, e.TakeClosed()...)
				refClosedR = append(refClosedR, ref.TakeClosed()...)
			}
			ins, refs := e.Incidents(), ref.Incidents()
			if len(ins) != len(refs) || len(closed) != len(refClosedR) {
				t.Fatalf("%d open and %d closed incidents, the reference %d and %d", len(ins), len(closed), len(refs), len(refClosedR))
			}
			for i := range ins {
				sameIncident(t, ins[i], refs[i])
			}
			for i := range closed {
				sameIncident(t, closed[i], refClosedR[i])
			}
			t.Logf("%d reports: %d incidents open, %d closed, the largest of %d reports; %d members judged, %d incidents scored from the ends of their span", c.n, len(ins), len(closed), largest, e.work, e.scans)
			if largest < 100 && c.seed < 100 {
				t.Errorf("largest incident %d reports: the data no longer makes big incidents", largest)
			}
		})
	}
}

func sameIncident(t *testing.T, in *Incident, ref *refIncident) {
	t.Helper()
	diff := func(what string, got, want any) { t.Errorf("%s: %s %v, the reference %v", ref.ID, what, got, want) }
	switch {
	case in.ID != ref.ID:
		diff("id", in.ID, ref.ID)
	case in.State != ref.State:
		diff("state", in.State, ref.State)
	case in.Event != ref.Event || in.Equipment != ref.Equipment:
		diff("kind", in.Event+"/"+in.Equipment, ref.Event+"/"+ref.Equipment)
	case math.Float64bits(in.Lat) != math.Float64bits(ref.Lat) || math.Float64bits(in.Lon) != math.Float64bits(ref.Lon):
		diff("position", [2]float64{in.Lat, in.Lon}, [2]float64{ref.Lat, ref.Lon})
	case math.Float64bits(in.AccuracyM) != math.Float64bits(ref.AccuracyM):
		diff("accuracy", in.AccuracyM, ref.AccuracyM)
	case !in.FirstObserved.Equal(ref.FirstObserved) || !in.LastObserved.Equal(ref.LastObserved):
		diff("span", [2]time.Time{in.FirstObserved, in.LastObserved}, [2]time.Time{ref.FirstObserved, ref.LastObserved})
	case !slices.Equal(in.Reports, ref.Reports):
		diff("reports", in.Reports, ref.Reports)
	case !slices.Equal(in.Owners, ref.Owners):
		diff("owners", in.Owners, ref.Owners)
	case len(in.Owners) <= 2 && in.Confidence != ref.Confidence || math.Abs(in.Confidence-ref.Confidence) > 1e-15:
		diff("confidence", in.Confidence, ref.Confidence)
	case !maps.Equal(in.Attributions, ref.Attributions):
		diff("attributions", in.Attributions, ref.Attributions)
	case !in.ClosedAt.Equal(ref.ClosedAt) || in.ClosedReason != ref.ClosedReason:
		diff("closing", in.ClosedAt, ref.ClosedAt)
	}
}
