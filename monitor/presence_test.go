package monitor_test

import (
	"fmt"
	"math"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/scenarios"
)

// mustNuclearPlant is the Zaporizhzhia nuclear plant safety agreement and
// its kernel.
func mustNuclearPlant(tb testing.TB) (*agreement.Agreement, *geo.Kernel) {
	tb.Helper()
	a, err := agreement.LoadFS(scenarios.FS, scenarios.NuclearPlantAgreement)
	if err != nil {
		tb.Fatal(err)
	}
	k, err := monitor.NewKernel(a.Monitoring)
	if err != nil {
		tb.Fatal(err)
	}
	return a, k
}

var (
	plant   = [2]float64{34.5863, 47.5119}
	day1    = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	faraway = [2]float64{34.30, 47.30} // in no zone
)

// report is the IAEA team's presence report observed at t, reported
// after delay, at a position.
func report(id string, t time.Time, delay time.Duration, owner string, at [2]float64) *monitor.Observation {
	return &monitor.Observation{ID: id, Source: monitor.Source{ID: owner + "-team", Kind: monitor.KindGroundMonitor, Owner: owner},
		Position: at, ObservedAt: t, ReportedAt: t.Add(delay), Event: "presence", Count: 1,
		AttributedTo: monitor.Unknown, AccuracyM: 50, TimeAccuracyS: 60, Confidence: 1}
}

// tick is an observation that moves the observations' clock to t and
// breaks nothing.
func tick(t time.Time) *monitor.Observation {
	return &monitor.Observation{ID: "tick-" + t.Format(time.RFC3339), Source: monitor.Source{ID: "sat-1", Kind: monitor.KindSatellite, Owner: "cn"},
		Position: faraway, ObservedAt: t, ReportedAt: t, Event: "other", Count: 1,
		AttributedTo: monitor.Unknown, AccuracyM: 20, TimeAccuracyS: 1, Confidence: 0.9}
}

// daily is a stream over days 1..n (June 2025): the team's report at 09:00
// on each day listed, a tick at noon every day, and a last tick at end.
func daily(n int, reported []int, end time.Time) []*monitor.Observation {
	var out []*monitor.Observation
	for d := 1; d <= n; d++ {
		at := day1.AddDate(0, 0, d-1)
		if slices.Contains(reported, d) {
			out = append(out, report(fmt.Sprintf("r%d", d), at.Add(9*time.Hour), 10*time.Minute, "iaea", plant))
		}
		out = append(out, tick(at.Add(12*time.Hour)))
	}
	return append(out, tick(end))
}

// missing lists the ids of the missing-report incidents among incidents.
func missing(ins []monitor.Incident) []string {
	out := []string{}
	for _, in := range ins {
		if in.Event == monitor.MissingReport {
			out = append(out, in.ID)
		}
	}
	return out
}

func TestPresenceFiresOncePerMissedPeriod(t *testing.T) {
	a, k := mustNuclearPlant(t)
	june := func(d, h int) time.Time { return time.Date(2025, 6, d, h, 0, 0, 0, time.UTC) }
	nikopol := [2]float64{34.40, 47.57}
	cases := []struct {
		name   string
		stream []*monitor.Observation
		want   []string
	}{
		{"every day reported", daily(5, []int{1, 2, 3, 4, 5}, june(6, 7)), nil},
		{"one day missing", daily(5, []int{1, 2, 4, 5}, june(6, 7)), []string{"presence:iaea-znpp:2025-06-03"}},
		{"a gap of three days, one incident a day", daily(5, []int{1, 5}, june(6, 7)),
			[]string{"presence:iaea-znpp:2025-06-02", "presence:iaea-znpp:2025-06-03", "presence:iaea-znpp:2025-06-04"}},
		{"the clock jumps over the gap", append(daily(1, []int{1}, june(1, 13)), tick(june(5, 7))),
			[]string{"presence:iaea-znpp:2025-06-02", "presence:iaea-znpp:2025-06-03", "presence:iaea-znpp:2025-06-04"}},
		{"the deadline not passed yet", daily(3, []int{1, 2}, june(4, 6)), nil},
		{"the deadline passed", daily(3, []int{1, 2}, june(4, 6).Add(time.Second)), []string{"presence:iaea-znpp:2025-06-03"}},
		{"no report at all", daily(2, nil, june(3, 7)), []string{"presence:iaea-znpp:2025-06-01", "presence:iaea-znpp:2025-06-02"}},
		{"a report by another owner does not count",
			append(daily(2, []int{1}, june(2, 13)), report("ru-1", june(2, 14), time.Minute, "ru", plant), tick(june(3, 7))),
			[]string{"presence:iaea-znpp:2025-06-02"}},
		{"a report outside the zone does not count",
			append(daily(2, []int{1}, june(2, 13)), report("r2", june(2, 14), time.Minute, "iaea", nikopol), tick(june(3, 7))),
			[]string{"presence:iaea-znpp:2025-06-02"}},
		{"a report within the grace counts",
			append(daily(2, []int{1}, june(2, 13)), report("r2", june(2, 23), 6*time.Hour, "iaea", plant), tick(june(3, 7))),
			nil},
		{"a report reported after the deadline does not count",
			append(daily(2, []int{1}, june(2, 13)), report("r2", june(2, 23), 7*time.Hour+time.Second, "iaea", plant), tick(june(3, 7))),
			[]string{"presence:iaea-znpp:2025-06-02"}},
		{"a report reaching the pipeline after the clock passed the deadline does not count",
			append(daily(2, []int{1}, june(3, 7)), report("r2", june(2, 10), time.Minute, "iaea", plant), tick(june(4, 7))),
			[]string{"presence:iaea-znpp:2025-06-02", "presence:iaea-znpp:2025-06-03"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := monitor.NewPipeline(a.Monitoring, k, fusion.Config{})
			got := missing(p.Observe(c.stream))
			if want := append([]string{}, c.want...); !slices.Equal(got, want) {
				t.Errorf("missing reports %v, want %v", got, want)
			}
		})
	}
}

func TestPresenceIncident(t *testing.T) {
	a, k := mustNuclearPlant(t)
	p := monitor.NewPipeline(a.Monitoring, k, fusion.Config{})
	var got []monitor.Incident
	for _, in := range p.Observe(daily(3, []int{1, 3}, day1.AddDate(0, 0, 3).Add(7*time.Hour))) {
		if in.Event == monitor.MissingReport {
			got = append(got, in)
		}
	}
	if len(got) != 1 {
		t.Fatalf("%d missing reports, want 1: %+v", len(got), got)
	}
	in := got[0]
	end, deadline := day1.AddDate(0, 0, 2), day1.AddDate(0, 0, 2).Add(6*time.Hour)
	if in.ID != "presence:iaea-znpp:2025-06-02" || in.State != "confirmed" || in.Confidence != 1 ||
		!in.FirstObserved.Equal(end) || !in.LastObserved.Equal(deadline) || in.ClosedAt == nil || !in.ClosedAt.Equal(deadline) {
		t.Errorf("incident %+v", in)
	}
	if d := geoDistanceM(in.Location, plant); d > 100 {
		t.Errorf("located %v, %.0f m from the plant", in.Location, d)
	}
	if !slices.Contains(in.Zones, "znpp-safety-zone") || in.Side != "ru" {
		t.Errorf("zones %v, side %q", in.Zones, in.Side)
	}
	if len(in.Violations) != 1 {
		t.Fatalf("violations %+v", in.Violations)
	}
	v := in.Violations[0]
	if v.Rule != "presence:iaea-znpp" || v.Provision != "znpp.iaea-daily-report" || v.Party == nil || *v.Party != "ru" || v.AttributionConfidence != 1 {
		t.Errorf("violation %+v", v)
	}
}

// geoDistanceM is a flat-earth distance, good to a metre or so over a
// few hundred metres.
func geoDistanceM(a, b [2]float64) float64 {
	const perDegree = 111_195.0
	dx, dy := (a[0]-b[0])*perDegree*math.Cos(a[1]*math.Pi/180), (a[1]-b[1])*perDegree
	return math.Hypot(dx, dy)
}

func TestPresenceRestoresByReplay(t *testing.T) {
	a, k := mustNuclearPlant(t)
	stream := daily(12, []int{1, 2, 5, 6, 7, 11}, day1.AddDate(0, 0, 12).Add(7*time.Hour))
	run := func(chunk int) []monitor.Incident {
		p := monitor.NewPipeline(a.Monitoring, k, fusion.Config{})
		var out []monitor.Incident
		for i := 0; i < len(stream); i += chunk {
			out = append(out, p.Observe(stream[i:min(i+chunk, len(stream))])...)
		}
		return out
	}
	once := run(len(stream))
	if got := missing(once); len(got) != 6 {
		t.Fatalf("missing reports %v, want 6 (days 3, 4, 8, 9, 10, 12)", got)
	}
	for _, chunk := range []int{1, 2, 3, 7} {
		got := run(chunk)
		if !reflect.DeepEqual(missing(got), missing(once)) {
			t.Errorf("in chunks of %d: %v, want %v", chunk, missing(got), missing(once))
		}
		l, w := latest(got), latest(once)
		for i := range max(len(l), len(w)) {
			if i >= len(l) || i >= len(w) || !reflect.DeepEqual(l[i], w[i]) {
				t.Errorf("in chunks of %d: incident %d differs", chunk, i)
				if i < len(l) && i < len(w) {
					t.Errorf("got  %+v\nwant %+v", l[i], w[i])
				}
				break
			}
		}
	}
}

// TestNuclearPlantBreaches decodes testdata/nuclear-plant/breaches.ndjson
// (each observation a breach of its own, or none) and checks the rules
// each incident breaks and whom they are attributed to.
func TestNuclearPlantBreaches(t *testing.T) {
	a, k := mustNuclearPlant(t)
	f, err := os.Open("testdata/nuclear-plant/breaches.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	obs, err := monitor.Decode(f, "breaches.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{ // observation id → rule@party of its incident
		"strike-ferosplavna":      {"zone:power-line-ferosplavna-330kv@ru"},
		"shell-dniprovska":        {"zone:power-line-dniprovska-750kv@ru"},
		"mlrs-at-the-plant":       {"zone:znpp-safety-zone@ru"},
		"troops-at-the-plant":     {"zone:znpp-safety-zone@ru"},
		"drone-strike-on-reactor": {"zone:znpp-safety-zone@ua"},
		"fire-from-the-plant":     {"zone-from:znpp-safety-zone@ru"},
		"presence-report":         nil,
		"strike-elsewhere":        nil,
	}
	p := monitor.NewPipeline(a.Monitoring, k, fusion.Config{})
	for i := range obs {
		o := &obs[i]
		ins := p.Observe([]*monitor.Observation{o})
		if len(ins) != 1 {
			t.Fatalf("%s: %d incidents", o.ID, len(ins))
		}
		var got []string
		for _, v := range ins[0].Violations {
			party := "?"
			if v.Party != nil {
				party = *v.Party
			}
			got = append(got, v.Rule+"@"+party)
		}
		w, ok := want[o.ID]
		if !ok {
			t.Fatalf("%s: not in the table", o.ID)
		}
		if !slices.Equal(got, w) {
			t.Errorf("%s: violations %v, want %v", o.ID, got, w)
		}
	}
}

// One pipeline over the ceasefire's and the nuclear plant's merged
// sections judges an observation once against both: a strike on the plant
// breaks the ceasefire's protected site and the plant's zone, a strike on
// the power line the plant agreement's corridor alone, and the presence
// duty is judged on the merged stream's clock.
func TestMergedPipelineJudgesThePlant(t *testing.T) {
	npp, _ := mustNuclearPlant(t)
	ceasefire, _ := monitortest.Reference(t)
	m, _, err := agreement.Merge([]*agreement.Agreement{ceasefire, npp})
	if err != nil {
		t.Fatal(err)
	}
	k, err := monitor.NewKernel(m)
	if err != nil {
		t.Fatal(err)
	}
	strike := func(id string, at [2]float64, h int) *monitor.Observation {
		o := tick(day1.Add(time.Duration(h) * time.Hour))
		o.ID, o.Event, o.Position = id, "strike", at
		return o
	}
	p := monitor.NewPipeline(m, k, fusion.Config{})
	cases := []struct {
		o    *monitor.Observation
		want []string
	}{
		{report("r1", day1.Add(9*time.Hour), time.Minute, "iaea", plant), nil},
		{strike("on-the-plant", plant, 10), []string{"zone:znpp", "zone:znpp-safety-zone"}},
		{strike("on-the-line", [2]float64{34.490, 47.588}, 11), []string{"zone:power-line-ferosplavna-330kv"}},
		{tick(day1.AddDate(0, 0, 2).Add(7 * time.Hour)), []string{"presence:iaea-znpp"}},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		var got []string
		for _, in := range p.Observe([]*monitor.Observation{c.o}) {
			if seen[in.ID] {
				continue // an earlier incident, closed by the clock
			}
			seen[in.ID] = true
			for _, v := range in.Violations {
				got = append(got, v.Rule)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.o.ID, got, c.want)
		}
	}
}

// A clock thrown years ahead judges at most 1000 periods an observation;
// the rest are judged, in order, at the next ones: one incident per
// missed period all the same.
func TestPresenceClockJump(t *testing.T) {
	a, k := mustNuclearPlant(t)
	p := monitor.NewPipeline(a.Monitoring, k, fusion.Config{})
	jump := day1.AddDate(0, 0, 1500).Add(7 * time.Hour)
	first := missing(p.Observe(daily(1, []int{1}, jump)))
	rest := missing(p.Observe([]*monitor.Observation{tick(jump.Add(time.Minute))}))
	// The first observation judges 1000 periods: the reported first day
	// and 999 missing ones.
	if len(first) != 999 || len(rest) != 500 {
		t.Fatalf("%d then %d missing reports, want 999 then 500", len(first), len(rest))
	}
	if first[0] != "presence:iaea-znpp:2025-06-02" || rest[0] != "presence:iaea-znpp:"+day1.AddDate(0, 0, 1000).Format(time.DateOnly) {
		t.Errorf("first %s, then %s", first[0], rest[0])
	}
}

// ObserveAt moves the presence clock by each line's own clock (a sector's
// worker told the front's): the second report of an event, told the front
// is at 3 June 08:00, has the 2 June report missing, though it joined the
// first line's incident.
func TestPresenceTakesEachLinesClock(t *testing.T) {
	a, k := mustNuclearPlant(t)
	june := func(d, h int) time.Time { return time.Date(2025, 6, d, h, 0, 0, 0, time.UTC) }
	p := monitor.NewPipeline(a.Monitoring, k, fusion.Config{})
	if got := missing(p.Observe(daily(1, []int{1}, june(1, 13)))); len(got) != 0 {
		t.Fatalf("day 1: missing %v", got)
	}
	first := tick(june(1, 14))
	second := tick(june(1, 14).Add(30 * time.Second))
	second.ID, second.Source.ID, second.Source.Owner = "second", "sat-2", "un"
	got := missing(p.ObserveAt([]*monitor.Observation{first, second}, []time.Time{{}, june(3, 8)}))
	if want := []string{"presence:iaea-znpp:2025-06-02"}; !slices.Equal(got, want) {
		t.Errorf("missing reports %v, want %v", got, want)
	}
}
