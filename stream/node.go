package stream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/internal/redact"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
)

// Roles a node plays.
const (
	RoleAll      = "all"      // ingest, the sector workers and the recorder in one process
	RoleIngest   = "ingest"   // takes batches over HTTP, stores and publishes them (a regional one publishes unstored: Config.Region)
	RoleWorker   = "worker"   // runs the sector workers
	RoleRecorder = "recorder" // runs the engine and the record from the fused log, serves the reads
	RoleWitness  = "witness"  // a party's node (not this package's: cmd/accord)
)

// Embedded is the Config.URL of the single-node mode: a NATS server in
// process, its streams in the data directory.
const EmbeddedURL = "embedded"

// Config is a node's part in a stream deployment.
type Config struct {
	// URL is the stream cluster, nats://HOST:PORT[,...], or "embedded".
	URL string
	// Dir is the node's data directory: the embedded server's streams
	// (Dir/jetstream) and the recorder's position.
	Dir string
	// Role: RoleAll (default), RoleIngest, RoleWorker or RoleRecorder.
	Role string
	// Sectors is the split of the front; its plan's N is the number of
	// partitions (every node of a deployment must use the same).
	Sectors Sectors
	// Streams: replicas and duplicate window (EnsureStreams).
	Streams StreamConfig
	Worker  WorkerConfig
	Metrics *Metrics
	Logger  *slog.Logger
	// Region, with RoleIngest, makes the node a regional ingest node
	// (Ingester.Region): URL is then the regional NATS server (a leaf
	// node of the stream cluster, with its own JetStream domain), on
	// which Start creates the region's stream (RegionStreamConfig) when
	// absent, and nothing else: ObsStream and FusedStream are the
	// cluster's.
	Region string
	// Node is the name of an ingest node (RoleAll, RoleIngest; not a
	// regional one) in the observation store's outbox, where the batches
	// it stored wait until JetStream acknowledged their messages: the
	// same across the node's restarts, unique among the deployment's
	// ingest nodes (CheckNodeName); the host's name when empty.
	Node string
	// Sources are the regions whose streams ObsStream sources
	// (SourceRegion), added by a node that records (RoleAll,
	// RoleRecorder) at its start when absent; a region's messages flow
	// into ObsStream whenever its link is up.
	Sources []RegionRef
	// PartWait, on a node that records: how long the recorder waits for
	// a batch's missing parts before it lets the batch go as it stands
	// (Recorder.PartWait; zero: DefaultPartWait).
	PartWait time.Duration
}

// RegionRef names a regional node's stream: the region's name and its
// JetStream domain.
type RegionRef struct{ Name, Domain string }

// ParseRegionRef reads NAME[@DOMAIN]; the domain is "region-NAME" when
// not given (as NewRegion's).
func ParseRegionRef(s string) (RegionRef, error) {
	name, domain, _ := strings.Cut(s, "@")
	if domain == "" {
		domain = "region-" + name
	}
	if err := CheckRegionName(name); err != nil {
		return RegionRef{}, err
	}
	if strings.ContainsAny(domain, ". *>\t") {
		return RegionRef{}, accord.Errorf(accord.EINVALID, "region %q: the JetStream domain %q may not hold dots, spaces or wildcards", s, domain)
	}
	return RegionRef{Name: name, Domain: domain}, nil
}

// CheckRegionName refuses a region name that is not ASCII letters,
// digits, - and _: it names a NATS subject token and a JetStream stream
// (ACCORD_REGION_NAME), which take no dots, spaces, wildcards nor
// slashes.
func CheckRegionName(name string) error {
	ok := name != "" && len(name) <= 64
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			ok = false
		}
	}
	if !ok {
		return accord.Errorf(accord.EINVALID, "region %q: want a name of 1 to 64 ASCII letters, digits, - or _ (it names a NATS subject token and the stream ACCORD_REGION_NAME)", name)
	}
	return nil
}

// Node is a running node: what it runs for its role.
type Node struct {
	Embedded *Embedded // nil unless embedded
	Conn     *Conn
	Ingester *Ingester // nil unless the role ingests
	Recorder *Recorder // nil unless the role records
	Workers  []*Worker

	logger *slog.Logger
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	errs   []error
	failed chan struct{}
}

// CheckRole refuses a role this package does not run.
func CheckRole(role string) error {
	switch role {
	case "", RoleAll, RoleIngest, RoleWorker, RoleRecorder:
		return nil
	}
	return accord.Errorf(accord.EINVALID, "--role %q: want all, ingest, worker, recorder or witness", role)
}

// Start starts a node for mission m (opened with Config.StreamFed when the
// role records): the embedded server when asked, the connection, the
// streams, and the stages of its role.
func Start(ctx context.Context, m *mission.Mission, c Config) (*Node, error) {
	if err := CheckRole(c.Role); err != nil {
		return nil, err
	}
	if c.Role == "" {
		c.Role = RoleAll
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Region != "" {
		if c.Role != RoleIngest {
			return nil, accord.Errorf(accord.EINVALID, "a region (%s) is an ingest node's: --role ingest, not %s", c.Region, c.Role)
		}
		if IsEmbedded(c.URL) {
			return nil, accord.Errorf(accord.EINVALID, "a regional ingest node (region %s) publishes to its regional NATS server: --stream nats://HOST:PORT of that server, not embedded", c.Region)
		}
		if err := CheckRegionName(c.Region); err != nil {
			return nil, err
		}
	}
	if err := ingestNode(m, &c); err != nil {
		return nil, err
	}
	if c.Sectors.Plan == nil {
		s, err := Split(m, 1)
		if err != nil {
			return nil, err
		}
		c.Sectors = s
	}
	c.Worker.Logger = c.Logger
	if c.Worker.Store == nil {
		c.Worker.Store = func(ctx context.Context, obs []monitor.Observation) error {
			_, err := m.Store(ctx, obs, nil)
			return err
		}
	}
	n := &Node{failed: make(chan struct{}), logger: c.Logger}
	url := c.URL
	if IsEmbedded(url) {
		dir := filepath.Join(c.Dir, "jetstream")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("--stream embedded: %w", err)
		}
		e, err := StartEmbedded(EmbeddedConfig{Dir: dir})
		if err != nil {
			return nil, err
		}
		n.Embedded, url = e, e.URL()
	}
	conn, err := Connect(ctx, url, "accord-"+c.Role)
	if err != nil {
		n.Close()
		return nil, err
	}
	n.Conn = conn
	logger := c.Logger
	conn.NC.SetDisconnectErrHandler(func(_ *nats.Conn, err error) {
		if err == nil {
			return // closed by this node
		}
		logger.Warn("stream: connection to NATS lost; reconnecting", "url", redact.URLs(conn.URL), "err", err)
	})
	conn.NC.SetReconnectHandler(func(nc *nats.Conn) {
		if c.Metrics != nil {
			c.Metrics.Reconnects.Inc()
		}
		logger.Info("stream: reconnected to NATS", "server", nc.ConnectedUrlRedacted())
	})
	if c.Region != "" {
		sctx, scancel := context.WithTimeout(ctx, 30*time.Second)
		err := EnsureRegionStream(sctx, conn.JS, c.Region, PlanName(c.Sectors.Plan.N(), m.Agreement().ID))
		scancel()
		if accord.ErrorCode(err) == accord.EINVALID {
			n.Close()
			return nil, err
		}
		if err != nil {
			n.Close()
			return nil, fmt.Errorf("region %s: creating the stream %s on %s: %w", c.Region, RegionStream(c.Region), redact.URLs(conn.URL), err)
		}
		n.Ingester = NewIngester(m, conn, c.Sectors.Plan, c.Metrics)
		n.Ingester.Region = c.Region
		seedClock(ctx, n.Ingester, c.Logger)
		return n, nil
	}
	if c.Streams.Plan == "" {
		c.Streams.Plan = PlanName(c.Sectors.Plan.N(), m.Agreement().ID)
	}
	if err := EnsureStreams(ctx, conn.JS, c.Streams); err != nil {
		n.Close()
		return nil, err
	}
	if c.Role == RoleAll || c.Role == RoleRecorder {
		for _, r := range c.Sources {
			if err := SourceRegion(ctx, conn.JS, r.Name, r.Domain); err != nil {
				n.Close()
				return nil, err
			}
		}
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	n.cancel = cancel
	if c.Role == RoleAll || c.Role == RoleWorker {
		if c.Worker.Lease.Holder == "" {
			c.Worker.Lease.Holder = c.Node // the ingest node's name, when it is one; else the host's
		}
		if c.Worker.Lease.Replicas == 0 {
			c.Worker.Lease.Replicas = c.Streams.Replicas // the leases' bucket as the streams
		}
		n.startWorkers(rctx, conn, c)
	}
	if c.Role == RoleAll || c.Role == RoleRecorder {
		n.Recorder = NewRecorder(m, conn, c.Sectors.NewSequencer(), c.Dir, c.Metrics, c.Logger)
		n.Recorder.Node, n.Recorder.Replicas, n.Recorder.PartWait, n.Recorder.Sectors = c.Node, c.Streams.Replicas, c.PartWait, c.Sectors.Plan.N()
		n.run(rctx, "the recorder", n.Recorder.Run)
	}
	if c.Role == RoleAll || c.Role == RoleIngest {
		if err := n.startIngester(ctx, m, c); err != nil {
			n.Close()
			return nil, err
		}
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			n.Ingester.FollowClock(rctx)
		}()
	}
	if n.Recorder != nil && len(c.Sources) > 0 {
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			n.watchSources(rctx, c.Sources, c.Logger)
		}()
	}
	if c.Metrics != nil && (len(n.Workers) > 0 || n.Recorder != nil) {
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			n.watchPending(rctx, c.Metrics)
		}()
	}
	return n, nil
}

// watchPending keeps the pending gauge of the node's consumers up to date
// (every second): a sector's messages not yet acknowledged, the fused
// log's messages the recorder has not taken.
func (n *Node) watchPending(ctx context.Context, m *Metrics) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for i := range n.Workers {
			cons, err := n.Conn.JS.Consumer(ctx, ObsStream, ConsumerName(i))
			if err != nil {
				continue
			}
			if info, err := cons.Info(ctx); err == nil {
				m.Pending.WithLabelValues(ConsumerName(i)).Set(float64(info.NumPending + uint64(info.NumAckPending)))
			}
		}
		if n.Recorder != nil {
			if s, err := n.Conn.JS.Stream(ctx, FusedStream); err == nil {
				if info, err := s.Info(ctx); err == nil {
					m.Pending.WithLabelValues(RecorderConsumer).Set(float64(info.State.LastSeq - min(info.State.LastSeq, n.Recorder.At())))
				}
			}
		}
	}
}

// watchSources sets a region's source up again when the region answers
// and the source does not flow. nats-server retries a source whose
// consumer it could not set up (the region cut off) on a backoff of 10 s
// per failed attempt, up to 2 min: after a long cut, the region's
// batches would wait that long after the link returned. Every 5 s, a
// source inactive for more than 15 s whose region's JetStream answers
// through the leaf link (its domain's API) is removed from ObsStream and
// added again (at most once in 30 s): a new source is set up at once,
// from where ObsStream's messages say the region's stream was read to. A
// source missing from ObsStream's configuration is added again.
func (n *Node) watchSources(ctx context.Context, sources []RegionRef, logger *slog.Logger) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	last := map[string]time.Time{}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s, err := n.Conn.JS.Stream(ctx, ObsStream)
		if err != nil {
			continue
		}
		info, err := s.Info(ctx)
		if err != nil {
			continue
		}
		for _, r := range sources {
			var si *jetstream.StreamSourceInfo
			for _, x := range info.Sources {
				if x.Name == RegionStream(r.Name) {
					si = x
				}
			}
			if si == nil {
				// Gone (another node's update raced the recorder's):
				// added again.
				if err := SourceRegion(ctx, n.Conn.JS, r.Name, r.Domain); err != nil {
					logger.Warn("stream: adding a region's source again", "region", r.Name, "err", err)
				}
				continue
			}
			if (si.Active >= 0 && si.Active < 15*time.Second) || time.Since(last[r.Name]) < 30*time.Second {
				continue
			}
			if !n.regionAnswers(ctx, r) {
				continue
			}
			last[r.Name] = time.Now()
			if err := n.resource(ctx, r); err != nil {
				logger.Warn("stream: setting a region's source up again", "region", r.Name, "err", err)
				continue
			}
			logger.Info("stream: a region answers and its source did not flow: set up again", "region", r.Name, "inactive", si.Active)
		}
	}
}

// regionAnswers reports whether region r's stream answers through the
// leaf link.
func (n *Node) regionAnswers(ctx context.Context, r RegionRef) bool {
	rjs, err := jetstream.NewWithDomain(n.Conn.NC, r.Domain)
	if err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	_, err = rjs.Stream(ctx, RegionStream(r.Name))
	return err == nil
}

// resource removes region r's source from ObsStream and adds it again.
func (n *Node) resource(ctx context.Context, r RegionRef) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, err := n.Conn.JS.Stream(ctx, ObsStream)
	if err != nil {
		return err
	}
	cfg := s.CachedInfo().Config
	src := RegionSource(r.Name, r.Domain)
	kept := cfg.Sources[:0:0]
	for _, have := range cfg.Sources {
		if have.Name == src.Name && have.External != nil && have.External.APIPrefix == src.External.APIPrefix {
			continue
		}
		kept = append(kept, have)
	}
	cfg.Sources = kept
	if _, err := n.Conn.JS.UpdateStream(ctx, cfg); err != nil {
		return fmt.Errorf("removing the source %s from %s: %w", src.Name, ObsStream, err)
	}
	return SourceRegion(ctx, n.Conn.JS, r.Name, r.Domain)
}

// startWorkers starts the node's sector workers, one supervise loop per
// sector, and the node's presence and share of the sectors (spread.go).
func (n *Node) startWorkers(ctx context.Context, conn *Conn, c Config) {
	n.Workers = make([]*Worker, c.Sectors.Plan.N())
	sp := newSpread(conn.JS, len(n.Workers), c.Worker, c.Metrics, c.Logger)
	c.Worker.spread = sp
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		sp.run(ctx)
	}()
	for i := range n.Workers {
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			n.supervise(ctx, conn, i, c)
		}()
	}
}

// Held lists the sectors whose lease a worker of the node holds, in
// order (none unless the node runs workers).
func (n *Node) Held() []int {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []int
	for i, w := range n.Workers {
		if w != nil && w.Holds() {
			out = append(out, i)
		}
	}
	return out
}

// supervise runs sector i's worker, and when it stops on an error starts
// a new one, which rebuilds its state from the stream (as a process
// restarted would): what the old one had not acknowledged is delivered
// to the new one. A worker that lost its sector's lease, or gave it up
// for balance (spread.go), is followed at once by a new one, a standby
// until it takes the lease again.
func (n *Node) supervise(ctx context.Context, conn *Conn, i int, c Config) {
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 5*time.Second) {
		f, err := c.Sectors.NewFuser(i)
		if err != nil {
			n.fail(fmt.Errorf("sector %d's worker: %w", i, err))
			return
		}
		w := NewWorker(conn, i, f, c.Metrics, c.Worker)
		n.mu.Lock()
		n.Workers[i] = w
		n.mu.Unlock()
		err = w.Run(ctx)
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, ErrLeaseLost) {
			wait = 100 * time.Millisecond
			continue // logged by the lease; the new worker waits as a standby
		}
		c.Logger.Error("sector worker stopped; starting it again", "sector", i, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// run runs a stage; its failure is kept (Err) and signalled (Failed).
func (n *Node) run(ctx context.Context, what string, f func(context.Context) error) {
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		if err := f(ctx); err != nil && ctx.Err() == nil {
			n.fail(fmt.Errorf("%s: %w", what, err))
		}
	}()
}

func (n *Node) fail(err error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.errs = append(n.errs, err)
	if len(n.errs) == 1 {
		close(n.failed)
	}
}

// Failed is closed when a stage stopped on an error (Err says which).
func (n *Node) Failed() <-chan struct{} { return n.failed }

// Err is the stages' errors.
func (n *Node) Err() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	return errors.Join(n.errs...)
}

// Sync waits until everything published so far is fused and recorded:
// each sector's consumer has acknowledged the sector's last message (read
// from the stream itself: a consumer's own count of what is pending may
// lag a message just stored) and the recorder has taken the fused log's
// last message. For tests and benchmarks; only on a node that runs the
// workers and the recorder.
func (n *Node) Sync(ctx context.Context) error { return n.SyncEvery(ctx, 20*time.Millisecond) }

// SyncEvery is Sync, looking every so often while the sectors' consumers
// have not caught up (a benchmark timing a batch to its record looks
// every millisecond; each look is a few JetStream API requests).
func (n *Node) SyncEvery(ctx context.Context, every time.Duration) error {
	for {
		last, err := n.synced(ctx)
		if err == nil {
			if n.Recorder == nil {
				return nil
			}
			return n.Recorder.WaitFor(ctx, last)
		}
		// Not yet, or a JetStream API request lost or refused while a
		// stream's leader changes: look again.
		select {
		case <-ctx.Done():
			if err != nil && !errors.Is(err, errNotYet) {
				return fmt.Errorf("%w (last: %v)", ctx.Err(), err)
			}
			return ctx.Err()
		case <-n.failed:
			return n.Err()
		case <-time.After(every):
		}
	}
}

// errNotYet says that a sector's consumer has not acknowledged its last
// message yet.
var errNotYet = errors.New("not yet")

// apiWait bounds one JetStream API request of Sync: a request sent while a
// leader is being elected may get no answer at all, and is then asked
// again rather than waited on for the caller's whole deadline.
const apiWait = 5 * time.Second

// synced takes one look: nil and the fused log's last sequence when every
// sector's consumer acknowledged its subject's last message, errNotYet
// when one has not, or the error of an API request.
func (n *Node) synced(ctx context.Context) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, apiWait)
	defer cancel()
	obs, err := n.Conn.JS.Stream(ctx, ObsStream)
	if err != nil {
		return 0, err
	}
	for i := range n.Workers {
		var last uint64
		m, err := obs.GetLastMsgForSubject(ctx, ObsSubject(i))
		switch {
		case err == nil:
			last = m.Sequence
		case !errors.Is(err, jetstream.ErrMsgNotFound):
			return 0, err
		}
		cons, err := n.Conn.JS.Consumer(ctx, ObsStream, ConsumerName(i))
		if err != nil {
			return 0, err
		}
		info, err := cons.Info(ctx)
		if err != nil {
			return 0, err
		}
		if info.AckFloor.Stream < last || info.NumAckPending > 0 {
			return 0, errNotYet
		}
	}
	s, err := n.Conn.JS.Stream(ctx, FusedStream)
	if err != nil {
		return 0, err
	}
	info, err := s.Info(ctx)
	if err != nil {
		return 0, err
	}
	return info.State.LastSeq, nil
}

// Close stops the stages (what is unacknowledged is redelivered to the
// next), closes the connection and stops the embedded server.
func (n *Node) Close() error {
	if n.cancel != nil {
		n.cancel()
	}
	if n.Ingester != nil {
		n.Ingester.Close()
		if u := n.Ingester.Unpublished(); u > 0 && n.logger != nil {
			n.logger.Warn("stream: closing with messages of stored batches that JetStream never acknowledged: the store's outbox keeps them, published when this node starts again under the same name (docs/topology.md, the ingest node's row)", "node", n.Ingester.Node, "messages", u)
		}
	}
	n.wg.Wait()
	if n.Conn != nil {
		n.Conn.Close()
	}
	if n.Embedded != nil {
		n.Embedded.Shutdown()
	}
	return nil
}

// IsEmbedded reports whether a --stream value names the embedded server.
func IsEmbedded(url string) bool { return strings.EqualFold(url, EmbeddedURL) }
