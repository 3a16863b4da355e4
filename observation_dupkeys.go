package accord

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// RepeatedKeyReason is what a refusal for a key RepeatedKey found says,
// after the key's path, wherever JSON is read strictly.
const RepeatedKeyReason = "the key is given twice in its object (alike, or alike but for case): JSON readers differ on which to keep"

// maxKeyDepth is the deepest nesting RepeatedKey looks into: encoding/json's
// own limit, past which it refuses the line.
const maxKeyDepth = 10000

// RepeatedKey finds a key that an object of a JSON line holds twice,
// spelled alike or alike but for case (encoding/json matches a field's
// name either way and keeps the last; another reader may keep the first):
// a line that accord would read one way and a party checking a signed
// batch another is refused instead. It returns the key's path, dotted
// ("properties.confidence"; [i] for an array's elements), as spelled the
// second time. A line that is not JSON is not its business: the scan stops
// at what it does not expect, and the decoder says what is wrong. It reads
// the bytes once, without recursion, whatever the nesting.
func RepeatedKey(line []byte) (path string, found bool) {
	path, problem := scanJSON(line, false)
	return path, problem == repeatedKey
}

// BadTextReason is what a refusal for a string BadText found says, after
// its path.
const BadTextReason = "not valid text: a byte that is not UTF-8, or a \\u escape of half a surrogate pair, which JSON readers replace by U+FFFD (so what is stored would not be what was sent, and two keys could become one)"

// BadText finds a string of a JSON line, key or value, that is not valid
// UTF-8 or escapes half of a UTF-16 surrogate pair (\ud800 alone):
// encoding/json reads either as U+FFFD, silently. It returns the string's
// path as RepeatedKey does (a key's own path for a key). A line that is
// not JSON is not its business, as RepeatedKey's.
func BadText(line []byte) (path string, found bool) {
	path, problem := scanJSON(line, true)
	return path, problem == badText
}

// What scanJSON found.
const (
	noProblem = iota
	repeatedKey
	badText
)

// scanJSON reads a JSON line once, without recursion, for a key repeated
// in its object and, with text, for a string that is not valid text;
// it returns the first problem met and its path.
func scanJSON(line []byte, text bool) (path string, problem int) {
	type frame struct {
		object bool
		label  string          // its place in its parent: "key" or "[i]"
		n      int             // elements or members so far
		few    []string        // the keys, folded, while there are few
		many   map[string]bool // then
	}
	var stack []frame
	i := 0
	space := func() {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t' || line[i] == '\n' || line[i] == '\r') {
			i++
		}
	}
	// str reads a string at i (at its quote) and returns it unescaped;
	// with text, bad says that it is not valid text.
	bad, badPath := false, ""
	str := func() (string, bool) {
		start, escaped := i, false
		for j := i + 1; j < len(line); j++ {
			switch line[j] {
			case '\\':
				escaped = true
				j++
			case '"':
				i = j + 1
				raw := line[start:i]
				if text && !validText(raw) {
					bad = true
				}
				if !escaped {
					return string(raw[1 : len(raw)-1]), true
				}
				var s string
				if json.Unmarshal(raw, &s) != nil {
					return "", false
				}
				return s, true
			}
		}
		return "", false
	}
	// pathTo is the path of a key of the innermost object.
	pathTo := func(k string) string {
		var b strings.Builder
		for _, f := range stack {
			if f.label != "" && f.label[0] != '[' && b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(f.label)
		}
		if b.Len() > 0 && (k == "" || k[0] != '[') {
			b.WriteByte('.')
		}
		b.WriteString(k)
		return b.String()
	}
	// value reads a scalar at i, or opens an object or an array (its
	// label made only then).
	value := func(label func() string) bool {
		space()
		if i >= len(line) {
			return false
		}
		switch c := line[i]; c {
		case '{', '[':
			if len(stack) == maxKeyDepth {
				return false // past encoding/json's depth: it refuses the line
			}
			i++
			stack = append(stack, frame{object: c == '{', label: label()})
			return true
		case '"':
			_, ok := str()
			if bad {
				badPath = pathTo(label())
			}
			return ok
		}
		for i < len(line) && !strings.ContainsRune(",]} \t\r\n", rune(line[i])) {
			i++
		}
		return true
	}
	if !value(func() string { return "" }) {
		return "", noProblem
	}
	if bad {
		return badPath, badText
	}
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		space()
		if i >= len(line) {
			return "", noProblem
		}
		if c := line[i]; (f.object && c == '}') || (!f.object && c == ']') {
			i++
			stack = stack[:len(stack)-1]
			continue
		}
		if f.n > 0 {
			if line[i] != ',' {
				return "", noProblem
			}
			i++
			space()
		}
		f.n++
		if !f.object {
			n := f.n - 1
			ok := value(func() string { return "[" + strconv.Itoa(n) + "]" })
			if bad {
				return badPath, badText
			}
			if !ok {
				return "", noProblem
			}
			continue
		}
		if i >= len(line) || line[i] != '"' {
			return "", noProblem
		}
		k, ok := str()
		if bad {
			return pathTo(k), badText
		}
		if !ok {
			return "", noProblem
		}
		// Looking for text only (BadText), a key given twice is not the
		// scan's business: the strings after it are still looked at.
		if !text {
			fold := foldKey(k)
			if f.many == nil && len(f.few) < 16 {
				for _, x := range f.few {
					if x == fold {
						return pathTo(k), repeatedKey
					}
				}
				f.few = append(f.few, fold)
			} else {
				if f.many == nil {
					f.many = make(map[string]bool, 2*len(f.few))
					for _, x := range f.few {
						f.many[x] = true
					}
				}
				if f.many[fold] {
					return pathTo(k), repeatedKey
				}
				f.many[fold] = true
			}
		}
		space()
		if i >= len(line) || line[i] != ':' {
			return "", noProblem
		}
		i++
		ok = value(func() string { return k })
		if bad {
			return badPath, badText
		}
		if !ok {
			return "", noProblem
		}
	}
	return "", noProblem
}

// validText reports whether a JSON string, quotes and escapes as written,
// is valid UTF-8 whose \u escapes pair every surrogate half.
func validText(raw []byte) bool {
	if !utf8.Valid(raw) {
		return false
	}
	hex4 := func(j int) (rune, bool) {
		if j+6 > len(raw) || raw[j] != '\\' || raw[j+1] != 'u' {
			return 0, false
		}
		n, err := strconv.ParseUint(string(raw[j+2:j+6]), 16, 32)
		return rune(n), err == nil
	}
	for j := 0; j < len(raw); j++ {
		if raw[j] != '\\' {
			continue
		}
		r, ok := hex4(j)
		if !ok {
			j++ // another escape: its character is not one
			continue
		}
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return false // a low half alone
		case r >= 0xD800 && r <= 0xDBFF:
			lo, ok := hex4(j + 6)
			if !ok || lo < 0xDC00 || lo > 0xDFFF {
				return false // a high half without its low half
			}
			j += 11
		default:
			j += 5
		}
	}
	return true
}

// foldKey is a key's canonical form under the case folding encoding/json
// matches field names with (bytes.EqualFold: each rune's simple folding
// orbit, so that "ſource" and "source", "K" (Kelvin) and "k" are one key).
func foldKey(k string) string {
	ascii := true
	for i := 0; i < len(k); i++ {
		if k[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToUpper(k) // an ASCII letter's orbit's least rune
	}
	var b strings.Builder
	for _, r := range k {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}
