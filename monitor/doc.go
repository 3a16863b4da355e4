// Package monitor turns monitoring input into incidents and violations:
// observations (docs/observation.md) are decoded and validated, placed
// against the agreed geometry (package geo), fused into incidents (package
// fusion) and checked against the agreed rules, ceilings included, by
// Pipeline.Observe, its one entry point, which hands out every incident a
// batch changes, closed ones included; vessel and inspection observations
// go to Vessels instead of fusion (a corridor's tracks, voyages, rules and
// throughput). It defines the store interfaces of
// observations (kept once per key for the record's whole life) and of
// incidents (every version's latest, paged), with in-memory stores and
// their conformance suites (monitortest).
//
// The package does no I/O of its own beyond the readers and writers it is
// handed: files, HTTP bodies and streams are the callers' business.
package monitor
