package stream

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/accord-peace/accord"
	"github.com/nats-io/nats.go/jetstream"
)

// StreamConfig is how the mission's streams are kept.
type StreamConfig struct {
	// Replicas: 1 on a single node, 3 in a cluster (each message is then
	// acknowledged once a majority of the three holds it).
	Replicas int
	// Duplicates is JetStream's duplicate window: a message published
	// again with the same Nats-Msg-Id within it is kept once (a
	// publisher's retry, a worker's output republished after a crash).
	// Zero: DefaultDuplicates.
	Duplicates time.Duration
	// Plan names the deployment's split of the front ("4 sectors of
	// agreement X", PlanName): kept in the streams' metadata (PlanKey) by
	// the first node, and every later node must give the same, since the
	// subjects an observation goes to, and the workers' state, follow the
	// plan. Empty: not checked, nothing kept.
	Plan string
}

// PlanKey is the streams' metadata key that holds the deployment's plan.
const PlanKey = "accord-plan"

// keepPlan is a stream's metadata to write: its own (the server's keys
// among them) with plan, when given, under PlanKey; kept is the plan the
// stream holds when it is another (the caller refuses), else "".
func keepPlan(old map[string]string, plan string) (md map[string]string, kept string) {
	if k := old[PlanKey]; k != "" && plan != "" && k != plan {
		return nil, k
	}
	md = maps.Clone(old)
	if plan != "" {
		if md == nil {
			md = map[string]string{}
		}
		md[PlanKey] = plan
	}
	return md, ""
}

// putPlanned creates the stream sc, or updates the stream of its name to
// sc keeping its metadata (the server's keys among them) and, when
// keepSources, its sources. The stream keeps plan (when given) under
// PlanKey; a stream that keeps another is not touched, and refuse(kept)
// is the answer. JetStream creates a stream atomically — a second create
// of the name with another configuration is refused — so of nodes of
// different plans started together on a new deployment, the first to
// create a stream gives it its plan and the others, refused, read it back
// and are refused in turn. (A stream made before plans were kept gets
// the plan of the first node that updates it; two nodes updating it in
// the same instant can both pass.)
func putPlanned(ctx context.Context, js jetstream.JetStream, sc jetstream.StreamConfig, plan string, keepSources bool, refuse func(kept string) error) error {
	for attempt := 1; ; attempt++ {
		have, err := js.Stream(ctx, sc.Name)
		if err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			return fmt.Errorf("reading the stream %s: %w", sc.Name, err)
		}
		var old map[string]string
		if have != nil {
			info := have.CachedInfo().Config
			if keepSources {
				sc.Sources = info.Sources
			}
			old = info.Metadata
		}
		var kept string
		if sc.Metadata, kept = keepPlan(old, plan); kept != "" {
			return refuse(kept)
		}
		if have != nil {
			_, err = js.UpdateStream(ctx, sc)
			return err
		}
		_, err = js.CreateStream(ctx, sc)
		if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) && attempt < 5 {
			continue // made meanwhile by another node: read what it keeps
		}
		return err
	}
}

// PlanName is the plan of n sectors of an agreement, as the streams keep it.
func PlanName(sectors int, agreementID string) string {
	return fmt.Sprintf("%d sector(s) of agreement %s", sectors, agreementID)
}

// DefaultDuplicates is the duplicate window when none is given.
const DefaultDuplicates = 10 * time.Minute

// jsReplicasNotSupported is JetStream's error code for replicas asked of
// a server that is not in a cluster (JSStreamReplicasNotSupportedErr).
const jsReplicasNotSupported jetstream.ErrorCode = 10074

// EnsureStreams creates ObsStream and FusedStream, or updates them to c.
// Both keep every message (limits retention, no limit), on files: a
// sector worker or the recorder restarted reads its stream back from the
// start to rebuild its state (as the embedded server replays the stored
// observations).
func EnsureStreams(ctx context.Context, js jetstream.JetStream, c StreamConfig) error {
	if c.Replicas < 1 {
		c.Replicas = 1
	}
	if c.Duplicates <= 0 {
		c.Duplicates = DefaultDuplicates
	}
	for _, sc := range []jetstream.StreamConfig{
		{Name: ObsStream, Subjects: []string{ObsSubjects}, Description: "accord: accepted observation batches, one message per batch and sector"},
		{Name: FusedStream, Subjects: []string{FusedSubject}, Description: "accord: the ordered log of what the sectors' fusion produced"},
	} {
		sc.Storage = jetstream.FileStorage
		sc.Retention = jetstream.LimitsPolicy
		sc.Replicas = c.Replicas
		sc.Duplicates = c.Duplicates
		// The regions a recorder added (SourceRegion) stay sourced
		// whichever node starts next; so does the metadata (the plan, and
		// the server's own keys).
		err := putPlanned(ctx, js, sc, c.Plan, true, func(kept string) error {
			return &accord.Error{Code: accord.EINVALID, Err: fmt.Errorf(
				"the deployment's streams were made for %s; this node gives %s: every node of a deployment gives the same --partitions and main --agreement (the subjects and the sector workers' state follow the split; a deployment split otherwise starts on new streams)", kept, c.Plan)}
		})
		if err != nil {
			var ae *jetstream.APIError
			if errors.As(err, &ae) && ae.ErrorCode == jsReplicasNotSupported {
				// The deployment's configuration, not a bug.
				return &accord.Error{Code: accord.EINVALID, Err: fmt.Errorf("creating the stream %s with %d replicas: %w; the NATS server is not a cluster: set --stream-replicas 1, or name a JetStream cluster of %d nodes or more", sc.Name, c.Replicas, err, c.Replicas)}
			}
			if accord.ErrorCode(err) == accord.EINVALID {
				return err
			}
			return fmt.Errorf("creating the stream %s (%d replicas): %w", sc.Name, c.Replicas, err)
		}
	}
	return nil
}
