package export

import (
	"strings"

	"github.com/accord-peace/accord"
)

// csvWriter writes RFC 4180 CSV in UTF-8 (no byte-order mark), lines ended
// by CRLF: a header row, then one row per incident, the columns those of
// Fields with lon and lat after id. A field is quoted when it holds a
// comma, a quote, a line break or leading or trailing space; a null value
// is an empty field. A text field a spreadsheet would run as a formula
// begins with an apostrophe (inert).
type csvWriter struct {
	*buffered
	closed bool
}

// CSVHeader is the header row of a CSV export.
func CSVHeader() []string {
	h := []string{Fields[0].Name, "lon", "lat"}
	for _, f := range Fields[1:] {
		h = append(h, f.Name)
	}
	return h
}

func (c *csvWriter) header() {
	if c.started {
		return
	}
	c.started = true
	for i, h := range CSVHeader() {
		if i > 0 {
			c.buf = append(c.buf, ',')
		}
		c.buf = appendCSVField(c.buf, h)
	}
	c.buf = append(c.buf, '\r', '\n')
}

func (c *csvWriter) Write(in *accord.Incident) error {
	if c.closed {
		return errClosed
	}
	if c.err != nil {
		return c.err
	}
	c.header()
	record(in, c.vs)
	b := appendCSVField(c.buf, inert(c.vs[0].text))
	b = append(b, ',')
	b = append(b, Number(in.Location[0])...)
	b = append(b, ',')
	b = append(b, Number(in.Location[1])...)
	for i, v := range c.vs[1:] {
		b = append(b, ',')
		if Fields[1+i].Type == String {
			b = appendCSVField(b, inert(v.text))
		} else {
			b = appendCSVField(b, v.text)
		}
	}
	c.buf = append(b, '\r', '\n')
	return c.flushIfFull()
}

func (c *csvWriter) Close() error {
	if c.closed {
		return errClosed
	}
	c.closed = true
	c.header()
	return c.flush()
}

// inert is a text field as a spreadsheet shows it without running it:
// text that begins with =, +, -, @, a tab or a carriage return is taken
// by spreadsheets for a formula (the party of a violation is an
// observation's attributed_to, any string), so it gets a leading
// apostrophe, which spreadsheets read as "text" (OWASP, CSV injection).
// Numbers and instants are never changed.
func inert(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// appendCSVField appends a field, quoted (its quotes doubled) when it must
// be.
func appendCSVField(b []byte, s string) []byte {
	if s == "" || !strings.ContainsAny(s, ",\"\r\n") && s[0] != ' ' && s[0] != '\t' && s[len(s)-1] != ' ' && s[len(s)-1] != '\t' {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}
