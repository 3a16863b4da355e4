// Package scenario reads scenario files (docs/scenario.md) into
// accord.Scenario values and validates them.
//
// Parsing works on the YAML node tree, so every error names the file, line,
// column and field path at fault, and scalars follow the YAML 1.2 core schema:
// ids and map keys stay strings (`yes`, `no`, `on`, `1` are never turned into
// booleans or numbers). Every problem found is reported, and nothing is
// returned from an invalid file.
//
// A negotiation may also be kept as a public part (a scenario without
// positions, ParsePublic) and one confidential position file per party
// (ParsePosition), whose fields after its header are read by the same code
// as a scenario's positions.PARTY entry. Split writes a scenario in those
// parts and Join puts them together again; Format writes a whole scenario.
package scenario
