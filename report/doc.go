// Package report builds the daily monitoring report — the successor of the
// OSCE Special Monitoring Mission's daily report: a summary in sentences
// (violations by party and rule against the previous day, the agreement
// engine's consultations and consequences), a map of the day's incidents
// over the agreed geometry (inline SVG), places by the nearest settlement,
// then incidents and violations by rule and party, settlement, stretch of
// the line and zone, heavy weapons seen inside their withdrawal bands and
// restrictions of the monitors' movement, each compared with the previous
// day — and renders it as HTML (docs/report.md); and the briefing on a
// proposal.
package report
