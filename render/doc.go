// Package render turns the negotiation engine's and the forecasts' results
// into text for people: the terminal report, the comparison matrix as
// Markdown and HTML, the frontier plot and the forecast's converging
// positions as SVG, and a forecast's round-by-round table. It writes to an
// io.Writer and reads nothing.
package render
