package stream

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// A sector's lease: one worker per sector, enforced in JetStream.
//
// Each sector's worker holds the key LeaseKey(i) of the KV bucket
// LeaseBucket while it replays and consumes the sector. The key is taken
// create-only (kv.Create: refused while another holder's value is
// there) and renewed by compare-and-set (kv.Update with the revision the
// holder last wrote). The bucket's TTL (the stream's MaxAge) removes a
// value that was not renewed for TTL: its holder is dead or cut off, and
// a standby's next Create succeeds.
//
// Timing, with T the bucket's TTL: the holder renews every T/5; each
// renewal counts from the moment its request was sent, so the server,
// which stamps the value later, keeps it at least until sent+T. The
// holder considers its lease good only until sent+T/2 (its guard): past
// the guard without a renewal, or on a renewal refused (the key gone or
// rewritten by another), it stops its iterator, acknowledges nothing
// more and goes back to standby. The T/2 left between the guard and the
// earliest expiry is the margin for an acknowledgement sent just before
// the guard to reach the server and for the local clock to be checked
// late (a loaded machine); only the local monotonic clock is used, so
// the machines' clocks need not agree. A standby reads the key every
// T/5 and tries Create when it finds it free (on a worker node, when
// the node's share admits it: spread.go): after a holder's death, the
// sector is taken over between T and 1.2T later (plus the server's
// expiry check; on a worker node whose share was full, up to about
// T/2 more, until it sees the dead node's presence expire), then
// replayed from the consumer's acknowledgement floor; a message the
// dead holder had been delivered and not acknowledged comes back after
// the consumer's AckWait. A holder that stops cleanly deletes its key (compare-and-set
// on its revision): a standby takes over within T/5.
//
// What the margin does not cover: a holder process frozen for more than
// T/2 between its last check of the guard and its acknowledgement
// reaching the server (a paused VM; a jump of the wall clock does not
// matter, the monotonic clock is used), while a standby took the sector
// meanwhile. The
// acknowledgement would then land after the standby read the consumer's
// acknowledgement floor, and that message would be missing from the
// standby's fusion. A longer TTL (--lease-ttl) widens the margin.
//
// The same bucket holds the worker nodes' presence keys, node-NAME-TOKEN
// (spread.go), by which a node takes no more than its share of the
// sectors: a lease only ever reads and writes its own key, sector-N.

// LeaseBucket is the KV bucket of the sector workers' leases.
const LeaseBucket = "ACCORD_LEASES"

// DefaultLeaseTTL is the leases' TTL when none is given.
const DefaultLeaseTTL = 10 * time.Second

// ErrLeaseLost says that a worker stopped because it lost its sector's
// lease (not renewed in time, or taken by another): it acknowledged
// nothing after, and its fusion is stale; a new worker waits as a
// standby.
var ErrLeaseLost = errors.New("sector lease lost")

// LeaseConfig is how a sector worker holds its sector.
type LeaseConfig struct {
	// TTL is the bucket's TTL, used when the worker creates the bucket
	// (zero: DefaultLeaseTTL). An existing bucket keeps its own TTL,
	// which every worker then times itself by (a different TTL given
	// here is logged): to change it, delete the bucket while no worker
	// runs.
	TTL time.Duration
	// Replicas of the bucket when created (zero: 1): as the streams'
	// (StreamConfig.Replicas).
	Replicas int
	// Holder names this process in the lease's value, for the logs of
	// the standbys and for an operator reading the bucket (a node name;
	// zero: the host name). The process id, the time of taking and a
	// random token follow it.
	Holder string
}

// LeaseKey is sector i's key in LeaseBucket.
func LeaseKey(sector int) string { return "sector-" + strconv.Itoa(sector) }

// EnsureLeases returns the lease bucket, created with c's TTL and
// replicas when absent.
func EnsureLeases(ctx context.Context, js jetstream.JetStream, c LeaseConfig) (jetstream.KeyValue, error) {
	ttl := c.TTL
	if ttl <= 0 {
		ttl = DefaultLeaseTTL
	}
	return ensureBucket(ctx, js, "the sector leases' bucket", jetstream.KeyValueConfig{
		Bucket: LeaseBucket, Description: "accord: one holder per sector's worker (key sector-N); the live worker nodes (key node-NAME-TOKEN)",
		History: 1, TTL: ttl, Storage: jetstream.FileStorage, Replicas: max(c.Replicas, 1),
	})
}

// ensureBucket returns the KV bucket of cfg (what names it in errors),
// created with cfg when absent; one another node made meanwhile is
// taken as it is.
func ensureBucket(ctx context.Context, js jetstream.JetStream, what string, cfg jetstream.KeyValueConfig) (jetstream.KeyValue, error) {
	kv, err := js.KeyValue(ctx, cfg.Bucket)
	if err == nil {
		return kv, nil
	}
	if !errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, fmt.Errorf("%s %s: %w", what, cfg.Bucket, err)
	}
	kv, err = js.CreateKeyValue(ctx, cfg)
	if err != nil {
		if kv2, err2 := js.KeyValue(ctx, cfg.Bucket); err2 == nil {
			return kv2, nil // made meanwhile by another
		}
		return nil, fmt.Errorf("creating %s %s (TTL %s, %d replicas): %w", what, cfg.Bucket, cfg.TTL, cfg.Replicas, err)
	}
	return kv, nil
}

// lease is a sector's lease as one worker holds, or waits for, it.
type lease struct {
	kv     jetstream.KeyValue
	sector int
	key    string
	value  []byte // this holder's: name, pid, time, token
	ttl    time.Duration
	logger *slog.Logger
	held   func(bool) // the metric
	spread *spread    // the node's share of the sectors (nil: none)

	mu    sync.Mutex
	rev   uint64
	guard time.Time // good until then (local clock)
	lost  error     // why it was lost, once
}

// newLease prepares sector's lease in kv for holder, timed by the
// bucket's TTL.
func newLease(ctx context.Context, kv jetstream.KeyValue, sector int, c LeaseConfig, logger *slog.Logger, held func(bool)) (*lease, error) {
	st, err := kv.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("sector %d: the leases' bucket %s: %w", sector, LeaseBucket, err)
	}
	ttl := st.TTL()
	if ttl <= 0 {
		return nil, fmt.Errorf("sector %d: the leases' bucket %s has no TTL: a dead holder's lease would never expire; delete the bucket (no worker running) to have it made again", sector, LeaseBucket)
	}
	if c.TTL > 0 && c.TTL != ttl {
		logger.Warn("sector lease: the bucket's TTL differs from the one configured; the bucket's is used (delete the bucket while no worker runs to change it)", "sector", sector, "bucket", LeaseBucket, "ttl", ttl, "configured", c.TTL)
	}
	value, _ := holderValue(c)
	if held == nil {
		held = func(bool) {}
	}
	return &lease{kv: kv, sector: sector, key: LeaseKey(sector), value: []byte(value), ttl: ttl, logger: logger, held: held}, nil
}

// holderName is c's holder: its name, or the host's.
func holderName(c LeaseConfig) string {
	if c.Holder != "" {
		return c.Holder
	}
	if name, err := os.Hostname(); err == nil && name != "" {
		return name
	}
	return "unknown-host"
}

// holderValue is a new value naming c's holder, and the random token
// that ends it: the holder's name, the process id, the time and the
// token.
func holderValue(c LeaseConfig) (value, token string) {
	var tok [4]byte
	_, _ = rand.Read(tok[:])
	token = hex.EncodeToString(tok[:])
	return fmt.Sprintf("%s pid %d since %s #%s", holderName(c), os.Getpid(), time.Now().UTC().Format(time.RFC3339), token), token
}

// renewEvery is how often the holder renews, and a standby tries.
func (l *lease) renewEvery() time.Duration { return l.ttl / 5 }

// margin is how long before the earliest expiry the holder gives up.
func (l *lease) margin() time.Duration { return l.ttl / 2 }

// acquire waits as a standby until the lease is this worker's, or ctx
// ends (false). It reads the key every T/5, and tries to take it
// (create-only) when it is free; with a spread, only when the spread
// admits it: the node below its share, or the sector seen free for
// longer than the grace (spread.go).
func (l *lease) acquire(ctx context.Context) bool {
	var holder string
	var freeSince time.Time // since when this standby sees the key absent
	waitingSince := time.Now()
	l.held(false)
	l.spread.wait(ctx, l.ttl)
	for first := true; ; first = false {
		if !first {
			select {
			case <-ctx.Done():
				return false
			case <-time.After(l.renewEvery()):
			}
		}
		gctx, cancel := context.WithTimeout(ctx, l.renewEvery())
		e, gerr := l.kv.Get(gctx, l.key)
		cancel()
		if ctx.Err() != nil {
			return false
		}
		if gerr == nil {
			freeSince = time.Time{}
			if cur := string(e.Value()); cur != holder {
				holder = cur
				l.logger.Info("sector lease held by another worker: waiting as a standby", "sector", l.sector, "holder", cur, "me", string(l.value), "ttl", l.ttl)
			}
			continue
		}
		var freeFor time.Duration
		if errors.Is(gerr, jetstream.ErrKeyNotFound) {
			if freeSince.IsZero() {
				freeSince = time.Now()
			}
			freeFor = time.Since(freeSince)
		} // else unknown: Create tells
		if !l.spread.admit(l.sector, freeFor) {
			if holder != "" {
				holder = ""
				l.logger.Info("sector free: left to a worker node below its share of the sectors", "sector", l.sector, "grace", l.spread.grace())
			}
			continue
		}
		sent := time.Now()
		cctx, cancel := context.WithTimeout(ctx, l.renewEvery())
		rev, err := l.kv.Create(cctx, l.key, l.value)
		cancel()
		if err == nil {
			l.mu.Lock()
			l.rev, l.guard, l.lost = rev, sent.Add(l.ttl-l.margin()), nil
			l.mu.Unlock()
			l.held(true)
			l.logger.Info("sector lease taken: running the sector", "sector", l.sector, "holder", string(l.value), "ttl", l.ttl, "waited", time.Since(waitingSince).Round(time.Millisecond))
			return true
		}
		l.spread.notTaken(l.sector)
		if ctx.Err() != nil {
			return false
		}
		if errors.Is(err, jetstream.ErrKeyExists) {
			freeSince = time.Time{} // taken by another meanwhile: read at the next look
		} else {
			l.logger.Warn("sector lease: taking it failed; retrying", "sector", l.sector, "bucket", LeaseBucket, "key", l.key, "err", err)
		}
	}
}

// valid reports whether the lease is still this worker's by its own
// clock: taken, not lost, and renewed recently enough.
func (l *lease) valid() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lost == nil && time.Now().Before(l.guard)
}

// err is why the lease was lost, wrapping ErrLeaseLost.
func (l *lease) err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lost != nil {
		return l.lost
	}
	return fmt.Errorf("sector %d: %w: not renewed before its guard (%s before the bucket's TTL of %s)", l.sector, ErrLeaseLost, l.margin(), l.ttl)
}

// keep renews the lease until ctx ends or it is lost; lost is called
// then (once), after which valid is false.
func (l *lease) keep(ctx context.Context, lost func(error)) {
	var unknown time.Time // the first renewal sent whose outcome is unknown
	for {
		l.mu.Lock()
		guard, rev := l.guard, l.rev
		l.mu.Unlock()
		wait := min(l.renewEvery(), time.Until(guard))
		select {
		case <-ctx.Done():
			return
		case <-time.After(max(wait, 0)):
		}
		if !time.Now().Before(guard) {
			lost(l.lose(fmt.Errorf("sector %d: %w: not renewed within %s (JetStream unreachable?); stopped %s before the bucket's TTL of %s could let another take it", l.sector, ErrLeaseLost, l.ttl-l.margin(), l.margin(), l.ttl)))
			return
		}
		sent := time.Now()
		rctx, cancel := context.WithDeadline(ctx, guard)
		nrev, err := l.kv.Update(rctx, l.key, l.value, rev)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			l.renewed(nrev, sent)
			unknown = time.Time{}
			continue
		}
		var apiErr *jetstream.APIError
		if errors.Is(err, jetstream.ErrKeyRevisionMismatch) || errors.As(err, &apiErr) {
			// Refused: unless a renewal whose answer was lost wrote it,
			// the key is another's or gone.
			gctx, cancel := context.WithDeadline(ctx, guard)
			e, gerr := l.kv.Get(gctx, l.key)
			cancel()
			if gerr == nil && string(e.Value()) == string(l.value) && !unknown.IsZero() {
				l.renewed(e.Revision(), unknown)
				unknown = time.Time{}
				continue
			}
			now := "gone (expired or deleted)"
			if gerr == nil {
				now = "held by " + string(e.Value())
			}
			lost(l.lose(fmt.Errorf("sector %d: %w: renewing %s/%s at revision %d refused (%v); the key is %s", l.sector, ErrLeaseLost, LeaseBucket, l.key, rev, err, now)))
			return
		}
		if unknown.IsZero() {
			unknown = sent
		}
		l.logger.Warn("sector lease: renewal failed; retrying until its guard", "sector", l.sector, "guard_in", time.Until(guard).Round(time.Millisecond), "err", err)
	}
}

func (l *lease) renewed(rev uint64, sent time.Time) {
	l.mu.Lock()
	l.rev, l.guard = rev, sent.Add(l.ttl-l.margin())
	l.mu.Unlock()
}

// lose marks the lease lost for err and returns err.
func (l *lease) lose(err error) error {
	l.mu.Lock()
	first := l.lost == nil
	if first {
		l.lost = err
	}
	err = l.lost
	l.mu.Unlock()
	if first {
		l.held(false)
		l.logger.Error("sector lease lost: stopping consumption, back to standby", "sector", l.sector, "holder", string(l.value), "err", err)
	}
	return err
}

// release gives the lease up (a clean stop): the key is deleted if it
// is still this holder's revision, so a standby takes over at once.
func (l *lease) release() {
	l.mu.Lock()
	rev, ok := l.rev, l.lost == nil
	l.lost = fmt.Errorf("sector %d: %w: released", l.sector, ErrLeaseLost)
	l.mu.Unlock()
	l.held(false)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := l.kv.Delete(ctx, l.key, jetstream.LastRevision(rev)); err != nil {
		l.logger.Warn("sector lease: releasing it failed; it expires after its TTL", "sector", l.sector, "ttl", l.ttl, "err", err)
		return
	}
	l.logger.Info("sector lease released", "sector", l.sector, "holder", string(l.value))
}
