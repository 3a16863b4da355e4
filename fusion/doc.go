// Package fusion merges reports of the same real event, from any number of
// sources, into incidents, as they arrive and in any order.
//
// Two reports may be of the same event when their kinds are compatible,
// their positions lie within each other's stated accuracy, and their times
// within each other's stated time accuracy plus a window that depends on
// the kind (a shell is an instant, a flight minutes). A report may join an
// incident when it may be of the same event as every member (the test).
// Which it joins is chosen by likelihood (assign.go, likelihood.go): the
// density of its position and time, read from its stated accuracies, about
// each nearby incident's weighted mean position and time; an incident it
// lies beyond the 0.999 bound of is of another event, an incident that
// already holds a report of its source is fifty times less likely (a
// source reports an event once), and where several are within the bound a
// new event competes too. It joins the likeliest incident that passes the
// test when that one's posterior among them is at least Config.AttachAt
// (0.5), and else opens an incident of its own, marked Ambiguous, rather
// than corroborate one of several. An ambiguous
// incident is assigned again when a report that fits it changes an
// incident it fits (revise.go), and merges into the incident it then
// clearly belongs to: the merged incident takes the state Merged and names
// the survivor (MergedInto), and TakeRevised hands both out, so that the
// caller records the change. Config.Assign WorstFit keeps the choice of
// before the likelihood (the admitting incident of least worst score),
// which things that stay put and reports outside the summaries' domain
// always use. But a thing that stays put
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
// one report. Where two incidents or more admit a report (WorstFit), bounds of their
// scores choose between them; incidents the bounds cannot tell apart are
// scored from the members far enough in time from the report to matter,
// walking in from the ends of their span (every member at worst). The
// summaries fall back to the
// member-by-member rule for reports outside their domain (a non-positive
// accuracy, a negative time accuracy, positions over half a radian apart).
package fusion
