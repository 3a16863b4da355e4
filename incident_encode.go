package accord

import (
	"math"
	"strconv"
	"time"

	"github.com/accord-peace/accord/internal/jsonenc"
)

// AppendJSON appends the incident's JSON, the very bytes json.Marshal
// writes for it, and returns json.Marshal's error, if any (then b as it
// was). It writes most incidents without reflection; one with a value that
// takes encoding/json's own rules (a string to escape, a number not finite,
// a time outside RFC 3339) goes through json.Marshal. Identical bytes:
// TestIncidentJSONAgainstEncodingJSON and its fuzz test.
func (in *Incident) AppendJSON(b []byte) ([]byte, error) {
	n := len(b)
	b, ok := appendIncident(b, in, '}')
	if ok {
		return b, nil
	}
	return jsonenc.AppendMarshal(b[:n], in)
}

// AppendJSON appends the record's JSON, the very bytes json.Marshal writes
// for it, as Incident.AppendJSON does.
func (r *IncidentRecord) AppendJSON(b []byte) ([]byte, error) {
	n := len(b)
	b, ok := appendIncident(b, &r.Incident, ',')
	if ok {
		b = append(b, `"observation_count":`...)
		b = strconv.AppendInt(b, int64(r.ObservationCount), 10)
		b = append(b, `,"observations_sha256":`...)
		if ok = jsonenc.Plain(r.ObservationsSHA256); ok {
			b = appendQuoted(b, r.ObservationsSHA256)
			return append(b, '}'), nil
		}
	}
	return jsonenc.AppendMarshal(b[:n], r)
}

func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendIncident appends the incident's fields as encoding/json writes
// them, then end: '}' closes the object, ',' leaves it open for the fields
// of a struct that embeds it. It answers false, leaving what it appended
// to be dropped, when a value would take encoding/json's own rules.
func appendIncident(b []byte, in *Incident, end byte) ([]byte, bool) {
	ok := true
	str := func(s string) {
		if ok = ok && jsonenc.Plain(s); ok {
			b = appendQuoted(b, s)
		}
	}
	num := func(f float64) {
		if ok = ok && !math.IsInf(f, 0) && !math.IsNaN(f); ok {
			b = appendFloat(b, f)
		}
	}
	at := func(t time.Time) {
		if !ok {
			return
		}
		x, err := t.AppendText(append(b, '"'))
		if ok = err == nil; ok {
			b = append(x, '"')
		}
	}
	b = append(b, `{"id":`...)
	str(in.ID)
	b = append(b, `,"state":`...)
	str(in.State)
	b = append(b, `,"event":`...)
	str(in.Event)
	if in.Equipment != "" {
		b = append(b, `,"equipment":`...)
		str(in.Equipment)
	}
	b = append(b, `,"location":[`...)
	num(in.Location[0])
	b = append(b, ',')
	num(in.Location[1])
	b = append(b, `],"first_observed":`...)
	at(in.FirstObserved)
	b = append(b, `,"last_observed":`...)
	at(in.LastObserved)
	if len(in.Observations) > 0 {
		b = append(b, `,"observations":[`...)
		for i, k := range in.Observations {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"source":`...)
			str(k.Source)
			b = append(b, `,"id":`...)
			str(k.ID)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"independent_sources":`...)
	b = strconv.AppendInt(b, int64(in.IndependentSources), 10)
	b = append(b, `,"confidence":`...)
	num(in.Confidence)
	b = append(b, `,"side":`...)
	str(in.Side)
	b = append(b, `,"distance_to_line_m":`...)
	num(in.DistanceToLineM)
	b = append(b, `,"zones":`...)
	if in.Zones == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, z := range in.Zones {
			if i > 0 {
				b = append(b, ',')
			}
			str(z)
		}
		b = append(b, ']')
	}
	b = append(b, `,"violations":`...)
	if in.Violations == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range in.Violations {
			v := &in.Violations[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"rule":`...)
			str(v.Rule)
			b = append(b, `,"provision":`...)
			str(v.Provision)
			b = append(b, `,"party":`...)
			if v.Party == nil {
				b = append(b, "null"...)
			} else {
				str(*v.Party)
			}
			b = append(b, `,"attribution_confidence":`...)
			num(v.AttributionConfidence)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"closed_at":`...)
	if in.ClosedAt == nil {
		b = append(b, "null"...)
	} else {
		at(*in.ClosedAt)
	}
	if in.ClosedReason != "" {
		b = append(b, `,"closed_reason":`...)
		str(in.ClosedReason)
	}
	if in.Ambiguous {
		b = append(b, `,"ambiguous":true`...)
	}
	if in.MergedInto != "" {
		b = append(b, `,"merged_into":`...)
		str(in.MergedInto)
	}
	return append(b, end), ok
}
