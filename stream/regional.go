package stream

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/accord-peace/accord"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Region is a regional node: a NATS server with its own JetStream (its
// own domain, its own store) connected as a leaf node to the stream
// cluster (the hub). Its ingest publishes to its own stream
// ACCORD_REGION_<name> (subjects accord.region.<name>.<sector>), which
// acknowledges as soon as the observations are durable on the regional
// node, link or no link; the hub's ObsStream sources that stream
// (SourceRegion), so when the link is up the observations flow on to
// accord.obs.<sector>, and when it was down they catch up from where the
// source stopped.
//
// Fill the exported fields (NewRegion sets the defaults), then Open, and
// Close when done.
type Region struct {
	// Name is the region's name, a subject token (no dots, spaces or
	// wildcards): it names the stream and the subjects.
	Name string
	// Domain is the regional JetStream domain, distinct from the hub's;
	// the hub reaches the regional stream through $JS.<Domain>.API.
	Domain string
	// Dir is the regional node's store directory.
	Dir string
	// Hub are the hub's leaf node URLs (Cluster.LeafURLs).
	Hub []*url.URL
	// Reconnect is how often the leaf node retries a lost link.
	Reconnect time.Duration
	// Ready bounds how long Open waits for the server to serve.
	Ready time.Duration

	mu   sync.Mutex
	opts *server.Options
	srv  *server.Server
}

// NewRegion returns the regional node name, storing in dir and linked to
// the hub's leaf URLs, with the defaults filled (domain "region-<name>");
// call Open to start it.
func NewRegion(name, dir string, hub []*url.URL) *Region {
	return &Region{
		Name: name, Domain: "region-" + name, Dir: dir, Hub: hub,
		Reconnect: time.Second, Ready: 30 * time.Second,
	}
}

// Open starts the regional server and creates its stream (file storage,
// one replica, the same duplicate window as the hub's) if absent.
func (r *Region) Open() error {
	if r.Name == "" || r.Domain == "" {
		return errors.New("stream region: a name and a JetStream domain are required")
	}
	ports, err := freePorts(1)
	if err != nil {
		return fmt.Errorf("stream region %q: %w", r.Name, err)
	}
	o := &server.Options{
		ServerName:      "region-" + r.Name,
		Host:            "127.0.0.1",
		Port:            ports[0],
		NoLog:           true,
		NoSigs:          true,
		JetStream:       true,
		JetStreamDomain: r.Domain,
		StoreDir:        filepath.Join(r.Dir, "js"),
		MaxPayload:      8 << 20,
	}
	o.LeafNode.ReconnectInterval = r.Reconnect
	o.LeafNode.Remotes = []*server.RemoteLeafOpts{{URLs: r.Hub}}
	if err := os.MkdirAll(o.StoreDir, 0o755); err != nil {
		return fmt.Errorf("stream region %q: store %s: %w", r.Name, o.StoreDir, err)
	}
	r.opts = o
	if err := r.start(); err != nil {
		return err
	}
	nc, err := nats.Connect(r.URL())
	if err != nil {
		r.Close()
		return fmt.Errorf("stream region %q: connect %s: %w", r.Name, r.URL(), err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		r.Close()
		return fmt.Errorf("stream region %q: %w", r.Name, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), r.Ready)
	defer cancel()
	if err := EnsureRegionStream(ctx, js, r.Name, ""); err != nil {
		r.Close()
		return fmt.Errorf("stream region %q: create stream %s on %s: %w", r.Name, RegionStream(r.Name), r.URL(), err)
	}
	return nil
}

func (r *Region) start() error {
	s, err := server.NewServer(r.opts.Clone())
	if err != nil {
		return fmt.Errorf("stream region %q (%s): %w", r.Name, r.opts.StoreDir, err)
	}
	s.Start()
	if !s.ReadyForConnections(r.Ready) {
		s.Shutdown()
		return fmt.Errorf("stream region %q: not serving on %s after %s", r.Name, r.URL(), r.Ready)
	}
	r.mu.Lock()
	r.srv = s
	r.mu.Unlock()
	return nil
}

// URL is the regional node's client URL (where the region's ingest
// publishes).
func (r *Region) URL() string { return "nats://127.0.0.1:" + strconv.Itoa(r.opts.Port) }

// Linked reports whether the leaf node link to the hub is up.
func (r *Region) Linked() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.srv != nil && r.srv.NumLeafNodes() > 0
}

// Close shuts the regional server down; its store stays.
func (r *Region) Close() {
	r.mu.Lock()
	s := r.srv
	r.srv = nil
	r.mu.Unlock()
	if s != nil {
		s.Shutdown()
		s.WaitForShutdown()
	}
}

// RegionStreamConfig is the configuration of region name's own stream.
func RegionStreamConfig(name string) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:       RegionStream(name),
		Subjects:   []string{RegionSubjectPrefix + name + ".*"},
		Storage:    jetstream.FileStorage,
		Replicas:   1,
		Duplicates: 2 * time.Minute,
	}
}

// EnsureRegionStream creates region name's stream, or updates it, on the
// regional server js is connected to. With a plan (the regional ingest
// node's split of the front, PlanName), the first node's is kept in the
// stream's metadata (PlanKey) and a node with another is refused: the
// subjects its batches go to follow the split, and the centre sources them
// into its own sectors' subjects. Empty: not checked, the metadata kept.
func EnsureRegionStream(ctx context.Context, js jetstream.JetStream, name, plan string) error {
	sc := RegionStreamConfig(name)
	return putPlanned(ctx, js, sc, plan, false, func(kept string) error {
		return &accord.Error{Code: accord.EINVALID, Err: fmt.Errorf(
			"region %s: its stream %s was made for %s; this node gives %s: a regional node gives the deployment's --partitions and main --agreement", name, sc.Name, kept, plan)}
	})
}

// RegionSource is the source that brings region name's stream, held in
// JetStream domain domain, into ObsStream: through the domain's API
// prefix, each accord.region.<name>.<sector> mapped to ObsSubject(sector).
// The messages keep their headers (Nats-Msg-Id, Accord-Own, Accord-Batch).
func RegionSource(name, domain string) *jetstream.StreamSource {
	return &jetstream.StreamSource{
		Name:     RegionStream(name),
		External: &jetstream.ExternalStream{APIPrefix: "$JS." + domain + ".API"},
		SubjectTransforms: []jetstream.SubjectTransformConfig{{
			Source:      RegionSubjectPrefix + name + ".*",
			Destination: "accord.obs.{{wildcard(1)}}",
		}},
	}
}

// checkRegionPlan refuses a region whose stream was made for another
// split of the front than the centre's streams (plan), when the region
// answers within a few seconds: a region cut off is checked at the next
// start of the recorder.
func checkRegionPlan(ctx context.Context, js jetstream.JetStream, name, domain, plan string) error {
	if plan == "" {
		return nil
	}
	rjs, err := jetstream.NewWithDomain(js.Conn(), domain)
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	rs, err := rjs.Stream(ctx, RegionStream(name))
	if err != nil {
		return nil // not reachable now, or not made yet
	}
	if kept := rs.CachedInfo().Config.Metadata[PlanKey]; kept != "" && kept != plan {
		return &accord.Error{Code: accord.EINVALID, Err: fmt.Errorf(
			"region %s: its stream %s was made for %s, the deployment's streams for %s: its batches would go to other sectors' subjects; give the regional node the deployment's --partitions and main --agreement (and a new regional stream)", name, RegionStream(name), kept, plan)}
	}
	return nil
}

// SourceRegion adds region name (domain domain) to ObsStream's sources on
// the hub js is connected to, unless it is there already. ObsStream must
// exist; a later update of its configuration must keep its sources.
func SourceRegion(ctx context.Context, js jetstream.JetStream, name, domain string) error {
	s, err := js.Stream(ctx, ObsStream)
	if err != nil {
		return fmt.Errorf("stream region %q: source into %s: %w", name, ObsStream, err)
	}
	cfg := s.CachedInfo().Config
	if err := checkRegionPlan(ctx, js, name, domain, cfg.Metadata[PlanKey]); err != nil {
		return err
	}
	src := RegionSource(name, domain)
	for _, have := range cfg.Sources {
		if have.Name == src.Name && have.External != nil && have.External.APIPrefix == src.External.APIPrefix {
			return nil
		}
	}
	cfg.Sources = append(cfg.Sources, src)
	if _, err := js.UpdateStream(ctx, cfg); err != nil {
		return fmt.Errorf("stream region %q: add source %s ($JS.%s.API) to %s: %w", name, src.Name, domain, ObsStream, err)
	}
	return nil
}
