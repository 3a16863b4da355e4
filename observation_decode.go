package accord

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"
)

// LineError is one rejected line of an NDJSON batch.
type LineError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e LineError) String() string {
	if e.Field == "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Field, e.Msg)
}

// LineErrors lists the rejected lines of a batch; a batch with any is
// refused whole.
type LineErrors []LineError

func (e LineErrors) Error() string {
	var b strings.Builder
	for i, le := range e {
		if i == MaxLineErrors {
			fmt.Fprintf(&b, "\nand %d more", len(e)-MaxLineErrors)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(le.String())
	}
	return b.String()
}

// MaxLineErrors is how many bad lines a refused batch lists; the others
// are counted, not kept.
const MaxLineErrors = 100

// BadLines is why a batch was refused: its first bad lines (at most
// MaxLineErrors, in order) and how many there were in all. It unwraps to
// the listed LineErrors.
type BadLines struct {
	Lines LineErrors
	Total int
	// Why, when set, is what every bad line has in common (a refusal
	// by the store: "already stored with different content").
	Why string
}

// Truncated reports whether some bad lines are counted but not listed.
func (b *BadLines) Truncated() bool { return b.Total > len(b.Lines) }

func (b *BadLines) Error() string {
	s := b.Lines.Error()
	if b.Truncated() {
		s += fmt.Sprintf("\n… and %d more bad line(s), not listed", b.Total-len(b.Lines))
	}
	return s
}

// Unwrap returns the listed line errors.
func (b *BadLines) Unwrap() error { return b.Lines }

type wireFeature struct {
	Type       string          `json:"type"`
	Geometry   *wireGeometry   `json:"geometry"`
	Properties *wireProperties `json:"properties"`
}

type wireGeometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
	// parsed tells that decodeFast has read the coordinates already, into
	// point for a Point, into line for a LineString.
	parsed bool
	point  []float64
	line   [][]float64
}

type wireProperties struct {
	ID            string          `json:"id"`
	Source        *Source         `json:"source"`
	ObservedAt    string          `json:"observed_at"`
	ReportedAt    string          `json:"reported_at"`
	Event         string          `json:"event"`
	Equipment     string          `json:"equipment"`
	CaliberMM     *float64        `json:"caliber_mm"`
	Count         *float64        `json:"count"`
	AttributedTo  string          `json:"attributed_to"`
	AccuracyM     *float64        `json:"accuracy_m"`
	TimeAccuracyS *float64        `json:"time_accuracy_s"`
	Confidence    *float64        `json:"confidence"`
	Evidence      []Evidence      `json:"evidence"`
	Vessel        json.RawMessage `json:"vessel"`
}

var knownProperties = []string{"id", "source", "observed_at", "reported_at", "event", "equipment", "caliber_mm",
	"count", "attributed_to", "accuracy_m", "time_accuracy_s", "confidence", "evidence", "vessel"}

// DecodeObservations reads an NDJSON batch of observations (docs/observation.md): one
// GeoJSON Feature per line, blank lines skipped. Every rule of the contract
// is checked; when any line breaks one, Decode returns an *Error with
// code EINVALID wrapping *BadLines (the first MaxLineErrors bad lines, with
// their number, field and reason, and the count of all of them; it unwraps
// to LineErrors) and no observations: the batch is refused whole. What it
// keeps of a refused batch is bounded whatever the number of bad lines:
// past the first MaxLineErrors a line that is not JSON is only counted. The same key
// twice with the same content is kept once; with different content it is
// an error naming the earlier line.
func DecodeObservations(r io.Reader, name string) ([]Observation, error) {
	obs, _, err := decodeObservations(r, name, 0, time.Time{})
	return obs, err
}

// DecodeObservationsCounting is DecodeObservations that also counts the
// lines it kept once because they repeat an earlier line exactly, so that
// an answer about the batch can account for every line.
func DecodeObservationsCounting(r io.Reader, name string) (obs []Observation, repeated int, err error) {
	return decodeObservations(r, name, 0, time.Time{})
}

// DecodeObservationBytes is DecodeObservations of a batch held in memory
// (a request's body): the same lines, checks and errors, with the
// batch's memory taken once for its number of lines rather than grown as
// it is read.
func DecodeObservationBytes(data []byte, name string) ([]Observation, error) {
	obs, _, err := DecodeReceivedBytes(data, name, time.Time{})
	return obs, err
}

// DecodeReceivedBytes is DecodeObservationBytes of a batch received at a
// known time, less the clock skew a receiver allows (notAfter): a line
// whose reported_at is after it is refused like any bad line (a report
// cannot come from the future: its source's clock is wrong, and its time
// would move the agreement's clock past every deadline). A zero notAfter
// checks nothing, as a file read has no receipt. repeated counts the lines
// that repeat an earlier line's observation exactly (kept once, not
// returned): an answer counts them with the resends.
func DecodeReceivedBytes(data []byte, name string, notAfter time.Time) (obs []Observation, repeated int, err error) {
	// The room is bounded whatever the data: a megabyte of short bad
	// lines must not take room for a million observations.
	room := min(bytes.Count(data, []byte{'\n'})+1, len(data)/minObservationBytes, maxRoom)
	return decodeObservations(bytes.NewReader(data), name, room, notAfter)
}

// A line shorter than minObservationBytes holds no valid observation (the
// required members alone are longer); maxRoom bounds the room made ahead.
const (
	minObservationBytes = 128
	maxRoom             = 8192
)

// decodeObservations is DecodeObservations with room made for lines
// observations (none when 0), refusing reports after notAfter (when not
// zero); it counts the lines that repeat an earlier one exactly.
func decodeObservations(r io.Reader, name string, lines int, notAfter time.Time) ([]Observation, int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	var out []Observation
	if lines > 0 {
		out = make([]Observation, 0, lines)
	}
	var errs LineErrors
	bad := 0 // every bad line; errs keeps the first MaxLineErrors
	fail := func(le LineError) {
		bad++
		if len(errs) < MaxLineErrors {
			errs = append(errs, le)
		}
	}
	seen := make(map[ObservationKey]int, lines) // key → index in out
	repeated := 0
	lineOf := make(map[ObservationKey]int, lines)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Bytes()
		if n == 1 {
			// A UTF-8 byte-order mark (Notepad, a spreadsheet's "UTF-8"
			// export) is no part of the first observation: ignored, as
			// RFC 8259 allows and the CSV imports do.
			line = bytes.TrimPrefix(line, []byte("\ufeff"))
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if len(errs) == MaxLineErrors && (line[0] != '{' || !json.Valid(line)) {
			bad++ // not listed: only counted, without the cost of saying why
			continue
		}
		o, le := decodeLine(line)
		if le != nil {
			le.File, le.Line = name, n
			fail(*le)
			continue
		}
		if !notAfter.IsZero() && o.ReportedAt.After(notAfter) {
			fail(LineError{File: name, Line: n, Field: "properties.reported_at",
				Msg: fmt.Sprintf("%s is after the batch was received (%s, with the clock skew allowed): a report cannot come from the future; set the source's clock right", o.ReportedAt.Format(time.RFC3339), notAfter.Format(time.RFC3339))})
			continue
		}
		k := o.Key()
		if i, dup := seen[k]; dup {
			if out[i].Digest() != o.Digest() {
				fail(LineError{File: name, Line: n, Field: "properties.id",
					Msg: fmt.Sprintf("(source %q, id %q) was sent on line %d with different content", k.Source, k.ID, lineOf[k])})
			} else {
				repeated++
			}
			continue
		}
		seen[k], lineOf[k] = len(out), n
		out = append(out, *o)
	}
	if err := sc.Err(); err != nil {
		return nil, 0, &Error{Code: EINVALID, Message: fmt.Sprintf("%s: line %d", name, n+1), Err: err}
	}
	if bad > 0 {
		msg := fmt.Sprintf("%s: %d bad line(s), nothing accepted", name, bad)
		if bad > len(errs) {
			msg += fmt.Sprintf(" (the first %d listed)", len(errs))
		}
		return nil, 0, &Error{Code: EINVALID, Message: msg, Err: &BadLines{Lines: errs, Total: bad}}
	}
	if len(out) == 0 {
		return nil, repeated, nil // as without room made
	}
	return out, repeated, nil
}

// DecodeObservation decodes and validates one observation.
func DecodeObservation(line []byte) (*Observation, error) {
	o, le := decodeLine(line)
	if le != nil {
		return nil, errors.New(le.String())
	}
	return o, nil
}

// ObservationProblem is what DecodeObservation refuses a line for, as a
// LineError without its file and line (the caller's to set: an importer
// names the row it made the line from); nil when the line is valid.
func ObservationProblem(line []byte) *LineError {
	_, le := decodeLine(line)
	return le
}

// decodeLine decodes and validates one line: by decodeFast when the line
// holds only the contract's fields, spelled once each as the contract
// spells them; by decodeJSON (encoding/json) otherwise, which also says
// what is wrong with a malformed line and keeps the extras. Both hand the
// same wire form to the same checks (wireFeature.observation).
func decodeLine(line []byte) (*Observation, *LineError) {
	if f, ok := decodeFast(line); ok {
		return f.observation(line, false)
	}
	return decodeJSON(line)
}

// The bounds of an observation's accuracies beyond the contract's "> 0"
// and "≥ 0": fusion weighs a position by 1/accuracy_m², which underflows
// or overflows to a position at (0, 0) or a panic outside the first two,
// and a time accuracy is counted in whole seconds of an int64.
const (
	MinAccuracyM     = 1e-6
	MaxAccuracyM     = 2e7
	MaxTimeAccuracyS = 1e9
)

// failType says what a field of the wrong JSON type should be: the Go
// type's name for a scalar (float64, string), in words for an object.
func failType(te *json.UnmarshalTypeError) (*Observation, *LineError) {
	want := te.Type.String()
	if te.Type.Kind() == reflect.Struct || te.Type.Kind() == reflect.Map {
		want = "an object"
		if te.Field == "" {
			want = "an object (a GeoJSON Feature)"
		}
	}
	return nil, &LineError{Field: te.Field, Msg: fmt.Sprintf("want %s, got %s", want, te.Value)}
}

// decodeJSON decodes one line with encoding/json and validates it.
func decodeJSON(line []byte) (*Observation, *LineError) {
	fail := func(field, f string, a ...any) (*Observation, *LineError) {
		return nil, &LineError{Field: field, Msg: fmt.Sprintf(f, a...)}
	}
	// decodeFast takes no line with a repeated key: only this path meets
	// them.
	if p, ok := RepeatedKey(line); ok {
		return fail(p, RepeatedKeyReason+", so the line is refused; give it once")
	}
	if p, ok := BadText(line); ok {
		return fail(p, BadTextReason)
	}
	// Most lines hold only the contract's fields: decode them strictly in
	// one pass, and only when that meets an unknown field decode again
	// leniently and keep the extras.
	var f wireFeature
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	extras := false
	if err := dec.Decode(&f); err != nil {
		if !strings.HasPrefix(err.Error(), "json: unknown field") {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return failType(te)
			}
			return fail("", "not JSON: %v", err)
		}
		f, extras = wireFeature{}, true
		if err := json.Unmarshal(line, &f); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return failType(te)
			}
			return fail("", "not JSON: %v", err)
		}
	} else if dec.More() {
		return fail("", "data after the end of the feature")
	}
	return f.observation(line, extras)
}

// observation checks the decoded wire form against the contract and
// returns the observation; with extras, the properties the contract does
// not define are read again from the line and kept.
func (f *wireFeature) observation(line []byte, extras bool) (*Observation, *LineError) {
	fail := func(field, f string, a ...any) (*Observation, *LineError) {
		return nil, &LineError{Field: field, Msg: fmt.Sprintf(f, a...)}
	}
	if f.Type != "Feature" {
		return fail("type", "want \"Feature\", got %q", f.Type)
	}
	if f.Geometry == nil {
		return fail("geometry", "missing")
	}
	if f.Properties == nil {
		return fail("properties", "missing")
	}
	o := &Observation{}
	switch f.Geometry.Type {
	case "Point":
		c := f.Geometry.point
		if !f.Geometry.parsed {
			if err := json.Unmarshal(f.Geometry.Coordinates, &c); err != nil {
				return fail("geometry.coordinates", "want [lon, lat]: %v", err)
			}
		}
		pos, msg := position(c)
		if msg != "" {
			return fail("geometry.coordinates", "%s", msg)
		}
		o.Position = pos
	case "LineString":
		cs := f.Geometry.line
		if !f.Geometry.parsed {
			if err := json.Unmarshal(f.Geometry.Coordinates, &cs); err != nil {
				return fail("geometry.coordinates", "want [[lon, lat], ...]: %v", err)
			}
		}
		if len(cs) < 2 {
			return fail("geometry.coordinates", "a LineString needs at least two positions, got %d", len(cs))
		}
		o.Path = make([][2]float64, 0, len(cs))
		for i, c := range cs {
			pos, msg := position(c)
			if msg != "" {
				return fail(fmt.Sprintf("geometry.coordinates[%d]", i), "%s", msg)
			}
			o.Path = append(o.Path, pos)
		}
		o.Position = o.Path[len(o.Path)-1]
	default:
		return fail("geometry.type", "want \"Point\" or \"LineString\", got %q", f.Geometry.Type)
	}
	p := f.Properties
	if p.ID == "" {
		return fail("properties.id", "missing")
	}
	o.ID = p.ID
	switch {
	case p.Source == nil:
		return fail("properties.source", "missing")
	case p.Source.ID == "":
		return fail("properties.source.id", "missing")
	case !slices.Contains(SourceKinds, p.Source.Kind):
		return fail("properties.source.kind", "%q is not one of %s", p.Source.Kind, strings.Join(SourceKinds, ", "))
	case p.Source.Owner == "":
		return fail("properties.source.owner", "missing")
	}
	o.Source = *p.Source
	var err error
	if o.ObservedAt, err = ParseInstant(p.ObservedAt); err != nil {
		return fail("properties.observed_at", "want an RFC 3339 instant, got %q", p.ObservedAt)
	}
	if o.ReportedAt, err = ParseInstant(p.ReportedAt); err != nil {
		return fail("properties.reported_at", "want an RFC 3339 instant, got %q", p.ReportedAt)
	}
	if o.ReportedAt.Before(o.ObservedAt) {
		return fail("properties.reported_at", "%s is before observed_at %s", p.ReportedAt, p.ObservedAt)
	}
	if !slices.Contains(Events, p.Event) {
		return fail("properties.event", "%q is not one of %s", p.Event, strings.Join(Events, ", "))
	}
	o.Event = p.Event
	if p.Equipment != "" && !slices.Contains(Equipments, p.Equipment) {
		return fail("properties.equipment", "%q is not one of %s", p.Equipment, strings.Join(Equipments, ", "))
	}
	o.Equipment = p.Equipment
	if p.CaliberMM != nil {
		if *p.CaliberMM < 0 {
			return fail("properties.caliber_mm", "must be ≥ 0, got %v", *p.CaliberMM)
		}
		o.CaliberMM = *p.CaliberMM
	}
	o.Count = 1
	if p.Count != nil {
		if *p.Count < 1 || *p.Count != math.Trunc(*p.Count) || *p.Count > 1e9 {
			return fail("properties.count", "want a whole number ≥ 1, got %v", *p.Count)
		}
		o.Count = int(*p.Count)
	}
	if p.AttributedTo == "" {
		return fail("properties.attributed_to", "missing (a party id or \"unknown\")")
	}
	o.AttributedTo = p.AttributedTo
	if p.AccuracyM == nil || !(*p.AccuracyM > 0) || math.IsInf(*p.AccuracyM, 0) {
		return fail("properties.accuracy_m", "want a radius in metres > 0")
	}
	if *p.AccuracyM < MinAccuracyM || *p.AccuracyM > MaxAccuracyM {
		return fail("properties.accuracy_m", "want a radius from %g m (a micrometre) to %g m (half the Earth's circumference), got %v: fusion weighs a position by the inverse of its accuracy squared, which overflows outside them", MinAccuracyM, MaxAccuracyM, *p.AccuracyM)
	}
	o.AccuracyM = *p.AccuracyM
	o.TimeAccuracyS = 60
	if p.TimeAccuracyS != nil {
		if *p.TimeAccuracyS < 0 {
			return fail("properties.time_accuracy_s", "must be ≥ 0, got %v", *p.TimeAccuracyS)
		}
		if *p.TimeAccuracyS > MaxTimeAccuracyS {
			return fail("properties.time_accuracy_s", "want at most %g s (about 31 years), got %v", MaxTimeAccuracyS, *p.TimeAccuracyS)
		}
		o.TimeAccuracyS = *p.TimeAccuracyS
	}
	if p.Confidence == nil || !(*p.Confidence > 0 && *p.Confidence <= 1) {
		return fail("properties.confidence", "want 0 < confidence ≤ 1")
	}
	o.Confidence = *p.Confidence
	for i, e := range p.Evidence {
		if e.URI == "" {
			return fail(fmt.Sprintf("properties.evidence[%d].uri", i), "missing")
		}
		// The digest is kept as given, whatever its form: the contract
		// names the field, not its form (its own example has "…"), and
		// accord does not fetch the evidence to check it.
	}
	o.Evidence = p.Evidence
	v, le := decodeVessel(p.Vessel, o.Event, f.Geometry.Type)
	if le != nil {
		return nil, le
	}
	o.Vessel = v
	if !extras {
		return o, nil
	}
	// Keep what the contract does not define, verbatim.
	var all struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	_ = json.Unmarshal(line, &all)
	for k, v := range all.Properties {
		if !slices.Contains(knownProperties, k) {
			if o.Extra == nil {
				o.Extra = map[string]json.RawMessage{}
			}
			o.Extra[k] = v
		}
	}
	return o, nil
}

func position(c []float64) ([2]float64, string) {
	switch {
	case len(c) < 2 || len(c) > 3:
		return [2]float64{}, fmt.Sprintf("a position has 2 or 3 numbers, got %d", len(c))
	case c[0] < -180 || c[0] > 180:
		return [2]float64{}, fmt.Sprintf("longitude %v is outside -180..180", c[0])
	case c[1] < -90 || c[1] > 90:
		return [2]float64{}, fmt.Sprintf("latitude %v is outside -90..90", c[1])
	}
	return [2]float64{c[0], c[1]}, ""
}

// ObservationLines gives the line of each observation that
// DecodeObservationBytes returns for data, a batch it accepted: the
// line's number in data, from 1 (blank lines counted, not returned; a
// line that repeats an earlier one's key is not returned either). It is
// for a refusal that names observations by their place in the batch
// (Conflicts), to say their lines; a line that does not decode ends the
// list there.
func ObservationLines(data []byte) []int {
	var out []int
	seen := map[ObservationKey]bool{}
	n := 0
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		n++
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		o, le := decodeLine(line)
		if le != nil {
			return out
		}
		if k := o.Key(); !seen[k] {
			seen[k] = true
			out = append(out, n)
		}
	}
	return out
}

// ConflictLines are a store's conflicts as bad lines of the batch data
// they came from (ObservationLines): each at its line, field
// properties.id. A conflict whose line is not known is at line 0.
func ConflictLines(c Conflicts, data []byte, name string) *BadLines {
	lines := ObservationLines(data)
	bad := &BadLines{Total: len(c), Why: "already stored with different content"}
	for _, x := range c {
		if len(bad.Lines) == MaxLineErrors {
			break
		}
		le := LineError{File: name, Field: "properties.id",
			Msg: fmt.Sprintf("(source %q, id %q) is already stored with different content", x.Key.Source, x.Key.ID)}
		if x.Index < len(lines) {
			le.Line = lines[x.Index]
		}
		bad.Lines = append(bad.Lines, le)
	}
	return bad
}

// ParseInstant reads an RFC 3339 instant (section 5.6's date-time), and
// nothing else: time.Parse alone refuses t and z (which RFC 3339 allows)
// and a leap second, and takes a comma before the fraction, a one-digit
// hour or an offset of 24 hours (which it does not). A leap second,
// 23:59:60 in UTC, is read as the instant it ends: time.Time has no second
// 60. The form is checked here, byte by byte (every observation has two
// instants: no regular expression on that path); the ranges of the
// date's and the time's fields are time.Parse's to check.
func ParseInstant(s string) (time.Time, error) {
	lower, ok := rfc3339Form(s)
	if !ok {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 date-time", s)
	}
	leap := s[17] == '6' && s[18] == '0'
	if !lower && !leap {
		return time.Parse(time.RFC3339Nano, s)
	}
	b := []byte(s)
	b[10] = 'T'
	if z := len(b) - 1; b[z] == 'z' {
		b[z] = 'Z'
	}
	if leap {
		b[17], b[18] = '5', '9'
	}
	t, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return time.Time{}, err
	}
	if leap {
		if u := t.UTC(); u.Hour() != 23 || u.Minute() != 59 {
			return time.Time{}, fmt.Errorf("%q: a leap second is 23:59:60 in UTC", s)
		}
		t = t.Add(time.Second)
	}
	return t, nil
}

// rfc3339Form reports whether s has the form of RFC 3339's date-time —
// YYYY-MM-DD, T or t, hh:mm:ss, a fraction of one digit or more after a
// point, Z or z or an offset ±hh:mm of hours 00-23 and minutes 00-59 —
// and whether it holds a lowercase t or z.
func rfc3339Form(s string) (lower, ok bool) {
	digits := func(i, n int) bool {
		for j := i; j < i+n; j++ {
			if s[j] < '0' || s[j] > '9' {
				return false
			}
		}
		return true
	}
	if len(s) < 20 || !digits(0, 4) || s[4] != '-' || !digits(5, 2) || s[7] != '-' || !digits(8, 2) ||
		(s[10] != 'T' && s[10] != 't') || !digits(11, 2) || s[13] != ':' || !digits(14, 2) || s[16] != ':' || !digits(17, 2) {
		return false, false
	}
	lower = s[10] == 't'
	i := 19
	if s[i] == '.' {
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i+1 {
			return false, false
		}
		i = j
	}
	switch rest := s[i:]; {
	case rest == "Z":
		return lower, true
	case rest == "z":
		return true, true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		h, m := rest[1:3], rest[4:6]
		okH := h[0] >= '0' && h[0] <= '2' && h[1] >= '0' && h[1] <= '9' && (h[0] < '2' || h[1] <= '3')
		okM := m[0] >= '0' && m[0] <= '5' && m[1] >= '0' && m[1] <= '9'
		return lower, okH && okM
	}
	return false, false
}
