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
// that hands out its versions (Worker). On the 1,113 km reference line cut
// in four, the dense simulated front sends 0.5 % of its observations to a
// second sector, and the CPU time of routing, the four workers and the
// sequencer together is 1.1 to 1.3 times one pipeline's (BenchmarkSectors,
// CPU time, on a shared machine): each worker carries about a quarter of
// the load. A stream whose every event lies on a bound is the worst case:
// nearly every observation is fused twice, 3.3 to 4 times the CPU.
//
// # Global ids
//
// Each worker's pipeline numbers its incidents locally (Prefix: "s2/inc-7").
// The Sequencer, in the ordered stage, gives each its global id "inc-N"
// and settles the cases where two sectors' views differ: ownership that
// moves to another sector (a more precise report arrived there): the new
// owner's incident goes on under the id the old owner's was recorded
// with; two sectors claiming the same members: the less precise
// incident, when the other lists all of its members, is merged into it
// (state merged, MergedInto), as fusion's own merges; and it records a
// sector's fallback when the owner's fusion left some of the sector's
// reports out of every incident.
//
// The ids are one pipeline's when the sequencer takes each batch's parts
// together (Sequencer.ApplyBatch) and the workers say where in the batch
// each incident opened (Worker.ObserveLines, Version.Opened). One
// pipeline numbers its incidents in the order fusion opens them: batch
// by batch in the log's order, within a batch at the observation that
// opens each. ApplyBatch numbers the incidents it records first in a
// batch in that order, across sectors, by the line of the observation
// that opened each; an incident a sector opened before and hands out
// first now is numbered from its first member the batch brought; a
// sector's partial view that the batch both records and merges into
// another incident is left out and takes no id, as one pipeline never
// had it. The guarantee: as long as the sectors' incidents are one
// pipeline's member for member, so are their ids, version for version.
// Measured (TestGlobalIDsAreThePipelines, 2 to 4 sectors): on the
// simulated front, default and dense runs, in batches of 200 and of 1,
// and on separated events on the bounds, every version under the
// pipeline's id. Where member sets differ (dense events on the bounds;
// see What differs below) an incident one side makes and the other does
// not shifts every later id by one: on 3,000 events 5 s apart, 56, 35
// and 7 incidents are one side's alone on 2, 3 and 4 sectors, and the ids
// slip 119, 40 and 13 times, each time in or right after a batch that
// brought such an incident, never where the member sets are alike.
// Sequencer.Apply, one part at a time, numbers in the order the parts'
// versions come: a batch's new incidents sector by sector, not in one
// pipeline's order. ApplyBatch also hands a batch's versions out in the
// order one pipeline does (first changed, line by line: each version
// says where its sector's pipeline first changed it, Version.At,
// monitor.Pipeline.Order): on the simulated front and on separated
// events on the bounds every batch's versions come in the pipeline's
// order (TestGlobalIDsAreThePipelines; the workers told where one
// pipeline looks for incidents to close, see Clocks below). The stream's recorder
// takes a batch's parts together through ApplyBatch, in the sectors'
// order, once they are all in, and so records what the embedded default
// records (stream.TestGlobalIDsOnTheStream: 2 and 3 sectors on the
// simulated front over a day, every incident, the agreement's state and
// the ledger's entries in their order, and so over three days, when
// incidents close; package stream says when a batch is let go without a
// part). With N = 1 the worker hands out exactly the
// pipeline's versions and the sequencer, by either, gives them the
// pipeline's ids: the distributed flow is then the embedded one, version
// for version. The ids are a function of the batches given (a replay
// gives the same), and a sequencer restored from its Snapshot between
// batches goes on as the one it was taken of.
//
// # What is not fused
//
// Vessel and inspection observations are tracked per vessel along the
// corridor, not fused: the plan sends them all to sector 0, whose tracker
// follows every vessel as one pipeline's does. Presence reports go to
// their sector and, as halo, to every other: each worker judges the
// presence duties, and a duty's missing reports are handed out by the
// sector of its zone's centre. Their ids are global already.
//
// # Order
//
// Fusion's choices depend on the order it takes reports in, and one
// pipeline takes a batch in its order. Worker.ObserveBatch keeps it, when
// the stream carries the sector's part of a batch in the batch's order
// with the halo lines marked; Worker.Observe(own, halo) interleaves the
// two by reported_at, which is the batch's order when the batch is in
// the order of reporting. On a dense stream of events on the bounds, the
// share of observations in the same member set as one pipeline's is
// 0.9991 with ObserveBatch, 0.9983 with Observe, 0.9385 when the own
// lines are taken first and the halo after; with batches shuffled out of
// the order of reporting, 0.9982 with ObserveBatch and 0.9613 with
// Observe.
//
// # What differs with N > 1 (measured in the tests, not hidden)
//
// On the simulated front (default and dense runs, 2 to 4 sectors) every
// observation ends in the same member set as with one pipeline, every
// incident judged alike (but for when some close: Clocks, below). On
// events placed on the sector bounds, reported from both sides:
// separated events likewise; a dense stream of them (an
// event every 5 s, all on the bounds) ends 0.9990 alike on 4 sectors and
// 0.9908 on 2 (every event on the one bound); no observation ends in no
// incident, and 3 (4 sectors) or 49 in 10,460 (2 sectors) are listed by
// two incidents. The cause:
//
//   - A report's likelihood choice between two incidents may differ when
//     one of them has members outside the worker's view (an incident whose
//     anchor is in another sector is seen partially). Two sectors may then
//     put one report in two incidents: both stand (Sequencer). And the
//     owner's fusion may leave out of every incident a report another
//     sector put with the anchor: that sector's incident, handed out as a
//     fallback, is recorded then (Sequencer), listing the anchor too.
//   - Clocks. One pipeline's clock is the latest observed_at it took
//     in: fusion confirms, opens and closes incidents on it, presence
//     duties fall due on it, and the agreement's clock follows. A worker
//     sees a part of the front, so the ingest node tells it the front's
//     clock at each of its lines (stream.HeaderClock) and the worker keeps
//     that (Worker.ObserveBatchAt); an ingest node restarted reads the
//     front's clock back from the stream's last messages
//     (stream.Ingester.SeedClock), and beside other ingest nodes it takes
//     in theirs from the stream every second (FollowClock): what it
//     tells is then what one pipeline reading the stream in its order
//     would have, late by a second at most; the recorder holds a batch's
//     parts until they are all in, every worker publishing an output for
//     each part (stream.HeaderParts), and decides the batch whole — its
//     ids, its incidents and its violations — batches in the order their
//     ingest node published them (stream.HeaderAfter), as one pipeline
//     applies a batch whole. Measured
//     (stream.TestSectorsOnTheStream, 3 sectors, 24 simulated hours,
//     batches of 250 and of 25): 200 of 200 violations of the same
//     incident and rule at the same time as the embedded default's; with
//     each sector's part decided alone and the workers on their own clocks
//     35–48 of 200, later by up to 3 h 50 min (the span of observation
//     time one batch covered). The parties sign at the first whole batch,
//     a batch waiting is decided as the consultations stand when it is
//     applied (a verdict given while it waited may count for it, where
//     one pipeline, which decided it earlier, had not seen it), and a
//     part that comes again, or after its batch was let go, is a batch of
//     its own. Fusion looks for incidents to close when its clock has
//     moved 1/96 of a horizon since it last looked, at a report it takes;
//     a sector's fusion takes only the sector's lines, so the ingest node
//     tells it the front's clock at the other sectors' lines where one
//     pipeline looks (stream.HeaderTicks, Worker.ObserveTicks), and it
//     looks there: an incident closes when, and in the batch where, one
//     pipeline closes it (stream.TestGlobalIDsOnTheStream over three
//     simulated days; before, 377 of 838 closings on 2 sectors and 497 on
//     3 came up to 26 min later, at the sector's next line; on separated
//     events on the bounds 7, 6 and 6 of 11 batches on 2, 3 and 4
//     sectors, now none, TestGlobalIDsAreThePipelines). Likewise a
//     presence duty's period is judged at the line where the front's
//     clock passes its deadline: the ingest node tells the duty's sector
//     the clock there (TestMissingReportInThePipelinesBatch, batches of
//     1 over three days on 3 sectors: each missing report in one
//     pipeline's batch; before, the first 5 batches later, at the
//     sector's next line); and a tick before the sector's first line
//     starts its duties where the front's first observation does
//     (TestPresenceStartsAtTheFrontsFirstObservation: a first
//     observation at 23:00 the day before, in another sector, made that
//     day's report missing for one pipeline only). The recorder's holding is a function of
//     the fused log alone, so a restart that reads it back holds and
//     lets go as the live run did. Left: several ingest nodes (regions)
//     each tell the clock of what they published, and a worker keeps the
//     latest it was told; an ingest node's clock starts again at its
//     restart (the next batches tell it again); vessels' reports, tracked
//     in sector 0, move only that sector's presence clock; and a batch a
//     part of which does not reach the recorder (a message its worker
//     could not read; a regional node cut off while the centre's stream
//     copied its batch) holds every later batch — incidents and
//     violations — for a minute (stream.Recorder.PartWait), or until 256
//     batches wait: then it is decided as it stands, the recorder saying
//     so (at the minute by a message it writes into the fused log), and
//     a part that comes after is a batch of its own
//     (stream.TestAPartThatNeverComes).
//   - Ceilings count the heavy weapons present in a zone at once: every
//     heavy weapon near a zone a ceiling counts in is the own of one
//     sector, the ceiling sector (Plan.Route), which therefore counts
//     as one pipeline does (TestCeilingAcrossASectorBound: eleven tanks
//     on both sides of a bound, a ceiling of ten). A closed weapon that
//     a later batch marks over a ceiling (a weapon seen with it grew) is
//     handed out again by its sector (Version.Late) and by the sequencer
//     as the closed global incident it was, for LateKept after its last
//     observation (TestCeilingMarksAClosedWeaponLate). Left: an incident
//     whose most precise report lies just outside that reach while a
//     less precise member lies in the zone is owned by its sector by
//     place, which counts it with what it sees; and the ceiling sector
//     carries every such weapon of the front.
package sector
