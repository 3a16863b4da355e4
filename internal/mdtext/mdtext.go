// Package mdtext writes text received from outside (names, ids, a
// party's words) into Markdown so that it reads as the text it is: one
// table cell, no markup of its own.
package mdtext

import "strings"

// cell is Cell's replacer: a backslash first doubled, so that no escape
// below is undone by one in the text.
var cell = strings.NewReplacer(
	`\`, `\\`,
	"|", `\|`, // ends the cell
	"<", `\<`, // raw HTML, an autolink
	"[", `\[`, // a link, an image
	"\r\n", " ", "\n", " ", "\r", " ", // CommonMark's line ends: the row's end
)

// Cell makes text one table cell that renders as itself: its pipes, the
// opening of raw HTML or an autolink (<) and of a link or image ([)
// escaped with a backslash, as CommonMark reads any ASCII punctuation
// escaped so, a backslash doubled, and its line ends (\n, \r\n and a lone
// \r) spaces.
func Cell(s string) string { return cell.Replace(s) }
