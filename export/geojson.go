package export

import (
	"strconv"
	"unicode/utf8"

	"github.com/accord-peace/accord"
)

// geojsonWriter writes an RFC 7946 FeatureCollection, one Feature a line:
//
//	{"type":"FeatureCollection","features":[
//	{"type":"Feature","id":ID,"geometry":{"type":"Point","coordinates":[LON,LAT]},"properties":{...}},
//	...
//	],"next":CURSOR}
//
// "next" is there only for a partial page. Every property is present in
// every feature (null when absent), so readers infer one schema.
type geojsonWriter struct {
	*buffered
	next   string
	closed bool
}

func (g *geojsonWriter) start() {
	if !g.started {
		g.started = true
		g.buf = append(g.buf, `{"type":"FeatureCollection","features":[`...)
	} else {
		g.buf = append(g.buf, ',')
	}
	g.buf = append(g.buf, '\n')
}

func (g *geojsonWriter) Write(in *accord.Incident) error {
	if g.closed {
		return errClosed
	}
	if g.err != nil {
		return g.err
	}
	g.start()
	b := append(g.buf, `{"type":"Feature","id":`...)
	b = appendJSONString(b, in.ID)
	b = append(b, `,"geometry":{"type":"Point","coordinates":[`...)
	b = append(b, Number(in.Location[0])...)
	b = append(b, ',')
	b = append(b, Number(in.Location[1])...)
	b = append(b, `]},"properties":{`...)
	record(in, g.vs)
	for i, f := range Fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, f.Name)
		b = append(b, ':')
		switch v := g.vs[i]; {
		case v.null:
			b = append(b, "null"...)
		case f.Type == Integer || f.Type == Real:
			b = append(b, v.text...)
		default:
			b = appendJSONString(b, v.text)
		}
	}
	g.buf = append(b, "}}"...)
	return g.flushIfFull()
}

func (g *geojsonWriter) Close() error {
	if g.closed {
		return errClosed
	}
	g.closed = true
	if !g.started {
		g.started = true
		g.buf = append(g.buf, `{"type":"FeatureCollection","features":[`...)
	}
	g.buf = append(g.buf, "\n]"...)
	if g.next != "" {
		g.buf = append(g.buf, `,"next":`...)
		g.buf = appendJSONString(g.buf, g.next)
	}
	g.buf = append(g.buf, "}\n"...)
	return g.flush()
}

const hex = "0123456789abcdef"

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, invalid UTF-8 replaced by U+FFFD, and
// U+2028 and U+2029 escaped for JavaScript.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			if r == utf8.RuneError {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, `\u`...)
				b = strconv.AppendInt(b, int64(r), 16)
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
