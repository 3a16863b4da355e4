package monitor

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"
)

// ACLED's columns that the importer needs (ACLED export codebook).
var acledRequired = []string{"event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type",
	"actor1", "latitude", "longitude", "geo_precision"}

// acledEvent maps ACLED sub-event types to event kinds of the contract.
var acledEvent = map[string]string{
	"Armed clash":                         "firing",
	"Shelling/artillery/missile attack":   "firing",
	"Air/drone strike":                    "strike",
	"Remote explosive/landmine/IED":       "mine",
	"Grenade":                             "explosion",
	"Suicide bomb":                        "explosion",
	"Government regains territory":        "troop_concentration",
	"Non-state actor overtakes territory": "troop_concentration",
}

// acledPeriod is the period each time_precision (1 day, 2 week, 3 month)
// says the event happened in, given the coded day: the day itself; the
// week around it (seven days either side of its noon, so the week is
// covered whichever of its days was coded); the calendar month.
func acledPeriod(prec string, day time.Time) (start, end time.Time, ok bool) {
	switch prec {
	case "1":
		return day, day.AddDate(0, 0, 1), true
	case "2":
		noon := day.Add(12 * time.Hour)
		return noon.AddDate(0, 0, -7), noon.AddDate(0, 0, 7), true
	case "3":
		first := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, time.UTC)
		return first, first.AddDate(0, 1, 0), true
	}
	return time.Time{}, time.Time{}, false
}

// acledActs says whether actor1 is who acted: ACLED's actor order implies
// no direction (attacker or defender), except that an event with one named
// actor is that actor's, and civilians (inter code 7) are the ones acted
// upon.
func acledActs(t *csvTable, row []string) bool {
	a2 := t.get(row, "actor2")
	return a2 == "" || t.get(row, "inter2") == "7" || strings.HasPrefix(a2, "Civilians")
}

// acledGeo is the position accuracy of each geo_precision (m): the place,
// its surroundings, the region.
var acledGeo = map[string]float64{"1": 2000, "2": 15000, "3": 50000}

// ImportACLED reads an ACLED CSV export (columns by name, as in ACLED's
// codebook) into observations of the source {acled, open_source, acled}:
// observed at the middle of the period the time precision gives, with a
// time accuracy covering it (1, the day: its noon ±12 h; 2, the week: the
// coded day's noon ±7 days; 3, the month: its middle ±half its length),
// the geo precision as the position's accuracy (1: 2 km, 2: 15 km, 3:
// 50 km), the sub-event type mapped to an event kind (acledEvent; others
// are "other"), actor1 mapped to a party by opt only when the row says it
// acted (acledActs; else "unknown"), and the whole row kept under the
// "acled" property. The event date may be YYYY-MM-DD, an ISO date-time on
// that day, or "02 January 2006". Any bad row refuses the file, every bad
// row listed.
func ImportACLED(r io.Reader, name string, opt ImportOptions) ([]Observation, error) {
	t, rows, err := readCSV(r, name, acledRequired)
	if err != nil {
		return nil, err
	}
	conf := opt.Confidence
	if conf == 0 {
		conf = 0.5
	}
	var out []Observation
	var lines []int // the row of each of out
	for i, row := range rows {
		line := t.lines[i]
		o := Observation{ID: t.get(row, "event_id_cnty"), Source: Source{ID: "acled", Kind: KindOpenSource, Owner: "acled"},
			Count: 1, Confidence: conf, AttributedTo: Unknown}
		if acledActs(t, row) {
			o.AttributedTo = opt.party(t.get(row, "actor1"))
		}
		if o.ID == "" {
			t.fail(line, "event_id_cnty", "missing")
			continue
		}
		day, err := parseDay(t.get(row, "event_date"), append(dateLayouts, "02 January 2006", "2 January 2006")...)
		if err != nil {
			t.fail(line, "event_date", "want YYYY-MM-DD (or an ISO date-time on it) or \"02 January 2006\", got %q", t.get(row, "event_date"))
			continue
		}
		start, end, ok := acledPeriod(t.get(row, "time_precision"), day)
		if !ok {
			t.fail(line, "time_precision", "want one of 1, 2, 3 (day, week, month), got %q", t.get(row, "time_precision"))
			continue
		}
		o.ObservedAt, o.TimeAccuracyS = period(start, end)
		o.ReportedAt = o.ObservedAt
		if ts := t.get(row, "timestamp"); ts != "" {
			if sec, err := strconv.ParseInt(ts, 10, 64); err == nil && !time.Unix(sec, 0).Before(o.ObservedAt) {
				o.ReportedAt = time.Unix(sec, 0).UTC()
			}
		}
		if o.AccuracyM, ok = t.code(row, line, "geo_precision", acledGeo); !ok {
			continue
		}
		lat, ok1 := t.number(row, line, "latitude")
		lon, ok2 := t.number(row, line, "longitude")
		if !ok1 || !ok2 {
			continue
		}
		o.Position = [2]float64{lon, lat}
		o.Event = acledEvent[t.get(row, "sub_event_type")]
		if o.Event == "" {
			o.Event = "other"
		}
		o.Extra = map[string]json.RawMessage{"acled": t.raw(row)}
		out, lines = append(out, o), append(lines, line)
	}
	return t.result(out, lines)
}
