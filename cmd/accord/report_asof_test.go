package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// asOfObservation is one explosion seen by a source at an instant, 6 km
// behind the line (no violation), time accuracy 5 min: three of them
// within minutes by three owners are one incident, confirmed.
func asOfObservation(id, source, kind, owner, lonlat, at string) string {
	return `{"type":"Feature","geometry":{"type":"Point","coordinates":[` + lonlat + `]},"properties":{"id":"` + id +
		`","source":{"id":"` + source + `","kind":"` + kind + `","owner":"` + owner + `"},"observed_at":"` + at + `","reported_at":"` + at +
		`","event":"explosion","count":1,"attributed_to":"unknown","accuracy_m":150,"time_accuracy_s":300,"confidence":0.8}}` + "\n"
}

// The report of a day gives each incident as it stood at the day's end,
// not as the record's end has it: an incident a party reported at 23:59
// on 1 June and the mission's sensor and a satellite corroborated at
// 00:01 and 00:02 on 2 June was "reported" when 1 June ended, and the
// report of 1 June made later said "1 of them confirmed" — where the
// report made from the record as it stood at the day's end says 0. An
// observation made on the day but received after its end (fed after
// 2 June's) makes an incident first recorded after the day's end: it is
// counted, as first recorded, and the report says so, and counts the
// observation received late.
func TestDailyReportIncidentsAsOfTheDaysEnd(t *testing.T) {
	const here, there = "33.291066,46.690792", "33.6,46.8"
	early := asOfObservation("a1", "party-ua", "party_report", "ua", here, "2025-06-01T23:59:00Z")
	next := asOfObservation("a2", "fix-1", "fixed_sensor", "mission", here, "2025-06-02T00:01:00Z") +
		asOfObservation("a3", "sat-x", "satellite", "cn", here, "2025-06-02T00:02:00Z")
	late := asOfObservation("b1", "party-ru", "party_report", "ru", there, "2025-06-01T23:30:00Z")
	report := func(t *testing.T, data string) (summary, figures string) {
		t.Helper()
		dir := t.TempDir()
		in, out := filepath.Join(dir, "obs.ndjson"), filepath.Join(dir, "r.html")
		if err := os.WriteFile(in, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		_, errOut, code := runAccord(t, "report", "daily", "reference", in, "--day", "2025-06-01", "--out", out)
		if code != 0 {
			t.Fatalf("report daily: exit %d: %s", code, errOut)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		html := string(b)
		return strings.Join(regexp.MustCompile(`<p>(On Sunday|\d+ (of them|observations?))[^<]*</p>`).FindAllString(html, -1), "\n"),
			regexp.MustCompile(`<tr><td>confirmed</td>.*</tr>`).FindString(html)
	}
	for _, c := range []struct {
		name, data       string
		summary, figures string
	}{
		{"the record at the day's end", early,
			"<p>On Sunday 1 June 2025 the mission recorded 1 incident (0 the day before, 1 more), 0 of them confirmed by independent sources by the end of the day.</p>",
			`<tr><td>confirmed</td><td class="n">0</td><td class="n">0</td><td class="n">±0</td></tr>`},
		{"confirmed the day after", early + next,
			"<p>On Sunday 1 June 2025 the mission recorded 1 incident (0 the day before, 1 more), 0 of them confirmed by independent sources by the end of the day.</p>",
			`<tr><td>confirmed</td><td class="n">0</td><td class="n">0</td><td class="n">±0</td></tr>`},
		{"received after the day's end", early + next + late,
			"<p>On Sunday 1 June 2025 the mission recorded 2 incidents (0 the day before, 2 more), 0 of them confirmed by independent sources by the end of the day.</p>\n" +
				"<p>1 observation made by the end of the day reached the mission after later ones had taken its clock past it (received late): an incident it bears on is given as it stood at the end of the day, one it first recorded as first recorded.</p>\n" +
				"<p>1 of them was first recorded after the end of the day, from observations received late: it is given as first recorded, the others as they stood at the end of the day.</p>",
			`<tr><td>confirmed</td><td class="n">0</td><td class="n">0</td><td class="n">±0</td></tr>`},
	} {
		t.Run(c.name, func(t *testing.T) {
			summary, figures := report(t, c.data)
			if summary != c.summary {
				t.Errorf("the summary says\n%s\nwant\n%s", summary, c.summary)
			}
			if figures != c.figures {
				t.Errorf("the day in figures has\n%s\nwant\n%s", figures, c.figures)
			}
			if strings.Contains(c.data, "b1") && !strings.Contains(summary, "first recorded") {
				t.Errorf("the report does not say that an incident was first recorded after the day's end")
			}
		})
	}
}
