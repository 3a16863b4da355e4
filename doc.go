// Package accord holds what every layer of accord shares, with no I/O: the
// negotiation scenario (parties, tracks, issues, options, positions,
// proposals); the observation contract (the observation, its key, its
// decoder and encoder) and the incident with its violations, its listing
// and the store interfaces; the record's vocabulary (roles of the record's
// users and the actions the access policy decides, the types of the
// entries the mission writes, the states of an incident, the stages and
// outcomes of a consultation); and the application errors with their
// codes.
//
// Subpackages do the work: scenario and negotiate read and analyse a
// negotiation; agreement, cond and engine hold and run an agreement; geo,
// fusion and monitor turn observations into incidents and violations;
// ledger keeps the signed record; mission owns the flow between them;
// sqlite, ndjson and local are the stores and the embedded deployment; api
// is the HTTP interface and cmd/accord the command line.
package accord
