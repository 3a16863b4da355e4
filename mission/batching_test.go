package mission_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/internal/benchdata"
	"github.com/accord-peace/accord/monitor"
)

// The same observations give the same violations, nearly all at the same
// times, whatever batches they come in: a violation is applied when its
// incident was confirmed (the latest observation time seen when the
// confirming report came), not at the latest observation of the batch
// that confirmed it, which put every violation of a batch at the batch's
// end: of 1,357 violations in three simulated hours, 44 kept their time in
// batches of 500 and none in batches of 37, some moved by 3 h. What still
// moves is a violation that smaller batches see only after the
// confirmation — the incident's mean position crossed a line with a later
// report, which one batch evaluates at once — and it moves later.
func TestViolationTimesDoNotDependOnBatching(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests 12,000 observations six times")
	}
	a, k, err := benchdata.Reference()
	if err != nil {
		t.Fatal(err)
	}
	lines, err := benchdata.Lines(a, k, 3, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, order := range []struct {
		name    string
		lines   [][]byte
		percent int // of the violations at one batch's time, at least
	}{
		// As the simulator sends them: each when it is reported, imagery
		// hours after it was taken.
		{"as reported", lines, 99},
		{"as observed", inObservedOrder(t, lines), 97},
	} {
		t.Run(order.name, func(t *testing.T) {
			sameTimes(t, order.lines, order.percent)
		})
	}
}

// sameTimes ingests lines in one batch, in batches of 500 and of 37, and
// compares the violations the engine takes.
func sameTimes(t *testing.T, lines [][]byte, percent int) {
	type run struct {
		per        int
		violations map[string]time.Time // by event id
		signed     []time.Time
	}
	runs := []*run{{per: len(lines)}, {per: 500}, {per: 37}}
	for _, r := range runs {
		d := openDurable(t, t.TempDir())
		d.ingestLines(t, lines, r.per)
		r.violations = map[string]time.Time{}
		for _, ev := range entries[engine.Event](t, d.ledger, accord.EntryEvent) {
			switch ev.Type {
			case engine.ViolationEv:
				r.violations[ev.ID] = ev.At
			case engine.Sign:
				r.signed = append(r.signed, ev.At)
			}
		}
		d.close()
	}
	one := runs[0].violations
	if len(one) < 100 {
		t.Fatalf("%d violations in the simulated hours: too few for the test to show anything", len(one))
	}
	for _, r := range runs[1:] {
		// The parties sign at the first report, whatever the first batch
		// held: the agreement's phases and deadlines start there.
		if !slices.EqualFunc(r.signed, runs[0].signed, time.Time.Equal) || len(r.signed) == 0 {
			t.Errorf("batches of %d: signed at %v, in one batch at %v", r.per, r.signed, runs[0].signed)
		}
		same, later := 0, 0
		var most time.Duration
		ceilings := 0
		for id, at := range one {
			got, ok := r.violations[id]
			switch {
			case !ok:
				t.Errorf("batches of %d: no violation %s (one batch: at %v)", r.per, id, at)
			case isCeiling(id):
				// Incidents break a ceiling together: its violation is
				// the batch's, at the batch's latest observation.
				ceilings++
				if got.After(at) {
					t.Errorf("batches of %d: ceiling violation %s at %v, after one batch's end %v", r.per, id, got, at)
				}
			case got.Equal(at):
				same++
			case got.After(at):
				later++
				most = max(most, got.Sub(at))
			default:
				t.Errorf("batches of %d: violation %s at %v, before one batch's %v", r.per, id, got, at)
			}
		}
		for id := range r.violations {
			if _, ok := one[id]; !ok {
				t.Errorf("batches of %d: violation %s, which one batch does not find", r.per, id)
			}
		}
		n := len(one) - ceilings
		t.Logf("batches of %d against one: %d of %d violations at the same time, %d later (by %v at most), and %d of ceilings", r.per, same, n, later, most, ceilings)
		if same*100 < n*percent {
			t.Errorf("batches of %d: %d of %d violations at the time one batch gives them, want %d%% at least", r.per, same, n, percent)
		}
	}
}

// inObservedOrder sorts observation lines by their observation time (the
// simulator sends each when it is reported, hours later for imagery).
func inObservedOrder(tb testing.TB, lines [][]byte) [][]byte {
	tb.Helper()
	at := make(map[*byte]time.Time, len(lines))
	for _, l := range lines {
		obs, err := monitor.DecodeBytes(append(slices.Clone(l), '\n'), "line")
		if err != nil || len(obs) != 1 {
			tb.Fatalf("%s: %v", l, err)
		}
		at[&l[0]] = obs[0].ObservedAt
	}
	out := slices.Clone(lines)
	slices.SortStableFunc(out, func(a, b []byte) int { return at[&a[0]].Compare(at[&b[0]]) })
	return out
}

// isCeiling reports whether a violation's id (incident:rule) is a
// ceiling's.
func isCeiling(id string) bool {
	_, rule, _ := strings.Cut(id, ":")
	return agreement.IsCeilingRule(rule)
}
