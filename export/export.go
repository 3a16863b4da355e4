// Package export writes incidents in the formats GIS tools, spreadsheets
// and notebooks open: GeoJSON (RFC 7946), CSV (RFC 4180) and KML 2.2.
//
// Every format carries the same flat fields (Fields), in the same order,
// so a column means the same in all three. An incident is a point at its
// location (longitude, latitude, WGS 84). Lists are joined into one text
// field with ";" (zones, and the violations as parallel lists: element i of
// violation_rules, violation_provisions, violation_parties and
// violation_confidences is violation i), so every tool reads them as plain
// text, and violation_count says how many elements there are. Instants are
// RFC 3339 in UTC; numbers are rounded to 15 significant digits, without
// an exponent, a real field always with a decimal point.
//
// A Writer streams: each incident is encoded and written as it comes, so an
// export of any length holds one incident at a time in memory, never the
// document. The output is deterministic: the same incidents give the same
// bytes.
package export

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/accord-peace/accord"
)

// Format is an export format.
type Format string

// The export formats.
const (
	GeoJSON Format = "geojson"
	CSV     Format = "csv"
	KML     Format = "kml"
)

// Formats lists the export formats.
var Formats = []Format{GeoJSON, CSV, KML}

// ParseFormat reads a format's name; EINVALID, naming the formats, for any
// other.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", accord.Errorf(accord.EINVALID, "format %q: want one of %s", s, FormatNames())
}

// FormatNames lists the formats' names for messages: "geojson, csv, kml".
func FormatNames() string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// MediaType is the format's media type, for Content-Type.
func (f Format) MediaType() string {
	switch f {
	case GeoJSON:
		return "application/geo+json"
	case CSV:
		return "text/csv; charset=utf-8; header=present"
	case KML:
		return "application/vnd.google-earth.kml+xml"
	}
	return "application/octet-stream"
}

// Extension is the format's usual file name extension, with its dot.
func (f Format) Extension() string {
	switch f {
	case GeoJSON:
		return ".geojson"
	case CSV:
		return ".csv"
	case KML:
		return ".kml"
	}
	return ""
}

// Type is the type of a field's values.
type Type string

// Field types. A DateTime is an RFC 3339 instant in UTC.
const (
	String   Type = "string"
	Integer  Type = "integer"
	Real     Type = "real"
	DateTime Type = "datetime"
)

// Field is one of the flat fields of an exported incident.
type Field struct {
	Name string
	Type Type
}

// Fields are the fields of an exported incident, in their order (the CSV
// header also has lon and lat after id: the point).
var Fields = []Field{
	{"id", String},
	{"state", String},
	{"event", String},
	{"equipment", String},             // null (CSV: empty) when not known
	{"first_observed", DateTime},      //
	{"last_observed", DateTime},       //
	{"observation_count", Integer},    // observations fused
	{"independent_sources", Integer},  //
	{"confidence", Real},              //
	{"side", String},                  // the party holding the side of the line
	{"distance_to_line_m", Real},      //
	{"zones", String},                 // zone ids joined with ";"
	{"violation_count", Integer},      //
	{"violation_rules", String},       // joined with ";"
	{"violation_provisions", String},  // joined with ";"
	{"violation_parties", String},     // joined with ";", an element empty when unattributed
	{"violation_confidences", String}, // attribution confidences joined with ";"
	{"closed_at", DateTime},           // null (CSV: empty) while open
	{"closed_reason", String},         // null (CSV: empty) while open
	{"ambiguous", Integer},            // 1 when the report that opened it fitted other incidents as well (fusion), else 0
	{"merged_into", String},           // the incident it merged into; null (CSV: empty) unless merged
}

// Sep joins the elements of a list field.
const Sep = ";"

// value is one field's value, formatted: text is what CSV and KML write,
// and GeoJSON too, quoted for a String or DateTime. A null value has no text.
type value struct {
	text string
	null bool
}

// record formats an incident's fields, in the order of Fields, into vs
// (reused: it must have len(Fields)).
func record(in *accord.Incident, vs []value) {
	str := func(s string) value { return value{text: strings.ToValidUTF8(s, "\uFFFD")} }
	opt := func(s string) value { return value{text: strings.ToValidUTF8(s, "\uFFFD"), null: s == ""} }
	var rules, provisions, parties, confidences []string
	for _, v := range in.Violations {
		rules = append(rules, v.Rule)
		provisions = append(provisions, v.Provision)
		p := ""
		if v.Party != nil {
			p = *v.Party
		}
		parties = append(parties, p)
		confidences = append(confidences, Number(v.AttributionConfidence))
	}
	closedAt := value{null: true}
	if in.ClosedAt != nil {
		closedAt = str(Time(*in.ClosedAt))
	}
	copy(vs, []value{
		str(in.ID), str(in.State), str(in.Event), opt(in.Equipment),
		str(Time(in.FirstObserved)), str(Time(in.LastObserved)),
		str(strconv.Itoa(len(in.Observations))), str(strconv.Itoa(in.IndependentSources)),
		str(decimal(in.Confidence)), str(in.Side), str(decimal(in.DistanceToLineM)),
		str(strings.Join(in.Zones, Sep)),
		str(strconv.Itoa(len(in.Violations))),
		str(strings.Join(rules, Sep)), str(strings.Join(provisions, Sep)),
		str(strings.Join(parties, Sep)), str(strings.Join(confidences, Sep)),
		closedAt, opt(in.ClosedReason),
		str(map[bool]string{false: "0", true: "1"}[in.Ambiguous]), opt(in.MergedInto),
	})
}

// Number formats a number as every export writes it: rounded to 15
// significant digits (which drops binary noise such as
// 0.9840000000000001), in decimal notation, without an exponent. NaN and
// infinities, which no format can carry, are written as 0.
func Number(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	if r == 0 {
		return "0" // and not -0
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// decimal formats the value of a Real field: as Number, with a decimal
// point always ("24212.0"), so that readers that infer a column's type from
// its values (GDAL, pandas) see a real number even when every value is
// whole.
func decimal(v float64) string {
	s := Number(v)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// Time formats an instant as every export writes it: RFC 3339 in UTC,
// with fractional seconds only when it has them.
func Time(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// Writer writes incidents in a format, one at a time.
type Writer interface {
	// Write encodes one incident and writes it out.
	Write(in *accord.Incident) error
	// Close ends the document and writes out what is left. It does not
	// close the underlying writer. A document is complete only when Close
	// returned nil.
	Close() error
}

// Options tune an export.
type Options struct {
	// Next, when not "", is the cursor of the next page of a paged
	// listing: GeoJSON carries it as the foreign member "next" of the
	// FeatureCollection. It says the document is partial.
	Next string
	// Name names the KML document ("accord incidents" when "").
	Name string
}

// New returns a Writer of the format onto w.
func New(w io.Writer, f Format, o Options) (Writer, error) {
	b := &buffered{w: w, vs: make([]value, len(Fields))}
	switch f {
	case GeoJSON:
		return &geojsonWriter{buffered: b, next: o.Next}, nil
	case CSV:
		return &csvWriter{buffered: b}, nil
	case KML:
		name := o.Name
		if name == "" {
			name = "accord incidents"
		}
		return &kmlWriter{buffered: b, name: name}, nil
	}
	return nil, accord.Errorf(accord.EINVALID, "format %q: want one of %s", string(f), FormatNames())
}

// flushAt is how much a writer buffers before writing out.
const flushAt = 32 << 10

// buffered collects output and writes it out in pieces of flushAt; its
// first error sticks.
type buffered struct {
	w       io.Writer
	buf     []byte
	err     error
	started bool
	vs      []value
}

func (b *buffered) flushIfFull() error {
	if len(b.buf) >= flushAt {
		return b.flush()
	}
	return b.err
}

func (b *buffered) flush() error {
	if b.err != nil {
		return b.err
	}
	if len(b.buf) > 0 {
		if _, err := b.w.Write(b.buf); err != nil {
			b.err = fmt.Errorf("export: %w", err)
		}
		b.buf = b.buf[:0]
	}
	return b.err
}

// errClosed is the error of a Write or Close after Close.
var errClosed = accord.Errorf(accord.EINTERNAL, "export: the writer is closed")
