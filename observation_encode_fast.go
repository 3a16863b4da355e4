package accord

import (
	"math"
	"strconv"
	"time"

	"github.com/accord-peace/accord/internal/jsonenc"
)

// appendWire appends the observation's wire form as MarshalJSON writes it
// with encoding/json (wireOut), without reflection, for an observation
// without extras. It answers false, leaving what it appended to be
// dropped, when a value would take encoding/json's own rules: a string that
// needs an escape, a number that is not finite (an error there). Bytes
// identical to encoding/json's: TestAppendWireAgainstJSON and its fuzz.
func appendWire(b []byte, o *Observation) ([]byte, bool) {
	ok := true
	str := func(s string) {
		if ok = ok && jsonenc.Plain(s); ok {
			b = append(b, '"')
			b = append(b, s...)
			b = append(b, '"')
		}
	}
	num := func(f float64) {
		if ok = ok && !math.IsInf(f, 0) && !math.IsNaN(f); ok {
			b = appendFloat(b, f)
		}
	}
	pos := func(p [2]float64) {
		b = append(b, '[')
		num(p[0])
		b = append(b, ',')
		num(p[1])
		b = append(b, ']')
	}
	if o.Path == nil {
		b = append(b, `{"type":"Feature","geometry":{"type":"Point","coordinates":`...)
		pos(o.Position)
	} else {
		b = append(b, `{"type":"Feature","geometry":{"type":"LineString","coordinates":[`...)
		for i, p := range o.Path {
			if i > 0 {
				b = append(b, ',')
			}
			pos(p)
		}
		b = append(b, ']')
	}
	b = append(b, `},"properties":{"id":`...)
	str(o.ID)
	b = append(b, `,"source":{"id":`...)
	str(o.Source.ID)
	b = append(b, `,"kind":`...)
	str(o.Source.Kind)
	b = append(b, `,"owner":`...)
	str(o.Source.Owner)
	b = append(b, `},"observed_at":"`...)
	b = o.ObservedAt.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","reported_at":"`...)
	b = o.ReportedAt.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","event":`...)
	str(o.Event)
	if o.Equipment != "" {
		b = append(b, `,"equipment":`...)
		str(o.Equipment)
	}
	if o.CaliberMM != 0 {
		b = append(b, `,"caliber_mm":`...)
		num(o.CaliberMM)
	}
	b = append(b, `,"count":`...)
	b = strconv.AppendInt(b, int64(o.Count), 10)
	b = append(b, `,"attributed_to":`...)
	str(o.AttributedTo)
	b = append(b, `,"accuracy_m":`...)
	num(o.AccuracyM)
	b = append(b, `,"time_accuracy_s":`...)
	num(o.TimeAccuracyS)
	b = append(b, `,"confidence":`...)
	num(o.Confidence)
	if len(o.Evidence) > 0 {
		b = append(b, `,"evidence":[`...)
		for i, e := range o.Evidence {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"uri":`...)
			str(e.URI)
			b = append(b, `,"sha256":`...)
			str(e.SHA256)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if v := o.Vessel; v != nil {
		b = append(b, `,"vessel":{"id":`...)
		str(v.ID)
		if v.Name != "" {
			b = append(b, `,"name":`...)
			str(v.Name)
		}
		if v.Flag != "" {
			b = append(b, `,"flag":`...)
			str(v.Flag)
		}
		if v.CargoT != 0 {
			b = append(b, `,"cargo_t":`...)
			num(v.CargoT)
		}
		b = append(b, '}')
	}
	b = append(b, "}}"...)
	return b, ok
}

// appendFloat writes a finite float64 as encoding/json does: like
// JavaScript, %f between 1e-6 and 1e21, %e outside, without a leading 0 in
// a negative exponent of one digit.
func appendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
