package sector_test

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/sector"
)

// idMismatches compares the global ids the sectors handed out with the
// embedded pipeline's, batch by batch: every fused version that lists
// members (merged ones list none) should bear the id of the pipeline's
// incident that holds, after the same batch, the version's first
// observation (its member earliest in the log, the one whose arrival
// started the incident). It returns the versions compared, those whose
// id differs, and slips: ids are a sequence, so an incident one side
// makes and the other does not (two sectors' fusion disagreeing on a
// report, see the package doc) shifts every later id by one; slips counts
// the changes of that shift — the difference between the two ids —
// along the versions whose member set is the pipeline incident's, and
// unexplained those that come neither in nor right after a batch in which
// the sectors handed out a member set no incident of the pipeline had.
func idMismatches(obs []*monitor.Observation, want, got [][]monitor.Incident) (total, wrong, slips, unexplained int, diff []string) {
	pos := make(map[monitor.Key]int, len(obs))
	for i, o := range obs {
		pos[o.Key()] = i
	}
	// The batches in which the sectors handed out a member set that no
	// version of the pipeline's, up to then, had.
	sets := map[string]bool{}
	apart := make([]bool, len(got))
	for b := range want {
		for _, in := range want[b] {
			sets[monitortest.MemberSet(in.Observations)] = true
		}
		for _, in := range got[b] {
			if len(in.Observations) > 0 && !sets[monitortest.MemberSet(in.Observations)] {
				apart[b] = true
			}
		}
	}
	holder := map[monitor.Key]string{}    // observation → the pipeline's incident holding it
	members := map[string][]monitor.Key{} // the pipeline's incidents' members
	shift := 0
	for b := range want {
		for _, in := range want[b] {
			if strings.HasPrefix(in.ID, "inc-") && in.State != fusion.Merged {
				for _, k := range in.Observations {
					holder[k] = in.ID
				}
				members[in.ID] = in.Observations
			}
		}
		for _, in := range got[b] {
			if !strings.HasPrefix(in.ID, "inc-") || in.State == fusion.Merged || len(in.Observations) == 0 {
				continue
			}
			first := in.Observations[0]
			for _, k := range in.Observations[1:] {
				if pos[k] < pos[first] {
					first = k
				}
			}
			total++
			w := holder[first]
			if w != in.ID {
				wrong++
				if len(diff) < 5 {
					diff = append(diff, fmt.Sprintf("batch %d: %s (first %s/%s), the pipeline's %s", b, in.ID, first.Source, first.ID, w))
				}
			}
			if slices.Equal(members[w], in.Observations) {
				if d := number(in.ID) - number(w); d != shift {
					slips++
					shift = d
					if !apart[b] && (b == 0 || !apart[b-1]) {
						unexplained++
					}
				}
			}
		}
	}
	return total, wrong, slips, unexplained, diff
}

// number is N of "inc-N".
func number(id string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(id, "inc-"))
	return n
}

// The global ids the sequencer hands out are the embedded pipeline's:
// the same stream through one pipeline and through 1 to 4 sectors, every
// recorded version of a fused incident under the id of the pipeline's
// incident that holds its first observation. The streams: the simulated
// front (default and dense runs), in batches of 200 and of 1, and events
// placed on the sector bounds, reported from both sides (separated, and
// dense: an event every 5 s).
func TestGlobalIDsAreThePipelines(t *testing.T) {
	type run struct {
		name   string
		stream func(d *deployment) []*monitor.Observation
		batch  int
		// slips: nil when every id must be the pipeline's, else the most
		// times the ids may slip from the pipeline's (see idMismatches),
		// by number of sectors.
		slips map[int]int
	}
	sim := func(seed uint64, dense bool) func(*deployment) []*monitor.Observation {
		var obs []*monitor.Observation
		return func(*deployment) []*monitor.Observation {
			if obs == nil {
				obs = simulate(t, seed, 12*time.Hour, 60, dense)
			}
			return obs
		}
	}
	bounds := func(events int, gap time.Duration) func(*deployment) []*monitor.Observation {
		return func(d *deployment) []*monitor.Observation {
			return boundaryStream(d.plan, uint64(d.plan.N()), events, gap, 300)
		}
	}
	def, dense := sim(1, false), sim(3, true)
	for _, r := range []run{
		{"default", def, 200, nil},
		{"default, batches of 1", def, 1, nil},
		{"dense", dense, 200, nil},
		{"dense, batches of 1", dense, 1, nil},
		{"bounds, separated", bounds(300, 10*time.Minute), 100, nil},
		// An event every 5 s, all on the bounds: two sectors' fusion at
		// times puts a report elsewhere than one pipeline (the package
		// doc's residual: 56, 35 and 7 incidents on 2, 3 and 4 sectors
		// are one side's alone), and each such incident the sectors make
		// and one pipeline does not, or the reverse, shifts every later
		// id by one. Measured: 119, 40 and 13 slips (3488 of 4238, 1595
		// of 4450 and 3861 of 4335 versions under another id), every one
		// in or right after a batch in which the sectors handed out a
		// member set one pipeline never had (a report two sectors'
		// incidents both list, an incident one pipeline made whole split
		// in two: 28, 21 and 5 of the 105 batches); none where the member
		// sets are alike.
		{"bounds, dense", bounds(3000, 5*time.Second), 100, map[int]int{2: 125, 3: 45, 4: 15}},
	} {
		for _, n := range []int{1, 2, 3, 4} {
			t.Run(fmt.Sprintf("%s, %d sectors", r.name, n), func(t *testing.T) {
				d := deploy(t, n)
				d.ordered = true
				if n == 1 && strings.HasPrefix(r.name, "bounds") {
					t.Skip("no bound")
				}
				obs := r.stream(d)
				want := single(t, obs, r.batch)
				got := d.run(obs, r.batch)
				total, wrong, slips, unexplained, diff := idMismatches(obs, want, got)
				// The incidents one side makes and the other does not.
				wf, gf := finals(want), finals(got)
				unlike := 0
				for set := range wf.sets {
					if _, ok := gf.sets[set]; !ok {
						unlike++
					}
				}
				for set := range gf.sets {
					if _, ok := wf.sets[set]; !ok {
						unlike++
					}
				}
				t.Logf("%d observations, %d incidents the pipeline's or the sectors' alone: %d of %d versions under another id than the pipeline's, the ids slipping %d times",
					len(obs), unlike, wrong, total, slips)
				for _, s := range diff {
					t.Log(s)
				}
				// The order of each batch's versions: one pipeline's.
				moved := 0
				for b := range min(len(want), len(got)) {
					if !slices.EqualFunc(want[b], got[b], func(x, y monitor.Incident) bool { return x.ID == y.ID }) {
						if moved == 0 {
							ids := func(ins []monitor.Incident) (out []string) {
								for _, in := range ins {
									out = append(out, in.ID+"/"+string(in.State)+fmt.Sprint(len(in.Observations)))
								}
								return out
							}
							t.Logf("batch %d: pipeline %v, sectors %v", b, ids(want[b]), ids(got[b]))
						}
						moved++
					}
				}
				t.Logf("%d of %d batches' versions in another order than the pipeline's, or other ones", moved, len(want))
				if r.slips == nil {
					if wrong > 0 {
						t.Errorf("%d of %d versions under another id than the pipeline's", wrong, total)
					}
					// On the bounds, separated events, a sector's fusion
					// closed an incident at another time than one
					// pipeline's, in another batch or at another line,
					// until told the front's clock at the other sectors'
					// lines where one pipeline's fusion looks for
					// incidents to close (sector.Tick): 7, 6 and 6 of 11
					// batches in another order on 2, 3 and 4 sectors.
					if moved > 0 {
						t.Errorf("%d of %d batches' versions in another order than the pipeline's", moved, len(want))
					}
				} else if slips > r.slips[n] || unexplained > 0 {
					t.Errorf("the ids slip %d times from the pipeline's, at most %d; %d times where the member sets are alike", slips, r.slips[n], unexplained)
				}
			})
		}
	}
}

// The ids do not depend on restarts: a sequencer restored from its
// snapshot after every third batch hands out what one that ran through
// hands out, on the dense bound events (where the most cases meet:
// ownership moving, partial views merged, fallbacks).
func TestGlobalIDsAcrossRestores(t *testing.T) {
	for _, n := range []int{2, 3} {
		run := func(restore int) [][]monitor.Incident {
			d := deploy(t, n)
			d.ordered, d.restore = true, restore
			return d.run(boundaryStream(d.plan, uint64(n), 3000, 5*time.Second, 300), 100)
		}
		through, restored := run(0), run(3)
		if !reflect.DeepEqual(restored, through) {
			for b := range through {
				if !reflect.DeepEqual(restored[b], through[b]) {
					t.Fatalf("%d sectors: batch %d differs once the sequencer is restored", n, b)
				}
			}
		}
	}
}

// ApplyBatch's rules on hand-made versions: a batch's new incidents
// numbered by the line that opened each, whatever the sector; a claim
// that beats a partial view the batch recorded goes on under its id,
// numbered where the claim's incident opened, the view's version left
// out; a partial view the batch recorded and merged into an incident
// recorded before is left out and takes no id. A sequencer restored from
// its snapshot between batches goes on alike.
func TestApplyBatch(t *testing.T) {
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	key := func(id string) monitor.Key { return monitor.Key{Source: "src", ID: id} }
	v := func(id string, opened int, anchor string, acc float64, members ...string) sector.Version {
		in := monitor.Incident{ID: id, State: fusion.Reported, Event: "explosion", FirstObserved: at, LastObserved: at}
		for _, m := range members {
			in.Observations = append(in.Observations, key(m))
		}
		return sector.Version{Incident: in, Opened: opened, Anchor: sector.Anchor{Key: key(anchor), AccuracyM: acc, ObservedAt: at}}
	}
	type handed struct {
		id, mergedInto string
		members        int
	}
	for _, tc := range []struct {
		name    string
		batches [][]sector.Part
		want    [][]handed
	}{
		{"new incidents in the order of their lines, across sectors",
			[][]sector.Part{{
				{Sector: 0, Versions: []sector.Version{v("s0/inc-1", 4, "a", 10, "a"), v("s0/inc-2", 8, "c", 10, "c")}},
				{Sector: 1, Versions: []sector.Version{v("s1/inc-1", 6, "b", 10, "b")}},
			}, {
				{Sector: 1, Versions: []sector.Version{v("s1/inc-2", 1, "d", 10, "d")}},
			}},
			[][]handed{{{"inc-1", "", 1}, {"inc-3", "", 1}, {"inc-2", "", 1}}, {{"inc-4", "", 1}}}},
		{"a partial view recorded in the batch, then beaten: its id goes on with the winner",
			[][]sector.Part{{
				{Sector: 0, Versions: []sector.Version{v("s0/inc-1", 3, "b", 50, "b"), v("s0/inc-2", 5, "c", 10, "c")}},
				{Sector: 1, Versions: []sector.Version{v("s1/inc-1", 1, "a", 10, "a", "b")}},
			}},
			[][]handed{{{"inc-2", "", 1}, {"inc-1", "", 2}}}},
		{"a partial view recorded in the batch, merged into an incident recorded before: no id",
			[][]sector.Part{{
				{Sector: 1, Versions: []sector.Version{v("s1/inc-1", 1, "a", 10, "a")}},
			}, {
				{Sector: 0, Versions: []sector.Version{v("s0/inc-1", 2, "b", 50, "b", "c")}},
				{Sector: 1, Versions: []sector.Version{v("s1/inc-1", 0, "a", 10, "a", "b", "c")}},
			}, {
				{Sector: 0, Versions: []sector.Version{v("s0/inc-2", 1, "d", 10, "d")}},
			}},
			[][]handed{{{"inc-1", "", 1}}, {{"inc-1", "", 3}}, {{"inc-2", "", 1}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := sector.NewSequencer()
			for i, parts := range tc.batches {
				var got []handed
				for _, in := range s.ApplyBatch(parts) {
					got = append(got, handed{in.ID, in.MergedInto, len(in.Observations)})
				}
				if !reflect.DeepEqual(got, tc.want[i]) {
					t.Fatalf("batch %d hands out %v; want %v", i, got, tc.want[i])
				}
				snap, err := s.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				if s, err = sector.RestoreSequencer(snap); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
