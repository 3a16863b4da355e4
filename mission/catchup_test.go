package mission_test

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sqlite"
)

// lastRecorded is the last recorded version of every incident in a
// ledger, by id.
func lastRecorded(tb testing.TB, l *ledger.Ledger) map[string]accord.IncidentRecord {
	tb.Helper()
	out := map[string]accord.IncidentRecord{}
	for _, r := range entries[accord.IncidentRecord](tb, l, accord.EntryIncident) {
		out[r.ID] = r
	}
	return out
}

// violationsOf are the engine's violations, by incident and rule.
func violationsOf(tb testing.TB, d *durable) []string {
	tb.Helper()
	st, err := d.State()
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, v := range st.Violations {
		out = append(out, v.Incident+"|"+v.Rule+"|"+v.Party)
	}
	slices.Sort(out)
	return out
}

// A server that died after a batch was stored and before it was recorded
// records at its next start what the record lacks: the incident versions
// the stored observations make and their violations, so that a client's
// resend, which the store counts as duplicates, leaves nothing out. Before,
// the record held none of them, and the engine never saw their
// violations.
func TestStoredButNotRecordedIsRecordedAtStart(t *testing.T) {
	lines := simulated(t, 7, t0, 24*time.Hour, 60)
	cut := len(lines) * 2 / 3 / 250 * 250

	whole := openDurable(t, t.TempDir())
	whole.ingestLines(t, lines, 250)
	want, wantV := lastRecorded(t, whole.ledger), violationsOf(t, whole)
	if len(wantV) == 0 {
		t.Fatal("the run breaks no rule: nothing to compare")
	}

	dir := t.TempDir()
	d := openDurable(t, dir)
	d.ingestLines(t, lines[:cut], 250)
	before := d.ledger.Len()
	d.close()
	// The crash: the rest stored, the record never appended to.
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	rest, err := monitor.DecodeBytes(append(bytes.Join(lines[cut:], []byte("\n")), '\n'), "rest")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.NewObservationStore(db).Put(context.Background(), rest); err != nil {
		t.Fatal(err)
	}
	db.Close()

	d = openDurable(t, dir)
	got, gotV := lastRecorded(t, d.ledger), violationsOf(t, d)
	differ := 0
	for id, w := range want {
		g, ok := got[id]
		if !ok || g.State != w.State || g.ObservationCount != w.ObservationCount || !g.LastObserved.Equal(w.LastObserved) {
			differ++
			if differ <= 3 {
				t.Errorf("incident %s: recorded %+v, want %+v", id, g, w)
			}
		}
	}
	t.Logf("%d lines, %d recorded before the crash; the record %d entries then, %d after the start; %d incidents (%d recorded), %d violations (%d)",
		len(lines), cut, before, d.ledger.Len(), len(want), len(got), len(wantV), len(gotV))
	if differ > 0 || len(got) != len(want) {
		t.Errorf("%d of %d incidents' last recorded versions differ from the run without a crash; %d recorded, want %d", differ, len(want), len(got), len(want))
	}
	if !slices.Equal(gotV, wantV) {
		t.Errorf("the engine holds %d violations, want the %d of the run without a crash", len(gotV), len(wantV))
	}

	// A second start finds nothing missing and records nothing.
	n := d.ledger.Len()
	d.close()
	d = openDurable(t, dir)
	if d.ledger.Len() != n {
		t.Errorf("a clean restart appended %d entries", d.ledger.Len()-n)
	}
}
