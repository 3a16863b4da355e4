// Package report builds the daily monitoring report — the successor of the
// OSCE Special Monitoring Mission's daily report: incidents and violations
// of one day by stretch of the line, zone and party, heavy weapons seen
// inside their withdrawal bands, restrictions of the monitors' movement,
// each compared with the previous day — and renders it as HTML.
package report
