package scenario

import (
	"fmt"
	"strings"

	"github.com/accord-peace/accord"
)

// Problem is one thing wrong with a scenario file, located precisely.
type Problem struct {
	File   string
	Line   int
	Column int
	Field  string // dotted path, e.g. positions.ua.issues.crimea.weight
	Msg    string
}

func (p Problem) String() string {
	loc := p.File
	if p.Line > 0 {
		loc = fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
	}
	if p.Field == "" {
		return loc + ": " + p.Msg
	}
	return loc + ": " + p.Field + ": " + p.Msg
}

// ValidationError lists every problem found in a scenario file.
type ValidationError struct {
	Problems []Problem
}

// Error implements error: one problem per line.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes the application error code (accord.EINVALID).
func (e *ValidationError) Unwrap() error {
	return &accord.Error{Code: accord.EINVALID, Message: "invalid scenario"}
}

// maxProblems bounds the report on a badly broken file.
const maxProblems = 50
