// Package reconstruction is the reconstruction registry: funds (frozen
// assets, pledges, loans), projects, commitments of a fund's money to a
// project and disbursements against a commitment.
//
// The registry is built only by applying events in order (Apply validates
// an event before it changes anything), so the same log always gives the
// same registry. Amounts are integer minor units of a known ISO 4217
// currency; there is no currency conversion: a commitment is in its fund's
// currency and its project's. A disbursement is released only when its
// commitment's condition, written in the agreement's condition language
// (package cond), holds over the agreement's state, and never while
// snapback is in force, and, when the commitment names guarantors in
// confirm_by, once each has confirmed it (a confirmation event); the
// decision is taken once, against the state
// given, and recorded as an event (a disbursement or a refusal with its
// reason), so replay does not need the agreement. The package does no I/O;
// it exports an OCDS release package (ocds.go) and
// IATI activities (iati.go).
package reconstruction
