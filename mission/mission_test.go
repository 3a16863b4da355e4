package mission_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/local"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
)

// mustReference is the reference agreement and its kernel.
func mustReference(tb testing.TB) (*agreement.Agreement, *geo.Kernel) {
	return monitortest.Reference(tb)
}

// durable is a mission on the embedded deployment's stores in a directory:
// SQLite and the file ledger.
type durable struct {
	*local.Deployment
	ledger *ledger.Ledger
}

// openDurable opens (or reopens) the mission whose stores are in dir.
func openDurable(tb testing.TB, dir string) *durable {
	tb.Helper()
	a, k := mustReference(tb)
	d, err := local.Open(context.Background(), local.Config{Dir: dir, Agreement: a, Kernel: k})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { d.Close() })
	return &durable{Deployment: d, ledger: d.Ledger}
}

func (d *durable) close() { d.Close() }

// ingestLines ingests NDJSON lines in batches of per, decoded as the
// server decodes a body, and returns each batch's result.
func (d *durable) ingestLines(tb testing.TB, lines [][]byte, per int) []mission.IngestResult {
	tb.Helper()
	var out []mission.IngestResult
	for lo := 0; lo < len(lines); lo += per {
		batch, err := monitor.DecodeBytes(append(bytes.Join(lines[lo:min(lo+per, len(lines))], []byte("\n")), '\n'), "batch")
		if err != nil {
			tb.Fatal(err)
		}
		res, err := d.Ingest(context.Background(), batch, nil)
		if err != nil {
			tb.Fatalf("batch at line %d: %v", lo, err)
		}
		out = append(out, res)
	}
	return out
}

// entries returns the derived entries of a type in the ledger, decoded
// into new values of T, in order.
func entries[T any](tb testing.TB, l *ledger.Ledger, typ string) []T {
	tb.Helper()
	var out []T
	for i := int64(0); i < l.Len(); i++ {
		rec, err := l.Record(i)
		if err != nil {
			tb.Fatal(err)
		}
		var e ledger.Entry
		if err := json.Unmarshal(rec, &e); err != nil {
			tb.Fatal(err)
		}
		if e.Kind != ledger.KindDerived || e.Type != typ {
			continue
		}
		var v T
		if err := json.Unmarshal(e.Body, &v); err != nil {
			tb.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

var t0 = time.Date(2025, 6, 1, 4, 0, 0, 0, time.UTC)

// tanks returns an observation of n tanks at a point inside the Russian
// side's security area (ceiling 10, inside the tanks' band), by a neutral
// owner.
func tanks(tb testing.TB, source, owner string, n int, at time.Time) monitor.Observation {
	a, _ := mustReference(tb)
	ring := a.Monitoring.Geometry.Zone("security-area-zaporizhzhia-ru").Polygons[0][0]
	inner, outer := ring[0], ring[len(ring)-1]
	o := monitortest.Observation(source, "1")
	o.Source.Owner = owner
	o.Position = [2]float64{(inner[0] + outer[0]) / 2, (inner[1] + outer[1]) / 2}
	o.Equipment, o.CaliberMM, o.Count = "tank", 125, n
	o.ObservedAt, o.ReportedAt = at, at.Add(time.Minute)
	return o
}

const ceilingRule = "ceiling:security-area-zaporizhzhia-ru:tank"

// A ceiling violation reaches the agreement engine and the record; a
// dispute and then a finding that dismisses it flow back to the incident:
// the store, the ledger (the feed's source) and the compliance view say
// dismissed, a later report does not undo it, nor does a restart.
func TestCeilingAndFindingFlowBothWays(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m := openDurable(t, dir)
	res, err := m.Ingest(ctx, []monitor.Observation{tanks(t, "sat-un", "un", 11, t0), tanks(t, "sat-osce", "osce", 11, t0.Add(time.Hour))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Incidents) != 1 || res.Incidents[0].State != accord.IncidentConfirmed {
		t.Fatalf("incidents %+v, want one confirmed", res.Incidents)
	}
	in := res.Incidents[0]
	if !slices.ContainsFunc(in.Violations, func(v monitor.Violation) bool { return v.Rule == ceilingRule }) {
		t.Fatalf("violations %+v lack the ceiling", in.Violations)
	}
	st, err := m.State()
	if err != nil {
		t.Fatal(err)
	}
	vid := in.ID + ":" + ceilingRule
	if !slices.ContainsFunc(st.Violations, func(v engine.ViolationState) bool { return v.ID == vid && v.Party == "ru" }) {
		t.Fatalf("the engine's violations %+v lack %s", st.Violations, vid)
	}
	if evs := entries[engine.Event](t, m.ledger, accord.EntryEvent); !slices.ContainsFunc(evs, func(e engine.Event) bool { return e.Rule == ceilingRule }) {
		t.Fatalf("the ledger's engine events lack the ceiling violation")
	}

	if _, err := m.Respond(ctx, vid, "ru", "dispute", "our count: 9 tanks", true); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := m.Incident(ctx, in.ID); got.State != accord.IncidentDisputed {
		t.Fatalf("after the dispute the incident is %s, want disputed", got.State)
	}
	for _, g := range []string{"us", "eu"} {
		if _, err := m.SignFinding(ctx, vid, g, engine.Dismissed, "imagery re-read: 9 tanks"); err != nil {
			t.Fatal(err)
		}
	}
	check := func(when string, m *durable) {
		t.Helper()
		got, _, err := m.Incident(ctx, in.ID)
		if err != nil || got.State != accord.IncidentDismissed {
			t.Fatalf("%s: incident %+v, %v; want dismissed", when, got, err)
		}
		var final monitor.Incident
		for _, x := range entries[monitor.Incident](t, m.ledger, accord.EntryIncident) {
			if x.ID == in.ID {
				final = x
			}
		}
		if final.State != accord.IncidentDismissed {
			t.Fatalf("%s: the ledger's last version of %s is %s, want dismissed", when, in.ID, final.State)
		}
		st, _ := m.State()
		i := slices.IndexFunc(st.Consultations, func(c engine.ConsultationState) bool { return c.ID == vid })
		if i < 0 || st.Consultations[i].Outcome != engine.Dismissed {
			t.Fatalf("%s: consultation %+v", when, st.Consultations)
		}
		c, err := api.ComplianceOf(m.Agreement().Parties, st, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		for _, pc := range c.Parties {
			if pc.Party == "ru" && pc.Totals.Dismissed < 1 {
				t.Fatalf("%s: ru's compliance totals %+v count no dismissed violation", when, pc.Totals)
			}
		}
	}
	check("after the finding", m)
	// A later report joins the incident; the finding stands.
	later := tanks(t, "uav-un", "un", 11, t0.Add(2*time.Hour))
	res, err = m.Ingest(ctx, []monitor.Observation{later}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Incidents) != 1 || res.Incidents[0].ID != in.ID || res.Incidents[0].State != accord.IncidentDismissed {
		t.Fatalf("a later report gave %+v, want %s still dismissed", res.Incidents, in.ID)
	}
	check("after a later report", m)
	m.close()
	check("after a restart", openDurable(t, dir))
}

// A resend of an observation is a duplicate however old it is: after a
// week of other observations, and after a restart.
func TestResendOfAWeekOldObservationIsADuplicate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m := openDurable(t, dir)
	first := tanks(t, "sat-un", "un", 3, t0)
	if _, err := m.Ingest(ctx, []monitor.Observation{first}, nil); err != nil {
		t.Fatal(err)
	}
	for day := 1; day <= 7; day++ {
		o := monitortest.Observation("sat-un", "day-"+string(rune('0'+day)))
		o.ObservedAt = t0.Add(time.Duration(day) * 24 * time.Hour)
		o.ReportedAt = o.ObservedAt.Add(time.Minute)
		if _, err := m.Ingest(ctx, []monitor.Observation{o}, nil); err != nil {
			t.Fatal(err)
		}
	}
	before, err := m.AllIncidents(ctx, monitor.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	resend := func(m *durable, when string) {
		res, err := m.Ingest(ctx, []monitor.Observation{first}, nil)
		if err != nil || res.Added != 0 || res.Duplicates != 1 || len(res.Incidents) != 0 {
			t.Fatalf("%s: resend gave %+v, %v; want one duplicate and no incident", when, res, err)
		}
		after, _ := m.AllIncidents(ctx, monitor.IncidentFilter{})
		if len(after) != len(before) {
			t.Fatalf("%s: %d incidents after the resend, %d before", when, len(after), len(before))
		}
	}
	if before[0].ClosedAt == nil {
		t.Fatalf("the week-old incident is still open: %+v", before[0])
	}
	resend(m, "a week later")
	m.close()
	resend(openDurable(t, dir), "after a restart")
}
