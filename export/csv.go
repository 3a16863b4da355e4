package export

import (
	"strings"

	"github.com/accord-peace/accord"
)

// csvWriter writes RFC 4180 CSV in UTF-8 (no byte-order mark), lines ended
// by CRLF: a header row, then one row per incident, the columns those of
// Fields with lon and lat after id. A field is quoted when it holds a
// comma, a quote, a line break or leading or trailing space; a null value
// is an empty field.
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
	b := appendCSVField(c.buf, c.vs[0].text)
	b = append(b, ',')
	b = append(b, Number(in.Location[0])...)
	b = append(b, ',')
	b = append(b, Number(in.Location[1])...)
	for _, v := range c.vs[1:] {
		b = append(b, ',')
		b = appendCSVField(b, v.text)
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
