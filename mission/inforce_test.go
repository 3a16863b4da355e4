package mission_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/local"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
)

// A band the agreement ties to its clock (from the withdrawal's deadline,
// fourteen days after signature) is not broken by a weapon seen before the
// deadline, and is by one seen after it; a restart decides the same.
func TestRulesTakeEffectOnTheAgreementsClock(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func() *local.Deployment {
		timed, k := withBands(t, func(b *agreement.Band) { b.From = "provision:heavy-weapons-withdrawal" })
		d, err := local.Open(ctx, local.Config{Dir: dir, Agreement: timed, Kernel: k})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	d := open()
	// Eleven tanks inside the 15 km band, seen by two neutral owners: a
	// confirmed incident, at signature and again three weeks later at
	// another place.
	early := []monitor.Observation{tanks(t, "sat-un", "un", 5, t0), tanks(t, "sat-osce", "osce", 5, t0.Add(time.Hour))}
	late := []monitor.Observation{tanks(t, "sat-un", "un", 5, t0.Add(21*24*time.Hour)), tanks(t, "sat-osce", "osce", 5, t0.Add(21*24*time.Hour+time.Hour))}
	for i := range late {
		late[i].ID = "late"
	}
	bandsOf := func(ins []monitor.Incident) []string {
		var out []string
		for _, in := range ins {
			for _, v := range in.Violations {
				out = append(out, in.ID+" "+v.Rule)
			}
		}
		return out
	}
	res, err := d.Ingest(ctx, early, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := bandsOf(res.Incidents); len(got) != 0 {
		t.Errorf("before the withdrawal's deadline: %v", got)
	}
	res, err = d.Ingest(ctx, late, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := bandsOf(res.Incidents); !slices.Equal(got, []string{"inc-2 band:tanks-mortars-light-artillery"}) {
		t.Fatalf("after the deadline: %v, want the late incident's band only", got)
	}
	all, _ := d.AllIncidents(ctx, monitor.IncidentFilter{})
	before := bandsOf(all)
	st, _ := d.State()
	d.Close()
	d = open()
	defer d.Close()
	all, _ = d.AllIncidents(ctx, monitor.IncidentFilter{})
	if after := bandsOf(all); !slices.Equal(before, after) {
		t.Errorf("a restart decides otherwise:\n before %v\n after  %v", before, after)
	}
	if st2, _ := d.State(); st2.Hash() != st.Hash() {
		t.Error("a restart gives another state")
	}
	// The batch commands' mission, in memory without a record, runs the
	// engine too and decides the same.
	timed, k := withBands(t, func(b *agreement.Band) { b.From = "provision:heavy-weapons-withdrawal" })
	batch, err := mission.Open(ctx, mission.Config{Agreement: timed, Kernel: k, Observations: monitor.NewMemStore(), Incidents: monitor.NewMemIncidentStore()})
	if err != nil {
		t.Fatal(err)
	}
	defer batch.Close()
	for _, b := range [][]monitor.Observation{early, late} {
		if _, err := batch.Ingest(ctx, b, nil); err != nil {
			t.Fatal(err)
		}
	}
	if all, _ := batch.AllIncidents(ctx, monitor.IncidentFilter{}); !slices.Equal(bandsOf(all), before) {
		t.Errorf("in memory %v, with the record %v", bandsOf(all), before)
	}
}

// A rule tied to the agreement's clock counts when the incident was
// confirmed if it is in force then, and else at the incident's latest
// observation if it is in force by then — the same in one batch as in
// three. (A rule in force until the withdrawal's deadline, broken by an
// incident confirmed before it and seen again after it, used to count in
// three batches and not in one, which judged the incident at its latest
// observation only.)
func TestTimedRuleCountsAtConfirmationWhateverTheBatches(t *testing.T) {
	ctx := context.Background()
	deadline := t0.Add(14 * 24 * time.Hour) // the withdrawal's: fourteen days after signature
	const band = "band:tanks-mortars-light-artillery"
	at := func(source, owner, id string, d time.Duration) monitor.Observation {
		o := tanks(t, source, owner, 5, deadline.Add(d))
		o.ID = id
		return o
	}
	// Signature at t0, with a report elsewhere in time; then two neutral
	// owners confirm an incident half an hour before the deadline, and a
	// third report sees it half an hour after.
	start := []monitor.Observation{tanks(t, "drone-ua", "ua", 5, t0)}
	seen := []monitor.Observation{
		at("sat-un", "un", "a", -45*time.Minute),
		at("sat-osce", "osce", "b", -30*time.Minute),
		at("sat-un", "un", "c", 30*time.Minute),
	}
	for _, tt := range []struct {
		name     string
		window   func(b *agreement.Band)
		violated time.Time // zero: no violation
	}{
		{"in force from the deadline", func(b *agreement.Band) { b.From = "provision:heavy-weapons-withdrawal" }, deadline.Add(30 * time.Minute)},
		{"in force until the deadline", func(b *agreement.Band) { b.Until = "provision:heavy-weapons-withdrawal" }, deadline.Add(-30 * time.Minute)},
	} {
		for _, batches := range [][][]monitor.Observation{{seen}, {seen[:1], seen[1:2], seen[2:]}} {
			t.Run(fmt.Sprintf("%s, %d batches", tt.name, len(batches)), func(t *testing.T) {
				timed, k := withBands(t, tt.window)
				d, err := mission.Open(ctx, mission.Config{Agreement: timed, Kernel: k, Observations: monitor.NewMemStore(), Incidents: monitor.NewMemIncidentStore()})
				if err != nil {
					t.Fatal(err)
				}
				defer d.Close()
				for _, b := range append([][]monitor.Observation{start}, batches...) {
					if _, err := d.Ingest(ctx, b, nil); err != nil {
						t.Fatal(err)
					}
				}
				var got []string
				for _, v := range recorded(t, d, band) {
					got = append(got, v.At.Format(time.RFC3339))
				}
				if want := []string{tt.violated.Format(time.RFC3339)}; !slices.Equal(got, want) {
					t.Errorf("the band's violations at %v, want at %v", got, want)
				}
			})
		}
	}
}

// A report that arrives late — an incident seen while the rule was in
// force, confirmed once the engine's clock had passed the rule's end — is
// recorded, at the time it became known, as the incident shows it; the
// rule is judged at when the incident was seen, not at when it was
// confirmed.
func TestLateReportOfARuleInForceIsRecorded(t *testing.T) {
	ctx := context.Background()
	deadline := t0.Add(14 * 24 * time.Hour)
	const band = "band:tanks-mortars-light-artillery"
	timed, k := withBands(t, func(b *agreement.Band) { b.Until = "provision:heavy-weapons-withdrawal" })
	at := func(source, owner, id string, d time.Duration) monitor.Observation {
		o := tanks(t, source, owner, 5, deadline.Add(d))
		o.ID = id
		return o
	}
	other := at("drone-ua", "ua", "y", 30*time.Minute) // elsewhere, after the deadline
	other.Position = [2]float64{35.97, 47.416}
	start := []monitor.Observation{tanks(t, "drone-ua", "ua", 5, t0)}
	late := []monitor.Observation{at("sat-un", "un", "a", -45*time.Minute), at("sat-osce", "osce", "b", -30*time.Minute)}
	for _, batches := range [][][]monitor.Observation{{start, {other}, late}, {start, append([]monitor.Observation{other}, late...)}} {
		t.Run(fmt.Sprintf("%d batches", len(batches)), func(t *testing.T) {
			d, err := mission.Open(ctx, mission.Config{Agreement: timed, Kernel: k, Observations: monitor.NewMemStore(), Incidents: monitor.NewMemIncidentStore()})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			shown := ""
			for _, b := range batches {
				res, err := d.Ingest(ctx, b, nil)
				if err != nil {
					t.Fatal(err)
				}
				for _, in := range res.Incidents {
					if in.State == "confirmed" && slices.ContainsFunc(in.Violations, func(v monitor.Violation) bool { return v.Rule == band }) {
						shown = in.ID
					}
				}
			}
			var got []string
			for _, v := range recorded(t, d, band) {
				got = append(got, v.Incident+" at "+v.At.Sub(deadline).String())
			}
			if want := []string{shown + " at 30m0s"}; shown == "" || !slices.Equal(got, want) {
				t.Errorf("the engine records %v of the band, want %v (the confirmed incident shown: %q)", got, want, shown)
			}
			// The incident keeps the violation recorded, though the rule
			// is out of force at its latest observation.
			all, _ := d.AllIncidents(ctx, monitor.IncidentFilter{})
			for _, in := range all {
				if in.ID == shown && !slices.ContainsFunc(in.Violations, func(v monitor.Violation) bool { return v.Rule == band }) {
					t.Errorf("%s as stored lists %v: not the band the engine recorded", in.ID, in.Violations)
				}
			}
		})
	}
}

// Incidents break a ceiling together: its violation is dated by the batch
// that took the count over, not by the confirmation of an incident that
// counted before it did.
func TestCeilingViolationIsNotDatedBack(t *testing.T) {
	ctx := context.Background()
	a, k := mustReference(t)
	mk := func(source, owner, id string, d time.Duration, elsewhere bool) monitor.Observation {
		o := tanks(t, source, owner, 6, t0.Add(d))
		o.ID = id
		if elsewhere { // in the same security area
			o.Position = [2]float64{35.97, 47.416}
		}
		return o
	}
	a1, a2 := mk("sat-un", "un", "a1", 0, false), mk("sat-osce", "osce", "a2", time.Hour, false)
	b1, b2 := mk("sat-un", "un", "b1", 3*time.Hour, true), mk("sat-osce", "osce", "b2", 4*time.Hour, true)
	firing := mk("sat-un", "un", "x", 2*time.Hour, true)
	firing.Equipment, firing.Count, firing.CaliberMM, firing.Event = "", 0, 0, "firing"
	for _, batches := range [][][]monitor.Observation{{{a1, a2, b1, b2}}, {{a1, a2}, {b1, b2}}, {{a1, a2}, {firing}, {b1, b2}}} {
		d, err := mission.Open(ctx, mission.Config{Agreement: a, Kernel: k, Observations: monitor.NewMemStore(), Incidents: monitor.NewMemIncidentStore()})
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range batches {
			if _, err := d.Ingest(ctx, b, nil); err != nil {
				t.Fatal(err)
			}
		}
		st, _ := d.State()
		n := 0
		for _, v := range st.Violations {
			if agreement.IsCeilingRule(v.Rule) {
				n++
				if at := v.At.Sub(t0); at != 4*time.Hour {
					t.Errorf("%d batches: %s at +%v, want +4h (when the second group of tanks took the count over)", len(batches), v.ID, at)
				}
			}
		}
		if n == 0 {
			t.Errorf("%d batches: no ceiling violation", len(batches))
		}
		d.Close()
	}
}

// withBands is the reference agreement with every band changed by set
// (tied to the agreement's clock), and its kernel.
func withBands(tb testing.TB, set func(*agreement.Band)) (*agreement.Agreement, *geo.Kernel) {
	a, k := mustReference(tb)
	timed := *a
	m := *a.Monitoring
	m.Bands = slices.Clone(m.Bands)
	for i := range m.Bands {
		set(&m.Bands[i])
	}
	timed.Monitoring = &m
	return &timed, k
}

// recorded are the violations of a rule the mission's engine holds.
func recorded(tb testing.TB, m *mission.Mission, rule string) []engine.ViolationState {
	tb.Helper()
	st, err := m.State()
	if err != nil {
		tb.Fatal(err)
	}
	var out []engine.ViolationState
	for _, v := range st.Violations {
		if v.Rule == rule {
			out = append(out, v)
		}
	}
	return out
}
