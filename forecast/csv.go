package forecast

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/accord-peace/accord"
)

// CSVError is a problem in a CSV file, at a line and column (both from 1;
// the column counts characters, as encoding/csv does).
type CSVError struct {
	Line, Column int
	Msg          string
}

func (e *CSVError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// ReadCSV reads an Input in KTAB's layout:
//
//	name,description,numActors,numDims,
//	Actor,Description,Power,<dim1>,<sal1>,<dim2>,<sal2>,...
//	name,desc,power,pos1,sal1,pos2,sal2,...
//
// one line per actor after the two header lines, trailing commas allowed.
// Positions and saliences lie on 0..100, an actor's saliences sum to at most
// 100, power is >= 0, and there are at least two actors. Every problem is a
// *CSVError naming its line and column, wrapped in an accord.Error of code
// EINVALID.
func ReadCSV(r io.Reader) (*Input, error) {
	in, err := readCSV(r)
	if err != nil {
		return nil, &accord.Error{Code: accord.EINVALID, Err: err}
	}
	return in, nil
}

func readCSV(r io.Reader) (*Input, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = false
	next := func() ([]string, error) {
		for {
			rec, err := cr.Read()
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					return nil, &CSVError{Line: pe.Line, Column: pe.Column, Msg: pe.Err.Error()}
				}
				return nil, err
			}
			if blank(rec) {
				continue
			}
			return trim(rec), nil
		}
	}
	pos := func(field int) (int, int) {
		l, c := cr.FieldPos(field)
		return l, c
	}
	fail := func(field int, format string, args ...any) error {
		l, c := pos(field)
		return &CSVError{Line: l, Column: c, Msg: fmt.Sprintf(format, args...)}
	}
	lineEnd := func(rec []string) error {
		l, c := pos(len(rec) - 1)
		return &CSVError{Line: l, Column: c + len(rec[len(rec)-1]), Msg: ""}
	}
	missing := func(rec []string, want string) error {
		e := lineEnd(rec).(*CSVError)
		e.Msg = "missing column: " + want
		return e
	}

	// Line 1: name, description, numActors, numDims.
	head, err := next()
	if err == io.EOF {
		return nil, &CSVError{Line: 1, Column: 1, Msg: "empty file: want name,description,numActors,numDims"}
	}
	if err != nil {
		return nil, err
	}
	if len(head) < 4 {
		return nil, missing(head, []string{"name", "description", "numActors", "numDims"}[len(head)])
	}
	naLine, naCol := pos(2)
	numActors, err := strconv.Atoi(head[2])
	if err != nil {
		return nil, fail(2, "numActors %q is not a whole number", head[2])
	}
	if numActors < 2 {
		return nil, fail(2, "numActors is %d; a forecast needs at least two actors", numActors)
	}
	numDims, err := strconv.Atoi(head[3])
	if err != nil {
		return nil, fail(3, "numDims %q is not a whole number", head[3])
	}
	if numDims < 1 || numDims > 1000 {
		return nil, fail(3, "numDims is %d; want 1..1000", numDims)
	}
	if err := extra(head, 4, fail); err != nil {
		return nil, err
	}
	in := &Input{Name: head[0], Description: head[1]}
	width := 3 + 2*numDims

	// Line 2: Actor, Description, Power, then a position and a salience
	// column per dimension.
	cols, err := next()
	if err == io.EOF {
		return nil, &CSVError{Line: 2, Column: 1, Msg: "missing the column header line (Actor,Description,Power,...)"}
	}
	if err != nil {
		return nil, err
	}
	if len(cols) < width {
		return nil, missing(cols, columnName(len(cols)))
	}
	if err := extra(cols, width, fail); err != nil {
		return nil, err
	}
	for d := range numDims {
		in.Dimensions = append(in.Dimensions, cols[3+2*d])
	}

	for {
		rec, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(in.Actors) == numActors {
			return nil, fail(0, "more actor lines than numActors (%d)", numActors)
		}
		if len(rec) < width {
			return nil, missing(rec, columnName(len(rec))+" ("+colLabel(cols, len(rec))+")")
		}
		if err := extra(rec, width, fail); err != nil {
			return nil, err
		}
		a := Actor{Name: rec[0], Description: rec[1]}
		if a.Name == "" {
			return nil, fail(0, "empty actor name")
		}
		num := func(f int) (float64, error) {
			v, err := strconv.ParseFloat(rec[f], 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, fail(f, "%s %q is not a number", colLabel(cols, f), rec[f])
			}
			return v, nil
		}
		if a.Power, err = num(2); err != nil {
			return nil, err
		}
		if a.Power < 0 {
			return nil, fail(2, "negative power %g for %s", a.Power, a.Name)
		}
		if a.Power > MaxPower {
			return nil, fail(2, "power %g for %s is over %g (only ratios of powers matter)", a.Power, a.Name, MaxPower)
		}
		sum := 0.0
		for d := range numDims {
			p, err := num(3 + 2*d)
			if err != nil {
				return nil, err
			}
			if p < 0 || p > 100 {
				return nil, fail(3+2*d, "position %g of %s on %s outside 0..100", p, a.Name, in.Dimensions[d])
			}
			s, err := num(4 + 2*d)
			if err != nil {
				return nil, err
			}
			if s < 0 || s > 100 {
				return nil, fail(4+2*d, "salience %g of %s on %s outside 0..100", s, a.Name, in.Dimensions[d])
			}
			sum += s
			if sum > 100+1e-9 {
				return nil, fail(4+2*d, "saliences of %s sum to %g, over 100", a.Name, sum)
			}
			a.Position = append(a.Position, p)
			a.Salience = append(a.Salience, s)
		}
		in.Actors = append(in.Actors, a)
	}
	if len(in.Actors) < numActors {
		return nil, &CSVError{Line: naLine, Column: naCol, Msg: fmt.Sprintf("numActors is %d but the file has %d actor line(s)", numActors, len(in.Actors))}
	}
	return in, nil
}

// extra refuses non-empty fields past the layout's width (trailing commas,
// that is empty fields, are allowed).
func extra(rec []string, width int, fail func(int, string, ...any) error) error {
	for f := width; f < len(rec); f++ {
		if rec[f] != "" {
			return fail(f, "unexpected column %d %q (the layout has %d)", f+1, rec[f], width)
		}
	}
	return nil
}

func columnName(f int) string {
	switch f {
	case 0:
		return "Actor"
	case 1:
		return "Description"
	case 2:
		return "Power"
	}
	d := (f-3)/2 + 1
	if (f-3)%2 == 0 {
		return fmt.Sprintf("position of dimension %d", d)
	}
	return fmt.Sprintf("salience of dimension %d", d)
}

func colLabel(cols []string, f int) string {
	if f < len(cols) && cols[f] != "" {
		return cols[f]
	}
	return columnName(f)
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func trim(rec []string) []string {
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
	}
	return rec
}
