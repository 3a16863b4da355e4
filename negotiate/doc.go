// Package negotiate analyses a negotiation scenario: it scores proposals for
// every party, finds the packages every veto party accepts (the acceptable
// set, its Pareto frontier and the Nash, common-security and utilitarian
// solutions), bridges proposals to the nearest acceptable package, names the
// red lines that block agreement, and finds deadlocks in the parties'
// sequencing demands. Semantics follow docs/scenario.md exactly.
//
// Searches are exact: depth-first branch and bound over the issues, pruned by
// bounds on what the remaining issues can still add, with options that no
// searched party can tell apart merged into one class. Where a node budget
// runs out before a count is finished, results say so and give exact lower
// and upper bounds instead of an estimate. The package does no I/O.
package negotiate
