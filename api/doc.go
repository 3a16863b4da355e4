// Package api is accord's HTTP interface over a mission (package mission):
// observation batches in (NDJSON, docs/observation.md, signed or not),
// incidents out (every one, open and closed, in pages), the agreement's
// state and its consultations (responses, findings), compliance timelines,
// the negotiation's views, the live feed, the verifiable record with its
// proofs, metrics and the dashboard. Handlers decode, authorise, call the
// mission and encode, nothing else. Errors are JSON with an application
// code and a message; codes map to HTTP statuses here and only here.
package api
