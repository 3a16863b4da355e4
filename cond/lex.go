package cond

import (
	"fmt"
	"strings"
	"unicode"
)

// Error is a parse or check error at a column (1-based, in runes).
type Error struct {
	Col int
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("column %d: %s", e.Col, e.Msg) }

type tokKind int

const (
	tEOF tokKind = iota
	tNumber
	tDuration
	tName
	tOp     // == != < <= > >= =
	tLParen // (
	tRParen // )
	tComma
	tAnd
	tOr
	tNot
)

type token struct {
	kind tokKind
	text string
	col  int
	num  float64 // numbers; durations in seconds
}

func isNameRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-' || r == ':' || r == '.' || r == '*' || r == '/'
}

// lex splits a condition into tokens.
func lex(src string) ([]token, error) {
	rs := []rune(src)
	var out []token
	for i := 0; i < len(rs); {
		r := rs[i]
		col := i + 1
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(':
			out = append(out, token{kind: tLParen, text: "(", col: col})
			i++
		case r == ')':
			out = append(out, token{kind: tRParen, text: ")", col: col})
			i++
		case r == ',':
			out = append(out, token{kind: tComma, text: ",", col: col})
			i++
		case r == '&' || r == '|':
			if i+1 >= len(rs) || rs[i+1] != r {
				return nil, &Error{col, fmt.Sprintf("%q: write %c%c (or %s)", r, r, r, map[rune]string{'&': "and", '|': "or"}[r])}
			}
			k := tAnd
			if r == '|' {
				k = tOr
			}
			out = append(out, token{kind: k, text: string(rs[i : i+2]), col: col})
			i += 2
		case strings.ContainsRune("=!<>", r):
			op := string(r)
			if i+1 < len(rs) && rs[i+1] == '=' {
				op += "="
			}
			if op == "!" {
				out = append(out, token{kind: tNot, text: "!", col: col})
				i++
				continue
			}
			out = append(out, token{kind: tOp, text: op, col: col})
			i += len([]rune(op))
		case unicode.IsDigit(r):
			j := i
			for j < len(rs) && (unicode.IsDigit(rs[j]) || rs[j] == '.') {
				j++
			}
			var v float64
			if _, err := fmt.Sscanf(string(rs[i:j]), "%g", &v); err != nil {
				return nil, &Error{col, fmt.Sprintf("%q is not a number", string(rs[i:j]))}
			}
			if j < len(rs) && strings.ContainsRune("dhms", rs[j]) && (j+1 >= len(rs) || !isNameRune(rs[j+1])) {
				unit := map[rune]float64{'d': 86400, 'h': 3600, 'm': 60, 's': 1}[rs[j]]
				if v*unit > MaxDurationS {
					return nil, &Error{col, fmt.Sprintf("%q: at most a century (36500d): a longer duration would wrap the clock's arithmetic", string(rs[i:j+1]))}
				}
				out = append(out, token{kind: tDuration, text: string(rs[i : j+1]), col: col, num: v * unit})
				i = j + 1
				continue
			}
			if j < len(rs) && isNameRune(rs[j]) {
				return nil, &Error{col, fmt.Sprintf("%q: a number, a duration (30d, 12h, 90m, 45s) or a name starting with a letter", string(rs[i:j+1]))}
			}
			out = append(out, token{kind: tNumber, text: string(rs[i:j]), col: col, num: v})
			i = j
		case unicode.IsLetter(r) || r == '_':
			j := i
			for j < len(rs) && isNameRune(rs[j]) {
				j++
			}
			text := string(rs[i:j])
			switch text {
			case "and":
				out = append(out, token{kind: tAnd, text: text, col: col})
			case "or":
				out = append(out, token{kind: tOr, text: text, col: col})
			case "not":
				out = append(out, token{kind: tNot, text: text, col: col})
			default:
				out = append(out, token{kind: tName, text: text, col: col})
			}
			i = j
		default:
			return nil, &Error{col, fmt.Sprintf("unexpected %q", r)}
		}
	}
	return append(out, token{kind: tEOF, col: len(rs) + 1}), nil
}
