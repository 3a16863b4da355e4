package ledger

// valid reports whether data is one JSON value, with nothing but
// whitespace around it: json.Valid's answer for every input (the same
// grammar, strings of any bytes but control characters, at most
// maxDepth nested arrays and objects), without its scanner's cost per
// byte. TestValidAgainstJSON and FuzzValid compare the two.
func valid(data []byte) bool {
	v := validator{b: data}
	v.space()
	if !v.value() {
		return false
	}
	v.space()
	return v.i == len(data)
}

// maxDepth is encoding/json's limit of nested arrays and objects.
const maxDepth = 10000

// validator reads a JSON text from b[i:].
type validator struct {
	b     []byte
	i     int
	depth int
}

func (v *validator) space() {
	for v.i < len(v.b) && isSpace(v.b[v.i]) {
		v.i++
	}
}

// next is the byte at i, 0 at the end (never valid where a byte is
// expected).
func (v *validator) next() byte {
	if v.i < len(v.b) {
		return v.b[v.i]
	}
	return 0
}

func (v *validator) value() bool {
	switch c := v.next(); {
	case c == '{':
		return v.object()
	case c == '[':
		return v.array()
	case c == '"':
		return v.string()
	case c == '-' || '0' <= c && c <= '9':
		return v.number()
	case c == 't':
		return v.literal("true")
	case c == 'f':
		return v.literal("false")
	case c == 'n':
		return v.literal("null")
	}
	return false
}

func (v *validator) object() bool {
	if v.depth++; v.depth > maxDepth {
		return false
	}
	v.i++ // {
	v.space()
	if v.next() == '}' {
		v.i++
		v.depth--
		return true
	}
	for {
		if v.next() != '"' || !v.string() {
			return false
		}
		v.space()
		if v.next() != ':' {
			return false
		}
		v.i++
		v.space()
		if !v.value() {
			return false
		}
		v.space()
		switch v.next() {
		case ',':
			v.i++
			v.space()
		case '}':
			v.i++
			v.depth--
			return true
		default:
			return false
		}
	}
}

func (v *validator) array() bool {
	if v.depth++; v.depth > maxDepth {
		return false
	}
	v.i++ // [
	v.space()
	if v.next() == ']' {
		v.i++
		v.depth--
		return true
	}
	for {
		if !v.value() {
			return false
		}
		v.space()
		switch v.next() {
		case ',':
			v.i++
			v.space()
		case ']':
			v.i++
			v.depth--
			return true
		default:
			return false
		}
	}
}

// string reads a string from its opening quote: any byte but a control
// character, and the escapes of JSON.
func (v *validator) string() bool {
	b := v.b
	i := v.i + 1
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			v.i = i + 1
			return true
		case c == '\\':
			if i+1 >= len(b) {
				return false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) {
					return false
				}
				for _, h := range b[i+2 : i+6] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return false
					}
				}
				i += 6
			default:
				return false
			}
		case c < 0x20:
			return false
		default:
			i++
		}
	}
	return false
}

func (v *validator) digits() int {
	n := 0
	for v.i < len(v.b) && '0' <= v.b[v.i] && v.b[v.i] <= '9' {
		v.i++
		n++
	}
	return n
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func (v *validator) number() bool {
	if v.next() == '-' {
		v.i++
	}
	switch c := v.next(); {
	case c == '0':
		v.i++
	case '1' <= c && c <= '9':
		v.digits()
	default:
		return false
	}
	if v.next() == '.' {
		v.i++
		if v.digits() == 0 {
			return false
		}
	}
	if c := v.next(); c == 'e' || c == 'E' {
		v.i++
		if c := v.next(); c == '+' || c == '-' {
			v.i++
		}
		if v.digits() == 0 {
			return false
		}
	}
	return true
}

func (v *validator) literal(s string) bool {
	if len(v.b)-v.i < len(s) || string(v.b[v.i:v.i+len(s)]) != s {
		return false
	}
	v.i += len(s)
	return true
}
