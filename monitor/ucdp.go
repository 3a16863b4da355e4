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

// ucdpDate is the extra time uncertainty for each date_prec (s): 1 the exact
// day, 2 within 2–6 days, 3 the week, 4 the month, 5 the year.
var ucdpDate = map[string]float64{"1": 0, "2": 2 * 86400, "3": 7 * 86400, "4": 30 * 86400, "5": 365 * 86400}

// ucdpDates are the date layouts GED releases use.
var ucdpDates = []string{"2006-01-02", "2006-01-02 15:04:05.000", "2006-01-02 15:04:05"}

// ImportUCDP reads a UCDP Georeferenced Event Dataset CSV (columns by name,
// as in the GED codebook) into observations of the source {ucdp-ged,
// open_source, ucdp}: observed at the middle of date_start..date_end, the
// half span plus the date precision as the time accuracy, where_prec as the
// position's accuracy, "firing" for state-based violence (type 1) and
// "other" for the rest, side_a mapped to a party by opt, event_clarity as
// the confidence (1: 0.7, 2: 0.4), the row kept under the "ucdp" property.
// Any bad row refuses the file, every bad row listed.
func ImportUCDP(r io.Reader, name string, opt ImportOptions) ([]Observation, error) {
	t, rows, err := readCSV(r, name, ucdpRequired)
	if err != nil {
		return nil, err
	}
	var out []Observation
	for i, row := range rows {
		line := i + 2
		o := Observation{ID: t.get(row, "id"), Source: Source{ID: "ucdp-ged", Kind: KindOpenSource, Owner: "ucdp"},
			Count: 1, AttributedTo: opt.party(t.get(row, "side_a")), Event: "other"}
		if o.ID == "" {
			t.fail(line, "id", "missing")
			continue
		}
		start, err1 := parseDate(t.get(row, "date_start"), ucdpDates...)
		end, err2 := parseDate(t.get(row, "date_end"), ucdpDates...)
		switch {
		case err1 != nil:
			t.fail(line, "date_start", "want YYYY-MM-DD, got %q", t.get(row, "date_start"))
			continue
		case err2 != nil:
			t.fail(line, "date_end", "want YYYY-MM-DD, got %q", t.get(row, "date_end"))
			continue
		case end.Before(start):
			t.fail(line, "date_end", "%s is before date_start %s", t.get(row, "date_end"), t.get(row, "date_start"))
			continue
		}
		half := end.Sub(start) / 2
		o.ObservedAt = start.Add(half)
		o.ReportedAt = o.ObservedAt
		extra, ok := t.code(row, line, "date_prec", ucdpDate)
		if !ok {
			continue
		}
		o.TimeAccuracyS = half.Seconds() + extra
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
		out = append(out, o)
	}
	return t.result(out)
}
