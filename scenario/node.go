package scenario

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// reader walks a YAML node tree and collects problems.
type reader struct {
	file     string
	problems []Problem
}

func (r *reader) addf(n *yaml.Node, field, format string, args ...any) {
	if len(r.problems) >= maxProblems {
		return
	}
	p := Problem{File: r.file, Field: field, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		p.Line, p.Column = n.Line, n.Column
	}
	r.problems = append(r.problems, p)
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "null"
		case "!!bool":
			return "a boolean"
		case "!!int", "!!float":
			return "a number"
		}
		return "a string"
	}
	return "a document"
}

// field is one key/value pair of a mapping, with the key's node for errors.
type field struct {
	key   string
	keyN  *yaml.Node
	value *yaml.Node
}

// mapping returns the pairs of a mapping node in order, reporting duplicate
// keys and, when allowed is non-nil, keys not in allowed.
func (r *reader) mapping(n *yaml.Node, path string, allowed ...string) ([]field, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		if n != nil && !isNull(n) {
			r.addf(n, path, "must be a mapping, got %s", kindName(n))
		} else if n != nil {
			return nil, true
		}
		return nil, false
	}
	seen := map[string]bool{}
	var out []field
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			r.addf(k, path, "keys must be strings, got %s", kindName(k))
			continue
		}
		key := k.Value
		if seen[key] {
			r.addf(k, join(path, key), "duplicate key %q", key)
			continue
		}
		seen[key] = true
		if allowed != nil && !slices.Contains(allowed, key) {
			r.addf(k, join(path, key), "unknown field %q (allowed: %s)", key, strings.Join(allowed, ", "))
			continue
		}
		out = append(out, field{key: key, keyN: k, value: v})
	}
	return out, true
}

func (r *reader) sequence(n *yaml.Node, path string) []*yaml.Node {
	n = resolve(n)
	if n == nil || isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		r.addf(n, path, "must be a list, got %s", kindName(n))
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = resolve(c)
	}
	return out
}

// str reads a scalar as a string, whatever YAML would resolve it to: ids and
// labels such as `no` or `1` stay text.
func (r *reader) str(n *yaml.Node, path string) (string, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		r.addf(n, path, "must be a string, got %s", kindName(n))
		return "", false
	}
	return n.Value, true
}

var idPattern = regexp.MustCompile(`^[a-z0-9-]+$`)

// id reads an identifier. strict ids (scenario, parties) must match
// [a-z0-9-]+ as the spec says; the spec sets no pattern for the others, which
// need only be non-empty.
func (r *reader) id(n *yaml.Node, path string, strict bool) (string, bool) {
	s, ok := r.str(n, path)
	if !ok {
		return "", false
	}
	switch {
	case strict && !idPattern.MatchString(s):
		r.addf(n, path, "id %q must match [a-z0-9-]+", s)
		return "", false
	case s == "":
		r.addf(n, path, "id must not be empty")
		return "", false
	}
	return s, true
}

// number reads an int or float scalar (YAML 1.2 core schema); NaN and
// infinities are refused.
func (r *reader) number(n *yaml.Node, path string) (float64, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
		// A number past float64's range (1e400) is a string to the YAML
		// reader: say what it is.
		if _, err := strconv.ParseFloat(n.Value, 64); n.Kind == yaml.ScalarNode && errors.Is(err, strconv.ErrRange) {
			r.addf(n, path, "must be a finite number, got %q (beyond the largest, about 1.8e308)", n.Value)
			return 0, false
		}
		r.addf(n, path, "must be a number, got %s", kindName(n))
		return 0, false
	}
	if !coreNumber.MatchString(n.Value) {
		// YAML 1.1 forms the YAML reader takes as numbers (1_000, 0b11):
		// strings in the YAML 1.2 core schema.
		r.addf(n, path, "must be a number, got a string")
		return 0, false
	}
	v, err := parseNumber(n.Value)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		r.addf(n, path, "must be a finite number, got %q", n.Value)
		return 0, false
	}
	return v, true
}

// coreNumber is what the YAML 1.2 core schema reads as an int or a float
// (its .inf and .nan, refused as not finite, included).
var coreNumber = regexp.MustCompile(`^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`)

// parseNumber reads a number of the YAML 1.2 core schema (coreNumber): a
// decimal integer in base 10 whatever its leading zeros (010 is ten),
// 0o octal, 0x hexadecimal, or a float.
func parseNumber(s string) (float64, error) {
	switch {
	case strings.HasPrefix(s, "0o"):
		i, err := strconv.ParseUint(s[2:], 8, 64)
		return float64(i), err
	case strings.HasPrefix(s, "0x"):
		i, err := strconv.ParseUint(s[2:], 16, 64)
		return float64(i), err
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return float64(i), nil
	}
	return strconv.ParseFloat(strings.TrimPrefix(s, "+"), 64)
}

func (r *reader) boolean(n *yaml.Node, path string) (bool, bool) {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		switch n.Value {
		case "true", "True", "TRUE":
			return true, true
		case "false", "False", "FALSE":
			return false, true
		}
	}
	r.addf(n, path, "must be true or false, got %q", n.Value)
	return false, false
}

// strings reads a list of strings.
func (r *reader) strings(n *yaml.Node, path string) []string {
	var out []string
	for i, c := range r.sequence(n, path) {
		if s, ok := r.str(c, index(path, i)); ok {
			out = append(out, s)
		}
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// formatFloat writes a number that parseNumber reads back exactly.
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// bounds are the values a number may take: [min, max], either end open
// when its flag is false.
type bounds struct {
	min, max       float64
	hasMin, hasMax bool
	what           string // "utility", "weight", "batna": for messages
}

func (b bounds) check(r *reader, n *yaml.Node, path string, v float64) bool {
	switch {
	case b.hasMin && b.hasMax && (v < b.min || v > b.max):
		r.addf(n, path, "%s must be within %v..%v, got %v", b.what, b.min, b.max, v)
	case b.hasMin && !b.hasMax && v < b.min:
		r.addf(n, path, "%s must be >= %v, got %v", b.what, b.min, v)
	default:
		return true
	}
	return false
}

// numberOrRange reads a number, or a range [lo, hi]: a sequence of two
// numbers with lo <= hi, each within b (docs/scenario.md, Ranges). It
// returns the point value (the number, or the range's midpoint (lo+hi)/2)
// and the range (nil for a number).
func (r *reader) numberOrRange(n *yaml.Node, path string, b bounds) (float64, *[2]float64, bool) {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		v, ok := r.number(n, path)
		if ok && !b.check(r, n, path, v) {
			return v, nil, false
		}
		return v, nil, ok
	}
	if len(n.Content) != 2 {
		r.addf(n, path, "a range must be [lo, hi], two numbers; got %d item(s)", len(n.Content))
		return 0, nil, false
	}
	var rg [2]float64
	good := true
	for i, c := range n.Content {
		v, ok := r.number(c, index(path, i))
		if ok && !b.check(r, resolve(c), index(path, i), v) {
			ok = false
		}
		rg[i], good = v, good && ok
	}
	if !good {
		return 0, nil, false
	}
	if rg[0] > rg[1] {
		r.addf(n, path, "range [%v, %v] has lo > hi", rg[0], rg[1])
		return 0, nil, false
	}
	if math.IsInf(rg[0]+rg[1], 0) || math.IsInf(rg[1]-rg[0], 0) {
		r.addf(n, path, "range [%v, %v] is too large: its midpoint or width is not a finite number", rg[0], rg[1])
		return 0, nil, false
	}
	return (rg[0] + rg[1]) / 2, &rg, true
}
