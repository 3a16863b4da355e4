package export

import (
	"unicode/utf8"

	"github.com/accord-peace/accord"
)

// kmlWriter writes a KML 2.2 document: a Schema "incident" declaring
// Fields (integer as int, real as double, datetime as string), then one
// Placemark a line — its name the incident's id, a TimeSpan from first to
// last observed, the fields as SchemaData (a null field left out) and a
// Point.
type kmlWriter struct {
	*buffered
	name   string
	closed bool
}

var kmlTypes = map[Type]string{String: "string", Integer: "int", Real: "double", DateTime: "string"}

func (k *kmlWriter) header() {
	if k.started {
		return
	}
	k.started = true
	b := append(k.buf, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n<name>"...)
	b = appendXMLText(b, k.name)
	b = append(b, "</name>\n<Schema name=\"incident\" id=\"incident\">\n"...)
	for _, f := range Fields {
		b = append(b, `<SimpleField type="`...)
		b = append(b, kmlTypes[f.Type]...)
		b = append(b, `" name="`...)
		b = append(b, f.Name...)
		b = append(b, "\"></SimpleField>\n"...)
	}
	k.buf = append(b, "</Schema>\n"...)
}

func (k *kmlWriter) Write(in *accord.Incident) error {
	if k.closed {
		return errClosed
	}
	if k.err != nil {
		return k.err
	}
	k.header()
	record(in, k.vs)
	b := append(k.buf, "<Placemark><name>"...)
	b = appendXMLText(b, k.vs[0].text)
	b = append(b, "</name><TimeSpan><begin>"...)
	b = append(b, Time(in.FirstObserved)...)
	b = append(b, "</begin><end>"...)
	b = append(b, Time(in.LastObserved)...)
	b = append(b, `</end></TimeSpan><ExtendedData><SchemaData schemaUrl="#incident">`...)
	for i, f := range Fields {
		v := k.vs[i]
		if v.null {
			continue
		}
		b = append(b, `<SimpleData name="`...)
		b = append(b, f.Name...)
		b = append(b, `">`...)
		b = appendXMLText(b, v.text)
		b = append(b, "</SimpleData>"...)
	}
	b = append(b, "</SchemaData></ExtendedData><Point><coordinates>"...)
	b = append(b, Number(in.Location[0])...)
	b = append(b, ',')
	b = append(b, Number(in.Location[1])...)
	k.buf = append(b, "</coordinates></Point></Placemark>\n"...)
	return k.flushIfFull()
}

func (k *kmlWriter) Close() error {
	if k.closed {
		return errClosed
	}
	k.closed = true
	k.header()
	k.buf = append(k.buf, "</Document>\n</kml>\n"...)
	return k.flush()
}

// appendXMLText appends s escaped as XML character data; a character XML
// 1.0 cannot carry (most control characters) becomes U+FFFD.
func appendXMLText(b []byte, s string) []byte {
	for _, r := range s {
		switch {
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '"':
			b = append(b, "&quot;"...)
		case r == '\t' || r == '\n' || r == '\r':
			b = append(b, "&#x"...)
			b = append(b, hex[r>>4], hex[r&0xf], ';')
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF || r >= 0xD800 && r <= 0xDFFF:
			b = utf8.AppendRune(b, utf8.RuneError)
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}
