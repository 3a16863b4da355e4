package render

import (
	"html"
	"strings"
)

// xmlText is s escaped for an SVG's text or attribute: html.EscapeString,
// after replacing by U+FFFD every character XML 1.0 does not allow (the
// C0 controls but tab, newline and carriage return; U+FFFE and U+FFFF;
// an invalid byte) — one of them, in a scenario's or a party's name,
// would make the whole image refuse to parse.
func xmlText(s string) string {
	return html.EscapeString(strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF) {
			return r
		}
		return '\uFFFD'
	}, s))
}
