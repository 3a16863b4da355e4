package stream

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/mission"
)

// One record per deployment: the record's mark.
//
// A deployment on streams has one record, the ledger of its recorder. A
// second recorder (a node of role recorder or all started by mistake on
// the same streams, or a copy of the recorder's data directory restored
// from an old backup) would read the same fused log into a ledger of its
// own: two records of one mission, or one that forks the record the
// parties' witnesses cosigned. So the recorder keeps a mark of the record
// in JetStream, the key RecordMarkKey of the KV bucket RecordBucket (no
// TTL: a record does not expire): the node that last moved it and a tree
// of its ledger then (size and hash, as a checkpoint names them).
//
// At its start a recorder reads the mark and goes on only if its own
// ledger extends that tree: as long or longer, with the same hash at the
// mark's size. A ledger behind the mark, or a different one, is refused
// (ErrNotTheRecord) with what was found and how to go on. While it
// records, the recorder moves the mark to its ledger's tree, at most once
// every markEvery and when it stops, by compare-and-set on the revision
// it last read or wrote: when another recorder moved the mark meanwhile,
// the update is refused and the recorder stops (ErrNotTheRecord, naming
// the other): two recorders were running at once. A write of the mark
// that fails otherwise (JetStream unreachable) is retried at the next
// step; the record does not wait for it. Such a write may still land,
// sent from the connection's buffer once NATS is back: the mark carries
// its marker's random token, so that the next move knows it for its own,
// not another recorder's.
//
// What it does not catch: a copy of the ledger as long as the mark (taken
// less than markEvery before the original's last step, or after it
// stopped) started once the original stopped: that copy is the record's
// continuation, which is what a failover onto a copy of the data is.
// Running it while the original still runs is caught at the first mark
// either of them moves.

// RecordBucket is the KV bucket of the deployment's record mark.
const RecordBucket = "ACCORD_RECORD"

// RecordMarkKey is the mark's key in RecordBucket.
const RecordMarkKey = "ledger"

// markEvery is the most often the recorder moves the mark.
const markEvery = time.Second

// ErrNotTheRecord says that a recorder's ledger is not the deployment's
// record (behind its mark, or another ledger), or that another recorder
// moved the mark while this one ran: the node's configuration (its data
// directory, or a second recorder) is wrong, not accord (EINVALID).
var ErrNotTheRecord = &accord.Error{Code: accord.EINVALID, Message: "not the deployment's record"}

// recordMark is the mark's value.
type recordMark struct {
	Node string    `json:"node"` // the recorder that moved it
	Size int64     `json:"size"` // the ledger's entries then
	Hash string    `json:"hash"` // the tree hash of those entries
	At   time.Time `json:"at"`
	// Writer is the marker that wrote it, a random token of its own: a
	// write whose answer was lost is known for this recorder's own when it
	// lands later (sent from the connection's buffer once NATS is back).
	Writer string `json:"writer,omitempty"`
}

func (mk recordMark) String() string {
	return fmt.Sprintf("%d entries (tree hash %s), marked by %s at %s", mk.Size, mk.Hash, mk.Node, mk.At.UTC().Format(time.RFC3339))
}

// marker moves a recorder's mark.
type marker struct {
	kv     jetstream.KeyValue
	m      *mission.Mission
	node   string
	logger *slog.Logger
	writer string // this marker's token in the marks it writes; set on the first move

	rev     uint64 // the mark's revision last read or written; 0: none yet
	size    int64  // the size this recorder last marked or found
	moved   time.Time
	refused error // why the mark was refused: no move after
}

// ensureRecordBucket returns the mark's bucket, created with the
// streams' replicas when absent.
func ensureRecordBucket(ctx context.Context, js jetstream.JetStream, replicas int) (jetstream.KeyValue, error) {
	return ensureBucket(ctx, js, "the record's bucket", jetstream.KeyValueConfig{
		Bucket: RecordBucket, Description: "accord: the deployment's one record (key ledger: its last marked tree)",
		History: 1, Storage: jetstream.FileStorage, Replicas: max(replicas, 1),
	})
}

// start checks the recorder's ledger against the mark and moves the mark
// to it. An error wrapping ErrNotTheRecord is final; any other is
// JetStream's, worth retrying.
func (k *marker) start(ctx context.Context) error {
	e, err := k.kv.Get(ctx, RecordMarkKey)
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound):
		k.rev, k.size = 0, -1
	case err != nil:
		return fmt.Errorf("reading the record's mark %s/%s: %w", RecordBucket, RecordMarkKey, err)
	default:
		var mk recordMark
		if err := json.Unmarshal(e.Value(), &mk); err != nil {
			return fmt.Errorf("%w: the record's mark %s/%s is not one (%v): delete the key only if no recorder runs and this node's ledger is the record", ErrNotTheRecord, RecordBucket, RecordMarkKey, err)
		}
		if err := k.extends(mk); err != nil {
			return err
		}
		k.rev, k.size = e.Revision(), mk.Size
	}
	return k.move(ctx, true)
}

// extends is nil when the recorder's ledger extends the marked tree.
func (k *marker) extends(mk recordMark) error {
	n := k.m.LedgerLen()
	fix := "run the recorder on the node that holds the record (or on its latest copy); if that node's disk is lost and this ledger is the latest copy there is, delete the mark (nats kv del " + RecordBucket + " " + RecordMarkKey + ") to make it the record, which the parties' witnesses refuse where it forks what they cosigned; to start the deployment again from nothing, delete the streams " + ObsStream + " and " + FusedStream + " and the bucket " + RecordBucket + " first"
	if mk.Size > n {
		return fmt.Errorf("%w: this node's ledger has %d entries, and the deployment's record %s: this ledger is behind it (a stale copy, or another deployment's); %s", ErrNotTheRecord, n, mk, fix)
	}
	if mk.Size == 0 {
		return nil
	}
	t, err := k.m.LedgerTree(mk.Size)
	if err != nil {
		return fmt.Errorf("the tree of this node's ledger at %d entries: %w", mk.Size, err)
	}
	if got := t.Hash.String(); got != mk.Hash {
		return fmt.Errorf("%w: this node's first %d entries hash to %s, and the deployment's record has %s: this ledger is another; %s", ErrNotTheRecord, mk.Size, got, mk, fix)
	}
	return nil
}

// move moves the mark to the ledger's tree: when it grew, and, unless
// now, when markEvery passed since the last move. It fails with
// ErrNotTheRecord when another recorder moved the mark; a failure to
// reach JetStream is logged and left for the next move.
func (k *marker) move(ctx context.Context, now bool) error {
	if k.refused != nil {
		return k.refused
	}
	n := k.m.LedgerLen()
	if n == k.size || (!now && time.Since(k.moved) < markEvery) {
		return nil
	}
	t, err := k.m.LedgerTree(n)
	if err != nil {
		return fmt.Errorf("the tree of this node's ledger at %d entries: %w", n, err)
	}
	if k.writer == "" {
		k.writer = rand.Text()
	}
	mine := recordMark{Node: k.node, Size: n, Hash: t.Hash.String(), At: time.Now().UTC(), Writer: k.writer}
	val, _ := json.Marshal(mine)
	k.moved = time.Now()
	var rev uint64
	if k.rev == 0 {
		rev, err = k.kv.Create(ctx, RecordMarkKey, val)
	} else {
		rev, err = k.kv.Update(ctx, RecordMarkKey, val, k.rev)
	}
	if err == nil {
		k.rev, k.size = rev, n
		return nil
	}
	var apiErr *jetstream.APIError
	if errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch) || errors.As(err, &apiErr) {
		// Refused: unless this very write landed and its answer was lost,
		// another recorder moved the mark.
		e, gerr := k.kv.Get(ctx, RecordMarkKey)
		if gerr == nil && string(e.Value()) == string(val) {
			k.rev, k.size = e.Revision(), n
			return nil
		}
		if gerr == nil {
			var other recordMark
			_ = json.Unmarshal(e.Value(), &other)
			if other.Writer == k.writer && e.Revision() != k.rev {
				// A move of this marker's own, given up while NATS was
				// down and sent from the buffer once it was back: the
				// mark is where this recorder put it; move it on from
				// there.
				k.logger.Info("recorder: the record's mark was moved by this recorder's own write whose answer was lost; going on from it", "bucket", RecordBucket, "key", RecordMarkKey, "size", other.Size)
				k.rev, k.size = e.Revision(), other.Size
				return k.move(ctx, true)
			}
			k.refused = fmt.Errorf("%w: another recorder writes this deployment's record: the mark %s/%s now says %s, not what this recorder (%s) last read or wrote; two recorders must not run at once: stop one (the record is the one the witnesses cosigned)", ErrNotTheRecord, RecordBucket, RecordMarkKey, other, k.node)
			return k.refused
		}
	}
	k.logger.Warn("recorder: moving the record's mark failed; retrying at the next step", "bucket", RecordBucket, "key", RecordMarkKey, "size", n, "err", err)
	return nil
}
