package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/internal/redact"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sector"
	"github.com/accord-peace/accord/stream"
)

// The stream deployment's part of serve: --stream, --partitions, --role.

const streamHelp = `Streams (several nodes): --stream embedded runs a NATS server with JetStream
in this process (its streams in --data/jetstream) and the mission's flow over
it: a batch is stored, published to the stream ACCORD_OBS split by sector of
the front (--partitions N, the same on every node), and answered once
JetStream acknowledged it; sector workers fuse it and publish to ACCORD_FUSED;
one recorder runs the agreement engine and the record from that ordered log.
--stream nats://HOST:PORT[,nats://HOST2:PORT...] uses an external cluster
instead. --role says what this node runs: all (default), ingest (takes
batches), worker (the sector workers), recorder (engine, ledger, reads) or
witness (a party's node). Without --stream the embedded default runs the
same flow in one process, without JetStream.

A region whose link to the centre may drop runs its own NATS server, a leaf
node of the stream cluster with its own JetStream domain, and beside it
--role ingest --region NAME --stream nats://THAT-SERVER: the regional ingest
node creates the stream ACCORD_REGION_NAME there, validates each batch as
every node does, does not store it (the store is the centre's), publishes it
to accord.region.NAME.<sector> and answers 200 once the regional stream has
it on disk, link or no link; it refuses signed batches. The recorder (--role
recorder or all) given --source-region NAME[@DOMAIN] (domain region-NAME by
default) makes ACCORD_OBS source that stream: when the link is up the
batches flow on, the sector workers store them and fuse them.

An ingest node (--role ingest or all, not a regional one) keeps in the
store, in the transaction that stores a batch, a record of what it still has
to publish, forgotten once JetStream acknowledged it: a node that dies in
between publishes it when it starts again. --node names it there (default:
the host's name): the same across its restarts, a different one for each
ingest node of the deployment.
`

// registerStream adds the stream flags.
func (c *serverConfig) registerStream(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.stream, "stream", "", "run the flow over NATS JetStream: embedded (a server in this process, streams in --data/jetstream) or nats://HOST:PORT[,...] (an external cluster); empty: the embedded default, no streams")
	cmd.Flags().IntVar(&c.partitions, "partitions", 1, "sectors of the front the observations are split into, one worker each (with --stream; the same on every node of a deployment)")
	cmd.Flags().StringVar(&c.role, "role", stream.RoleAll, "what this node runs with --stream: all, ingest, worker, recorder, or witness (a party's node)")
	cmd.Flags().IntVar(&c.replicas, "stream-replicas", 1, "replicas of the streams: 1 on a single node, 3 in a cluster of three or more")
	cmd.Flags().StringVar(&c.region, "region", "", "with --role ingest: a regional ingest node of region NAME; --stream is then the region's own NATS server (a leaf node of the cluster, JetStream domain region-NAME), where the stream ACCORD_REGION_NAME is created; batches are published there unstored and answered once it holds them, even while the link to the cluster is down; signed batches are refused")
	cmd.Flags().StringVar(&c.node, "node", "", "with --role ingest or all: this ingest node's name in the store's outbox, where the batches it stored wait until JetStream has them (published at its next start if it died first): the same across its restarts, unique among the deployment's ingest nodes (default: the host's name)")
	cmd.Flags().DurationVar(&c.leaseTTL, "lease-ttl", stream.DefaultLeaseTTL, "with --role worker or all: the TTL of the sector workers' leases (one worker per sector: a standby takes over a sector this long after its worker died; the holder renews every fifth of it and stops consuming at half of it without a renewal; a worker node above its share of the sectors gives up one per TTL); set when the bucket "+stream.LeaseBucket+" is created, an existing bucket keeps its own")
	cmd.Flags().DurationVar(&c.partWait, "part-wait", stream.DefaultPartWait, "with --role recorder or all and --partitions above 1: how long the recorder waits for the missing parts of a batch split over sectors before it applies the violations found so far (those of later batches wait behind it); a part that comes later is decided as a batch of its own; each batch let go is logged")
	cmd.Flags().StringArrayVar(&c.sourceRegions, "source-region", nil, "with --role recorder or all: make ACCORD_OBS source region NAME's stream, NAME[@DOMAIN] (domain region-NAME by default); repeat for each region; kept in the stream's configuration once added")
}

// streamProblems lists the stream flags' values no server can start with.
func (c serverConfig) streamProblems() []string {
	var ps []string
	// Every value is the flag's own or one given: an empty role or a zero
	// is a mistake (an unset variable in a script, say), not the default.
	if c.role == "" {
		return append(ps, `--role "": want all, ingest, worker, recorder or witness (all when not given)`)
	}
	if c.role != stream.RoleWitness {
		if err := stream.CheckRole(c.role); err != nil {
			return append(ps, err.Error()) // what follows is said of a role
		}
	}
	if c.partitions < 1 || c.partitions > sector.MaxSectors {
		ps = append(ps, fmt.Sprintf("--partitions %d: want 1 to %d", c.partitions, sector.MaxSectors))
	}
	if c.replicas < 1 || c.replicas > 5 {
		ps = append(ps, fmt.Sprintf("--stream-replicas %d: want 1 to 5 (1 on a single node, 3 in a cluster)", c.replicas))
	}
	if c.leaseTTL < time.Second || c.leaseTTL > 10*time.Minute {
		ps = append(ps, fmt.Sprintf("--lease-ttl %s: want 1s to 10m (a standby takes over a dead worker's sector after it; the holder must renew within half of it)", c.leaseTTL))
	}
	if c.partWait < time.Second || c.partWait > time.Hour {
		ps = append(ps, fmt.Sprintf("--part-wait %s: want 1s to 1h (a batch's parts come within milliseconds of each other; every later batch's violations wait behind a missing one)", c.partWait))
	}
	if c.region != "" {
		if err := stream.CheckRegionName(c.region); err != nil {
			ps = append(ps, "--region: "+err.Error())
		}
		if c.role != stream.RoleIngest {
			ps = append(ps, fmt.Sprintf("--region %s with --role %s: a regional node is an ingest node (--role ingest)", c.region, c.role))
		}
		if c.stream == "" || stream.IsEmbedded(c.stream) {
			ps = append(ps, fmt.Sprintf("--region %s needs --stream nats://HOST:PORT, the region's own NATS server (a leaf node of the stream cluster)", c.region))
		}
	}
	if c.node != "" {
		if err := stream.CheckNodeName(c.node); err != nil {
			ps = append(ps, err.Error())
		}
	}
	for _, r := range c.sourceRegions {
		if _, err := stream.ParseRegionRef(r); err != nil {
			ps = append(ps, "--source-region: "+err.Error())
		}
	}
	if len(c.sourceRegions) > 0 && c.role != stream.RoleAll && c.role != stream.RoleRecorder {
		ps = append(ps, fmt.Sprintf("--source-region with --role %s: the recorder's node (--role recorder or all) adds the regions' sources", c.role))
	}
	if c.stream == "" {
		if c.role != stream.RoleAll && c.role != stream.RoleWitness {
			ps = append(ps, fmt.Sprintf("--role %s needs --stream (embedded or nats://HOST:PORT): without it one process runs everything", c.role))
		}
		if c.partitions > 1 {
			ps = append(ps, fmt.Sprintf("--partitions %d needs --stream (embedded or nats://HOST:PORT)", c.partitions))
		}
		// The streams' other settings would be ignored without them:
		// said, rather than a server started that is not the one meant.
		var ignored []string
		if c.replicas != 1 {
			ignored = append(ignored, fmt.Sprintf("--stream-replicas %d", c.replicas))
		}
		if c.node != "" {
			ignored = append(ignored, "--node "+c.node)
		}
		if len(c.sourceRegions) > 0 {
			ignored = append(ignored, "--source-region "+strings.Join(c.sourceRegions, ","))
		}
		if c.leaseTTL != stream.DefaultLeaseTTL {
			ignored = append(ignored, "--lease-ttl "+c.leaseTTL.String())
		}
		if c.partWait != stream.DefaultPartWait {
			ignored = append(ignored, "--part-wait "+c.partWait.String())
		}
		if len(ignored) > 0 {
			ps = append(ps, fmt.Sprintf("%s: the streams' settings, and there is no --stream (embedded or nats://HOST:PORT): they would be ignored", strings.Join(ignored, ", ")))
		}
		return ps
	}
	if err := checkStreamURL(c.stream); err != nil {
		ps = append(ps, err.Error())
	}
	if stream.IsEmbedded(c.stream) && c.role != stream.RoleAll {
		ps = append(ps, fmt.Sprintf("--role %s with --stream embedded: an embedded server serves one process; run every role (--role all) or name a cluster (nats://HOST:PORT)", c.role))
	}
	if stream.IsEmbedded(c.stream) && c.replicas > 1 {
		ps = append(ps, fmt.Sprintf("--stream-replicas %d with --stream embedded: an embedded server is one node, which keeps one replica; set --stream-replicas 1, or name a cluster of %d nodes or more (nats://HOST:PORT,...)", c.replicas, c.replicas))
	}
	return ps
}

// checkStreamURL checks a --stream value: embedded, or NATS URLs.
func checkStreamURL(s string) error {
	if stream.IsEmbedded(s) {
		return nil
	}
	for _, part := range strings.Split(s, ",") {
		u, err := url.Parse(strings.TrimSpace(part))
		if err != nil || (u.Scheme != "nats" && u.Scheme != "tls") || u.Host == "" {
			return fmt.Errorf("--stream %q: want embedded or nats://HOST:PORT (several separated by commas for a cluster)", redact.URLs(s))
		}
	}
	return nil
}

// startStream starts the node's stream part once the mission is open and
// the API made: the ingest takes the API's batches.
func startStream(ctx context.Context, s *server, c serverConfig, logger *slog.Logger) error {
	m := s.deployment.Mission
	sectors, err := stream.Split(m, max(c.partitions, 1))
	if err != nil {
		return fmt.Errorf("--partitions %d: %w", c.partitions, err)
	}
	var metrics *stream.Metrics
	if s.api.Metrics != nil {
		metrics = stream.NewMetrics(s.api.Metrics.Registry)
	}
	var sources []stream.RegionRef
	for _, r := range c.sourceRegions {
		ref, err := stream.ParseRegionRef(r)
		if err != nil {
			return fmt.Errorf("--source-region: %w", err)
		}
		sources = append(sources, ref)
	}
	node, err := stream.Start(ctx, m, stream.Config{URL: c.stream, Dir: c.data, Role: c.role, Sectors: sectors,
		Streams: stream.StreamConfig{Replicas: c.replicas}, Metrics: metrics, Logger: logger,
		Worker: stream.WorkerConfig{Lease: stream.LeaseConfig{TTL: c.leaseTTL}},
		Region: c.region, Sources: sources, Node: c.node, PartWait: c.partWait})
	if err != nil {
		return err
	}
	s.node = node
	switch {
	case node.Ingester != nil && c.region != "":
		// The regional ingester refuses signed batches itself.
		s.api.Ingest = node.Ingester.Ingest
	case node.Ingester != nil && c.role == stream.RoleIngest:
		// The signed submissions are recorded at ingest, in the ledger:
		// an ingest node without the recorder has none to record them in.
		s.api.Ingest = func(ctx context.Context, batch []monitor.Observation, sub *ledger.Submission) (mission.IngestResult, error) {
			if sub != nil {
				return mission.IngestResult{}, accord.Errorf(accord.EINVALID, "this ingest node (--role ingest) keeps no record: post signed batches to a node that runs the recorder (--role all)")
			}
			return node.Ingester.Ingest(ctx, batch, nil)
		}
	case node.Ingester != nil:
		s.api.Ingest = node.Ingester.Ingest
	default:
		role := c.role
		s.api.Ingest = func(context.Context, []monitor.Observation, *ledger.Submission) (mission.IngestResult, error) {
			return mission.IngestResult{}, accord.Errorf(accord.EINVALID, "this node does not take observations (--role %s): post them to an ingest node", role)
		}
	}
	// A tick of the agreement's clock goes through the stream, as a
	// batch, and is decided by the recorder in the log's order (the
	// regional ingester refuses it itself).
	if node.Ingester != nil {
		s.api.Tick, s.api.TickIfDue = node.Ingester.Tick, node.Ingester.TickIfDue
	} else {
		role := c.role
		s.api.Tick = func(context.Context, time.Time) (mission.ClockResult, error) {
			return mission.ClockResult{}, accord.Errorf(accord.EINVALID, "this node does not take ticks of the agreement's clock (--role %s): post them to an ingest node (--role all or ingest), which publishes them to the recorder through the stream", role)
		}
		s.api.TickIfDue = s.api.Tick
	}
	return nil
}

// streamFailed is closed when a stage of the node's stream part stopped
// on an error (never without --stream).
func (s *server) streamFailed() <-chan struct{} {
	if s.node == nil {
		return nil
	}
	return s.node.Failed()
}

// checkStream checks --stream for 'config check --connect' and for serve
// before it writes anything: with connect, that NATS answers there with
// JetStream (nothing is created).
func checkStream(ctx context.Context, c serverConfig, connect bool) error {
	if c.stream == "" || stream.IsEmbedded(c.stream) || !connect || checkStreamURL(c.stream) != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := stream.Connect(ctx, c.stream, "accord-check")
	if err != nil {
		return fmt.Errorf("--stream: %w", err)
	}
	defer conn.Close()
	return conn.Ping(ctx)
}
