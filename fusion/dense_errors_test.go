package fusion_test

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/golang/geo/s2"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/sim"
)

// Which errors dominate on the dense mode, for whoever changes fusion next:
// go test ./fusion -run DenseErrors -v. Over seeds 1–3, fusion's and the
// baseline's merge errors (pairs put together that are of two events, or
// of an event and a false alarm) by the distance and the time gap between
// the two true events, and by the pair's source kinds; split errors (pairs
// of one event put apart) by the pair's source kinds and by cause: the
// pair fails fusion's pairwise test (gate or window) and no clustering
// under that test could put it together, or it passes and the two reports
// went to different incidents; and, for contrast, the oracle's errors (its
// clustering as in dense_test.go). Asserted: every error pair is counted once,
// the totals being those of pairwise.

// errorTally counts error pairs by category.
type errorTally struct {
	merges, splits               int64
	mergeByGap                   map[[2]int]int64 // [distance bin, time bin]
	mergeFalse                   int64            // merges with a false alarm
	mergeKinds, splitKinds       map[string]int64
	splitIncompatible, splitElse int64
	mergePrecise, splitPrecise   int64 // pairs of two precise sources
	mergeParty, splitParty       int64 // pairs with a party's report
}

// precise is a source that states its time to seconds: not a party, a
// ground monitor or an open source.
func precise(r fusion.Report) bool {
	return r.Kind == sim.Satellite || r.Kind == sim.FixedSensor || r.Kind == sim.UAV
}

var (
	distBins = []float64{500, 1000, 2000, 5000}              // m
	timeBins = []float64{20, 60, 300, 1800}                  // s
	distName = []string{"<0.5", "0.5–1", "1–2", "2–5", "≥5"} // km
	timeName = []string{"<20 s", "20–60 s", "1–5 min", "5–30 min", "≥30 min"}
)

func bin(x float64, edges []float64) int {
	return sort.SearchFloat64s(edges, math.Nextafter(x, math.Inf(1)))
}

// kindPair names a pair's source kinds, in a fixed order.
func kindPair(a, b fusion.Report) string {
	k := []string{a.Kind, b.Kind}
	sort.Strings(k)
	return k[0] + "+" + k[1]
}

// pairCompatible is fusion's pairwise test (fusion/doc.go) on two reports.
func pairCompatible(a, b fusion.Report) bool {
	if family(a.Event) != family(b.Event) || (a.Equipment != "" && b.Equipment != "" && a.Equipment != b.Equipment) {
		return false
	}
	pa := s2.PointFromLatLng(s2.LatLngFromDegrees(a.Lat, a.Lon))
	pb := s2.PointFromLatLng(s2.LatLngFromDegrees(b.Lat, b.Lon))
	if float64(pa.Distance(pb))*earthRadiusM > greedyGate*math.Hypot(a.AccuracyM, b.AccuracyM) {
		return false
	}
	dt := math.Abs(a.ObservedAt.Sub(b.ObservedAt).Seconds())
	return dt <= window(family(a.Event))+a.TimeAccuracyS+b.TimeAccuracyS
}

// tallyErrors walks the pairs within each predicted group (merges) and
// within each true event (splits).
func tallyErrors(r run, got map[fusion.Ref]string, t *errorTally) {
	events := map[string]sim.Truth{}
	for _, e := range r.events {
		events[e.EventID] = e
	}
	idx := map[fusion.Ref]int{}
	byPred, byTrue := map[string][]int{}, map[string][]int{}
	for i, k := range r.keys {
		idx[k] = i
		byPred[got[k]] = append(byPred[got[k]], i)
		byTrue[trueLabel(r.truth, k)] = append(byTrue[trueLabel(r.truth, k)], i)
	}
	pt := func(c [2]float64) s2.Point { return s2.PointFromLatLng(s2.LatLngFromDegrees(c[1], c[0])) }
	for _, members := range byPred {
		for x := range members {
			for y := x + 1; y < len(members); y++ {
				i, j := members[x], members[y]
				ei, oki := r.truth[r.keys[i]]
				ej, okj := r.truth[r.keys[j]]
				if oki && okj && ei == ej {
					continue
				}
				t.merges++
				t.mergeKinds[kindPair(r.reports[i], r.reports[j])]++
				if precise(r.reports[i]) && precise(r.reports[j]) {
					t.mergePrecise++
				}
				if r.reports[i].Kind == sim.PartyReport || r.reports[j].Kind == sim.PartyReport {
					t.mergeParty++
				}
				if !oki || !okj {
					t.mergeFalse++
					continue
				}
				a, b := events[ei], events[ej]
				d := float64(pt(a.Position).Distance(pt(b.Position))) * earthRadiusM
				dt := math.Abs(a.At.Sub(b.At).Seconds())
				t.mergeByGap[[2]int{bin(d, distBins), bin(dt, timeBins)}]++
			}
		}
	}
	for label, members := range byTrue {
		if strings.HasPrefix(label, "false:") {
			continue
		}
		for x := range members {
			for y := x + 1; y < len(members); y++ {
				i, j := members[x], members[y]
				if got[r.keys[i]] == got[r.keys[j]] {
					continue
				}
				t.splits++
				t.splitKinds[kindPair(r.reports[i], r.reports[j])]++
				if precise(r.reports[i]) && precise(r.reports[j]) {
					t.splitPrecise++
				}
				if r.reports[i].Kind == sim.PartyReport || r.reports[j].Kind == sim.PartyReport {
					t.splitParty++
				}
				if pairCompatible(r.reports[i], r.reports[j]) {
					t.splitElse++
				} else {
					t.splitIncompatible++
				}
			}
		}
	}
}

func (t *errorTally) log(tb testing.TB, name string) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d merge errors (%d with a false alarm), %d split errors; between two precise sources (satellite, fixed sensor, UAV): %d merges, %d splits\n",
		name, t.merges, t.mergeFalse, t.splits, t.mergePrecise, t.splitPrecise)
	fmt.Fprintf(&b, "  merges by the true events' distance (km, rows) and time gap (columns):\n  %-8s", "")
	for _, n := range timeName {
		fmt.Fprintf(&b, "%10s", n)
	}
	b.WriteString("\n")
	for di, dn := range distName {
		fmt.Fprintf(&b, "  %-8s", dn)
		for ti := range timeName {
			fmt.Fprintf(&b, "%10d", t.mergeByGap[[2]int{di, ti}])
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "  with a party's report: %d merges, %d splits\n", t.mergeParty, t.splitParty)
	fmt.Fprintf(&b, "  merges by source kinds: %s\n", top(t.mergeKinds, 6))
	fmt.Fprintf(&b, "  splits: %d fail the pairwise test (gate or window), %d pass it but went to different incidents\n", t.splitIncompatible, t.splitElse)
	fmt.Fprintf(&b, "  splits by source kinds: %s", top(t.splitKinds, 6))
	tb.Log(b.String())
}

// top lists the n largest counts, largest first.
func top(m map[string]int64, n int) string {
	type kv struct {
		k string
		v int64
	}
	var all []kv
	total := int64(0)
	for k, v := range m {
		all = append(all, kv{k, v})
		total += v
	}
	sort.Slice(all, func(a, b int) bool { return all[a].v > all[b].v || all[a].v == all[b].v && all[a].k < all[b].k })
	var parts []string
	for i, x := range all {
		if i == n {
			break
		}
		parts = append(parts, fmt.Sprintf("%s %d (%.0f %%)", x.k, x.v, 100*float64(x.v)/float64(max(total, 1))))
	}
	return strings.Join(parts, ", ")
}

func TestDenseErrors(t *testing.T) {
	for _, c := range []struct {
		name    string
		cluster func(run) map[fusion.Ref]string
	}{{"fusion", fuse}, {"greedy", greedy}, {"oracle", func(r run) map[fusion.Ref]string { return oracle(r).labels }}} {
		tally := errorTally{mergeByGap: map[[2]int]int64{}, mergeKinds: map[string]int64{}, splitKinds: map[string]int64{}}
		var merges, splits int64
		for _, seed := range []uint64{1, 2, 3} {
			r := simulate(t, denseRun(seed))
			got := c.cluster(r)
			s := pairwise(r.keys, r.truth, got)
			merges, splits = merges+s.Merges, splits+s.Splits
			tallyErrors(r, got, &tally)
		}
		if tally.merges != merges || tally.splits != splits {
			t.Errorf("%s: %d merges and %d splits tallied, pairwise counts %d and %d", c.name, tally.merges, tally.splits, merges, splits)
		}
		tally.log(t, c.name+", dense mode, seeds 1–3")
	}
}
