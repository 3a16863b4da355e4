// Package mediation runs negotiations on the server (package talks is the
// process): it owns the flow from a party's signed submission to the
// record, the encrypted store and the negotiation's state, and restores
// every negotiation from the record at start.
//
// A party's position, answer or request reaches the record only as its
// salted commitment, in a submission the party signed; the content, with
// its salt, is encrypted with age to the mediation's key and kept in the
// confidential store by that commitment. The mediator's drafts, the
// rounds' closings and the conclusion are derived entries. Replaying the
// record with the mediation's key gives the same state; revealing a
// position and its salt proves which version the record holds, and no one
// without the salt can confirm a guess of it.
package mediation
