package monitor

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/accord-peace/accord"
)

// ImportOptions tune the CSV importers.
type ImportOptions struct {
	// Parties maps the start of an actor's name to a party id, e.g.
	// "Military Forces of Russia" → "ru"; actors that match none are
	// attributed to "unknown". It is used only where the source says who
	// acted (ACLED's actor1 of an event without a second actor, or with
	// civilians as the second; UCDP's side_a of one-sided violence): the
	// sides of a clash or of a state-based conflict are sides, not an
	// attacker and a target, and attribute nothing.
	Parties map[string]string
	// Confidence is the confidence given to every imported event (the
	// importers' defaults when 0).
	Confidence float64
}

// party maps an actor's name to a party id.
func (opt ImportOptions) party(actor string) string {
	best, bestLen := Unknown, 0
	for prefix, p := range opt.Parties {
		if strings.HasPrefix(actor, prefix) && len(prefix) > bestLen {
			best, bestLen = p, len(prefix)
		}
	}
	return best
}

// csvTable reads a CSV file with a header row and gives access by column
// name; it collects per-row errors in LineErrors (the line is the row's
// line in the file, the header being line 1).
type csvTable struct {
	name   string
	header []string
	col    map[string]int
	errs   LineErrors
	lines  []int // the line each row starts on
}

// readCSV reads every row, checking the required columns exist.
// A UTF-8 byte-order mark before the header (spreadsheet exports write one)
// is skipped, so that a quoted first column name reads as quoted.
func readCSV(r io.Reader, name string, required []string) (*csvTable, [][]string, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\ufeff")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = 0 // every row as wide as the header
	header, err := cr.Read()
	if err != nil {
		return nil, nil, &accord.Error{Code: accord.EINVALID, Message: name + ": no header row", Err: err}
	}
	t := &csvTable{name: name, header: header, col: map[string]int{}}
	for i, h := range header {
		t.col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	var missing []string
	for _, c := range required {
		if _, ok := t.col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, nil, accord.Errorf(accord.EINVALID, "%s: missing column(s) %s", name, strings.Join(missing, ", "))
	}
	var rows [][]string
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				t.errs = append(t.errs, LineError{File: name, Line: pe.Line, Msg: pe.Err.Error()})
				if len(t.errs) >= 100 {
					break
				}
				continue
			}
			return nil, nil, &accord.Error{Code: accord.EINVALID, Message: name, Err: err}
		}
		line, _ := cr.FieldPos(0)
		for i, f := range row {
			if !utf8.ValidString(f) && i < len(header) {
				t.errs = append(t.errs, LineError{File: name, Line: line, Field: strings.TrimSpace(header[i]), Msg: "not valid UTF-8: the export's text must be UTF-8 (a reader would replace the bad bytes by U+FFFD, so two ids could become one)"})
			}
		}
		rows, t.lines = append(rows, row), append(t.lines, line)
	}
	return t, rows, nil
}

func (t *csvTable) get(row []string, col string) string {
	if i, ok := t.col[col]; ok && i < len(row) {
		return strings.TrimSpace(row[i])
	}
	return ""
}

func (t *csvTable) fail(line int, col, format string, args ...any) {
	t.errs = append(t.errs, LineError{File: t.name, Line: line, Field: col, Msg: fmt.Sprintf(format, args...)})
}

// number parses a column as a number, recording an error when it is not.
func (t *csvTable) number(row []string, line int, col string) (float64, bool) {
	s := t.get(row, col)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		t.fail(line, col, "want a finite number, got %q", s)
		return 0, false
	}
	return v, true
}

// code maps a coded column through its table, recording an error for a
// code the table lacks.
func (t *csvTable) code(row []string, line int, col string, table map[string]float64) (float64, bool) {
	s := t.get(row, col)
	v, ok := table[s]
	if !ok {
		codes := make([]string, 0, len(table))
		for k := range table {
			codes = append(codes, k)
		}
		sort.Strings(codes)
		t.fail(line, col, "want one of %s, got %q", strings.Join(codes, ", "), s)
	}
	return v, ok
}

// raw is the row as a JSON object of its columns, kept with the observation.
func (t *csvTable) raw(row []string) json.RawMessage {
	m := make(map[string]string, len(t.header))
	for i, h := range t.header {
		if i < len(row) {
			m[h] = row[i]
		}
	}
	b, _ := json.Marshal(m)
	return b
}

// result returns the observations (lines[i] is the row obs[i] was made
// from), or every row error with nothing: those of the columns, then those
// the observation contract finds in what the rows made (decodeCheck), each
// at its row.
func (t *csvTable) result(obs []Observation, lines []int) ([]Observation, error) {
	for i := range obs {
		if len(t.errs) >= 100 {
			break
		}
		if le := decodeCheck(&obs[i]); le != nil {
			t.fail(lines[i], le.Field, "%s", le.Msg)
		}
	}
	if len(t.errs) > 0 {
		slices.SortStableFunc(t.errs, func(a, b LineError) int { return cmp.Compare(a.Line, b.Line) })
		return nil, &accord.Error{Code: accord.EINVALID, Message: fmt.Sprintf("%s: %d bad row(s), nothing imported", t.name, len(t.errs)), Err: t.errs}
	}
	return obs, nil
}

// decodeCheck validates an imported observation by the same rules as the
// decoder, through its wire form; nil when it passes.
func decodeCheck(o *Observation) *LineError {
	b, err := o.MarshalJSON()
	if err != nil {
		return &LineError{Msg: err.Error()}
	}
	return accord.ObservationProblem(b)
}

// dateLayouts are the forms of a date the importers read: a day, or an
// instant on it (ISO 8601 with T or a space, with or without seconds'
// fractions and a UTC offset), of which the calendar day as written is kept.
var dateLayouts = []string{"2006-01-02", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05", "2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05"}

// parseDay reads a calendar day in the first of the layouts that fits: its
// midnight UTC, whatever the time of day or offset written with it (the
// sources' dates are days; their precision says how sure the day is).
func parseDay(s string, layouts ...string) (time.Time, error) {
	for _, layout := range layouts {
		if d, err := time.Parse(layout, s); err == nil {
			return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q fits none of %v", s, layouts)
}

// period is the middle of [start, end) and its half length in seconds: the
// observation time and time accuracy that cover the whole period.
func period(start, end time.Time) (time.Time, float64) {
	half := end.Sub(start) / 2
	return start.Add(half), half.Seconds()
}
