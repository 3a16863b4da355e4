package accord

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// RepeatedKey finds a key that an object of a JSON line holds twice,
// spelled alike or alike but for case (encoding/json matches a field's
// name either way and keeps the last; another reader may keep the first):
// a line that accord would read one way and a party checking a signed
// batch another is refused instead. It returns the key's path, dotted
// ("properties.confidence"; [i] for an array's elements), as spelled the
// second time. A line that is not JSON is not its business: the decoder
// says what is wrong with it.
func RepeatedKey(line []byte) (path string, found bool) {
	dec := json.NewDecoder(bytes.NewReader(line))
	var walk func(at string) bool // false: stop (found, or not JSON)
	walk = func(at string) bool {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		switch t {
		case json.Delim('{'):
			keys := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return false
				}
				k, _ := kt.(string)
				p := k
				if at != "" {
					p = at + "." + k
				}
				if fold := strings.ToLower(k); keys[fold] {
					path, found = p, true
					return false
				} else {
					keys[fold] = true
				}
				if !walk(p) {
					return false
				}
			}
			_, err := dec.Token() // '}'
			return err == nil
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if !walk(at + "[" + strconv.Itoa(i) + "]") {
					return false
				}
			}
			_, err := dec.Token() // ']'
			return err == nil
		}
		return true
	}
	walk("")
	return path, found
}
