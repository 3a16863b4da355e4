package stream

import "strconv"

// The streams and subjects every node agrees on.
const (
	// ObsStream holds the accepted observation batches, one message per
	// batch and sector: subject ObsSubject(sector).
	ObsStream = "ACCORD_OBS"
	// ObsSubjects is the stream's subject filter.
	ObsSubjects = "accord.obs.*"
	// FusedStream is the ordered log of what the sectors' fusion produced
	// (incident versions, in the order the recorder applies them): one
	// subject, so one order.
	FusedStream  = "ACCORD_FUSED"
	FusedSubject = "accord.fused"
	// RegionStreamPrefix names a regional node's own stream
	// (ACCORD_REGION_<name>), held on the regional node and sourced into
	// ObsStream, so that the node accepts observations while its link to
	// the stream cluster is down and they flow on when it is back.
	RegionStreamPrefix = "ACCORD_REGION_"
	// RegionSubjectPrefix is the subject prefix of a regional stream:
	// accord.region.<name>.<sector>; sourcing maps it to ObsSubject(sector).
	RegionSubjectPrefix = "accord.region."
)

// Message headers.
const (
	// HeaderHalo lists, comma-separated and 0-based, the lines of an
	// ObsStream message that are the sector's halo (observations of
	// neighbouring sectors close enough to fuse with its own); every other
	// line lies in the message's sector. The lines keep their batch's
	// order, own and halo interleaved, because fusion's choices depend on
	// the order it sees reports in (sector.Worker.ObserveBatch).
	HeaderHalo = "Accord-Halo"
	// HeaderBatch names the accepted batch a message is part of (the
	// digest of its bytes), so that a batch split over sectors can be
	// traced, and JetStream's duplicate window keyed on it with the
	// sector (Nats-Msg-Id).
	HeaderBatch = "Accord-Batch"
	// HeaderParts is the number of ObsStream messages (sectors) a batch
	// was split into, on each of them and on each sector's output
	// (FusedStream): the recorder holds a batch's parts until they are
	// all in and decides the batch whole (Recorder). A worker publishes an
	// output for every part of such a batch, one without versions too.
	// Absent: a batch in one part.
	HeaderParts = "Accord-Parts"
	// HeaderClock lists, comma-separated, LINE:UNIX-NANOSECONDS for the
	// lines of a part of a batch split over sectors at which the front's
	// clock — the latest observed_at of what the ingest node had published
	// for fusion (vessels' reports are tracked, not fused), this batch's
	// earlier lines in every sector included — was past the
	// latest of the part's own lines up to there: the sector's worker
	// keeps the front's clock, as one pipeline does (when an incident is
	// confirmed, opens, closes; sector.Worker.ObserveBatchAt).
	HeaderClock = "Accord-Clock"
	// HeaderTicks lists, comma-separated, LINE:UNIX-NANOSECONDS for the
	// lines of the whole batch (0-based), not in the message's part,
	// where one pipeline's fusion looks for incidents to close (its clock
	// past its last look by 1/96 of its horizon), with the front's clock
	// there: the sector's worker looks there too (sector.Worker.
	// ObserveTicks), so that its incidents close when, and in the batch
	// where, one pipeline closes them — not at the sector's next line. A
	// sector without a line in the batch is sent a message without lines
	// for its ticks, a part of the batch (HeaderParts). The sector of a
	// presence duty's zone is also told the clock at the lines where it
	// passes one of the duty's deadlines, where one pipeline judges the
	// period (monitor.PresenceDeadline).
	HeaderTicks = "Accord-Ticks"
	// HeaderPresenceTicks is, in HeaderTicks' form, where a vessel's
	// report passed a presence duty's deadline: one pipeline's presence
	// duties take a vessel's time, fusion does not (vessels are tracked,
	// not fused), and only the vessels' sector sees it; the duty's sector
	// is told the time there, for its presence duties alone
	// (sector.Tick.Presence).
	HeaderPresenceTicks = "Accord-Presence-Ticks"
	// HeaderScanned is one pipeline's fusion's clock when it last looked
	// for incidents to close, after the message's batch (UNIX
	// nanoseconds): an ingest node restarted, or following another's
	// batches, reads it back with the clock (SeedClock, FollowClock).
	HeaderScanned = "Accord-Scanned"
	// HeaderAfter names the batch (HeaderBatch) the ingest node published
	// before this message's batch — at its start, the stream's last —, on
	// every message of a deployment split over sectors, and on each
	// sector's output (FusedStream): the recorder decides a batch only
	// after that one, so that two batches of one ingest node in a row
	// that lie in different sectors are recorded in the order the node
	// published them, whichever worker is through first. A worker
	// publishes an output for every message that has it.
	HeaderAfter = "Accord-After"
	// HeaderLines lists, comma-separated and 0-based, the line of the
	// whole batch (its new observations, in its order) of each line of a
	// part of a batch split over sectors: the sector's worker says where
	// in the batch each incident it opened opened (sector.Version.Opened),
	// so that the recorder, taking the batch's parts together
	// (sector.Sequencer.ApplyBatch), numbers the batch's new incidents in
	// one pipeline's order. Absent: a batch in one part (its lines are the
	// message's).
	HeaderLines = "Accord-Lines"
	// HeaderUnstored marks an ObsStream message whose observations are
	// not in the observation store yet: a regional ingest node, cut off
	// from the store, publishes to its own stream (RegionSubject) without
	// storing. The sector worker that takes the message puts its own
	// lines (not the halo's: their sectors' workers do) in the store
	// before it fuses them. Its value is the region's name.
	HeaderUnstored = "Accord-Unstored"
	// HeaderRelease marks a FusedStream message of the recorder's own:
	// the batch it names, split over sectors, waited longer than the
	// recorder's PartWait for a part, and is decided as it stands where
	// this message lies in the log (no body). Written into the log, not
	// decided on the wall clock, so that a recorder reading the log back
	// after a restart decides it at the same point.
	HeaderRelease = "Accord-Release"
	// HeaderTick marks a tick of the agreement's clock (UNIX
	// nanoseconds: the time it moves the clock to), published by an
	// ingest node as a batch without observations (Ingester.Tick): one
	// message to every sector (HeaderParts, HeaderAfter as a batch's),
	// no body; each sector's worker forwards it to FusedStream without
	// fusing anything, with this header, and the recorder ticks the
	// mission's clock where it decides the tick "batch" (mission.
	// DecideAll), after the batches the node published before it.
	HeaderTick = "Accord-Tick"
	// HeaderTickIfDue, on a tick (HeaderTick), makes it TickIfDue's:
	// recorded only if it derives something when decided (serve
	// --tick-every).
	HeaderTickIfDue = "Accord-Tick-If-Due"
	// HeaderFront, on a tick, is the front's clock (UNIX nanoseconds)
	// the ingest node had when it published it — what HeaderClock and
	// the lines of a batch's message say —, so that a node reading the
	// clock back from the stream's last message (SeedClock, FollowClock)
	// finds it on a tick too.
	HeaderFront = "Accord-Front"
)

// ObsSubject is the subject of sector i's observations.
func ObsSubject(sector int) string { return "accord.obs." + strconv.Itoa(sector) }

// RegionStream is the name of region name's stream.
func RegionStream(name string) string { return RegionStreamPrefix + name }

// RegionSubject is the subject of region name's observations of a sector.
func RegionSubject(name string, sector int) string {
	return RegionSubjectPrefix + name + "." + strconv.Itoa(sector)
}
