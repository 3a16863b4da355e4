// Package render turns the negotiation engine's results into text for people:
// the terminal report, the comparison matrix as Markdown and HTML, and the
// frontier plot as SVG. It writes to an io.Writer and reads nothing.
package render
