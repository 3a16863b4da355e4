package cond

import (
	"fmt"
	"strconv"
	"strings"
)

// Node is a node of a parsed condition.
type Node interface{ col() int }

// Binary is a and b, or a or b.
type Binary struct {
	Op   string // "and" or "or"
	L, R Node
	Col  int
}

// Not is the negation of X.
type Not struct {
	X   Node
	Col int
}

// Compare compares two values.
type Compare struct {
	Op   string // == != < <= > >=
	L, R Node
	Col  int
}

// Number is a number literal.
type Number struct {
	V   float64
	Col int
}

// MaxDurationS is the longest duration literal, in seconds: a century
// (agreement.MaxDays), well within time.Duration's 292 years.
const MaxDurationS = 36500 * 86400

// Duration is a duration literal, in seconds.
type Duration struct {
	Seconds float64
	Text    string
	Col     int
}

// Name is a bare name: a status, a party, an id, true or false.
type Name struct {
	Text string
	Col  int
}

// Call is a function call.
type Call struct {
	Fn      string
	Args    []Arg  // filters: name op value
	Operand string // since, provision, phase: the one argument
	Col     int
	ArgCol  int
}

// Arg is one filter of a call.
type Arg struct {
	Name, Op string
	Value    Node
	Col      int
}

func (n *Binary) col() int   { return n.Col }
func (n *Not) col() int      { return n.Col }
func (n *Compare) col() int  { return n.Col }
func (n *Number) col() int   { return n.Col }
func (n *Duration) col() int { return n.Col }
func (n *Name) col() int     { return n.Col }
func (n *Call) col() int     { return n.Col }

// Expr is a parsed condition with its source.
type Expr struct {
	Src  string
	Root Node
}

func (e *Expr) String() string { return e.Src }

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

func (p *parser) expect(k tokKind, what string) (token, error) {
	t := p.next()
	if t.kind != k {
		return t, &Error{t.col, fmt.Sprintf("want %s, got %s", what, describe(t))}
	}
	return t, nil
}

func describe(t token) string {
	if t.kind == tEOF {
		return "the end of the condition"
	}
	return fmt.Sprintf("%q", t.text)
}

// Parse parses a condition. Errors are *Error with the column.
func Parse(src string) (*Expr, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	if len(toks) == 1 {
		return nil, &Error{1, "empty condition"}
	}
	p := &parser{toks: toks}
	root, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, &Error{t.col, fmt.Sprintf("unexpected %s: join conditions with and, or", describe(t))}
	}
	return &Expr{Src: src, Root: root}, nil
}

func (p *parser) or() (Node, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tOr {
		t := p.next()
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: "or", L: l, R: r, Col: t.col}
	}
	return l, nil
}

func (p *parser) and() (Node, error) {
	l, err := p.not()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tAnd {
		t := p.next()
		r, err := p.not()
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: "and", L: l, R: r, Col: t.col}
	}
	return l, nil
}

func (p *parser) not() (Node, error) {
	if t := p.peek(); t.kind == tNot {
		p.next()
		x, err := p.not()
		if err != nil {
			return nil, err
		}
		return &Not{X: x, Col: t.col}, nil
	}
	return p.compare()
}

func (p *parser) compare() (Node, error) {
	l, err := p.primary()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind == tOp {
		p.next()
		if t.text == "=" {
			return nil, &Error{t.col, "write == to compare (= is for filters inside a call)"}
		}
		r, err := p.primary()
		if err != nil {
			return nil, err
		}
		return &Compare{Op: t.text, L: l, R: r, Col: t.col}, nil
	}
	return l, nil
}

// Functions lists the functions and whether they take filters (true) or one
// operand (false).
var Functions = map[string]bool{"violations": true, "findings": true, "exchanged": true, "since": false, "provision": false, "phase": false, "agreement": false}

func (p *parser) primary() (Node, error) {
	t := p.next()
	switch t.kind {
	case tNumber:
		return &Number{V: t.num, Col: t.col}, nil
	case tDuration:
		return &Duration{Seconds: t.num, Text: t.text, Col: t.col}, nil
	case tLParen:
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tRParen, "')'"); err != nil {
			return nil, err
		}
		return x, nil
	case tName:
		if p.peek().kind != tLParen {
			return &Name{Text: t.text, Col: t.col}, nil
		}
		filters, known := Functions[t.text]
		if !known {
			return nil, &Error{t.col, fmt.Sprintf("unknown function %q (want one of %s)", t.text, functionNames())}
		}
		p.next() // (
		c := &Call{Fn: t.text, Col: t.col, ArgCol: p.peek().col}
		if !filters {
			id, err := p.expect(tName, "an id")
			if err != nil {
				return nil, err
			}
			c.Operand = id.text
			if _, err := p.expect(tRParen, "')'"); err != nil {
				return nil, err
			}
			return c, nil
		}
		for p.peek().kind != tRParen {
			if len(c.Args) > 0 {
				if _, err := p.expect(tComma, "',' or ')'"); err != nil {
					return nil, err
				}
			}
			name, err := p.expect(tName, "a filter such as party=ru")
			if err != nil {
				return nil, err
			}
			op, err := p.expect(tOp, "an operator after "+name.text)
			if err != nil {
				return nil, err
			}
			v, err := p.primary()
			if err != nil {
				return nil, err
			}
			c.Args = append(c.Args, Arg{Name: name.text, Op: op.text, Value: v, Col: name.col})
		}
		p.next() // )
		return c, nil
	}
	return nil, &Error{t.col, fmt.Sprintf("want a value, a call or '(', got %s", describe(t))}
}

func functionNames() string {
	return "violations, findings, exchanged, since, provision, phase, agreement"
}

// Format prints a node back as source (for messages and tests).
func Format(n Node) string {
	switch n := n.(type) {
	case *Binary:
		return "(" + Format(n.L) + " " + n.Op + " " + Format(n.R) + ")"
	case *Not:
		return "not " + Format(n.X)
	case *Compare:
		return Format(n.L) + " " + n.Op + " " + Format(n.R)
	case *Number:
		return strconv.FormatFloat(n.V, 'f', -1, 64)
	case *Duration:
		return n.Text
	case *Name:
		return n.Text
	case *Call:
		if n.Operand != "" {
			return n.Fn + "(" + n.Operand + ")"
		}
		var args []string
		for _, a := range n.Args {
			args = append(args, a.Name+a.Op+Format(a.Value))
		}
		return n.Fn + "(" + strings.Join(args, ", ") + ")"
	}
	return "?"
}
