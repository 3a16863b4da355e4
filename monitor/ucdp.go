package monitor

import (
	"encoding/json"
	"io"
)

// UCDP GED's columns that the importer needs (GED codebook).
var ucdpRequired = []string{"id", "type_of_violence", "side_a", "where_prec", "latitude", "longitude",
	"event_clarity", "date_prec", "date_start", "date_end"}

// ucdpWhere is the position accuracy for each where_prec (m): 1 the exact
// place, 2 within 25 km, 3 the second-order administrative division, 4 the
// first-order one, 5 a linear feature, 6 the country, 7 international waters.
var ucdpWhere = map[string]float64{"1": 2000, "2": 25000, "3": 50000, "4": 100000, "5": 100000, "6": 200000, "7": 500000}

// ucdpDate is the shortest period each date_prec says the event happened
// in (s): 1 the exact day, 2 a span of 2–6 days, 3 the week, 4 the month
// (8–30 days), 5 the year (31–365 days). date_start..date_end bound the
// period; a precision coarser than that span widens it, about its middle.
var ucdpDate = map[string]float64{"1": 86400, "2": 6 * 86400, "3": 7 * 86400, "4": 30 * 86400, "5": 365 * 86400}

// ImportUCDP reads a UCDP Georeferenced Event Dataset CSV (columns by name,
// as in the GED codebook) into observations of the source {ucdp-ged,
// open_source, ucdp}: observed at the middle of the days date_start to
// date_end (from the first's midnight to the end of the last), with a time
// accuracy covering them, or the period date_prec gives when it is longer
// (ucdpDate): a one-day event is at its noon ±12 h; where_prec as the
// position's accuracy, "firing" for state-based violence (type 1) and
// "other" for the rest, event_clarity as the confidence (1: 0.7, 2: 0.4),
// the row kept under the "ucdp" property. The dates may be YYYY-MM-DD or an
// ISO date-time on that day (T or a space).
//
// side_a and side_b are the sides of a conflict, not an attacker and a
// target: state-based (type 1) and non-state (type 2) events are attributed
// to no one ("unknown"), whichever side acted. Only one-sided violence (type
// 3), where side_a is the actor that acted against civilians, has side_a
// mapped to a party by opt.
//
// Any bad row refuses the file, every bad row listed.
func ImportUCDP(r io.Reader, name string, opt ImportOptions) ([]Observation, error) {
	t, rows, err := readCSV(r, name, ucdpRequired)
	if err != nil {
		return nil, err
	}
	var out []Observation
	var lines []int // the row of each of out
	for i, row := range rows {
		line := t.lines[i]
		o := Observation{ID: t.get(row, "id"), Source: Source{ID: "ucdp-ged", Kind: KindOpenSource, Owner: "ucdp"},
			Count: 1, AttributedTo: Unknown, Event: "other"}
		if t.get(row, "type_of_violence") == "3" {
			o.AttributedTo = opt.party(t.get(row, "side_a"))
		}
		if o.ID == "" {
			t.fail(line, "id", "missing")
			continue
		}
		start, err1 := parseDay(t.get(row, "date_start"), dateLayouts...)
		end, err2 := parseDay(t.get(row, "date_end"), dateLayouts...)
		switch {
		case err1 != nil:
			t.fail(line, "date_start", "want YYYY-MM-DD or an ISO date-time on that day, got %q", t.get(row, "date_start"))
			continue
		case err2 != nil:
			t.fail(line, "date_end", "want YYYY-MM-DD or an ISO date-time on that day, got %q", t.get(row, "date_end"))
			continue
		case end.Before(start):
			t.fail(line, "date_end", "%s is before date_start %s", t.get(row, "date_end"), t.get(row, "date_start"))
			continue
		}
		o.ObservedAt, o.TimeAccuracyS = period(start, end.AddDate(0, 0, 1))
		o.ReportedAt = o.ObservedAt
		least, ok := t.code(row, line, "date_prec", ucdpDate)
		if !ok {
			continue
		}
		o.TimeAccuracyS = max(o.TimeAccuracyS, least/2)
		if o.AccuracyM, ok = t.code(row, line, "where_prec", ucdpWhere); !ok {
			continue
		}
		switch t.get(row, "event_clarity") {
		case "1":
			o.Confidence = 0.7
		case "2":
			o.Confidence = 0.4
		default:
			t.fail(line, "event_clarity", "want 1 or 2, got %q", t.get(row, "event_clarity"))
			continue
		}
		if opt.Confidence > 0 {
			o.Confidence = opt.Confidence
		}
		if t.get(row, "type_of_violence") == "1" {
			o.Event = "firing"
		}
		lat, ok1 := t.number(row, line, "latitude")
		lon, ok2 := t.number(row, line, "longitude")
		if !ok1 || !ok2 {
			continue
		}
		o.Position = [2]float64{lon, lat}
		o.Extra = map[string]json.RawMessage{"ucdp": t.raw(row)}
		out, lines = append(out, o), append(lines, line)
	}
	return t.result(out, lines)
}
