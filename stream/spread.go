package stream

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Spreading the sectors over the worker nodes.
//
// The lease (lease.go) makes one worker per sector; alone, it lets the
// first worker node started take every sector, and a second one only
// stands by. A worker node therefore also announces itself while it
// runs, and takes no more than its share of the sectors.
//
// Presence: each worker node (role worker or all) writes the key
// NodeKey(holder, token) of LeaseBucket, node-<holder>-<token> (the
// holder's name made a valid key, and a random token drawn at the
// node's start, so two processes of one host name are two nodes), and
// writes it again every T/5 (T the bucket's TTL): the bucket's TTL
// removes it T after its node stopped writing it (dead or cut off); a
// node that stops cleanly deletes it. The sector leases' keys are
// sector-N: no key is of both kinds.
//
// The share: every T/5 the node lists the bucket's keys; N is the
// number of node- keys (its own counted even when missing), S the
// number of sectors, and the node's share ceil(S/N) (every sector until
// its first look, which its standbys wait for, up to T). A standby reads
// its sector's key every T/5 (lease.acquire); finding it free, it tries
// to take it (kv.Create) only while the node holds, or is trying to
// take, fewer sectors than its share, and once it has seen the sector
// free for the grace (T) whatever the share: a sector free that long
// has nobody below its share to take it (the nodes' counts disagree, a
// node cannot take more), and liveness comes first. A node that holds more sectors than its share (a node joined,
// or it took one for the grace) gives one up: its highest-numbered
// sector, released as at a clean stop (its key deleted once its worker
// stopped acknowledging, so a standby below its share takes it within
// T/5), at most one every T (longer after the node had to take a
// sector for the grace: the wait doubles each time, up to 32 T, counts
// from that take, and is T again when the number of nodes changes), and
// never below its share. The released sector's worker goes back to standby, as after a
// lost lease. So with S sectors and N nodes started one after the
// other, the first takes every sector and each next one gets its share
// within about (surplus) × T.
//
// What holds whatever the accounting says: one holder per sector (the
// lease decides, not the share), every sector taken while a worker node
// lives (the grace), and a takeover is the lease's exact replay.
//
// What it does not guarantee: a node may hold fewer than its share (S
// = 4, N = 3: shares of 2, 2, 0 are balanced by this rule); the count
// of nodes lags a node's death by up to T + T/5 (the node's sectors are
// then taken by the grace or at the next look); a node whose workers
// cannot take sectors while it announces itself (its workers failing
// at each start) still counts, so
// the others keep at most their share until the grace gives its sectors
// back to them, and they give a sector up again after the wait: the
// sector is then unfused for about T each time, the wait doubling; two
// nodes may overshoot their share for a moment (their counts of nodes
// differ for up to T/5), which the release corrects.

// nodeKeyPrefix begins a worker node's presence key in LeaseBucket.
const nodeKeyPrefix = "node-"

// NodeKey is the presence key in LeaseBucket of the worker node named
// holder whose start drew token: node-<holder>-<token>, the name's
// characters other than letters, digits, - and _ replaced by _, each
// part cut at 64 bytes.
func NodeKey(holder, token string) string {
	return nodeKeyPrefix + keyToken(holder) + "-" + keyToken(token)
}

// keyToken is s made one token of a KV key: letters, digits, - and _;
// anything else _.
func keyToken(s string) string {
	if s == "" {
		return "_"
	}
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	if len(b) > 64 {
		b = b[:64]
	}
	return string(b)
}

// errYielded says that a worker gave its sector up for balance: its
// lease released, a new worker of the node waits as a standby.
var errYielded = fmt.Errorf("%w: released for balance", ErrLeaseLost)

// spread is a worker node's part in spreading the sectors: its
// presence in LeaseBucket, the count of live worker nodes, the sectors
// it holds and the admission of its standbys.
type spread struct {
	js      jetstream.JetStream
	sectors int
	cfg     LeaseConfig
	logger  *slog.Logger
	metrics *Metrics
	die     bool // a test's death: the presence is left to expire

	ready chan struct{} // closed after the first look (or when run ends)

	mu           sync.Mutex
	ttl          time.Duration // the bucket's TTL, once known
	nodes        int           // live worker nodes at the last look; 0: not known
	held         map[int]*holding
	trying       map[int]bool // admitted, Create under way
	lastRelease  time.Time
	releaseEvery time.Duration // the wait between two releases (T, doubled after a grace take)
}

// holding is a sector whose lease a worker of the node holds.
type holding struct {
	yield   func() // stops the worker, which then releases the lease
	yielded bool
}

// newSpread prepares the spreading of sectors sectors for a worker node
// whose workers hold their leases with cfg.Lease.
func newSpread(js jetstream.JetStream, sectors int, cfg WorkerConfig, metrics *Metrics, logger *slog.Logger) *spread {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &spread{js: js, sectors: sectors, cfg: cfg.Lease, logger: logger, metrics: metrics, die: cfg.dieOnStop,
		ready: make(chan struct{}), held: map[int]*holding{}, trying: map[int]bool{}}
}

// share is the most sectors the node should hold: ceil(S/N); every
// sector while the number of nodes is not known. Under s.mu.
func (s *spread) share() int {
	if s.nodes <= 0 {
		return s.sectors
	}
	return (s.sectors + s.nodes - 1) / s.nodes
}

// grace is how long a standby sees its sector free before it takes it
// whatever the share: the bucket's TTL.
func (s *spread) grace() time.Duration {
	if s == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ttl <= 0 {
		return DefaultLeaseTTL
	}
	return s.ttl
}

// wait waits for the node's first look at the live nodes, at most d.
func (s *spread) wait(ctx context.Context, d time.Duration) {
	if s == nil {
		return
	}
	select {
	case <-s.ready:
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// admit reports whether sector's standby may try to take its lease now,
// having seen it free for freeFor; if so the attempt counts as one of
// the node's sectors until notTaken or drop.
func (s *spread) admit(sector int, freeFor time.Duration) bool {
	if s == nil {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	claimed, share := len(s.held)+len(s.trying), s.share()
	if claimed < share {
		s.trying[sector] = true
		return true
	}
	grace := s.ttl
	if grace <= 0 {
		grace = DefaultLeaseTTL
	}
	if freeFor < grace {
		return false
	}
	s.trying[sector] = true
	s.releaseEvery = min(2*s.releaseEvery, 32*grace)
	s.lastRelease = time.Now() // the next release waits from here
	s.logger.Info("sector free for longer than the grace: taking it above this node's share", "sector", sector, "free_for", freeFor.Round(time.Millisecond), "held", claimed, "share", share, "nodes", s.nodes, "sectors", s.sectors)
	return true
}

// notTaken ends an admitted attempt that did not take the lease.
func (s *spread) notTaken(sector int) {
	if s == nil {
		return
	}
	s.mu.Lock()
	delete(s.trying, sector)
	s.mu.Unlock()
}

// hold records that the node's worker of sector holds its lease; yield
// makes it give the sector up.
func (s *spread) hold(sector int, yield func()) {
	if s == nil {
		return
	}
	s.mu.Lock()
	delete(s.trying, sector)
	s.held[sector] = &holding{yield: yield}
	s.mu.Unlock()
}

// drop records that the node's worker of sector no longer holds it.
func (s *spread) drop(sector int) {
	if s == nil {
		return
	}
	s.mu.Lock()
	delete(s.trying, sector)
	delete(s.held, sector)
	s.mu.Unlock()
}

// run keeps the node's presence and its share until ctx ends; then the
// presence is deleted (unless a test's death).
func (s *spread) run(ctx context.Context) {
	defer func() {
		select {
		case <-s.ready:
		default:
			close(s.ready)
		}
	}()
	var kv jetstream.KeyValue
	var ttl time.Duration
	if untilAnswered(ctx, s.logger, "worker node: the leases' bucket; retrying", []any{"bucket", LeaseBucket}, nil, func() (err error) {
		kv, err = EnsureLeases(ctx, s.js, s.cfg)
		return err
	}) != nil {
		return
	}
	if untilAnswered(ctx, s.logger, "worker node: the leases' bucket's TTL; retrying", []any{"bucket", LeaseBucket}, nil, func() error {
		st, err := kv.Status(ctx)
		if err == nil && st.TTL() <= 0 {
			err = fmt.Errorf("the bucket %s has no TTL", LeaseBucket)
		}
		if err == nil {
			ttl = st.TTL()
		}
		return err
	}) != nil {
		return
	}
	value, token := holderValue(s.cfg)
	key := NodeKey(holderName(s.cfg), token)
	s.mu.Lock()
	s.ttl, s.releaseEvery = ttl, ttl
	s.mu.Unlock()
	s.logger.Info("worker node: announced in the leases' bucket; taking at most its share of the sectors", "key", key, "sectors", s.sectors, "ttl", ttl)
	failing := false
	for {
		err := s.announce(ctx, kv, key, value, ttl)
		if err == nil {
			err = s.look(ctx, kv, key, ttl)
		}
		switch {
		case ctx.Err() != nil:
		case err != nil && !failing:
			failing = true
			s.logger.Warn("worker node: announcing itself or counting the worker nodes failed; retrying (the sectors' leases go on; a sector free for the grace is taken whatever the share)", "key", key, "err", err)
		case err == nil && failing:
			failing = false
			s.logger.Info("worker node: announced and counting the worker nodes again", "key", key)
		}
		select {
		case <-s.ready:
		default:
			close(s.ready)
		}
		if err == nil {
			s.balance()
		}
		select {
		case <-ctx.Done():
			if !s.die {
				dctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				if err := kv.Delete(dctx, key); err != nil {
					s.logger.Warn("worker node: removing its presence failed; it expires after the TTL", "key", key, "ttl", ttl, "err", err)
				}
				cancel()
			}
			return
		case <-time.After(ttl / 5):
		}
	}
}

// announce writes the node's presence: it lives a TTL.
func (s *spread) announce(ctx context.Context, kv jetstream.KeyValue, key, value string, ttl time.Duration) error {
	actx, cancel := context.WithTimeout(ctx, ttl/2)
	defer cancel()
	_, err := kv.PutString(actx, key, value)
	return err
}

// look counts the live worker nodes: the bucket's node- keys.
func (s *spread) look(ctx context.Context, kv jetstream.KeyValue, self string, ttl time.Duration) error {
	lctx, cancel := context.WithTimeout(ctx, ttl/2)
	defer cancel()
	kl, err := kv.ListKeys(lctx)
	if err != nil {
		return err
	}
	var nodes []string
	for k := range kl.Keys() {
		if strings.HasPrefix(k, nodeKeyPrefix) {
			nodes = append(nodes, k)
		}
	}
	if lctx.Err() != nil {
		return fmt.Errorf("listing the keys of %s: %w", LeaseBucket, lctx.Err())
	}
	slices.Sort(nodes)
	nodes = slices.Compact(nodes)
	n := len(nodes)
	if !slices.Contains(nodes, self) {
		n++
	}
	s.mu.Lock()
	before := s.nodes
	s.nodes = n
	share, held := s.share(), len(s.held)
	if n != before {
		s.releaseEvery = ttl
	}
	s.mu.Unlock()
	if s.metrics != nil && s.metrics.WorkerNodes != nil {
		s.metrics.WorkerNodes.Set(float64(n))
	}
	if n != before {
		s.logger.Info("worker nodes seen: this node's share of the sectors", "nodes", n, "before", before, "sectors", s.sectors, "share", share, "held", held)
	}
	return nil
}

// balance gives one sector up when the node holds more than its share
// and the last release is old enough: the highest-numbered it holds.
func (s *spread) balance() {
	s.mu.Lock()
	share := s.share()
	var live []int
	for i, h := range s.held {
		if !h.yielded {
			live = append(live, i)
		}
	}
	if s.nodes <= 0 || len(live) <= share || time.Since(s.lastRelease) < s.releaseEvery {
		s.mu.Unlock()
		return
	}
	k := slices.Max(live)
	h := s.held[k]
	h.yielded = true
	s.lastRelease = time.Now()
	nodes, wait := s.nodes, s.releaseEvery
	s.mu.Unlock()
	s.logger.Info("sector released for balance", "sector", k, "held", len(live), "share", share, "nodes", nodes, "sectors", s.sectors, "next_release_after", wait)
	h.yield()
}
