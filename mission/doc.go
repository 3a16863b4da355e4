// Package mission owns the flow of a monitoring mission, in one order for
// every caller: an observation batch goes to the observation store (kept
// once per key for the record's whole life), then through the monitoring
// pipeline (placement, fusion, violations), the agreement engine (notices,
// consultations, consequences) and the consultations' verdicts, then into
// the incident store and the ledger, and out to the publishers. Responses
// to notices and guarantors' findings take the same road from the engine
// on, and a verdict flows back to its incident. A verifier's signed
// prisoner exchange does too, its lists of names sealed (exchange.go).
//
// The HTTP server, the batch commands (monitor run, report daily), the demo
// and the benchmarks all call this package, so they cannot disagree. What it
// drives sits behind small interfaces (monitor.ObservationStore,
// monitor.IncidentStore, Ledger, Publisher): SQLite and the file ledger in
// the embedded deployment, memory in the batch commands.
package mission
