package engine

import (
	"strconv"
	"time"

	"github.com/accord-peace/accord/internal/jsonenc"
)

// AppendJSON appends the event's JSON, the very bytes json.Marshal writes
// for it, and returns json.Marshal's error, if any (then b as it was). It
// writes most events without reflection (the record writes one for every
// input of the engine); one with a string to escape, a time outside
// RFC 3339, counts or lists goes through json.Marshal. Identical bytes:
// TestEventJSONAgainstEncodingJSON and FuzzEventJSON.
func (ev *Event) AppendJSON(b []byte) ([]byte, error) {
	n := len(b)
	if b, ok := appendEvent(b, ev); ok {
		return b, nil
	}
	return jsonenc.AppendMarshal(b[:n], ev)
}

// AppendJSON appends the derived event's JSON, the very bytes json.Marshal
// writes for it, as Event.AppendJSON does.
func (d *Derived) AppendJSON(b []byte) ([]byte, error) {
	n := len(b)
	w := jsonWriter{b: b, ok: true}
	w.raw(`{"seq":`)
	w.b = strconv.AppendInt(w.b, int64(d.Seq), 10)
	w.raw(`,"at":`)
	w.time(d.At)
	w.raw(`,"what":`)
	w.str(d.What)
	w.opt(`,"agreement":`, d.Agreement)
	w.raw(`}`)
	if w.ok {
		return w.b, nil
	}
	return jsonenc.AppendMarshal(b[:n], d)
}

func appendEvent(b []byte, ev *Event) ([]byte, bool) {
	if len(ev.Counts) > 0 || len(ev.Lists) > 0 {
		return b, false
	}
	w := jsonWriter{b: b, ok: true}
	w.raw(`{"seq":`)
	w.b = strconv.AppendInt(w.b, int64(ev.Seq), 10)
	w.raw(`,"at":`)
	w.time(ev.At)
	w.raw(`,"type":`)
	w.str(ev.Type)
	w.opt(`,"agreement":`, ev.Agreement)
	w.opt(`,"party":`, ev.Party)
	w.opt(`,"id":`, ev.ID)
	w.opt(`,"rule":`, ev.Rule)
	w.opt(`,"incident":`, ev.Incident)
	w.opt(`,"severity":`, ev.Severity)
	w.opt(`,"consultation":`, ev.Consultation)
	w.opt(`,"answer":`, ev.Answer)
	w.opt(`,"evidence":`, ev.Evidence)
	w.opt(`,"outcome":`, ev.Outcome)
	if len(ev.SignedBy) > 0 {
		w.raw(`,"signed_by":[`)
		for i, s := range ev.SignedBy {
			if i > 0 {
				w.raw(`,`)
			}
			w.str(s)
		}
		w.raw(`]`)
	}
	w.opt(`,"provision":`, ev.Provision)
	w.raw(`}`)
	return w.b, w.ok
}

// jsonWriter appends JSON as encoding/json writes it, for the values it
// writes alike; ok turns false at the first value it would not.
type jsonWriter struct {
	b  []byte
	ok bool
}

func (w *jsonWriter) raw(s string) { w.b = append(w.b, s...) }

// str writes a string that encoding/json writes as it is between quotes.
func (w *jsonWriter) str(s string) {
	if w.ok = w.ok && jsonenc.Plain(s); w.ok {
		w.b = append(w.b, '"')
		w.b = append(w.b, s...)
		w.b = append(w.b, '"')
	}
}

// opt writes a field with omitempty: nothing for "".
func (w *jsonWriter) opt(name, s string) {
	if s != "" {
		w.raw(name)
		w.str(s)
	}
}

// time writes a time as time.Time's MarshalJSON does, one in RFC 3339's
// range.
func (w *jsonWriter) time(t time.Time) {
	if !w.ok {
		return
	}
	b, err := t.AppendText(append(w.b, '"'))
	if w.ok = err == nil; w.ok {
		w.b = append(b, '"')
	}
}
