// Package cond is the small condition language of agreements: the entry
// conditions of phases, the release conditions of relief tranches and the
// triggers of enforcement, evaluated over the record.
//
// A condition is an expression of comparisons joined by and, or and not:
//
//	violations(party=ru, severity>=major, within=30d) == 0
//	since(signature) >= 30d and phase(ceasefire) == open
//	provision(prisoner-exchange) == done or findings(outcome=upheld) > 2
//
// Values are numbers, durations (30d, 12h, 90m, 45s), names (bare words and
// ids with '-', ':' and '.': done, open, ru, band:artillery-100mm) and
// booleans. The functions are:
//
//	violations(FILTERS)  confirmed violations, counted (party=, rule=, severity=, within=)
//	findings(FILTERS)    findings of the consultation, counted (party=, outcome=, within=)
//	exchanged(FILTERS)   persons released in prisoner exchanges, summed (party=: the releasing party; within=)
//	since(EVENT)         the time since a named event (signature, phase:ID, provision:ID)
//	provision(ID)        a provision's status: pending, done, overdue
//	phase(ID)            a phase's status: pending, open, suspended
//	agreement(ID)        another agreement's status: pending (not in force),
//	                     in_force, snapback (a snapback in effect)
//
// Agreements run side by side over one record (a set) may refer to each
// other. A name qualified AGREEMENT/NAME is another agreement's in
// provision(), phase() and since(), and the filter agreement=ID counts
// another agreement's violations or findings (its other filters then name
// that agreement's parties and rules):
//
//	phase(grain-corridor/inspections) == open
//	provision(prisoner-exchange/all-for-all) == done
//	since(grain-corridor/signature) >= 60d and violations(agreement=grain-corridor, severity>=major, within=60d) == 0
//
// The time since another agreement's event and the window of within= are
// counted on the clock of the record evaluating the condition. Check
// refuses an agreement not in Names.Agreements (all of them when the
// agreement is checked alone), the agreement itself (leave the qualifier
// out) and a name the other agreement does not have, each with its column.
// A Record reaches the others when it is a Linked; over a Record that is
// not (an agreement run alone) a comparison with another agreement's value
// is false, whatever the operator.
//
// A filter is NAME OP VALUE with OP one of = == != < <= > >=; severity
// compares in the order minor < major < grave. Parse errors give the column;
// Check names an unknown party, provision, phase, rule or event with its
// column. There are no loops, no variables and no side effects: a condition
// is a function of the record and the clock of the record.
package cond
