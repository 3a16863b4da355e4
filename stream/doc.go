// Package stream carries a mission's flow over NATS JetStream, for a
// deployment of several nodes: the accepted observation batches, split by
// sector of the front (package sector), and the ordered log of what the
// sectors' fusion produced, from which one engine per agreement and the
// record are fed. It is an adapter: what each stage does is package
// mission's, the same code as the embedded deployment's; this package only
// moves the stages' input between processes, durably, with explicit
// acknowledgement, at least once, made idempotent by the observation key.
//
// The streams and subjects (subjects.go) are the contract between the
// nodes: an ingest node publishes to them, the sector workers and the
// recorder consume from them, a regional node's own JetStream is sourced
// into them. An embedded NATS server (nats-server, in process) serves the
// single-node mode and the tests; production names an external cluster by
// URL.
package stream
