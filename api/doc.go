// Package api is accord's HTTP interface: for now the ingestion of
// observations (NDJSON, spec/observation.md) into a store and the
// monitoring pipeline, and the incidents it finds. Errors are JSON with an
// application code and a message; codes map to HTTP statuses here and only
// here.
package api
