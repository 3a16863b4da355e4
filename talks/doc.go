// Package talks is the negotiation as a process: a mediator puts one text
// on the table, each party answers it from a position only it and the
// mediator know, and the text is revised round by round until every veto
// party accepts it (the single negotiating text).
//
// A Negotiation is built only by applying Events in order, so the whole
// history replays to the same state. The public part (parties, tracks,
// issues, options, proposals) is an accord.Scenario without positions;
// the positions are confidential: the record holds a salted commitment to
// each version (Commit), and whoever holds the content (its author, the
// mediator) gives it to the state with Reveal. Views tell each reader only
// what it may know: a party sees the drafts, its own evaluation of them and
// whether each is acceptable to all — never another party's utility, red
// line or verdict; the mediator sees everything, round by round, with what
// each party's view of the history has let it learn about the others' red
// lines (Leak).
//
// The package does no I/O: the mediation flow (package mediation) keeps
// the record, the encrypted positions and the server's routes.
package talks
