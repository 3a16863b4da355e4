package monitortest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/monitor"
)

// Incident returns an incident with the given id, first observed at minute
// n of a day, in a state.
func Incident(id string, n int, state string) monitor.Incident {
	t := time.Date(2025, 6, 1, 0, n, 0, 0, time.UTC)
	return monitor.Incident{ID: id, State: state, Event: "firing", Location: [2]float64{37.6, 48}, FirstObserved: t, LastObserved: t.Add(time.Minute),
		Observations: nil, Side: "ua", Zones: []string{}, Violations: []monitor.Violation{}}
}

// RunIncidentStoreTests runs the conformance suite of incident stores
// against fresh stores.
func RunIncidentStoreTests(t *testing.T, newStore func(t *testing.T) monitor.IncidentStore) {
	ctx := context.Background()
	ids := func(p monitor.IncidentPage) string {
		var out []string
		for _, in := range p.Incidents {
			out = append(out, in.ID+"/"+in.State)
		}
		return fmt.Sprint(out)
	}
	t.Run("versions replace each other in the order first stored", func(t *testing.T) {
		s := newStore(t)
		if err := s.PutIncidents(ctx, []monitor.Incident{Incident("inc-2", 2, "reported"), Incident("inc-10", 10, "reported")}); err != nil {
			t.Fatal(err)
		}
		later := Incident("inc-2", 2, "confirmed")
		closed := later.LastObserved.Add(24 * time.Hour)
		later.ClosedAt, later.ClosedReason = &closed, "no report for 24h0m0s after its last observation"
		if err := s.PutIncidents(ctx, []monitor.Incident{Incident("inc-3", 3, "corroborated"), later}); err != nil {
			t.Fatal(err)
		}
		p, err := s.Incidents(ctx, monitor.IncidentQuery{})
		if err != nil || ids(p) != "[inc-2/confirmed inc-10/reported inc-3/corroborated]" || p.Next != "" {
			t.Fatalf("listing %s next %q, %v", ids(p), p.Next, err)
		}
		got, err := s.Incident(ctx, "inc-2")
		if err != nil || got.ClosedAt == nil || !got.ClosedAt.Equal(closed) || got.ClosedReason == "" {
			t.Fatalf("closed incident read back as %+v, %v", got, err)
		}
		if _, err := s.Incident(ctx, "inc-4"); accord.ErrorCode(err) != accord.ENOTFOUND {
			t.Errorf("unknown incident: %v, want ENOTFOUND", err)
		}
	})
	t.Run("filters and pages, the last page says so", func(t *testing.T) {
		s := newStore(t)
		var batch []monitor.Incident
		for i := 0; i < 25; i++ {
			st := "reported"
			if i%3 == 0 {
				st = "dismissed"
			}
			in := Incident(fmt.Sprintf("inc-%d", i), i, st)
			if i%2 == 0 {
				at := in.LastObserved.Add(24 * time.Hour)
				in.ClosedAt = &at
			}
			batch = append(batch, in)
		}
		if err := s.PutIncidents(ctx, batch); err != nil {
			t.Fatal(err)
		}
		closed := true
		q := monitor.IncidentQuery{Filter: monitor.IncidentFilter{States: []string{"dismissed"}, Closed: &closed,
			Since: batch[3].LastObserved, Until: batch[20].FirstObserved}, Limit: 2}
		var got []string
		for pages := 0; ; pages++ {
			p, err := s.Incidents(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if pages > 10 || len(p.Incidents) > 2 {
				t.Fatalf("page %d: %s", pages, ids(p))
			}
			for _, in := range p.Incidents {
				got = append(got, in.ID)
			}
			if p.Next == "" {
				break
			}
			q.After = p.Next
		}
		if fmt.Sprint(got) != "[inc-6 inc-12 inc-18]" {
			t.Errorf("dismissed, closed, minutes 3..20: %v, want [inc-6 inc-12 inc-18]", got)
		}
		open := false
		p, err := s.Incidents(ctx, monitor.IncidentQuery{Filter: monitor.IncidentFilter{Closed: &open}})
		if err != nil || len(p.Incidents) != 12 {
			t.Errorf("open incidents: %d, %v; want 12", len(p.Incidents), err)
		}
	})
	t.Run("bad cursors and limits are refused", func(t *testing.T) {
		s := newStore(t)
		for _, q := range []monitor.IncidentQuery{{After: "x"}, {After: "-3"}, {Limit: -1}, {Limit: monitor.MaxPageSize + 1}} {
			if _, err := s.Incidents(ctx, q); accord.ErrorCode(err) != accord.EINVALID {
				t.Errorf("%+v: %v, want EINVALID", q, err)
			}
		}
	})
	t.Run("zone and bounding box", func(t *testing.T) {
		s := newStore(t)
		var batch []monitor.Incident
		for i := 0; i < 6; i++ {
			in := Incident(fmt.Sprintf("inc-%d", i), i, "reported")
			in.Location = [2]float64{37 + 0.5*float64(i), 47 + 0.25*float64(i)} // 37..39.5 E, 47..48.25 N
			if i%2 == 1 {
				in.Zones = []string{"dmz", "band-1"}
			}
			batch = append(batch, in)
		}
		if err := s.PutIncidents(ctx, batch); err != nil {
			t.Fatal(err)
		}
		list := func(f monitor.IncidentFilter) string {
			p, err := s.Incidents(ctx, monitor.IncidentQuery{Filter: f})
			if err != nil {
				t.Fatal(err)
			}
			return ids(p)
		}
		if got := list(monitor.IncidentFilter{Zone: "dmz"}); got != "[inc-1/reported inc-3/reported inc-5/reported]" {
			t.Errorf("zone dmz: %s", got)
		}
		if got := list(monitor.IncidentFilter{Zone: "dm"}); got != "[]" {
			t.Errorf("zone dm (a prefix of one): %s", got)
		}
		// Edges included: inc-1 lies on the west and south edges, inc-4 on the north-east corner.
		if got := list(monitor.IncidentFilter{BBox: &[4]float64{37.5, 47.25, 39, 48}}); got != "[inc-1/reported inc-2/reported inc-3/reported inc-4/reported]" {
			t.Errorf("bbox: %s", got)
		}
		if got := list(monitor.IncidentFilter{BBox: &[4]float64{37.5, 47.25, 39, 48}, Zone: "band-1"}); got != "[inc-1/reported inc-3/reported]" {
			t.Errorf("bbox and zone: %s", got)
		}
	})
	t.Run("a filter decided on the decoded incidents, paged", func(t *testing.T) {
		s := newStore(t)
		ru := "ru"
		var batch []monitor.Incident
		for i := 0; i < 30; i++ {
			in := Incident(fmt.Sprintf("inc-%d", i), i, "reported")
			if i%7 == 3 {
				in.Violations = []monitor.Violation{{Rule: "r", Provision: "p", Party: &ru}}
			}
			batch = append(batch, in)
		}
		if err := s.PutIncidents(ctx, batch); err != nil {
			t.Fatal(err)
		}
		q := monitor.IncidentQuery{Filter: monitor.IncidentFilter{Party: "ru"}, Limit: 2}
		var got []string
		for pages := 0; ; pages++ {
			p, err := s.Incidents(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if pages > 10 || len(p.Incidents) > 2 {
				t.Fatalf("page %d: %s", pages, ids(p))
			}
			for _, in := range p.Incidents {
				got = append(got, in.ID)
			}
			if p.Next == "" {
				break
			}
			q.After = p.Next
		}
		if fmt.Sprint(got) != "[inc-3 inc-10 inc-17 inc-24]" {
			t.Errorf("violations by ru, two a page: %v, want [inc-3 inc-10 inc-17 inc-24]", got)
		}
	})
	t.Run("a cursor past every position lists nothing", func(t *testing.T) {
		s := newStore(t)
		if err := s.PutIncidents(ctx, []monitor.Incident{Incident("inc-1", 1, "reported"), Incident("inc-2", 2, "reported")}); err != nil {
			t.Fatal(err)
		}
		// A cursor is any position ParseCursor takes: the largest one is
		// past every incident, an empty last page, not a failure.
		for _, after := range []string{"9223372036854775807", "9223372036854775806", "1000000"} {
			p, err := s.Incidents(ctx, monitor.IncidentQuery{After: after})
			if err != nil || len(p.Incidents) != 0 || p.Next != "" {
				t.Errorf("after %s: %s next %q, %v; want an empty last page", after, ids(p), p.Next, err)
			}
		}
	})
	t.Run("an instant of the filter past year 9999 in UTC", func(t *testing.T) {
		s := newStore(t)
		if err := s.PutIncidents(ctx, []monitor.Incident{Incident("inc-1", 1, "reported"), Incident("inc-2", 2, "reported")}); err != nil {
			t.Fatal(err)
		}
		// 9999-12-31T23:59:59-23:59 is a valid RFC 3339 instant (what a
		// client may send for "no end"): in UTC it is in year 10000, after
		// every incident's first observation, so until it lists them all;
		// since it lists none. Year -1 in UTC (0000-01-01T00:00:00+23:59)
		// is before them all.
		far, err := time.Parse(time.RFC3339, "9999-12-31T23:59:59-23:59")
		if err != nil {
			t.Fatal(err)
		}
		early, err := time.Parse(time.RFC3339, "0000-01-01T00:00:00+23:59")
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			f    monitor.IncidentFilter
			want string
		}{
			{monitor.IncidentFilter{Until: far}, "[inc-1/reported inc-2/reported]"},
			{monitor.IncidentFilter{Since: far}, "[]"},
			{monitor.IncidentFilter{Since: early}, "[inc-1/reported inc-2/reported]"},
			{monitor.IncidentFilter{Until: early}, "[]"},
			{monitor.IncidentFilter{Since: early, Until: far}, "[inc-1/reported inc-2/reported]"},
		} {
			p, err := s.Incidents(ctx, monitor.IncidentQuery{Filter: tt.f})
			if err != nil || ids(p) != tt.want {
				t.Errorf("since %s until %s: %s, %v; want %s", tt.f.Since.UTC(), tt.f.Until.UTC(), ids(p), err, tt.want)
			}
		}
	})
}
