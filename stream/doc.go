// Package stream carries a mission's flow over NATS JetStream, for a
// deployment of several nodes: the accepted observation batches, split by
// sector of the front (package sector), and the ordered log of what the
// sectors' fusion produced, from which one engine per agreement and the
// record are fed. It is an adapter: what each stage does is package
// mission's, the same code as the embedded deployment's; this package only
// moves the stages' input between processes, durably, with explicit
// acknowledgement, at least once, made idempotent by the observation key.
//
// The streams and subjects (subjects.go) are the contract between the
// nodes: an ingest node publishes to them, the sector workers and the
// recorder consume from them, a regional node's own JetStream is sourced
// into them. An embedded NATS server (nats-server, in process) serves the
// single-node mode and the tests; production names an external cluster by
// URL.
//
// # The flow
//
//   - Ingest (Ingester): the mission's store stage with the store's
//     outbox (mission.StorePending: the observation store keeps each key
//     once and, in the same transaction, a pending record of the batch's
//     new keys for the node, Config.Node; a signed batch's submission is
//     checked and recorded in the ledger there, as in the embedded
//     deployment), then the batch's new observations are published to
//     ObsStream, one message per sector they lie in or near (sector.Plan's
//     Route: the batch's order kept, the halo's lines in HeaderHalo),
//     Nats-Msg-Id the batch digest and the sector. The batch is answered
//     once JetStream acknowledged every message, and its record forgotten;
//     the answer lists no incident (fusion and the record follow).
//   - A regional ingest node (Config.Region, Ingester.Region), cut off
//     from the centre at times, validates a batch but does not store it:
//     it publishes every observation, split by sector in the same way, to
//     the region's own stream on its own NATS server (a leaf node, its
//     own JetStream domain: Region), RegionSubject, marked
//     HeaderUnstored, and answers once that stream acknowledged. A node
//     that records (Config.Sources) makes ObsStream source the region's
//     stream (SourceRegion), and sets the source up again when it stalls
//     while the region answers; the messages flow on whenever the link is
//     up.
//   - Sector workers (Worker): one durable pull consumer per sector,
//     explicit acknowledgement, one message in flight, so the sector's
//     fusion (sector.Worker) sees its messages in the stream's order (a
//     message marked HeaderUnstored has its own lines stored first); the
//     versions it produced go to FusedStream (Nats-Msg-Id sector/sequence)
//     and the message is acknowledged once they are durable there.
//   - The recorder (Recorder): one ordered consumer of FusedStream; the
//     sector.Sequencer gives the sectors' incidents their global ids, and
//     the mission's engine and record stages (mission.Decide) run on them.
//     With several sectors it holds each batch's parts until they are all
//     in (HeaderParts) and takes them together: ids for the batch's
//     incidents (sector.Sequencer.ApplyBatch, in one pipeline's order:
//     each line of a part says its place in the whole batch, HeaderLines,
//     and the worker where each incident opened, sector.Worker.ObserveLines),
//     then the engine and the record on the whole batch, batches in the
//     order their ingest node published them (HeaderAfter; of several
//     nodes, in the order their first parts came). A batch whose part
//     does not come within Recorder.PartWait is let go by a message the
//     recorder writes into FusedStream (HeaderRelease) and decided where
//     that message lies.
//   - Ticks of the agreement's clock (tick.go; POST /v1/clock on an
//     ingest node, Ingester.Tick): the embedded deployment ticks its
//     engine in place (mission.Tick); here the engine is the
//     recorder's, so the ingest node publishes the tick as a batch
//     without observations, through its batches' path (its lock, its
//     outbox first, HeaderAfter), one message to every sector
//     (HeaderParts), marked HeaderTick, message ids named by the tick's
//     time (a tick sent again is kept once), and answers it deferred
//     (mission.ClockResult.Deferred). Each worker forwards its part to
//     FusedStream without fusing anything; the recorder, once the
//     parts are in, ticks the mission where the tick lies among the
//     batches (mission.DecideAll): the embedded default's tick event and
//     derived entries at the same place of the record, the same state
//     (TestTickOnTheStream, 1 and 3 sectors, a restart included). A
//     tick before the parties have signed, which the embedded default
//     refuses, is published (the ingest node cannot know whether a
//     batch that signs is ahead of it) and records nothing, logged. A
//     tick carries the front's clock (HeaderFront), read back by
//     SeedClock. A regional node refuses ticks. serve --tick-every on
//     a node of role all looks at the recorder's engine whether a
//     deadline has passed and, if so, publishes an if-due tick
//     (HeaderTickIfDue), decided as mission.TickIfDue at its place.
//
// With one sector the flow is exactly the embedded deployment's: the same
// incidents, ids, agreement state and ledger entries (the tests compare
// them over HTTP); the recorder takes each message as it comes
// (sector.Sequencer.Apply). With more, the incidents are the same as
// member sets up to the residual differences package sector documents,
// and as long as they are, their ids are one pipeline's, version for
// version, and ApplyBatch hands a batch's versions out in one pipeline's
// order. Measured on the simulated front over a day
// (TestGlobalIDsOnTheStream, 2 and 3 sectors, 1,746 observations in
// batches of 250; in batches of 25; at four times the rate, 5,882
// observations): every incident under the embedded default's id, byte
// for byte and listed in the same order, the same agreement state and the
// same ledger entries in the same order (the sealed ones aside, which no
// two deployments seal alike); when the recorder gave ids part by part,
// 470 of 481 incidents were under another id, and before the versions
// were ordered 627 of 1,052 ledger entries stood at another place.
//
// Closings. One pipeline's fusion looks for incidents to close at the
// line at which its clock has moved 1/96 of a horizon since it last
// looked; a sector's fusion sees its own lines only, so the ingest node
// tells each sector the front's clock at the other sectors' lines where
// one pipeline looks (HeaderTicks; a sector without a line in the batch
// gets a message without lines for them, a part of the batch), and the
// worker looks there too (sector.Worker.ObserveTicks): over three
// simulated days (the same test, in batches of 250 and of 25) every
// incident closes when, and in the batch where, the embedded default
// closes it, and the record is the embedded default's entry for entry
// (before: 377 of 838 closings on 2 sectors and 497 on 3 up to 26 min
// later, 1,585 and 2,005 of 3,580 ledger entries at another place). An
// ingest node reads back when fusion last looked with the clock
// (HeaderScanned). A batch a node stored and rebuilds at its restart
// (Recover) after some of its messages reached the stream is split on
// the routing state kept with its pending record, not on what the node
// reads back (which already counts that batch's looks): its rebuilt
// messages are those it was first split into, parts of ticks alone
// included (TestIngestNodeDiesMidBatchRebuildsItsParts). Not exact:
// several ingest nodes take in each other's looks with the clock, a
// second late at most. A presence duty's sector is told the clock likewise where it
// passes one of the duty's deadlines, so that each missing report comes
// in one pipeline's batch (sector.TestMissingReportInThePipelinesBatch).
//
// Order of the batches. Each message of a batch names the batch its
// ingest node published before (HeaderAfter; at the node's start, the
// stream's last), every worker publishes an output for it, and the
// recorder decides a batch only once the one it names is decided: two
// batches in a row that lie in different sectors are recorded in the
// order the node published them, whichever worker is through first
// (TestBatchesInTheIngestOrder). Before, batches were taken in the order
// their first parts came into the fused log and such batches swapped
// (in batches of 1 over a day 5 and 6 of 2,550 ledger entries at
// another place on 2 and 3 sectors; in batches of 5 over three days, in
// about half the runs, a few incidents whose last version recorded was
// an older one, up to 1,062 of 6,151 entries at another place and the
// agreement's state not alike); now none, in 4 runs of each
// (TestGlobalIDsOnTheStream). A batch named that never comes (its
// messages unreadable) is let go after PartWait by a release in the
// fused log, as a missing part is. A node's first batch on a new stream
// (it names none) goes once whole if the batches held before it all name
// the one they come after (TestFirstBatchAfterALaterOne; it waited at the
// head's place, its node's next batches behind it, until 256 batches waited). A batch
// takes the batch it comes after from any of its parts: those an ingest
// node rebuilt at its restart from a pending record kept without its
// routing state (by an older node) name none (TestRebuiltPartNamesNoBatch).
// Batches of several ingest nodes are
// taken in the order their first parts come: each node's in its order,
// the nodes' interleaved as their workers are through. Where the member
// sets differ (package sector: dense events on the bounds), every later
// id slips. A batch let go without a part (PartWait, or 256 batches
// waiting behind it) is numbered without that part's incidents, which
// come later as a batch of their own, numbered then. The holding is a function of the fused log alone
// (the releases are in it), so a restart decides and numbers as the live
// run did (TestGlobalIDsAfterARecorderRestart: stopped while every batch
// waits behind one whose part never comes, and again after the release,
// the incidents are an uninterrupted run's, byte for byte and in its
// order, as are the agreement's state and the ledger's length). A fused
// log written before HeaderLines, or recorded by a recorder that gave ids
// part by part, is not read back the same: such a deployment starts a
// new generation.
//
// # Restarts and redelivery
//
// A worker that restarts (a new process, or the node's supervisor after a
// failure) reads its sector's messages back from the stream's start to its
// consumer's acknowledgement floor through a new fusion, publishing
// nothing, then takes what follows; the message it had not acknowledged
// is delivered again and its output, published again under the same
// message id, is kept once. The recorder holds no state in JetStream: its
// position file (recorder.pos in the data directory), written durably
// before each step reaches the ledger, says with the ledger's length
// which steps the ledger has; at start it reads FusedStream from the
// start, restoring the sequencer and the incident store (mission.Restore)
// up to there and recording what follows. The streams keep every message
// (limits retention without limits): they are the workers' and the
// recorder's memory, as the observation store is the embedded server's.
//
// An ingest node keeps nothing lost between the store's commit and
// JetStream's acknowledgement, although the client's retry of a batch
// stored then finds every observation duplicate and publishes none. While
// the node lives, a batch JetStream did not acknowledge within
// Ingester.Retry is answered 503 and its messages kept in the ingester's
// outbox, published in order before anything else is stored (so the
// client's retry is answered 200 only once they are) and by a drainer
// meanwhile. A message JetStream did not take at once is published again
// by its batch's call before the next batch publishes anything (each
// batch waits for the one stored before it to be acknowledged or parked:
// Ingester.turn), so that a sector's stream holds its messages in the
// store's order (TestRepublishedBeforeTheNextBatch). While JetStream
// acknowledges nothing, a batch whose turn comes within firstAck of the
// last failure (a batch's message, or the outbox's, the drainer's
// included) does not wait Retry again: it is answered 503 at once, its
// messages parked after the others, and a batch that would first publish
// the outbox is refused so, nothing stored (TestQueuedBatchRefusedAtOnce,
// TestQueuedBehindTheOutboxRefusedAtOnce). If the node dies,
// the store's pending records keep them:
// the node started again under the same name (Config.Node) publishes them
// before it takes a batch (Ingester.Recover), rebuilt from the store with
// the same message ids, and the same headers: each record keeps the
// node's routing state before its batch (the front's clock, the last
// look, the batch before it), from which the batch's messages are made
// again as they were first made — not from the clock the node reads back
// from the stream, which holds the batch's parts published before it
// died (TestIngestNodeDiesMidBatchRebuildsItsParts: the rebuilt parts
// were the original ones byte for byte, the recorder took the batch
// whole at once); the messages ObsStream holds already (the node
// died after JetStream acknowledged them, before the store forgot the
// record) are looked for there, from the time the store noted with the
// record, and not published again — JetStream would keep them once
// within its duplicate window, but not past it. A node lost for good
// leaves its records until a node of its name starts, anywhere; every
// ingest node's start warns of the other names' records.
//
// # One worker per sector
//
// A second worker on a sector's consumer would take part of its messages
// into a fusion that misses the rest. A worker (Worker.Run) therefore
// runs its sector only while it holds the sector's lease, the key
// LeaseKey(i) of the KV bucket LeaseBucket, taken create-only and
// renewed by compare-and-set; another worker of the sector (a second
// worker node, a node of role all beside a worker node) waits as a
// standby and takes over once the holder released the lease (a clean
// stop) or its lease expired (the bucket's TTL: the holder died or is
// cut off from JetStream), replaying the sector from the consumer's
// acknowledgement floor as a restarted worker does. A holder that cannot
// renew stops acknowledging and consuming at half the TTL, before any
// standby can take over (lease.go says why the margins are what they
// are). Metrics.Leases shows which process holds which sector.
//
// The sectors are spread over the live worker nodes (spread.go): each
// node announces itself in the same bucket (NodeKey, written again every
// TTL/5, gone a TTL after its death), takes at most ceil(S/N) of the S
// sectors when N nodes live (any sector left free for a TTL, whatever
// its share), and gives its surplus up one sector a TTL, its
// highest-numbered first, released as at a clean stop. Metrics.WorkerNodes
// is the number of nodes it sees.
//
// One record per deployment: the recorder checks its ledger against the
// record's mark in JetStream at its start and moves the mark as it
// records (recordmark.go); a ledger that is not the record (behind the
// mark, another one) or a second recorder moving the mark stops the node
// with ErrNotTheRecord.
//
// # What is not done
//
//   - Signed submissions are recorded at ingest: an ingest node must hold
//     the ledger (role all). `serve --role ingest` refuses signed batches.
//   - Snapshots of the workers' and the recorder's state: a restart reads
//     the streams from their start.
//   - The sectors are spread over worker nodes by count, not by load
//     (a sector's traffic, a machine's size).
//   - Moving a data directory from the embedded default to streams, or
//     changing the number of sectors, starts a new generation: the
//     workers' fusion starts empty (the incidents open then are not
//     continued); nothing replays the stored observations into the
//     streams.
//   - serve --tick-every runs on a node of role all only: it needs the
//     recorder's engine (whether a deadline has passed) and an ingest
//     path to publish the tick through; a deployment whose recorder runs
//     on its own ticks by POST /v1/clock on an ingest node (cron and
//     'accord clock tick --at now').
//   - Every role opens the data directory's stores (a worker needs only
//     the agreement); a worker or ingest node on its own machine so keeps
//     an idle ledger.
package stream
