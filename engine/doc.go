// Package engine runs an agreement as a deterministic state machine driven
// by an ordered event log: signatures, confirmed violations, the parties'
// responses, the guarantors' findings, provisions carried out and clock
// ticks. The same log gives the same state, byte for byte, on any machine:
// time comes from the events, never from the wall clock, and every
// derived event (notices, missed deadlines, phases opening, relief
// released, snapback) is computed from the log alone.
//
// The consultation follows the JCPOA's dispute path: a confirmed violation
// opens a consultation and notifies the party it is attributed to, which
// has response_days to accept or dispute; no answer is an acceptance. A
// disputed notice goes to the joint commission, then the ministers, then
// the advisory board, each with its day limit, until a finding signed by a
// quorum of guarantors upholds, dismisses or finds it inconclusive. An
// upheld major (or grave) violation by a party named in snapback_on, or a
// consultation that fails at every stage, notifies snapback: at 00:00 UTC
// after the snapback_days-th day after the notification's day (UNSCR 2231's
// rule; snapback_at: elapsed counts snapback_days × 24 h instead) every
// released tranche of relief is re-imposed, pending tranches stay blocked
// and the suspend_phase is suspended.
//
// An agreement with enforcement.lift ends a snapback in effect when that
// condition holds (evaluated with the others, on the engine's clock): the
// snapback records lifted_at, the suspended phase resumes (open again, or
// pending if it had not opened) and the re-imposed and blocked tranches are
// pending again, each released by its own condition from the next event or
// tick on. A later upheld major violation may then notify a new snapback;
// the lifted one moves to the snapbacks history. Without lift a snapback
// is never lifted, as the JCPOA's, and the state is what it always was.
//
// Prisoner exchanges (exchange.go) are exchange events signed by the
// agreement's verifier, counting the persons each party released; the
// state keeps them and the totals by releasing party. A quota provision is
// assessed at the end of each of its periods, from the exchanges in it: a
// shortfall is derived and marks it overdue for that period. An
// all-for-all provision is done on its verifier's word only.
//
// Conditions (package cond) are evaluated after every event and every
// deadline; a daily tick keeps time-based conditions timely.
//
// A Set runs several agreements side by side over one log: each entry is
// for the agreement its Agreement field names ("" the first) and a tick for
// every other one; the agreements settle in dependency order, and the
// conditions of each may read the others' state (AGREEMENT/NAME,
// agreement=ID, agreement(ID)). With one agreement a Set is an Engine.
package engine
