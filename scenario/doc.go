// Package scenario reads scenario files (docs/scenario.md) into
// accord.Scenario values and validates them.
//
// Parsing works on the YAML node tree, so every error names the file, line,
// column and field path at fault, and scalars follow the YAML 1.2 core schema:
// ids and map keys stay strings (`yes`, `no`, `on`, `1` are never turned into
// booleans or numbers). Every problem found is reported, and nothing is
// returned from an invalid file.
package scenario
