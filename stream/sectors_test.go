package stream_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/sector"
	"github.com/accord-peace/accord/stream"
)

// boundary returns, for each boundary between two of n sectors, a cluster
// of reports of one event on it: four sensors, on both sides of the
// boundary, their accuracies such that the most precise (the anchor) is
// on one side or the other in turn. It returns the lines and each
// cluster's keys.
func boundary(tb testing.TB, n int, at time.Time) ([][]byte, [][]monitor.Key) {
	tb.Helper()
	a, k := monitortest.Reference(tb)
	plan, err := sector.NewPlan(a.Monitoring, k, n)
	if err != nil {
		tb.Fatal(err)
	}
	var lines [][]byte
	var clusters [][]monitor.Key
	for i := range n - 1 {
		_, end := plan.Bounds(i)
		var keys []monitor.Key
		sides := map[int]bool{}
		for j, d := range []float64{-300, -100, 100, 300} { // metres along the line
			p := plan.PointAt(end + d)
			sides[plan.Of(p[0], p[1])] = true
			acc := []float64{400, 250, 600, 800}[j]
			if i%2 == 1 {
				acc = []float64{800, 600, 250, 400}[j]
			}
			src := fmt.Sprintf("edge-%d", j)
			id := fmt.Sprintf("b%d-%d", i, j)
			t := at.Add(time.Duration(j) * time.Second).UTC()
			f := map[string]any{"type": "Feature",
				"geometry": map[string]any{"type": "Point", "coordinates": []float64{p[0], p[1]}},
				"properties": map[string]any{"id": id, "source": map[string]string{"id": src, "kind": "fixed_sensor", "owner": "mission"},
					"observed_at": t.Format(time.RFC3339), "reported_at": t.Add(5 * time.Second).Format(time.RFC3339),
					"event": "firing", "count": 1, "attributed_to": "unknown", "accuracy_m": acc, "time_accuracy_s": 10, "confidence": 0.8}}
			b, err := json.Marshal(f)
			if err != nil {
				tb.Fatal(err)
			}
			lines = append(lines, b)
			keys = append(keys, monitor.Key{Source: src, ID: id})
		}
		if !sides[i] || !sides[i+1] || len(sides) != 2 {
			tb.Fatalf("boundary %d: the cluster lies in sectors %v, want %d and %d", i, sides, i, i+1)
		}
		clusters = append(clusters, keys)
	}
	return lines, clusters
}

// memberSets is every non-merged incident by the sorted list of its
// members, and each observation's set.
func memberSets(ins []monitor.Incident) (map[string]monitor.Incident, map[monitor.Key]string) {
	sets, of := map[string]monitor.Incident{}, map[monitor.Key]string{}
	for _, in := range ins {
		if in.State == fusion.Merged || len(in.Observations) == 0 {
			continue
		}
		ks, set := in.Observations, monitortest.MemberSet(in.Observations)
		sets[set] = in
		for _, k := range ks {
			of[k] = set
		}
	}
	return sets, of
}

// Three sectors on the stream: the same observations posted over HTTP,
// with events on the sectors' boundaries, give the embedded default's
// incidents as member sets: every boundary event is one incident, whole,
// in both; every observation is in exactly one incident; the share of
// observations in the same member set as the embedded default's is
// measured (the residual difference of package sector's doc: order and
// partial views), and must stay near 1.
func TestSectorsOnTheStream(t *testing.T) {
	const n = 3
	lines := simulated(t, 12, 24*time.Hour, 15)
	mid := len(lines) / 2
	var o struct {
		Properties struct {
			ObservedAt time.Time `json:"observed_at"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(lines[mid], &o); err != nil {
		t.Fatal(err)
	}
	edge, clusters := boundary(t, n, o.Properties.ObservedAt)
	lines = slices.Concat(lines[:mid], edge, lines[mid:])
	want := embedded(t, lines, 250)
	x, _ := open(t, t.TempDir(), &streamed{cfg: func(m *mission.Mission, c *stream.Config) {
		s, err := stream.Split(m, n)
		if err != nil {
			t.Fatal(err)
		}
		c.Sectors = s
	}})
	defer x.close(t)
	monitortest.PostLines(t, x.url, lines, 250)
	got := x.state(t)
	fusedOnce(t, x)

	wsets, wof := memberSets(want.incidents)
	gsets, gof := memberSets(got.incidents)
	for i, keys := range clusters {
		for _, of := range []map[monitor.Key]string{wof, gof} {
			set := of[keys[0]]
			for _, k := range keys {
				if of[k] != set || set == "" {
					t.Fatalf("boundary %d: the event's reports are not one incident: %v → %q, %v → %q", i, keys[0], set, k, of[k])
				}
			}
		}
		if wof[keys[0]] != gof[keys[0]] {
			t.Fatalf("boundary %d: the embedded default's incident %q, the sectors' %q", i, wof[keys[0]], gof[keys[0]])
		}
	}
	// Every observation in exactly one incident: nothing lost, nothing
	// doubled.
	count := map[monitor.Key]int{}
	for _, in := range gsets {
		for _, k := range in.Observations {
			count[k]++
		}
	}
	same := 0
	for k, s := range wof {
		if count[k] != 1 {
			t.Fatalf("observation %v is in %d incidents on the stream", k, count[k])
		}
		if gof[k] == s {
			same++
		}
	}
	share := float64(same) / float64(len(wof))
	t.Logf("%d observations (%d on %d boundaries), %d sectors: %d/%d in the embedded default's member set (%.4f); %d incidents embedded, %d on the stream; ledger %d vs %d entries",
		len(lines), len(edge), n-1, n, same, len(wof), share, len(wsets), len(gsets), want.entries, got.entries)
	if share < 0.95 {
		t.Errorf("only %.3f of the observations end in the embedded default's member set", share)
	}
	// The violations: every one recorded, of the same incident and rule,
	// at the same time (package sector's doc, "Clocks"): 200 of 200; 35–48
	// when each sector's part was decided alone, 99 when the recorder held
	// a batch's violations until its parts were all in but the workers
	// kept their own clocks. The floor leaves room for a boundary
	// incident that the order of the sectors' outputs decides otherwise.
	wv, gv := violationTimes(t, want), violationTimes(t, got)
	sameAt, found := 0, 0
	var worst time.Duration
	for k, at := range wv {
		g, ok := gv[k]
		if !ok {
			continue
		}
		found++
		if g.Equal(at) {
			sameAt++
		}
		worst = max(worst, g.Sub(at).Abs())
	}
	t.Logf("violations: %d embedded, %d on the stream, %d of one incident and rule in both, %d of them at the same time (largest difference %v)", len(wv), len(gv), found, sameAt, worst)
	// Incidents closed in both close at the same time: the workers keep
	// the front's clock.
	closedSame, closedBoth := 0, 0
	for set, w := range wsets {
		g, ok := gsets[set]
		if !ok || w.ClosedAt == nil || g.ClosedAt == nil {
			continue
		}
		closedBoth++
		if w.ClosedAt.Equal(*g.ClosedAt) {
			closedSame++
		}
	}
	if closedSame != closedBoth {
		t.Errorf("of %d incidents closed in both, %d closed at the same time", closedBoth, closedSame)
	}
	if found < len(wv) || len(gv) != len(wv) || sameAt < found*95/100 {
		t.Errorf("of %d violations embedded, %d found on the stream, %d at the same time", len(wv), found, sameAt)
	}
}

// violationTimes is the time of each violation the agreement engine
// recorded, by its rule and its incident's member set.
func violationTimes(tb testing.TB, st state) map[string]time.Time {
	tb.Helper()
	set := map[string]string{}
	for _, in := range st.incidents {
		set[in.ID] = monitortest.MemberSet(in.Observations)
	}
	out := map[string]time.Time{}
	for _, v := range st.violations {
		out[v.Rule+" "+set[v.Incident]] = v.At
	}
	return out
}

// Three sectors stopped mid-stream and started again — the recorder may
// stop between two parts of a batch, and reads the fused log back —
// record every violation of the embedded default, at its time.
func TestSectorsRestartedAgree(t *testing.T) {
	const n = 3
	lines := simulated(t, 9, 48*time.Hour, 15)
	want := embedded(t, lines, 250)
	split := &streamed{cfg: func(m *mission.Mission, c *stream.Config) {
		s, err := stream.Split(m, n)
		if err != nil {
			t.Fatal(err)
		}
		c.Sectors = s
	}}
	dir := t.TempDir()
	third := len(lines) / 3 / 250 * 250
	x, _ := open(t, dir, split)
	monitortest.PostLines(t, x.url, lines[:third], 250)
	x.close(t) // no sync: whatever the workers and the recorder had done
	x, _ = open(t, dir, split)
	defer x.close(t)
	monitortest.PostLines(t, x.url, lines[third:], 250)
	got := x.state(t)
	fusedOnce(t, x)
	wv, gv := violationTimes(t, want), violationTimes(t, got)
	same := 0
	for k, at := range wv {
		if g, ok := gv[k]; ok && g.Equal(at) {
			same++
		}
	}
	t.Logf("%d observations, restarted after %d: %d violations embedded, %d on the stream, %d at the same time", len(lines), third, len(wv), len(gv), same)
	if len(wv) == 0 || len(gv) != len(wv) || same < len(wv)*95/100 {
		t.Errorf("of %d violations embedded, %d on the stream after a restart, %d at the same time", len(wv), len(gv), same)
	}
}

// A batch one of whose parts never comes (its worker could not read the
// message) holds every later batch only for a while: past the recorder's
// wait they are decided, all of them, under the embedded default's ids,
// and the recorder says which batch it let go.
func TestAPartThatNeverComes(t *testing.T) {
	lines := simulated(t, 12, 24*time.Hour, 15)
	want := embedded(t, lines, 250)
	x, _ := open(t, t.TempDir(), &streamed{cfg: func(m *mission.Mission, c *stream.Config) {
		s, err := stream.Split(m, 2)
		if err != nil {
			t.Fatal(err)
		}
		c.Sectors = s
		c.PartWait = 300 * time.Millisecond
	}})
	defer x.close(t)
	// A batch in two parts: sector 0's empty, sector 1's unreadable.
	ctx := context.Background()
	for s, body := range []string{"", "not an observation\n"} {
		msg := nats.NewMsg(stream.ObsSubject(s))
		msg.Data = []byte(body)
		msg.Header.Set(stream.HeaderBatch, "lost-part")
		msg.Header.Set(stream.HeaderParts, "2")
		if _, err := x.node.Conn.JS.PublishMsg(ctx, msg); err != nil {
			t.Fatal(err)
		}
	}
	monitortest.PostLines(t, x.url, lines, 250)
	got := x.state(t)
	deadline := time.Now().Add(30 * time.Second)
	for len(got.violations) < len(want.violations) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		got = x.state(t)
	}
	// A batch still held behind the lost one would hold its violations
	// back.
	t.Logf("violations: %d embedded, %d on the stream", len(want.violations), len(got.violations))
	if len(want.violations) == 0 || len(got.violations) != len(want.violations) {
		t.Errorf("%d violations of the embedded default's %d applied", len(got.violations), len(want.violations))
	}
	if !strings.Contains(x.logs.tail(1<<20), "a batch's parts did not all come") {
		t.Error("the recorder did not say it let a batch go")
	}
	// The batches that waited behind it are numbered as they would have
	// been: the lost batch had no incident.
	if differ, both := idsDiffer(t, want, got); both == 0 || differ > 0 {
		t.Errorf("%d of %d incidents under another id than the embedded default's", differ, both)
	}
}

// A batch that comes after one that never comes (HeaderAfter: the
// batch's messages unreadable, or lost) holds the batches behind it only
// for a while: past the recorder's wait the one never come is let go by
// a release in the fused log, and every batch is decided, under the
// embedded default's ids.
func TestABatchThatNeverComes(t *testing.T) {
	lines := simulated(t, 12, 24*time.Hour, 15)
	want := embedded(t, lines, 250)
	x, _ := open(t, t.TempDir(), &streamed{cfg: func(m *mission.Mission, c *stream.Config) {
		c.Sectors, c.PartWait = split(t, m, 2), 300*time.Millisecond
	}})
	defer x.close(t)
	msg := nats.NewMsg(stream.ObsSubject(0))
	msg.Header.Set(stream.HeaderBatch, "after-a-ghost")
	msg.Header.Set(stream.HeaderAfter, "ghost")
	ctx := context.Background()
	if _, err := x.node.Conn.JS.PublishMsg(ctx, msg); err != nil {
		t.Fatal(err)
	}
	// Its output first in the fused log, waiting for the ghost; the
	// batches posted next go by it (the first names none, a node's first,
	// and each other the one before).
	for msgs(t, ctx, x, stream.FusedStream) < 1 {
		time.Sleep(10 * time.Millisecond)
	}
	monitortest.PostLines(t, x.url, lines, 250)
	for deadline := time.Now().Add(time.Minute); !strings.Contains(x.logs.tail(1<<20), "a batch that others come after never came"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the recorder did not let the batch never come go")
		}
	}
	got := x.state(t)
	if len(want.violations) == 0 || len(got.violations) != len(want.violations) {
		t.Errorf("%d violations of the embedded default's %d applied", len(got.violations), len(want.violations))
	}
	if differ, both := idsDiffer(t, want, got); both == 0 || differ > 0 {
		t.Errorf("%d of %d incidents under another id than the embedded default's", differ, both)
	}
}
