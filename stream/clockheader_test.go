package stream

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/accord-peace/accord/monitor"
)

// HeaderClock is read as LINE:UNIX-NANOSECONDS for lines of the message;
// anything else refuses the message, naming the header and the entry.
func TestClockHeader(t *testing.T) {
	line := func(id string) string {
		return `{"type":"Feature","geometry":{"type":"Point","coordinates":[36.2,48.1]},"properties":{"id":"` + id + `","source":{"id":"s","kind":"uav","owner":"osce"},"observed_at":"2025-06-01T00:00:00Z","reported_at":"2025-06-01T00:00:05Z","event":"firing","count":1,"attributed_to":"unknown","accuracy_m":50,"time_accuracy_s":10,"confidence":0.8}}` + "\n"
	}
	data := []byte(line("a") + line("b") + line("c"))
	at := time.Date(2025, 6, 1, 3, 0, 0, 5, time.UTC)
	for _, tc := range []struct {
		header string
		want   []time.Time // nil: no clocks
		err    string
	}{
		{"", nil, ""},
		{"1:" + itoa(at.UnixNano()), []time.Time{{}, at, {}}, ""},
		{"0:" + itoa(at.UnixNano()) + ",2:" + itoa(at.Add(time.Hour).UnixNano()), []time.Time{at, {}, at.Add(time.Hour)}, ""},
		{"3:" + itoa(at.UnixNano()), nil, `"3:`},
		{"1;5", nil, `"1;5" is not LINE:UNIX-NANOSECONDS`},
		{"1:x", nil, `"1:x"`},
		{"-1:5", nil, `"-1:5"`},
	} {
		h := nats.Header{}
		if tc.header != "" {
			h.Set(HeaderClock, tc.header)
		}
		obs, _, clocks, err := decodeObsParts("accord.obs.0", data, h)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), HeaderClock) {
				t.Errorf("%q: error %v, want one naming %s and %s", tc.header, err, HeaderClock, tc.err)
			}
			continue
		}
		if err != nil || len(obs) != 3 {
			t.Fatalf("%q: %d observations, %v", tc.header, len(obs), err)
		}
		if tc.want == nil {
			if clocks != nil {
				t.Errorf("%q: clocks %v, want none", tc.header, clocks)
			}
			continue
		}
		for i := range tc.want {
			if !clocks[i].Equal(tc.want[i]) {
				t.Errorf("%q: line %d's clock %v, want %v", tc.header, i, clocks[i], tc.want[i])
			}
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// lonPlan splits the front at 36°E: sector 0 west of it, 1 east.
type lonPlan struct{}

func (lonPlan) N() int { return 2 }
func (lonPlan) Route(o *monitor.Observation) (int, []int) {
	if o.Position[0] < 36 {
		return 0, nil
	}
	return 1, nil
}

// The ingest node tells a sector the front's clock whether its batch was
// split or lay in that sector alone: after a batch in the east at +10 h,
// a batch in the west at +1 h carries the clock at +10 h, and a split
// batch says how many parts it has.
func TestIngestTellsTheFrontsClock(t *testing.T) {
	g := &Ingester{plan: lonPlan{}}
	t0 := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	mk := func(id string, lon float64, at time.Time) monitor.Observation {
		return monitor.Observation{ID: id, Source: monitor.Source{ID: "s", Kind: monitor.KindUAV, Owner: "osce"}, Position: [2]float64{lon, 48},
			ObservedAt: at, ReportedAt: at, Event: "firing", Count: 1, AttributedTo: monitor.Unknown, AccuracyM: 50, TimeAccuracyS: 10, Confidence: 0.8}
	}
	front := t0.Add(10 * time.Hour)
	for _, tc := range []struct {
		batch  []monitor.Observation
		clocks map[string]string // subject → HeaderClock
		parts  string
	}{
		{[]monitor.Observation{mk("east", 37, front)}, map[string]string{"accord.obs.1": ""}, ""},
		{[]monitor.Observation{mk("west", 35, t0.Add(time.Hour))}, map[string]string{"accord.obs.0": "0:" + itoa(front.UnixNano())}, ""},
		// Split: the west's line after the east's, which moved the clock.
		{[]monitor.Observation{mk("east-2", 37, front.Add(time.Hour)), mk("west-2", 35, t0.Add(2*time.Hour))},
			map[string]string{"accord.obs.0": "0:" + itoa(front.Add(time.Hour).UnixNano()), "accord.obs.1": ""}, "2"},
	} {
		fresh := make([]*monitor.Observation, len(tc.batch))
		for i := range tc.batch {
			fresh[i] = &tc.batch[i]
		}
		msgs := g.messages(tc.batch, fresh, g.route(tc.batch))
		if len(msgs) != len(tc.clocks) {
			t.Fatalf("%s: %d messages, want %d", tc.batch[0].ID, len(msgs), len(tc.clocks))
		}
		for _, m := range msgs {
			want, ok := tc.clocks[m.Subject]
			if !ok || m.Header.Get(HeaderClock) != want || m.Header.Get(HeaderParts) != tc.parts {
				t.Errorf("%s: %s with %s %q and %s %q, want %q and %q", tc.batch[0].ID, m.Subject, HeaderClock, m.Header.Get(HeaderClock), HeaderParts, m.Header.Get(HeaderParts), want, tc.parts)
			}
		}
	}
}

// The ingest node tells each sector the front's clock at the lines of
// the others where one pipeline's fusion looks for incidents to close
// (HeaderTicks: its clock past its last look by scanEvery), a sector
// without a line in the batch in a message of its own, a part of the
// batch; and every message says when fusion last looked
// (HeaderScanned).
func TestIngestTellsWhereFusionLooks(t *testing.T) {
	g := &Ingester{plan: lonPlan{}, scanEvery: 15 * time.Minute}
	t0 := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	mk := func(id string, lon float64, at time.Time) monitor.Observation {
		return monitor.Observation{ID: id, Source: monitor.Source{ID: "s", Kind: monitor.KindUAV, Owner: "osce"}, Position: [2]float64{lon, 48},
			ObservedAt: at, ReportedAt: at, Event: "firing", Count: 1, AttributedTo: monitor.Unknown, AccuracyM: 50, TimeAccuracyS: 10, Confidence: 0.8}
	}
	type msg struct{ ticks, parts, lines string }
	for _, tc := range []struct {
		batch   []monitor.Observation
		want    map[string]msg // subject → its headers
		scanned time.Time
	}{
		// Fusion's first look, at the first line: the west is told.
		{[]monitor.Observation{mk("east", 37, t0)}, map[string]msg{"accord.obs.0": {"0:" + itoa(t0.UnixNano()), "2", ""}, "accord.obs.1": {"", "2", "0"}}, t0},
		// 10 min on: no look.
		{[]monitor.Observation{mk("east-2", 37, t0.Add(10*time.Minute))}, map[string]msg{"accord.obs.1": {"", "", ""}}, t0},
		// 20 min on, at the east's line between two of the west's.
		{[]monitor.Observation{mk("west", 35, t0.Add(5*time.Minute)), mk("east-3", 37, t0.Add(20*time.Minute)), mk("west-2", 35, t0.Add(21*time.Minute))},
			map[string]msg{"accord.obs.0": {"1:" + itoa(t0.Add(20*time.Minute).UnixNano()), "2", "0,2"}, "accord.obs.1": {"", "2", "1"}}, t0.Add(20 * time.Minute)},
	} {
		fresh := make([]*monitor.Observation, len(tc.batch))
		for i := range tc.batch {
			fresh[i] = &tc.batch[i]
		}
		msgs := g.messages(tc.batch, fresh, g.route(tc.batch))
		if len(msgs) != len(tc.want) {
			t.Fatalf("%s: %d messages, want %d", tc.batch[0].ID, len(msgs), len(tc.want))
		}
		for _, m := range msgs {
			want, ok := tc.want[m.Subject]
			got := msg{m.Header.Get(HeaderTicks), m.Header.Get(HeaderParts), m.Header.Get(HeaderLines)}
			if !ok || got != want || m.Header.Get(HeaderScanned) != itoa(tc.scanned.UnixNano()) {
				t.Errorf("%s: %s with ticks, parts, lines %q and %s %s, want %q and %s", tc.batch[0].ID, m.Subject, got, HeaderScanned, m.Header.Get(HeaderScanned), want, itoa(tc.scanned.UnixNano()))
			}
		}
	}
	for _, h := range []string{"1", "1:x", "-1:5", "2:5,2:6"} {
		if _, err := decodeTicks("accord.obs.0", nats.Header{HeaderTicks: {h}}); err == nil || !strings.Contains(err.Error(), HeaderTicks) {
			t.Errorf("%s %q: error %v, want one naming the header", HeaderTicks, h, err)
		}
	}
}

// The ingest node tells the sector of a presence duty's zone the front's
// clock at the line of another sector where it passes a deadline of the
// duty, where one pipeline judges the period (HeaderTicks), in a message
// of its own when the batch has no line of the sector's.
func TestIngestTellsWherePresenceIsJudged(t *testing.T) {
	g := &Ingester{plan: lonPlan{}, duties: []presenceDuty{{sector: 0, d: monitor.PresenceDeadline{Period: 24 * time.Hour, Grace: 2 * time.Hour}}}}
	t0 := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	mk := func(id string, lon float64, at time.Time) monitor.Observation {
		return monitor.Observation{ID: id, Source: monitor.Source{ID: "s", Kind: monitor.KindUAV, Owner: "osce"}, Position: [2]float64{lon, 48},
			ObservedAt: at, ReportedAt: at, Event: "firing", Count: 1, AttributedTo: monitor.Unknown, AccuracyM: 50, TimeAccuracyS: 10, Confidence: 0.8}
	}
	deadline := t0.Add(26 * time.Hour) // 1 June's period, judged once the clock is past it
	for _, tc := range []struct {
		batch []monitor.Observation
		ticks map[string]string // subject → HeaderTicks
	}{
		{[]monitor.Observation{mk("west", 35, t0.Add(3*time.Hour))}, map[string]string{"accord.obs.0": ""}},
		{[]monitor.Observation{mk("east", 37, deadline)}, map[string]string{"accord.obs.1": ""}},
		{[]monitor.Observation{mk("east-2", 37, deadline.Add(time.Second)), mk("east-3", 37, deadline.Add(time.Hour))},
			map[string]string{"accord.obs.0": "0:" + itoa(deadline.Add(time.Second).UnixNano()), "accord.obs.1": ""}},
		{[]monitor.Observation{mk("east-4", 37, deadline.Add(2*time.Hour))}, map[string]string{"accord.obs.1": ""}},
	} {
		fresh := make([]*monitor.Observation, len(tc.batch))
		for i := range tc.batch {
			fresh[i] = &tc.batch[i]
		}
		msgs := g.messages(tc.batch, fresh, g.route(tc.batch))
		if len(msgs) != len(tc.ticks) {
			t.Fatalf("%s: %d messages, want %d", tc.batch[0].ID, len(msgs), len(tc.ticks))
		}
		for _, m := range msgs {
			if want, ok := tc.ticks[m.Subject]; !ok || m.Header.Get(HeaderTicks) != want {
				t.Errorf("%s: %s with %s %q, want %q", tc.batch[0].ID, m.Subject, HeaderTicks, m.Header.Get(HeaderTicks), want)
			}
		}
	}
}

// A node's --tick-every publishes a tick when it passes a presence
// duty's deadline that neither the front's clock nor a tick published
// before has passed (the sectors judge the period at it); nothing before
// the first observation.
func TestPresenceDueAt(t *testing.T) {
	g := &Ingester{deadlines: []monitor.PresenceDeadline{{Period: 24 * time.Hour, Grace: 6 * time.Hour}}}
	june := func(d, h int) time.Time { return time.Date(2025, 6, d, h, 0, 0, 0, time.UTC) }
	if g.PresenceDueAt(june(9, 0)) {
		t.Error("due before the first observation")
	}
	g.clock = june(1, 12)
	for _, c := range []struct {
		ticked time.Time
		at     time.Time
		due    bool
	}{
		{time.Time{}, june(2, 6), false}, // 1 June's deadline, not passed
		{time.Time{}, june(2, 7), true},
		{june(2, 7), june(2, 8), false}, // the tick published passed it
		{june(2, 7), june(3, 7), true},  // 2 June's
		{june(3, 7), june(1, 13), false},
	} {
		g.ticked = c.ticked
		if got := g.PresenceDueAt(c.at); got != c.due {
			t.Errorf("the front's clock %v, a tick published to %v: due at %v %v, want %v", g.clock, c.ticked, c.at, got, c.due)
		}
	}
}
