package monitor

import (
	"encoding/json"
	"io"
	"strconv"
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

// acledTime is the time accuracy of each time_precision (s): the day, the
// week, the month.
var acledTime = map[string]float64{"1": 12 * 3600, "2": 7 * 86400, "3": 30 * 86400}

// acledGeo is the position accuracy of each geo_precision (m): the place,
// its surroundings, the region.
var acledGeo = map[string]float64{"1": 2000, "2": 15000, "3": 50000}

// ImportACLED reads an ACLED CSV export (columns by name, as in ACLED's
// codebook) into observations of the source {acled, open_source, acled}:
// the event date at noon UTC, its time precision as the time accuracy
// (1: ±12 h, 2: ±7 days, 3: ±30 days), the geo precision as the position's
// accuracy (1: 2 km, 2: 15 km, 3: 50 km), the sub-event type mapped to an
// event kind (acledEvent; others are "other"), actor1 mapped to a party by
// opt, and the whole row kept under the "acled" property. Any bad row
// refuses the file, every bad row listed.
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
	for i, row := range rows {
		line := i + 2
		o := Observation{ID: t.get(row, "event_id_cnty"), Source: Source{ID: "acled", Kind: KindOpenSource, Owner: "acled"},
			Count: 1, Confidence: conf, AttributedTo: opt.party(t.get(row, "actor1"))}
		if o.ID == "" {
			t.fail(line, "event_id_cnty", "missing")
			continue
		}
		day, err := parseDate(t.get(row, "event_date"), "2006-01-02", "02 January 2006", "2 January 2006")
		if err != nil {
			t.fail(line, "event_date", "want YYYY-MM-DD or \"02 January 2006\", got %q", t.get(row, "event_date"))
			continue
		}
		o.ObservedAt, o.ReportedAt = day.Add(12*time.Hour), day.Add(12*time.Hour)
		if ts := t.get(row, "timestamp"); ts != "" {
			if sec, err := strconv.ParseInt(ts, 10, 64); err == nil && !time.Unix(sec, 0).Before(o.ObservedAt) {
				o.ReportedAt = time.Unix(sec, 0).UTC()
			}
		}
		var ok bool
		if o.TimeAccuracyS, ok = t.code(row, line, "time_precision", acledTime); !ok {
			continue
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
		out = append(out, o)
	}
	return t.result(out)
}
