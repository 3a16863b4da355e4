// Package sector divides the fusion of a mission's observations between
// workers, one per sector of the front, for the distributed deployment
// (stream): the plan that routes each observation to its sector and halo,
// the worker that fuses a sector, and the sequencer that gives the
// sectors' incidents their global ids in the one ordered log. It does no
// I/O: the stream package carries what it computes.
//
// # Partitioning, and why
//
// The front is the main agreement's contact line; a Plan cuts it into N
// sectors of equal arc length (the line's parts laid end to end), and a
// point belongs to the sector of its nearest point on the line. The
// partition is stable: a function of the line and N alone, so every node
// routes alike, and N is configuration (changing it is a new deployment
// generation). Fusion is local — two reports are of one event only
// within a few accuracies of each other — and activity follows the front,
// so slicing along the front spreads the load and keeps nearly every
// incident inside one sector; slicing by a grid or by source would either
// leave most sectors idle or cut most incidents.
//
// # The halo, and who owns an incident
//
// Fusion's gate: two reports may be of one event when dist ≤
// Gate·sqrt(a1² + a2²) (accuracies a1, a2; Gate 2). An incident's anchor
// is its most precise member (least accuracy_m; ties: earliest
// observed_at, then source, then id). Every member m fits the anchor a,
// so dist(m, a) ≤ Gate·sqrt(am² + aa²) ≤ Gate·√2·am. Plan.Route therefore
// sends each observation, as halo, to every other sector within
// Gate·√2·accuracy_m (+ MarginM) of its position: the anchor's sector
// sees every member of the incident, and is its owner — the one sector
// that hands out its versions (Worker). On the 1,200 km reference line cut
// in four, a few observations in a thousand are duplicated (see the
// benchmark).
//
// # Global ids
//
// Each worker's pipeline numbers its incidents locally (Prefix: "s2/inc-7").
// The Sequencer, in the ordered stage, gives each its global id "inc-N" in
// the log's order and settles the cases where two sectors' views differ:
// ownership that moves to another sector (a more precise report arrived
// there), and two sectors claiming the same members; the less precise
// incident is merged into the other (state merged, MergedInto), as
// fusion's own merges. With N = 1 the worker hands out exactly the
// pipeline's versions and the sequencer gives them the pipeline's ids:
// the distributed flow is then the embedded one, version for version.
//
// # What differs with N > 1 (measured in the tests, not hidden)
//
//   - Order: a worker takes its own observations, then its halo, batch by
//     batch, where one pipeline takes them interleaved; fusion's choice
//     between two incidents can depend on the order.
//   - A report's likelihood choice between two incidents may differ when
//     one of them has members outside the worker's view (an incident whose
//     anchor is in another sector is seen partially).
//   - Clocks: each worker closes incidents and judges presence duties on
//     its own clock (the latest observed_at it took in), which may lag the
//     front's; closed_at differs, and a quiet sector closes later.
//   - Ceilings count heavy weapons over a zone: a worker counts those it
//     sees, so a zone that straddles sectors can be over its ceiling with
//     no worker seeing it. A front-wide count belongs in the ordered stage
//     (left to do: the pipeline's ceiling state is not exported).
package sector
