package stream_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/stream"
)

// onSectors is a stream deployment on n sectors.
func onSectors(t *testing.T, n int) *streamed {
	return &streamed{cfg: func(m *mission.Mission, c *stream.Config) { c.Sectors = split(t, m, n) }}
}

// idsDiffer counts the incidents of got whose member set is one of
// want's incidents' under another id, out of those whose member set both
// have.
func idsDiffer(t *testing.T, want, got state) (differ, both int) {
	t.Helper()
	wsets, _ := memberSets(want.incidents)
	gsets, _ := memberSets(got.incidents)
	shown := 0
	for set, w := range wsets {
		g, ok := gsets[set]
		if !ok {
			continue
		}
		both++
		if g.ID != w.ID {
			differ++
			if shown < 5 {
				shown++
				t.Logf("the embedded default's %s is %s on the stream", w.ID, g.ID)
			}
		}
	}
	return differ, both
}

// entries is every entry of a deployment's ledger: its kind, type and
// body, a sealed body's digest left out (no two deployments seal alike:
// the sealing is randomised).
func entries(t *testing.T, x *deployment) []string {
	t.Helper()
	out := make([]string, x.d.Ledger.Len())
	for i := range out {
		b, err := x.d.Ledger.Record(int64(i))
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			Kind string         `json:"kind"`
			Type string         `json:"type"`
			Body map[string]any `json:"body"`
		}
		if err := json.Unmarshal(b, &e); err != nil {
			t.Fatal(err)
		}
		if _, ok := e.Body["sealed_sha256"]; ok {
			e.Body["sealed_sha256"] = "sealed"
		}
		body, _ := json.Marshal(e.Body)
		out[i] = e.Kind + " " + e.Type + " " + string(body)
	}
	return out
}

// sameEntries fails unless two ledgers hold the same entries in the same
// order (sealed bodies aside: entries).
func sameEntries(t *testing.T, what string, want, got []string) {
	t.Helper()
	differ := 0
	for i := range min(len(want), len(got)) {
		if want[i] != got[i] {
			if differ == 0 {
				t.Logf("%s: ledger entry %d:\n embedded %.400s\n stream   %.400s", what, i, want[i], got[i])
			}
			differ++
		}
	}
	if differ > 0 || len(got) != len(want) {
		t.Errorf("%s: %d ledger entries, the embedded default %d; %d at the same place differ", what, len(got), len(want), differ)
	}
}

// Two and three sectors on the stream record what the embedded default
// records: on the simulated front over a day — in batches of 250, of 25
// and of 1, and at four times the rate — and over three days, when
// incidents close (in batches of 250, 25 and 5), every incident under the same id (package sector's doc, "Global
// ids"), byte for byte and listed in the same order, closed at the same
// time (closedElsewhere), the same agreement state, and the same ledger
// entries in the same order.
func TestGlobalIDsOnTheStream(t *testing.T) {
	for _, c := range []idsCase{{24 * time.Hour, 15, 250, false}, {24 * time.Hour, 15, 25, false}, {24 * time.Hour, 60, 250, false}, {72 * time.Hour, 15, 250, true}, {72 * time.Hour, 15, 25, true},
		// Batches in one sector each, or two: their workers race.
		{24 * time.Hour, 15, 1, false}, {72 * time.Hour, 15, 5, true}} {
		t.Run(fmt.Sprintf("%v-rate%v-batch%d", c.d, c.rate, c.batch), func(t *testing.T) { globalIDs(t, c) })
	}
}

// idsCase is a case of TestGlobalIDsOnTheStream: the simulated front
// over d at a rate, posted in batches.
type idsCase struct {
	d     time.Duration
	rate  float64
	batch int
	// closings: the incidents close (the run outlasts fusion's
	// horizon): closedElsewhere says which close at another time.
	closings bool
}

func globalIDs(t *testing.T, c idsCase) {
	lines := simulated(t, 12, c.d, c.rate)
	x, _ := open(t, t.TempDir(), nil)
	monitortest.PostLines(t, x.url, lines, c.batch)
	want, wantEntries := x.state(t), entries(t, x)
	x.close(t)
	for _, n := range []int{2, 3} {
		what := fmt.Sprintf("%d sectors, %v at rate %v, batches of %d", n, c.d, c.rate, c.batch)
		x, _ := open(t, t.TempDir(), onSectors(t, n))
		monitortest.PostLines(t, x.url, lines, c.batch)
		got, gotEntries := x.state(t), entries(t, x)
		fusedOnce(t, x)
		x.close(t)
		differ, both := idsDiffer(t, want, got)
		closed := 0
		for _, in := range want.incidents {
			if in.ClosedAt != nil {
				closed++
			}
		}
		t.Logf("%s: %d observations; %d incidents embedded (%d closed), %d on the stream, %d of one member set in both, %d of them under another id; %d ledger entries",
			what, len(lines), len(want.incidents), closed, len(got.incidents), both, differ, len(gotEntries))
		if both == 0 || differ > 0 {
			t.Errorf("%s: %d of %d incidents under another id than the embedded default's", what, differ, both)
		}
		if c.closings {
			closedElsewhere(t, what, want, got, wantEntries, gotEntries)
		}
		same(t, what, want, got)
		sameEntries(t, what, wantEntries, gotEntries)
	}
}

// closedElsewhere logs how the stream's record differs from the
// embedded default's once incidents close: one pipeline looks for
// incidents to close (fusion's clock 1/96 of a horizon past its last
// look) at every line, and a sector's fusion, which sees its own lines,
// looks there too only when told the front's clock at the lines of the
// other sectors where one pipeline looks (HeaderTicks); otherwise it
// closes an incident later — and hands the closed version out at another
// place, or in another batch. It fails if an incident closes at another
// time, or differs otherwise.
func closedElsewhere(t *testing.T, what string, want, got state, wantEntries, gotEntries []string) {
	t.Helper()
	byID := map[string]monitor.Incident{}
	for _, in := range got.incidents {
		byID[in.ID] = in
	}
	differ, closedAt := 0, 0
	var late time.Duration
	for _, w := range want.incidents {
		g := byID[w.ID]
		if w.ClosedAt != nil && g.ClosedAt != nil && !w.ClosedAt.Equal(*g.ClosedAt) {
			closedAt++
			late = max(late, g.ClosedAt.Sub(*w.ClosedAt))
			g.ClosedAt = w.ClosedAt
		}
		a, _ := json.Marshal(w)
		b, _ := json.Marshal(g)
		if !bytes.Equal(a, b) {
			if differ == 0 {
				t.Logf("%s: incident %s:\n embedded %s\n stream   %s", what, w.ID, a, b)
			}
			differ++
		}
	}
	moved := 0
	for i := range min(len(wantEntries), len(gotEntries)) {
		if wantEntries[i] != gotEntries[i] {
			moved++
		}
	}
	t.Logf("%s: %d incidents closed at another time (later by up to %v), %d differ otherwise; %d of %d ledger entries (embedded: %d) differ at their place; the agreement's state alike: %v",
		what, closedAt, late, differ, moved, len(gotEntries), len(wantEntries), got.agreement == want.agreement)
	if closedAt > 0 {
		t.Errorf("%s: %d incidents closed at another time than the embedded default's (later by up to %v)", what, closedAt, late)
	}
	if differ > 0 || len(got.incidents) != len(want.incidents) {
		t.Errorf("%s: %d incidents, the embedded default %d; %d of the embedded default's differ in more than their closing time", what, len(got.incidents), len(want.incidents), differ)
	}
}

// losePart publishes a batch in two parts one of which never comes (its
// worker cannot read it): every batch after it waits until the recorder
// lets it go (PartWait).
func losePart(t *testing.T, x *deployment) {
	t.Helper()
	for s, body := range []string{"", "not an observation\n"} {
		msg := nats.NewMsg(stream.ObsSubject(s))
		msg.Data = []byte(body)
		msg.Header.Set(stream.HeaderBatch, "lost-part")
		msg.Header.Set(stream.HeaderParts, "2")
		if _, err := x.node.Conn.JS.PublishMsg(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
	}
}

// released waits until the recorder let a batch go (its log says so).
func released(t *testing.T, x *deployment) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !strings.Contains(x.logs.tail(1<<20), "it is decided as it stands"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the recorder did not let the batch whose part never came go")
		}
	}
}

// The node stopped mid-run and started again records what an
// uninterrupted run records: the same incidents under the same ids, byte
// for byte, the same agreement state, as many ledger entries (nothing
// lost, nothing recorded twice), the ids the embedded default's. The
// first stop comes while every batch waits behind one whose part never
// comes (the recorder holds them all: nothing is recorded), the second
// after the recorder let that batch go (a release it wrote into the fused
// log, read back at the restart) and while batches are still being
// fused and recorded.
func TestGlobalIDsAfterARecorderRestart(t *testing.T) {
	const n = 2
	lines := simulated(t, 12, 24*time.Hour, 15)
	want := embedded(t, lines, 250)
	run := func(dir string, wait time.Duration) *deployment {
		x, _ := open(t, dir, &streamed{cfg: func(m *mission.Mission, c *stream.Config) {
			c.Sectors, c.PartWait = split(t, m, n), wait
		}})
		return x
	}
	x := run(t.TempDir(), 300*time.Millisecond)
	losePart(t, x)
	monitortest.PostLines(t, x.url, lines, 250)
	released(t, x)
	whole := x.state(t)
	x.close(t)

	dir := t.TempDir()
	third := len(lines) / 3 / 250 * 250
	x = run(dir, time.Hour)
	losePart(t, x)
	monitortest.PostLines(t, x.url, lines[:third], 250)
	x.sync(t)
	if x.d.Ledger.Len() != 0 {
		t.Fatalf("%d ledger entries while every batch waits behind one whose part never came", x.d.Ledger.Len())
	}
	x.close(t)
	x = run(dir, 300*time.Millisecond)
	monitortest.PostLines(t, x.url, lines[third:2*third], 250)
	released(t, x)
	x.close(t) // no sync: whatever the workers and the recorder had done
	x = run(dir, 300*time.Millisecond)
	defer x.close(t)
	monitortest.PostLines(t, x.url, lines[2*third:], 250)
	got := x.state(t)
	fusedOnce(t, x)
	differ, both := idsDiffer(t, want, got)
	t.Logf("%d sectors, stopped twice: %d incidents, %d ledger entries (uninterrupted: %d, %d); %d of %d incidents under another id than the embedded default's",
		n, len(got.incidents), got.entries, len(whole.incidents), whole.entries, differ, both)
	same(t, "restarted", whole, got)
	if both == 0 || differ > 0 {
		t.Errorf("%d of %d incidents under another id than the embedded default's", differ, both)
	}
}

// Two batches of one ingest node in a row that lie in different sectors
// are recorded in the order the node published them, whichever worker is
// through first (HeaderAfter): the second's worker held back until the
// third's output is in the fused log, the record is the embedded
// default's entry for entry.
func TestBatchesInTheIngestOrder(t *testing.T) {
	all := simulated(t, 12, 24*time.Hour, 15)
	release := make(chan struct{})
	var plan stream.Plan
	held := false
	x, _ := open(t, t.TempDir(), &streamed{cfg: func(m *mission.Mission, c *stream.Config) {
		c.Sectors = split(t, m, 2)
		plan = c.Sectors.Plan
		stream.KillBeforeAck(c, func(s int, _ uint64) error {
			if s == 0 && !held { // sector 0's first message: its next waits
				held = true
				<-release
			}
			return nil
		})
	}})
	defer x.close(t)
	// One line of sector 0, another of sector 0, one of sector 1, none in
	// another sector's halo, within fusion's 15 min between two looks for
	// incidents to close (a look would send the other sector a part).
	var lines [][]byte
	var first time.Time
	for _, want := range []int{0, 0, 1} {
		for len(all) > 0 {
			l := all[0]
			all = all[1:]
			obs, err := monitor.Decode(bytes.NewReader(l), "line")
			if err != nil || len(obs) != 1 {
				t.Fatal(err)
			}
			own, halo := plan.Route(&obs[0])
			if own != want || len(halo) > 0 || !first.IsZero() && obs[0].ObservedAt.Sub(first) > 15*time.Minute {
				continue
			}
			if first.IsZero() {
				first = obs[0].ObservedAt
			}
			lines = append(lines, l)
			break
		}
	}
	if len(lines) != 3 {
		t.Fatalf("%d lines", len(lines))
	}
	monitortest.PostLines(t, x.url, lines, 1)
	// The first batch's two parts (sector 1's for fusion's first look)
	// and the third's are fused; the second waits behind sector 0's
	// first message.
	for msgs(t, context.Background(), x, stream.FusedStream) < 3 {
		time.Sleep(10 * time.Millisecond)
	}
	close(release)
	x.sync(t)
	got := entries(t, x)
	e, _ := open(t, t.TempDir(), nil)
	defer e.close(t)
	monitortest.PostLines(t, e.url, lines, 1)
	sameEntries(t, "sector 0's second batch fused after sector 1's", entries(t, e), got)
}
