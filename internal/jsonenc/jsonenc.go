// Package jsonenc is what accord's encoders written without reflection
// share (the observations' and incidents' in the root package, the
// engine's events, the ledger's entries): whether encoding/json writes a
// string as it is between quotes, and encoding/json's bytes of a value
// for what they leave to it. Each encoder is tested against encoding/json,
// byte for byte.
package jsonenc

import (
	"encoding/json"
	"unicode/utf8"
)

// Plain reports whether encoding/json writes s as it is between quotes:
// valid UTF-8 without a quote, backslash, control character, <, > or &
// (escaped for HTML), U+2028 or U+2029.
func Plain(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || r == '\u2028' || r == '\u2029' {
			return false
		}
		i += n
	}
	return true
}

// AppendMarshal appends json.Marshal's bytes of v, or returns its error
// (and b as it was).
func AppendMarshal(b []byte, v any) ([]byte, error) {
	m, err := json.Marshal(v)
	if err != nil {
		return b, err
	}
	return append(b, m...), nil
}
