package accord

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// decodeFast reads a line into the wire form without encoding/json's
// reflection, when the line is in the shape nearly every line has: a JSON
// object with only the contract's fields, spelled exactly as the contract
// spells them, each once, none null, strings without escapes and in valid
// UTF-8, numbers in float64's range, and the coordinates shaped as the
// geometry's type wants. For such a line it gives the wire form
// encoding/json gives (FuzzDecodeFastAgainstJSON compares them); for any
// other line it answers ok false, without saying why: decodeJSON then
// decodes the line and, when something is wrong, says exactly what, with
// encoding/json's words. So what a line is refused with never depends on
// which of the two read it.
func decodeFast(line []byte) (f wireFeature, ok bool) {
	// One allocation for the parts of the wire form and its numbers.
	w := &fastWire{}
	s := fastScanner{b: line, nums: w.nums[:0]}
	var seen uint8
	ok = s.object(func(key []byte) bool {
		switch string(key) {
		case "type":
			return s.once(&seen, 1) && s.str(&f.Type)
		case "geometry":
			f.Geometry = &w.geometry
			return s.once(&seen, 2) && s.geometry(f.Geometry, w.point[:0])
		case "properties":
			f.Properties = &w.properties
			return s.once(&seen, 4) && s.properties(f.Properties, &w.source)
		}
		return false
	})
	if !ok || !s.end() {
		return wireFeature{}, false
	}
	if g := f.Geometry; g != nil {
		switch {
		case g.Type == "Point" && g.point != nil, g.Type == "LineString" && g.line != nil:
			g.parsed = true
		case g.Type == "Point", g.Type == "LineString":
			// Missing, or not the type's shape: encoding/json says how.
			return wireFeature{}, false
		}
	}
	return f, true
}

// fastWire holds the parts of the wire form decodeFast fills, allocated
// together.
type fastWire struct {
	geometry   wireGeometry
	properties wireProperties
	source     Source
	nums       [5]float64 // the properties' numbers
	point      [3]float64 // a Point's coordinates
}

// fastScanner reads JSON from b at i; its methods answer false on anything
// decodeFast does not take. nums has room for the properties' numbers.
type fastScanner struct {
	b    []byte
	i    int
	nums []float64
}

// space skips JSON's white space.
func (s *fastScanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// next skips white space and reports whether c follows; if so, it is read.
func (s *fastScanner) next(c byte) bool {
	s.space()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// end reports whether nothing but white space is left.
func (s *fastScanner) end() bool {
	s.space()
	return s.i == len(s.b)
}

// once reports whether the key of bit has not been seen in this object yet,
// and marks it seen (encoding/json keeps the last of repeated keys, and
// merges repeated objects: such a line goes to decodeJSON).
func (s *fastScanner) once(seen *uint8, bit uint8) bool {
	if *seen&bit != 0 {
		return false
	}
	*seen |= bit
	return true
}

// onceWide is once for objects with more than eight keys.
func (s *fastScanner) onceWide(seen *uint16, bit uint16) bool {
	if *seen&bit != 0 {
		return false
	}
	*seen |= bit
	return true
}

// object reads an object, calling field for each key with the scanner at
// its value.
func (s *fastScanner) object(field func(key []byte) bool) bool {
	if !s.next('{') {
		return false
	}
	if s.next('}') {
		return true
	}
	for {
		key, ok := s.raw()
		if !ok || !s.next(':') || !field(key) {
			return false
		}
		if s.next(',') {
			continue
		}
		return s.next('}')
	}
}

// array reads an array, calling elem with the scanner at each element.
func (s *fastScanner) array(elem func() bool) bool {
	if !s.next('[') {
		return false
	}
	if s.next(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if s.next(',') {
			continue
		}
		return s.next(']')
	}
}

// raw reads a string without escapes and returns its bytes.
func (s *fastScanner) raw() ([]byte, bool) {
	s.space()
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, false
	}
	start, ascii := s.i+1, true
	for j := start; j < len(s.b); j++ {
		switch c := s.b[j]; {
		case c == '"':
			if !ascii && !utf8.Valid(s.b[start:j]) {
				return nil, false // encoding/json would replace the bad bytes
			}
			s.i = j + 1
			return s.b[start:j], true
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false
}

// str reads a string into v.
func (s *fastScanner) str(v *string) bool {
	b, ok := s.raw()
	if ok {
		*v = string(b)
	}
	return ok
}

// known reads a string into v, without a copy when it is one of the names
// in list (the contract's closed lists: kinds, events, equipment).
func (s *fastScanner) known(v *string, list []string) bool {
	b, ok := s.raw()
	if !ok {
		return false
	}
	for _, name := range list {
		if name == string(b) {
			*v = name
			return true
		}
	}
	*v = string(b)
	return true
}

// number reads a JSON number as encoding/json reads it into a float64.
func (s *fastScanner) number() (float64, bool) {
	s.space()
	b, i := s.b, s.i
	start := i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return 0, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return 0, false
		}
	}
	v, err := strconv.ParseFloat(string(b[start:i]), 64)
	if err != nil {
		return 0, false // out of range: encoding/json says so
	}
	s.i = i
	return v, true
}

// float reads a number into a float64 of nums (or a new one) at *p.
func (s *fastScanner) float(p **float64) bool {
	v, ok := s.number()
	if !ok {
		return false
	}
	if len(s.nums) < cap(s.nums) {
		s.nums = append(s.nums, v)
		*p = &s.nums[len(s.nums)-1]
	} else {
		*p = new(float64)
		**p = v
	}
	return true
}

// geometry reads the geometry object; the coordinates are read as an
// array of numbers (into point) or of arrays of numbers (into line), an
// empty array as both.
func (s *fastScanner) geometry(g *wireGeometry, point []float64) bool {
	var seen uint8
	return s.object(func(key []byte) bool {
		switch string(key) {
		case "type":
			return s.once(&seen, 1) && s.str(&g.Type)
		case "coordinates":
			return s.once(&seen, 2) && s.coordinates(g, point)
		}
		return false
	})
}

// coordinates reads the coordinates; a Point's go to point (room for
// three numbers) as long as they fit.
func (s *fastScanner) coordinates(g *wireGeometry, point []float64) bool {
	s.space()
	if s.i+1 >= len(s.b) || s.b[s.i] != '[' {
		return false
	}
	j := s.i + 1
	for j < len(s.b) && (s.b[j] == ' ' || s.b[j] == '\t' || s.b[j] == '\n' || s.b[j] == '\r') {
		j++
	}
	switch {
	case j < len(s.b) && s.b[j] == ']':
		s.i = j + 1
		g.point, g.line = []float64{}, [][]float64{}
		return true
	case j < len(s.b) && s.b[j] == '[':
		g.line = make([][]float64, 0, 2)
		return s.array(func() bool {
			c := make([]float64, 0, 2)
			ok := s.array(func() bool {
				v, ok := s.number()
				c = append(c, v)
				return ok
			})
			g.line = append(g.line, c)
			return ok
		})
	}
	g.point = point
	return s.array(func() bool {
		v, ok := s.number()
		g.point = append(g.point, v)
		return ok
	})
}

// properties reads the properties object.
func (s *fastScanner) properties(p *wireProperties, src *Source) bool {
	var seen uint16
	return s.object(func(key []byte) bool {
		switch string(key) {
		case "id":
			return s.onceWide(&seen, 1<<0) && s.str(&p.ID)
		case "source":
			p.Source = src
			return s.onceWide(&seen, 1<<1) && s.source(p.Source)
		case "observed_at":
			return s.onceWide(&seen, 1<<2) && s.str(&p.ObservedAt)
		case "reported_at":
			return s.onceWide(&seen, 1<<3) && s.str(&p.ReportedAt)
		case "event":
			return s.onceWide(&seen, 1<<4) && s.known(&p.Event, Events)
		case "equipment":
			return s.onceWide(&seen, 1<<5) && s.known(&p.Equipment, Equipments)
		case "caliber_mm":
			return s.onceWide(&seen, 1<<6) && s.float(&p.CaliberMM)
		case "count":
			return s.onceWide(&seen, 1<<7) && s.float(&p.Count)
		case "attributed_to":
			return s.onceWide(&seen, 1<<8) && s.str(&p.AttributedTo)
		case "accuracy_m":
			return s.onceWide(&seen, 1<<9) && s.float(&p.AccuracyM)
		case "time_accuracy_s":
			return s.onceWide(&seen, 1<<10) && s.float(&p.TimeAccuracyS)
		case "confidence":
			return s.onceWide(&seen, 1<<11) && s.float(&p.Confidence)
		case "evidence":
			return s.onceWide(&seen, 1<<12) && s.evidence(&p.Evidence)
		case "vessel":
			return s.onceWide(&seen, 1<<13) && s.rawValue((*[]byte)(&p.Vessel))
		}
		return false
	})
}

func (s *fastScanner) source(src *Source) bool {
	var seen uint8
	return s.object(func(key []byte) bool {
		switch string(key) {
		case "id":
			return s.once(&seen, 1) && s.str(&src.ID)
		case "kind":
			return s.once(&seen, 2) && s.known(&src.Kind, SourceKinds)
		case "owner":
			return s.once(&seen, 4) && s.str(&src.Owner)
		}
		return false
	})
}

func (s *fastScanner) evidence(ev *[]Evidence) bool {
	*ev = []Evidence{}
	return s.array(func() bool {
		var e Evidence
		var seen uint8
		ok := s.object(func(key []byte) bool {
			switch string(key) {
			case "uri":
				return s.once(&seen, 1) && s.str(&e.URI)
			case "sha256":
				return s.once(&seen, 2) && s.str(&e.SHA256)
			}
			return false
		})
		*ev = append(*ev, e)
		return ok
	})
}

// rawValue reads any JSON value and keeps a copy of its bytes, as
// encoding/json fills a json.RawMessage (the vessel, decoded by
// decodeVessel).
func (s *fastScanner) rawValue(v *[]byte) bool {
	s.space()
	start := s.i
	if !s.skip(0) {
		return false
	}
	*v = append([]byte(nil), s.b[start:s.i]...)
	return true
}

// skip reads any JSON value, checking its syntax as encoding/json does
// (strings may hold escapes and any byte from 0x20 up); values nested
// deeper than 64 go to decodeJSON.
func (s *fastScanner) skip(depth int) bool {
	s.space()
	if s.i >= len(s.b) || depth > 64 {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '{':
		// A key given twice (or alike but for case) goes to decodeJSON,
		// which refuses the line (RepeatedKey); so does an object of
		// more keys than are looked through here.
		var keys [16][]byte
		n := 0
		return s.object(func(k []byte) bool {
			for _, x := range keys[:n] {
				if bytes.EqualFold(x, k) {
					return false
				}
			}
			if n == len(keys) {
				return false
			}
			keys[n], n = k, n+1
			return s.skip(depth + 1)
		})
	case c == '[':
		return s.array(func() bool { return s.skip(depth + 1) })
	case c == '"':
		return s.quoted()
	case c == '-' || (c >= '0' && c <= '9'):
		_, ok := s.number()
		return ok
	}
	for _, lit := range [...]string{"true", "false", "null"} {
		if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
			s.i += len(lit)
			return true
		}
	}
	return false
}

// quoted reads a string, escapes included.
func (s *fastScanner) quoted() bool {
	b := s.b
	for j := s.i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			s.i = j + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			j++
			if j >= len(b) {
				return false
			}
			switch b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(b) {
					return false
				}
				for _, h := range b[j+1 : j+5] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return false
					}
				}
				j += 4
			default:
				return false
			}
		}
	}
	return false
}
