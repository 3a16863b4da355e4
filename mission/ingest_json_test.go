package mission_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/accord-peace/accord/internal/benchdata"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
)

// A batch's answer written without reflection is json.Marshal's, byte for
// byte: for the answers of two simulated hours, and for the fields a
// simulation leaves out (no incidents, a truncated or deferred list, no
// record, a string to escape).
func TestIngestResultJSONAgainstEncodingJSON(t *testing.T) {
	same := func(name string, r mission.IngestResult) {
		t.Helper()
		want, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.AppendJSON([]byte("prefix"))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, append([]byte("prefix"), want...)) {
			t.Fatalf("%s:\ngot  %s\nwant prefix%s", name, got, want)
		}
	}
	a, k, err := benchdata.Reference()
	if err != nil {
		t.Fatal(err)
	}
	lines, err := benchdata.Lines(a, k, 2, 1000)
	if err != nil {
		t.Fatal(err)
	}
	d := openDurable(t, t.TempDir())
	var last mission.IngestResult
	for _, res := range d.ingestLines(t, lines, 200) {
		same("a simulated batch", res)
		if len(res.Incidents) > 0 {
			last = res
		}
	}
	if len(last.Incidents) == 0 {
		t.Fatal("no batch changed an incident")
	}
	same("no incidents (nil)", mission.IngestResult{Added: 3})
	same("no incidents (empty)", mission.IngestResult{Incidents: []monitor.Incident{}, IncidentsDeferred: true})
	truncated := last
	truncated.IncidentsTotal, truncated.IncidentsTruncated = len(last.Incidents)+5, true
	same("truncated", truncated)
	odd := last
	odd.Incidents = append([]monitor.Incident(nil), last.Incidents...)
	closed := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	odd.Incidents[0].ID, odd.Incidents[0].Side, odd.Incidents[0].ClosedAt = `<a "quoted" & odd>`, "é\u2028", &closed
	odd.LastEntry = nil
	same("strings to escape, no record", odd)
}
