package stream_test

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/scenarios"
)

// plantLines is the nuclear plant's front as NDJSON lines: observations
// (the IAEA team's presence reports at the site when presence, else a
// satellite's elsewhere, breaking nothing) at the times given.
func plantLines(t *testing.T, obs ...plantObs) [][]byte {
	t.Helper()
	var out [][]byte
	for _, p := range obs {
		o := monitor.Observation{ID: p.id, Source: monitor.Source{ID: "sat-1", Kind: monitor.KindSatellite, Owner: "cn"},
			Position: [2]float64{34.30, 47.30}, ObservedAt: p.at, ReportedAt: p.at, Event: "other", Count: 1,
			AttributedTo: monitor.Unknown, AccuracyM: 20, TimeAccuracyS: 1, Confidence: 0.9}
		if p.presence {
			o.Source = monitor.Source{ID: "iaea-team", Kind: monitor.KindGroundMonitor, Owner: "iaea"}
			o.Position, o.ReportedAt, o.Event, o.AccuracyM, o.TimeAccuracyS, o.Confidence = [2]float64{34.5863, 47.5119}, p.at.Add(10*time.Minute), "presence", 50, 60, 1
		}
		b, err := o.AppendJSON(nil)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

type plantObs struct {
	id       string
	at       time.Time
	presence bool
}

// A tick of the agreement's clock on a stream deployment judges the
// presence periods whose deadline it passes in the duty's sector, and the
// recorder records the missing report with the tick, as the embedded
// default does: on 1 and 3 sectors the same incidents and ledger entries
// in the same order, and after a restart nothing judged again (the
// workers judge the ticks again reading the stream back, the recorder
// restores past them; the embedded default's pipeline is told the
// periods the record judged, Pipeline.RestorePresence).
func TestTickJudgesPresenceOnTheStream(t *testing.T) {
	a, err := agreement.LoadFS(scenarios.FS, scenarios.NuclearPlantAgreement)
	if err != nil {
		t.Fatal(err)
	}
	june := func(d, h int) time.Time { return time.Date(2025, 6, d, h, 0, 0, 0, time.UTC) }
	first := plantLines(t, plantObs{"r1", june(1, 9), true}, plantObs{"s1", june(1, 12), false})
	// 2 June's report comes late, after the tick judged the day.
	then := plantLines(t, plantObs{"r2", june(2, 9), true}, plantObs{"r4", june(4, 9), true}, plantObs{"s4", june(4, 12), false})
	ticksAt := []time.Time{june(3, 7), june(6, 7)}
	run := func(x *deployment) {
		t.Helper()
		monitortest.PostLines(t, x.url, first, 10)
		if _, code, body := postTick(t, x.url, ticksAt[0]); code != http.StatusOK {
			t.Fatalf("a tick: %d %s", code, body)
		}
		monitortest.PostLines(t, x.url, then, 1)
		if _, code, body := postTick(t, x.url, ticksAt[1]); code != http.StatusOK {
			t.Fatalf("a tick: %d %s", code, body)
		}
		if x.node != nil {
			x.sync(t)
		}
	}
	// After a restart the front goes on (7 June): nothing judged again.
	wantEntries := againstTheEmbedded(t, a, run, plantLines(t, plantObs{"s7", june(7, 12), false}), 1, 3)
	if got := missingIDs(wantEntries); got != "iaea-znpp:2025-06-02 iaea-znpp:2025-06-03 iaea-znpp:2025-06-05 iaea-znpp:2025-06-06" {
		t.Fatalf("the embedded default's missing reports recorded: %s; want 2 June's (the first tick), 3 June's (4 June's observations), 5 June's (the second tick), 6 June's (7 June's observation), each once", got)
	}
}

// twoDuties is the nuclear plant's agreement with a second presence
// duty, after the plant's, at a site at the west end of the line: its
// zone's centre lies in sector 0 of 2 and of 3, the plant's in sector 1.
func twoDuties(t *testing.T) *agreement.Agreement {
	t.Helper()
	zone := `{"type":"Feature","properties":{"id":"west-site","name":"a site at the west end","role":"protected_site"},"geometry":{"type":"Polygon","coordinates":[[[34.22,47.25],[34.26,47.25],[34.26,47.28],[34.22,47.28],[34.22,47.25]]]}},`
	return plantWithDuty(t, "iaea-west", "west-site", zone)
}

// plantWithDuty is the nuclear plant's agreement with a second daily
// presence duty id, after the plant's, on zone (zoneFeature: its GeoJSON
// feature and a comma, added to the geometry; empty: a zone it has).
func plantWithDuty(t *testing.T, id, zone, zoneFeature string) *agreement.Agreement {
	t.Helper()
	y, err := fs.ReadFile(scenarios.FS, scenarios.NuclearPlantAgreement)
	if err != nil {
		t.Fatal(err)
	}
	g, err := fs.ReadFile(scenarios.FS, "ukraine-2025/monitoring/nuclear-plant.geojson")
	if err != nil {
		t.Fatal(err)
	}
	duty := "\n    - id: " + id + "\n      zone: " + zone + "\n      source_owner: iaea\n      every: 24h\n      grace: 6h\n      party: ru\n      provision: znpp.iaea-daily-report\n"
	ys := strings.TrimRight(string(y), "\n") + duty // the presence list ends the file
	gs := strings.Replace(string(g), `"features":[`, `"features":[`+zoneFeature, 1)
	fsys := fstest.MapFS{"x/a.yaml": {Data: []byte(ys)}, "x/monitoring/nuclear-plant.geojson": {Data: []byte(gs)}}
	a, err := agreement.LoadFS(fsys, "x/a.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Monitoring.Presence) != 2 || a.Monitoring.Presence[1].ID != id {
		t.Fatalf("the agreement's presence duties: %+v", a.Monitoring.Presence)
	}
	return a
}

// missingIDs lists the missing presence reports among ledger entries
// (entries' form), as DUTY:PERIOD, in the record's order.
func missingIDs(es []string) string {
	var ids []string
	for _, e := range es {
		if i := strings.Index(e, `"id":"presence:`); i >= 0 && strings.Contains(e, monitor.MissingReport) {
			ids = append(ids, strings.SplitN(e[i+len(`"id":"presence:`):], `"`, 2)[0])
		}
	}
	return strings.Join(ids, " ")
}

// Two presence duties whose zones' centres lie in different sectors, the
// first duty's in the later sector: the missing reports a tick judges,
// and those an observation makes due at one line, are recorded in the
// embedded default's order — duty by duty, in the agreement's order —
// whatever sectors judge them, and after a restart nothing is judged
// again.
func TestTickJudgesTwoDutiesOnTheStream(t *testing.T) {
	a := twoDuties(t)
	june := func(d, h int) time.Time { return time.Date(2025, 6, d, h, 0, 0, 0, time.UTC) }
	first := plantLines(t, plantObs{"r1", june(1, 9), true}, plantObs{"s1", june(1, 12), false})
	then := plantLines(t, plantObs{"s5", june(5, 7), false})
	run := func(x *deployment) {
		t.Helper()
		monitortest.PostLines(t, x.url, first, 10)
		if _, code, body := postTick(t, x.url, june(3, 7)); code != http.StatusOK {
			t.Fatalf("a tick: %d %s", code, body)
		}
		monitortest.PostLines(t, x.url, then, 1)
		x.sync(t)
	}
	wantEntries := againstTheEmbedded(t, a, run, plantLines(t, plantObs{"s6", june(6, 7), false}), 2, 3)
	if got := missingIDs(wantEntries); got != "iaea-znpp:2025-06-02 iaea-west:2025-06-01 iaea-west:2025-06-02 "+
		"iaea-znpp:2025-06-03 iaea-znpp:2025-06-04 iaea-west:2025-06-03 iaea-west:2025-06-04 iaea-znpp:2025-06-05 iaea-west:2025-06-05" {
		t.Fatalf("the embedded default's missing reports: %s; want the tick's, 5 June's observation's and 6 June's, each once, duty by duty", got)
	}
}

// againstTheEmbedded runs steps on the embedded default on a, restarts
// it and posts after; then the same on streams of each number of sectors
// given, whose state and ledger entries must then be the embedded
// default's. It returns the embedded default's entries.
func againstTheEmbedded(t *testing.T, a *agreement.Agreement, steps func(x *deployment), after [][]byte, sectors ...int) []string {
	t.Helper()
	restart := func(dir string, s *streamed) *deployment {
		t.Helper()
		x, _ := openOn(t, dir, s, nil, a, nil)
		monitortest.PostLines(t, x.url, after, 1)
		if x.node != nil {
			x.sync(t)
		}
		return x
	}
	dir := t.TempDir()
	e, _ := openOn(t, dir, nil, nil, a, nil)
	steps(e)
	e.close(t)
	e = restart(dir, nil)
	want, wantEntries := e.state(t), entries(t, e)
	e.close(t)
	for _, n := range sectors {
		t.Run(fmt.Sprintf("%d-sectors", n), func(t *testing.T) {
			dir := t.TempDir()
			x, _ := openOn(t, dir, onSectors(t, n), nil, a, nil)
			steps(x)
			x.close(t)
			x = restart(dir, onSectors(t, n))
			defer x.close(t)
			what := fmt.Sprintf("%d sectors, restarted", n)
			sameEntries(t, what, wantEntries, entries(t, x))
			same(t, what, want, x.state(t))
		})
	}
	return wantEntries
}

// vesselLine is a vessel's position report at t, at sea: tracked, not
// fused, routed to the vessels' sector (0).
func vesselLine(t *testing.T, id string, at time.Time) []byte {
	t.Helper()
	o := monitor.Observation{ID: id, Source: monitor.Source{ID: "ais-1", Kind: monitor.KindSatellite, Owner: "jcc"},
		Position: [2]float64{31.0, 46.0}, ObservedAt: at, ReportedAt: at, Event: "vessel", Count: 1,
		AttributedTo: monitor.Unknown, AccuracyM: 30, TimeAccuracyS: 5, Confidence: 0.9,
		Vessel: &accord.Vessel{ID: "IMO9000001", Name: "RAZONI"}}
	b, err := o.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A vessel's report moves one pipeline's presence duties' clock (not
// fusion's): where it passes the duties' deadlines, both are judged at
// its line — the west duty's in the vessels' sector, which sees the
// report; the plant's in another, told the time there
// (HeaderPresenceTicks) — in the embedded default's order, before and
// after a restart. The plant's was judged at the next fused observation
// on a stream: 11 of 28 entries differed.
func TestVesselPassesPresenceDeadlinesOnTheStream(t *testing.T) {
	a := twoDuties(t)
	june := func(d, h int) time.Time { return time.Date(2025, 6, d, h, 0, 0, 0, time.UTC) }
	first := plantLines(t, plantObs{"r1", june(1, 9), true}, plantObs{"s1", june(1, 12), false})
	ships := [][]byte{vesselLine(t, "v1", june(2, 8)), vesselLine(t, "v2", june(3, 7))}
	then := append(plantLines(t, plantObs{"s3", june(3, 8), false}), vesselLine(t, "v3", june(4, 7)))
	run := func(x *deployment) {
		t.Helper()
		monitortest.PostLines(t, x.url, first, 10)
		monitortest.PostLines(t, x.url, ships, 10)
		monitortest.PostLines(t, x.url, then, 10)
		if x.node != nil {
			x.sync(t)
		}
	}
	wantEntries := againstTheEmbedded(t, a, run, plantLines(t, plantObs{"s5", june(5, 12), false}), 2, 3)
	if got := missingIDs(wantEntries); got != "iaea-west:2025-06-01 iaea-znpp:2025-06-02 iaea-west:2025-06-02 iaea-znpp:2025-06-03 iaea-west:2025-06-03 iaea-znpp:2025-06-04 iaea-west:2025-06-04" {
		t.Fatalf("the embedded default's missing reports: %s; want the west's 1 June at the vessel of 2 June, both duties' 2 June at the vessel of 3 June and 3 June at that of 4 June, both 4 June's after the restart", got)
	}
}

// Two presence duties whose zones' centres lie in one sector other than
// the vessels': a vessel's report that passes both duties' deadlines at
// once tells that sector the time at its line once (HeaderPresenceTicks
// holds each line once), and both are judged there, in the embedded
// default's order.
func TestVesselPassesTwoDutiesInOneSector(t *testing.T) {
	a := plantWithDuty(t, "iaea-znpp-b", "znpp-safety-zone", "")
	june := func(d, h int) time.Time { return time.Date(2025, 6, d, h, 0, 0, 0, time.UTC) }
	first := plantLines(t, plantObs{"r1", june(1, 9), true}, plantObs{"s1", june(1, 12), false})
	run := func(x *deployment) {
		t.Helper()
		monitortest.PostLines(t, x.url, first, 10)
		monitortest.PostLines(t, x.url, [][]byte{vesselLine(t, "v1", june(3, 7))}, 10)
		if x.node != nil {
			x.sync(t)
		}
	}
	wantEntries := againstTheEmbedded(t, a, run, plantLines(t, plantObs{"s4", june(4, 12), false}), 2, 3)
	if got := missingIDs(wantEntries); got != "iaea-znpp:2025-06-02 iaea-znpp-b:2025-06-02 iaea-znpp:2025-06-03 iaea-znpp-b:2025-06-03" {
		t.Fatalf("the embedded default's missing reports: %s", got)
	}
}

// A front of vessels' reports alone starts the presence duties' clock,
// as in one pipeline, so that a node's --tick-every publishes a tick
// that passes a duty's deadline (serve's streamTickIfDue: the engine's
// DueAt or Ingester.PresenceDueAt), on 1 sector and on 2, before the
// ingest node's restart and after it, which reads the front back from
// the stream: the record then the embedded default's TickIfDue's (the
// missing report, which makes the parties sign). The restarted node
// found nothing due (nothing recorded), and so did a node on 1 sector.
func TestPresenceDueOnVesselsAloneAfterARestart(t *testing.T) {
	a, err := agreement.LoadFS(scenarios.FS, scenarios.NuclearPlantAgreement)
	if err != nil {
		t.Fatal(err)
	}
	june := func(d, h int) time.Time { return time.Date(2025, 6, d, h, 0, 0, 0, time.UTC) }
	ships := [][]byte{vesselLine(t, "v1", june(1, 7)), vesselLine(t, "v2", june(1, 20))}
	at := june(2, 7) // past 1 June's deadline (2 June, 06:00)
	ctx := context.Background()
	dir := t.TempDir()
	e, _ := openOn(t, dir, nil, nil, a, nil)
	monitortest.PostLines(t, e.url, ships, 10)
	e.close(t)
	e, _ = openOn(t, dir, nil, nil, a, nil)
	if res, err := e.d.Mission.TickIfDue(ctx, at); err != nil || len(res.Missing) != 1 {
		t.Fatalf("the embedded default's tick to %v: %v, %d missing reports; want 1 June's", at, err, len(res.Missing))
	}
	want := entries(t, e)
	e.close(t)

	for _, n := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d-sectors", n), func(t *testing.T) {
			due := func(x *deployment, what string) {
				t.Helper()
				if due, err := x.d.Mission.DueAt(at); err != nil || !due && !x.node.Ingester.PresenceDueAt(at) {
					t.Fatalf("%s: a tick to %v not due (%v), though the vessels' reports started the duties' clock on 1 June", what, at, err)
				}
			}
			dir := t.TempDir()
			x, _ := openOn(t, dir, onSectors(t, n), nil, a, nil)
			monitortest.PostLines(t, x.url, ships, 10)
			x.sync(t)
			due(x, "before the ingest node's restart")
			x.close(t)
			x, _ = openOn(t, dir, onSectors(t, n), nil, a, nil)
			defer x.close(t)
			due(x, "after the ingest node's restart")
			if _, err := x.node.Ingester.TickIfDue(ctx, at); err != nil {
				t.Fatal(err)
			}
			x.sync(t)
			sameEntries(t, "a tick after a restart on vessels alone", want, entries(t, x))
		})
	}
}
