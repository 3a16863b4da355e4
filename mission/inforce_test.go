package mission_test

import (
	"context"
	"slices"
	"testing"
	"time"

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
		a, k := mustReference(t)
		timed := *a
		m := *a.Monitoring
		m.Bands = slices.Clone(m.Bands)
		for i := range m.Bands {
			m.Bands[i].From = "provision:heavy-weapons-withdrawal"
		}
		timed.Monitoring = &m
		d, err := local.Open(ctx, local.Config{Dir: dir, Agreement: &timed, Kernel: k})
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
	a, k := mustReference(t)
	timed := *a
	m := *a.Monitoring
	m.Bands = slices.Clone(m.Bands)
	for i := range m.Bands {
		m.Bands[i].From = "provision:heavy-weapons-withdrawal"
	}
	timed.Monitoring = &m
	batch, err := mission.Open(ctx, mission.Config{Agreement: &timed, Kernel: k, Observations: monitor.NewMemStore(), Incidents: monitor.NewMemIncidentStore()})
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
