// Package fusion merges reports of the same real event, from any number of
// sources, into incidents, as they arrive and in any order.
//
// Two reports are of the same event when their kinds are compatible, their
// positions lie within each other's stated accuracy, and their times within
// each other's stated time accuracy plus a window that depends on the kind
// (a shell is an instant, a flight minutes). A report joins an incident
// when it is of the same event as every member; but a thing that stays put
// (a heavy weapon, a troop concentration, a mine, a movement restriction)
// is one incident however long apart its sightings, for as long as they
// stay within its accuracy: its report must be within the accuracy of
// every member and within the horizon (plus both time accuracies) of some
// member in time, the nearest. The observation contract has no report that a
// thing left: a sighting elsewhere simply does not join, and the incident
// closes a horizon after its last sighting.
//
// Confidence is combined by noisy-OR over independent owners: each owner
// counts once, with the highest confidence any of its sources gave, so
// repeats from one source or one owner never raise it. An incident is
// reported by one owner, corroborated by two or more, and confirmed when
// corroborated, at least one owner is not a party to the conflict, and the
// combined confidence reaches a threshold. An incident closes when it has
// gone a time horizon without a report: closing is a state change
// (ClosedAt, ClosedReason), handed out once by TakeClosed so that the
// caller keeps it, after which the engine forgets it; memory holds the open
// incidents only. The engine is deterministic: the same reports in the same
// order give the same incidents.
//
// A report must fit every member of the incident it joins, but the work of
// adding it does not grow with the incident: from 32 members on, an
// incident keeps summaries that give the member-by-member verdict exactly
// (the one equipment its members name; heaps of its members' times widened
// by their time accuracies, and for a thing that stays put the ends of
// that widened span, within which its members' horizons overlap in a
// chain; per stated accuracy, the members that may be a
// vertex of their spherical convex hull, which is where the farthest
// member from any report lies), members are inserted in order rather than
// re-sorted, and owners, confidence and attributions are updated from the
// one report. Where two incidents or more admit a report, bounds of their
// scores choose between them; incidents the bounds cannot tell apart are
// scored from the members far enough in time from the report to matter,
// walking in from the ends of their span (every member at worst). The
// summaries fall back to the
// member-by-member rule for reports outside their domain (a non-positive
// accuracy, a negative time accuracy, positions over half a radian apart).
package fusion
