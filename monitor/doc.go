// Package monitor turns monitoring input into incidents and violations:
// observations (spec/observation.md) are decoded and validated, stored once
// per (source.id, id), placed against the agreed geometry (package geo),
// fused into incidents (package fusion) and checked against the agreed rules.
//
// The package does no I/O of its own beyond the readers and writers it is
// handed: files, HTTP bodies and streams are the callers' business.
package monitor
