package mission

import "strconv"

// AppendJSON appends the result's JSON, the very bytes json.Marshal writes
// for it (the incidents by accord.Incident.AppendJSON, without
// reflection): a batch's answer lists hundreds of incidents. Identical
// bytes: TestIngestResultJSONAgainstEncodingJSON.
func (r *IngestResult) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"added":`...)
	b = strconv.AppendInt(b, int64(r.Added), 10)
	b = append(b, `,"duplicates":`...)
	b = strconv.AppendInt(b, int64(r.Duplicates), 10)
	b = append(b, `,"incidents":`...)
	if r.Incidents == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Incidents {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = r.Incidents[i].AppendJSON(b); err != nil {
				return b, err
			}
		}
		b = append(b, ']')
	}
	b = append(b, `,"incidents_total":`...)
	b = strconv.AppendInt(b, int64(r.IncidentsTotal), 10)
	if r.IncidentsTruncated {
		b = append(b, `,"incidents_truncated":true`...)
	}
	if r.IncidentsDeferred {
		b = append(b, `,"incidents_deferred":true`...)
	}
	if r.LastEntry != nil {
		b = append(b, `,"last_entry":`...)
		b = strconv.AppendInt(b, *r.LastEntry, 10)
	}
	return append(b, '}'), nil
}
