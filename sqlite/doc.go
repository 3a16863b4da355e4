// Package sqlite is accord's embedded store: SQLite (modernc.org/sqlite,
// pure Go) in WAL mode, with numbered migrations embedded in the binary and
// one transaction per store method. It implements monitor.ObservationStore
// (durable: synchronous=FULL) and monitor.IncidentStore (opened with
// OpenDerived, since the mission rebuilds incidents at start) and passes
// their conformance suites (monitor/monitortest, storetest), as the
// PostgreSQL store (package pgstore) does.
package sqlite
