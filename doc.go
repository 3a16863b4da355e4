// Package accord holds the domain types of accord: the negotiation scenario
// (parties, tracks, issues, options, positions, proposals) and the
// application errors shared by every package. It does no I/O.
//
// Subpackages do the work: scenario loads and validates scenario files,
// negotiate analyses them; cmd/accord is the command-line front end.
package accord
