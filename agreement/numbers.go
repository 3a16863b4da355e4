package agreement

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// checkNumbers refuses, before the document is decoded, the numbers the
// decoder would take without a word and get wrong: in a field of a float
// type (distances, calibers) a number that is not finite (.nan, .inf,
// 1e999), which no comparison refuses afterwards (a NaN distance reached
// the geometry kernel, a NaN caliber made a band govern no weapon); in a
// field of an integer type (days, quorum, ceilings' max, quotas, reports) a
// number that is not whole, which yaml.v3 truncates (quorum: 2.5 became 2,
// response_days: 3.9 became 3), or not finite, or beyond the type's range.
// It walks the document beside the Agreement type, so every numeric field
// is checked, and reports each problem as "line N: PATH: what", PATH as
// fieldLines keys it (monitoring.bands[0].calibers.artillery.below_mm). A
// document that is not YAML, and fields the type lacks, are left to the
// decoder.
func checkNumbers(data []byte) []string {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return nil
	}
	w := numberWalk{seen: map[numberVisit]bool{}}
	w.walk(doc.Content[0], reflect.TypeFor[Agreement](), "", 0)
	return w.probs
}

// numberWalk is checkNumbers' walk: the problems found and the nodes seen.
type numberWalk struct {
	probs []string
	// seen holds each node checked, with the type it was checked for: a
	// node used again through an alias is checked and reported once, at
	// its first use, so that aliases of aliases cannot make the walk
	// exponential.
	seen map[numberVisit]bool
}

type numberVisit struct {
	n *yaml.Node
	t reflect.Type
}

// walk checks node n, decoded into a value of type t at path.
func (w *numberWalk) walk(n *yaml.Node, t reflect.Type, path string, depth int) {
	if depth > 100 { // deeper than any field of an Agreement
		return
	}
	line := n.Line // an alias of a number is reported where it is used
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	visit := numberVisit{n, t}
	if w.seen[visit] {
		return
	}
	w.seen[visit] = true
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	join := func(key string) string {
		if path == "" {
			return key
		}
		return path + "." + key
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Tag == "!!merge" { // <<: a mapping, or a list of them, merged in
				if v.Kind == yaml.SequenceNode {
					for _, m := range v.Content {
						w.walk(m, t, path, depth+1)
					}
				} else {
					w.walk(v, t, path, depth+1)
				}
				continue
			}
			if ft, ok := fields[k.Value]; ok {
				w.walk(v, ft, join(k.Value), depth+1)
			}
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			w.walk(n.Content[i+1], t.Elem(), join(n.Content[i].Value), depth+1)
		}
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i, c := range n.Content {
			w.walk(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i), depth+1)
		}
	case reflect.Float32, reflect.Float64:
		if n.Kind == yaml.ScalarNode && !finite(n) {
			w.probs = append(w.probs, fmt.Sprintf("line %d: %s: want a finite number, got %s", line, path, n.Value))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n.Kind != yaml.ScalarNode {
			return
		}
		if why := notWhole(n, t); why != "" {
			w.probs = append(w.probs, fmt.Sprintf("line %d: %s: %s", line, path, why))
		}
	}
}

// finite reports whether a scalar is other than a number that is not
// finite: .nan, .inf, -.inf, or one too large for a float64 (1e999, which
// yaml.v3 reads as a string, then refuses without saying why).
func finite(n *yaml.Node) bool {
	var v any
	if n.Decode(&v) != nil {
		return true // the decoder reports it
	}
	switch v := v.(type) {
	case float64:
		return !math.IsNaN(v) && !math.IsInf(v, 0)
	case string:
		_, err := strconv.ParseFloat(strings.ReplaceAll(v, "_", ""), 64)
		return !errors.Is(err, strconv.ErrRange)
	}
	return true
}

// notWhole says what is wrong with a scalar given for a field of integer
// type t: "" when it is a whole number that fits the type (2.0 and 1e3 are
// whole), or no number at all, which the decoder refuses.
func notWhole(n *yaml.Node, t reflect.Type) string {
	var v any
	if n.Decode(&v) != nil {
		return ""
	}
	f, ok := v.(float64)
	if !ok {
		if !finite(n) {
			return "want a whole number, got " + n.Value + ", out of range"
		}
		return "" // an integer (yaml.v3 refuses one that overflows) or no number
	}
	lo, hi := -math.Ldexp(1, t.Bits()-1), math.Ldexp(1, t.Bits()-1)
	if k := t.Kind(); k >= reflect.Uint && k <= reflect.Uint64 {
		lo, hi = 0, math.Ldexp(1, t.Bits())
	}
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f):
		return "want a whole number, got " + n.Value
	case f < lo || f >= hi:
		return "want a whole number, got " + n.Value + ", out of range"
	}
	return ""
}

// yamlFields maps the YAML keys of a struct type's fields to their types,
// the fields of inline structs included, as yaml.v3 names them.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",inline,") {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range yamlFields(ft) {
					out[k] = v
				}
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}
