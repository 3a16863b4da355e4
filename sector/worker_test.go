package sector_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sector"
)

type moveReport struct {
	ID        string  `json:"id"`
	Owner     string  `json:"owner"`
	AlongM    float64 `json:"along_m"`
	SideM     float64 `json:"side_m"`
	AccuracyM float64 `json:"accuracy_m"`
	T         int     `json:"t"`
}

type moveCase struct {
	Name    string              `json:"name"`
	Batches [][]moveReport      `json:"batches"`
	Handed  [][]string          `json:"handed"`
	Final   map[string][]string `json:"final"`
	Merged  map[string]string   `json:"merged"`
}

// Ownership moves between two sectors (testdata/moves.json): the ids
// handed out batch by batch, and the final incidents, whichever sector
// the sequencer hears first; the final member sets are one pipeline's.
func TestOwnershipMoves(t *testing.T) {
	raw, err := os.ReadFile("testdata/moves.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Cases []moveCase }
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range file.Cases {
		for _, reverse := range []bool{false, true} {
			name := tc.Name
			if reverse {
				name += ", sector 1 heard first"
			}
			t.Run(name, func(t *testing.T) {
				d := deploy(t, 2)
				bound, _ := d.plan.Bounds(1)
				var batches [][]*monitor.Observation
				for _, b := range tc.Batches {
					var batch []*monitor.Observation
					for _, r := range b {
						o := observation(near(d.plan, bound, r.AlongM, r.SideM), r.AccuracyM)
						o.ID, o.Source = r.ID, monitor.Source{ID: "src-" + r.ID, Kind: monitor.KindGroundMonitor, Owner: r.Owner}
						o.ObservedAt = start.Add(time.Duration(r.T) * time.Second)
						o.ReportedAt = o.ObservedAt
						batch = append(batch, o)
					}
					batches = append(batches, batch)
				}
				var all [][]monitor.Incident
				for i, batch := range batches {
					own, halo := d.split(batch)
					var out []monitor.Incident
					order := []int{0, 1}
					if reverse {
						order = []int{1, 0}
					}
					for _, s := range order {
						out = append(out, d.seq.Apply(s, d.workers[s].Observe(own[s], halo[s]))...)
					}
					var ids []string
					for _, in := range out {
						ids = append(ids, in.ID)
					}
					if !reverse && !slices.Equal(ids, tc.Handed[i]) {
						t.Errorf("batch %d handed out %v; want %v", i, ids, tc.Handed[i])
					}
					all = append(all, out)
				}
				final, merged := map[string][]string{}, map[string]string{}
				last := map[string]monitor.Incident{}
				for _, b := range all {
					for _, in := range b {
						last[in.ID] = in
					}
				}
				for id, in := range last {
					if in.State == fusion.Merged {
						merged[id] = in.MergedInto
						continue
					}
					for _, k := range in.Observations {
						final[id] = append(final[id], k.ID)
					}
					slices.Sort(final[id])
				}
				if reverse {
					// The ids follow the order heard; the incidents do not.
					if !reflect.DeepEqual(values(final), values(tc.Final)) {
						t.Errorf("final %v; want %v up to the ids", final, tc.Final)
					}
				} else if !reflect.DeepEqual(final, tc.Final) || !reflect.DeepEqual(merged, tc.Merged) {
					t.Errorf("final %v, merged %v; want %v, %v", final, merged, tc.Final, tc.Merged)
				}
				// One pipeline puts the same reports together.
				var flat []*monitor.Observation
				for _, b := range batches {
					flat = append(flat, b...)
				}
				want := finals(single(t, flat, 1))
				got := finals(all)
				if !reflect.DeepEqual(keysOf(want.sets), keysOf(got.sets)) {
					t.Errorf("member sets %v; one pipeline makes %v", keysOf(got.sets), keysOf(want.sets))
				}
			})
		}
	}
}

func keysOf(m map[string]monitor.Incident) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func values(m map[string][]string) [][]string {
	var out [][]string
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, slices.Compare)
	return out
}

// Redelivery: every batch given twice (the stream redelivers a message
// whose ack was lost) hands out nothing the second time, and the run ends
// as the run without redelivery, version for version.
func TestRedeliveryChangesNothing(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n       int
		dense   bool
		ordered bool
	}{
		{"one sector", 1, false, false},
		{"three sectors", 3, false, false},
		{"four sectors, dense, in order", 4, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs := simulate(t, 5, 6*time.Hour, 60, tc.dense)
			once, twice := deploy(t, tc.n), deploy(t, tc.n)
			once.ordered, twice.ordered = tc.ordered, tc.ordered
			for i := 0; i < len(obs); i += 100 {
				batch := obs[i:min(i+100, len(obs))]
				want := once.observe(batch)
				got := twice.observe(batch)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("batch %d: the first delivery hands out %d versions, %d without redelivery", i/100, len(got), len(want))
				}
				if again := twice.observe(batch); len(again) != 0 {
					t.Fatalf("batch %d given again hands out %d versions (%s first)", i/100, len(again), again[0].ID)
				}
			}
		})
	}
}

// A worker rebuilt by Restore over the stored batches carries on as the
// one that never stopped.
func TestRestore(t *testing.T) {
	obs := simulate(t, 6, 8*time.Hour, 60, true)
	live, rebuilt := deploy(t, 3), deploy(t, 3)
	half := len(obs) / 2 / 100 * 100
	for i := 0; i < half; i += 100 {
		batch := obs[i:min(i+100, len(obs))]
		live.observe(batch)
		own, halo := rebuilt.split(batch)
		for s, w := range rebuilt.workers {
			w.Restore(own[s], halo[s])
		}
	}
	// The sequencer's state is the recorder's: replaying the log restores
	// it, here it is carried over.
	rebuilt.seq = live.seq
	for i := half; i < len(obs); i += 100 {
		batch := obs[i:min(i+100, len(obs))]
		own, halo := live.split(batch)
		own2, halo2 := rebuilt.split(batch)
		for s := range live.workers {
			want, got := live.workers[s].Observe(own[s], halo[s]), rebuilt.workers[s].Observe(own2[s], halo2[s])
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("batch %d, sector %d: the rebuilt worker hands out %d versions, the live one %d", i/100, s, len(got), len(want))
			}
		}
	}
}

// A sequencer restored from a snapshot taken mid-stream carries on as the
// one that never stopped; a damaged snapshot is refused.
func TestSequencerSnapshot(t *testing.T) {
	obs := boundaryStream(plan(t, 3), 7, 1500, 5*time.Second, 300)
	d := deploy(t, 3)
	d.ordered = true
	half := len(obs) / 2 / 100 * 100
	d.run(obs[:half], 100)
	snap, err := d.seq.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	restored, err := sector.RestoreSequencer(snap)
	if err != nil {
		t.Fatal(err)
	}
	if restored.Open() != d.seq.Open() {
		t.Fatalf("restored %d open incidents of %d", restored.Open(), d.seq.Open())
	}
	// What the snapshot holds of each incident, the times the agreement
	// engine takes included (its JSON leaves them out).
	if again, err := restored.Snapshot(); err != nil || !bytes.Equal(again, snap) {
		t.Fatalf("a restored sequencer's snapshot differs from the one it was restored from (%v)", err)
	}
	var held struct {
		Globals []struct {
			ConfirmedAt time.Time `json:"confirmed_at"`
			OpenedAt    time.Time `json:"opened_at"`
		} `json:"globals"`
	}
	confirmed, opened := 0, 0
	if err := json.Unmarshal(snap, &held); err != nil {
		t.Fatal(err)
	}
	for _, g := range held.Globals {
		if !g.ConfirmedAt.IsZero() {
			confirmed++
		}
		if !g.OpenedAt.IsZero() {
			opened++
		}
	}
	if confirmed == 0 || opened == 0 {
		t.Fatalf("of %d incidents the snapshot holds, %d with a confirmation time, %d with an opening time", len(held.Globals), confirmed, opened)
	}
	for i := half; i < len(obs); i += 100 {
		own, halo := d.split(obs[i:min(i+100, len(obs))])
		for s, w := range d.workers {
			vs := w.Observe(own[s], halo[s])
			want, got := d.seq.Apply(s, vs), restored.Apply(s, vs)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("batch %d, sector %d: the restored sequencer hands out %d versions, the live one %d", i/100, s, len(got), len(want))
			}
		}
	}
	for _, bad := range []string{`{`, `{"next": 2, "globals": [{"id": "inc-7"}]}`,
		`{"next": 2, "closed": {"s0/inc-1": {"id": "inc-3"}}}`, `{"next": 2, "closed": {"inc-1": {"id": "inc-1"}}}`, `{"next": 2, "closed": {"s0/inc-1": null}}`} {
		if _, err := sector.RestoreSequencer([]byte(bad)); err == nil {
			t.Errorf("snapshot %s restored", bad)
		}
	}
}

// The versions travel as JSON (the fused stream): decoded on the other
// side, with one sector, they give the pipeline's record byte for byte.
func TestVersionsTravelAsJSON(t *testing.T) {
	obs := simulate(t, 8, 12*time.Hour, 60, true)
	want := single(t, obs, 100)
	d := deploy(t, 1)
	seq := sector.NewSequencer()
	for i, j := 0, 0; i < len(obs); i, j = i+100, j+1 {
		vs := d.workers[0].Observe(obs[i:min(i+100, len(obs))], nil)
		wire, err := json.Marshal(vs)
		if err != nil {
			t.Fatal(err)
		}
		var back []sector.Version
		if err := json.Unmarshal(wire, &back); err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(seq.Apply(0, back))
		w, _ := json.Marshal(want[j])
		if len(want[j]) == 0 {
			w = []byte("null")
		}
		if string(got) != string(w) {
			t.Fatalf("batch %d: the record differs:\n got %.300s\nwant %.300s", j, got, w)
		}
	}
}

// A worker's memory holds its open incidents: once a stream's incidents
// have all closed, it holds none (no local incident, no observation of an
// open one).
func TestWorkerForgets(t *testing.T) {
	obs := boundaryStream(plan(t, 3), 11, 600, 5*time.Second, 300)
	d := deploy(t, 3)
	d.ordered = true
	d.run(obs, 100)
	// An observation two days on closes every incident.
	late := observation(near(d.plan, 0, 1000, 0), 10)
	late.ObservedAt = obs[len(obs)-1].ObservedAt.Add(48 * time.Hour)
	late.ID = "late"
	for i, w := range d.workers {
		d.seq.Apply(i, w.Observe(nil, []*monitor.Observation{late}))
		if n := w.Pipeline().Open(); n > 1 {
			t.Errorf("sector %d: %d incidents open", i, n)
		}
		if l, s := sector.WorkerMemory(w); l > 1 || s > 1 {
			t.Errorf("sector %d remembers %d local incidents and %d observations", i, l, s)
		}
	}
	if n, w := d.seq.Open(), d.seq.Waiting(); n > 0 || w > 0 {
		t.Errorf("the sequencer holds %d open incidents and %d fallbacks", n, w)
	}
}

// A worker told the front's clock (ObserveBatchAt) confirms and opens
// its incidents at it, as one pipeline that saw the whole front would;
// without it, at the latest time its own sector saw.
func TestWorkerKeepsTheFrontsClock(t *testing.T) {
	for _, tc := range []struct {
		name   string
		clocks bool
	}{{"told the front's clock", true}, {"on its own clock", false}} {
		t.Run(tc.name, func(t *testing.T) {
			d := deploy(t, 2)
			start, _ := d.plan.Bounds(0)
			t0 := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
			front := t0.Add(3 * time.Hour) // the other sector had come this far
			var obs []*monitor.Observation
			for i, owner := range []string{"osce", "un"} {
				o := observation(near(d.plan, start, 20_000, 0), 100)
				o.ID, o.Source = fmt.Sprint("r", i), monitor.Source{ID: "src-" + owner, Kind: monitor.KindGroundMonitor, Owner: owner}
				o.ObservedAt = t0.Add(time.Duration(i) * time.Minute)
				o.ReportedAt = o.ObservedAt
				obs = append(obs, o)
			}
			var clocks []time.Time
			if tc.clocks {
				clocks = []time.Time{front, front}
			}
			want := obs[1].ObservedAt
			if tc.clocks {
				want = front
			}
			vs := d.workers[0].ObserveBatchAt(obs, []bool{true, true}, clocks)
			var confirmed *monitor.Incident
			for i := range vs {
				if vs[i].Incident.State == fusion.Confirmed {
					confirmed = &vs[i].Incident
				}
			}
			if confirmed == nil {
				t.Fatalf("two owners' reports of one event: no confirmed incident in %+v", vs)
			}
			if !confirmed.ConfirmedAt.Equal(want) || !confirmed.OpenedAt.Equal(map[bool]time.Time{true: front, false: t0}[tc.clocks]) {
				t.Errorf("confirmed at %v, opened at %v; want confirmed at %v", confirmed.ConfirmedAt, confirmed.OpenedAt, want)
			}
		})
	}
}

// A worker told the front's clock where one pipeline looks for incidents
// to close (ObserveTicks) closes its incident there, at that clock and
// at that place in the batch, in a batch without a line of its own too.
func TestWorkerClosesAtTheTicks(t *testing.T) {
	d := deploy(t, 2)
	start, _ := d.plan.Bounds(0)
	t0 := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	o := observation(near(d.plan, start, 20_000, 0), 100)
	o.ID, o.ObservedAt, o.ReportedAt = "r", t0, t0
	w := d.workers[0]
	if vs := w.ObserveTicks([]*monitor.Observation{o}, []bool{true}, nil, []int{3}, nil); len(vs) != 1 {
		t.Fatalf("one report: %d versions", len(vs))
	}
	// The next batch lies in the other sector: a tick at its line 2,
	// past the horizon.
	at := t0.Add(25 * time.Hour)
	vs := w.ObserveTicks(nil, nil, nil, nil, []sector.Tick{{Line: 2, Clock: at}})
	if len(vs) != 1 || vs[0].Incident.ClosedAt == nil || !vs[0].Incident.ClosedAt.Equal(at) || vs[0].At != 1+4*2+2 {
		t.Fatalf("told the clock at line 2, past the horizon: %+v; want the incident closed at %v, place %d", vs, at, 1+4*2+2)
	}
}
