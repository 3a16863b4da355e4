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
//
// A filter is NAME OP VALUE with OP one of = == != < <= > >=; severity
// compares in the order minor < major < grave. Parse errors give the column;
// Check names an unknown party, provision, phase, rule or event with its
// column. There are no loops, no variables and no side effects: a condition
// is a function of the record and the clock of the record.
package cond
