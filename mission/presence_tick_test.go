package mission_test

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/local"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/scenarios"
)

// openPlant opens a durable mission on the nuclear plant's agreement
// (its IAEA team reports its presence daily: docs/monitoring.md, the
// presence rule) in dir.
func openPlant(tb testing.TB, dir string) *durable {
	tb.Helper()
	a, err := agreement.LoadFS(scenarios.FS, scenarios.NuclearPlantAgreement)
	if err != nil {
		tb.Fatal(err)
	}
	d, err := local.Open(context.Background(), local.Config{Dir: dir, Agreement: a})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { d.Close() })
	return &durable{Deployment: d, ledger: d.Ledger}
}

var (
	znpp     = [2]float64{34.5863, 47.5119}
	elsewher = [2]float64{34.30, 47.30} // in no zone
)

func june(d, h int) time.Time { return time.Date(2025, 6, d, h, 0, 0, 0, time.UTC) }

// plantObs is an observation at the plant's site by the IAEA's team (a
// presence report) or, elsewhere, a satellite's that breaks nothing.
func plantObs(id string, at time.Time, presence bool) monitor.Observation {
	if presence {
		return monitor.Observation{ID: id, Source: monitor.Source{ID: "iaea-team", Kind: monitor.KindGroundMonitor, Owner: "iaea"},
			Position: znpp, ObservedAt: at, ReportedAt: at.Add(10 * time.Minute), Event: "presence", Count: 1,
			AttributedTo: monitor.Unknown, AccuracyM: 50, TimeAccuracyS: 60, Confidence: 1}
	}
	return monitor.Observation{ID: id, Source: monitor.Source{ID: "sat-1", Kind: monitor.KindSatellite, Owner: "cn"},
		Position: elsewher, ObservedAt: at, ReportedAt: at, Event: "other", Count: 1,
		AttributedTo: monitor.Unknown, AccuracyM: 20, TimeAccuracyS: 1, Confidence: 0.9}
}

// missingRecorded counts, by id, the record's versions of missing
// presence reports.
func missingRecorded(tb testing.TB, d *durable) map[string]int {
	out := map[string]int{}
	for _, in := range entries[monitor.Incident](tb, d.ledger, accord.EntryIncident) {
		if in.Event == monitor.MissingReport {
			out[in.ID]++
		}
	}
	return out
}

// A tick judges the presence periods whose deadline it passes, on a
// front where nothing else is observed: the missing report is recorded
// with the tick, once — not again at the next observation, after a
// restart, nor when the late report comes.
func TestTickJudgesMissingPresence(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m := openPlant(t, dir)
	// 1 June: the team reports, the parties sign; then silence.
	if _, err := m.Ingest(ctx, []monitor.Observation{plantObs("r1", june(1, 9), true), plantObs("s1", june(1, 12), false)}, nil); err != nil {
		t.Fatal(err)
	}
	// Before 2 June's deadline (3 June 06:00): nothing due.
	if res, err := m.TickIfDue(ctx, june(3, 6)); err != nil || len(res.Missing) != 0 {
		t.Fatalf("tick if due at the deadline: %+v %v, want no missing report", res, err)
	}
	res, err := m.Tick(ctx, june(3, 7))
	if err != nil {
		t.Fatal(err)
	}
	if got := missing(res.Missing); !slices.Equal(got, []string{"presence:iaea-znpp:2025-06-02"}) || !res.Ticked || res.LastEntry == nil {
		t.Fatalf("tick past 2 June's deadline: missing %v ticked %v last entry %v; want 2 June's, recorded", got, res.Ticked, res.LastEntry)
	}
	in, _, err := m.Incident(ctx, "presence:iaea-znpp:2025-06-02")
	if err != nil || len(in.Violations) != 1 || in.Violations[0].Rule != "presence:iaea-znpp" {
		t.Fatalf("the incident store: %+v %v; want the missing report with its violation", in, err)
	}
	// An if-due tick past 3 June's deadline: due for the report missing.
	res, err = m.TickIfDue(ctx, june(4, 7))
	if got := missing(res.Missing); err != nil || !slices.Equal(got, []string{"presence:iaea-znpp:2025-06-03"}) || !res.Ticked {
		t.Fatalf("tick if due past 3 June's deadline: missing %v ticked %v %v; want 3 June's", got, res.Ticked, err)
	}
	// The report of 2 June comes late, then the front goes on after a
	// restart: neither day is judged again.
	if _, err := m.Ingest(ctx, []monitor.Observation{plantObs("r2", june(2, 9), true)}, nil); err != nil {
		t.Fatal(err)
	}
	m.close()
	m = openPlant(t, dir)
	if _, err := m.Ingest(ctx, []monitor.Observation{plantObs("r4", june(4, 9), true), plantObs("s4", june(4, 12), false)}, nil); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"presence:iaea-znpp:2025-06-02": 1, "presence:iaea-znpp:2025-06-03": 1}
	if got := missingRecorded(t, m); !maps.Equal(got, want) {
		t.Errorf("the record's missing reports %v, want each day once: %v", got, want)
	}
	// 4 June was reported: its deadline passes with nothing to judge.
	if res, err := m.Tick(ctx, june(6, 7)); err != nil || len(res.Missing) != 1 || res.Missing[0].ID != "presence:iaea-znpp:2025-06-05" {
		t.Errorf("tick past 5 June's deadline: %+v %v; want only 5 June's missing", res.Missing, err)
	}
}

func missing(ins []monitor.Incident) []string {
	out := []string{}
	for _, in := range ins {
		out = append(out, in.ID)
	}
	return out
}

// The incident store is derived data, rebuilt at every start from the
// stored observations and the ledger (its writes are not fsynced and come
// behind the ledger's: a crash may lose the last of them): the missing
// reports a tick judged, which no stored observation gives again, are
// rebuilt from the ledger — as they stood, under the same id.
func TestTickMissingPresenceRebuiltAtStart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m := openPlant(t, dir)
	if _, err := m.Ingest(ctx, []monitor.Observation{plantObs("r1", june(1, 9), true), plantObs("s1", june(1, 12), false)}, nil); err != nil {
		t.Fatal(err)
	}
	if res, err := m.Tick(ctx, june(4, 7)); err != nil || len(res.Missing) != 2 {
		t.Fatalf("tick past 3 June's deadline: %+v %v; want 2 and 3 June's missing", res.Missing, err)
	}
	// An observation of 3 June comes after the tick (it passes 2 June's
	// deadline, not 3 June's), and opens an incident.
	if _, err := m.Ingest(ctx, []monitor.Observation{plantObs("s3", june(3, 20), false)}, nil); err != nil {
		t.Fatal(err)
	}
	live, err := m.AllIncidents(ctx, monitor.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	m.close()
	// The derived store lost (a crash before its writes reached the disk).
	for _, f := range []string{"incidents.db", "incidents.db-wal", "incidents.db-shm"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	m = openPlant(t, dir)
	got, err := m.AllIncidents(ctx, monitor.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, live) {
		t.Errorf("the incidents rebuilt at start: %d %v; live %d %v", len(got), ids(got), len(live), ids(live))
	}
	// Nothing recorded again.
	if want := map[string]int{"presence:iaea-znpp:2025-06-02": 1, "presence:iaea-znpp:2025-06-03": 1}; !maps.Equal(missingRecorded(t, m), want) {
		t.Errorf("the record's missing reports %v, want %v", missingRecorded(t, m), want)
	}
}

func ids(ins []monitor.Incident) []string {
	out := []string{}
	for _, in := range ins {
		out = append(out, in.ID)
	}
	return out
}
