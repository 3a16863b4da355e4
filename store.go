package accord

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// ObservationStore keeps observations once per key (source.id, id), for
// the record's whole life: a resend, however old, is a duplicate.
type ObservationStore interface {
	// Put stores a batch atomically: every new observation or none. It
	// says which were new and counts the exact resends of stored ones (or
	// of an earlier member of the batch). A key stored, or sent earlier in
	// the batch, with different content is an *Error with code
	// EINVALID naming the key, and nothing of the batch is stored.
	Put(ctx context.Context, batch []Observation) (PutResult, error)
	// Get returns the observation stored under a key; ENOTFOUND when none is.
	Get(ctx context.Context, k ObservationKey) (*Observation, error)
	// Len is the number of observations stored.
	Len(ctx context.Context) (int, error)
	// All calls f with every stored observation in the order stored,
	// stopping at f's first error.
	All(ctx context.Context, f func(*Observation) error) error
}

// UnsyncedObservationStore is an ObservationStore that can also store a
// batch without waiting for the disk, so that batches stored one after
// another share one flush to disk and the caller works meanwhile:
// PutUnsynced is Put whose batch is durable once durable returned nil. A
// failed durable means the batch may be lost, and every later one fails
// too. The caller waits before anything that depends on the batch is
// recorded or acknowledged (the mission: before its ledger appends).
type UnsyncedObservationStore interface {
	PutUnsynced(ctx context.Context, batch []Observation) (res PutResult, durable func() error, err error)
}

// PutResult says what Put did with a batch.
type PutResult struct {
	Added, Duplicates int
	// New[i] is true when batch[i] was stored by this Put, false for a
	// resend of a stored observation or of an earlier member of the batch.
	New []bool
}

// ObservationOutbox is an ObservationStore that keeps, in Put's own
// transaction, what an ingest node of the stream deployment still has to
// publish: a batch stored is then never lost between the store's commit
// and the publication, whatever happens to the node (package stream).
type ObservationOutbox interface {
	ObservationStore
	// PutPending is Put that, when the batch adds observations, also
	// keeps in the same transaction a pending record for node listing
	// the keys it added, in the batch's order, with state (opaque to the
	// store, kept as given; nil: none); id is that record's (ids grow), 0
	// when the batch added nothing. A batch refused (EINVALID) leaves no
	// record.
	PutPending(ctx context.Context, batch []Observation, node string, state []byte) (res PutResult, id int64, err error)
	// Published forgets the pending record id; forgetting one already
	// forgotten, or never kept, is not an error.
	Published(ctx context.Context, id int64) error
	// Pending calls f with node's pending records, oldest first,
	// stopping at f's first error.
	Pending(ctx context.Context, node string, f func(PendingRecord) error) error
	// PendingNodes counts the pending records of every node that has
	// some: a node's start warns of the other nodes' (records that wait
	// for a node of their name).
	PendingNodes(ctx context.Context) (map[string]int, error)
}

// PendingRecord is a pending record of an ingest node
// (ObservationOutbox): the batch it stored, whose messages JetStream may
// not have acknowledged.
type PendingRecord struct {
	ID int64
	// StoredAt is when the batch was stored, by the clock of the node
	// that stored it; zero for a record kept before the stores noted it.
	StoredAt time.Time
	// Keys are the keys the batch added, in its order.
	Keys []ObservationKey
	// State is what the node kept with the record (PutPending's state:
	// package stream keeps there its routing state before the batch, to
	// rebuild the batch's messages as they were first made); nil when it
	// kept none, or for a record kept before the stores kept it.
	State []byte
}

// EncodeOutboxKeys is how both stores keep a pending record's keys
// (ObservationOutbox): JSON [["source","id"],...], in order.
func EncodeOutboxKeys(keys []ObservationKey) ([]byte, error) {
	pairs := make([][2]string, len(keys))
	for i, k := range keys {
		pairs[i] = [2]string{k.Source, k.ID}
	}
	return json.Marshal(pairs)
}

// DecodeOutboxKeys reads EncodeOutboxKeys's encoding.
func DecodeOutboxKeys(b []byte) ([]ObservationKey, error) {
	var pairs [][2]string
	if err := json.Unmarshal(b, &pairs); err != nil {
		return nil, fmt.Errorf("the pending record's keys do not decode: %w", err)
	}
	keys := make([]ObservationKey, len(pairs))
	for i, p := range pairs {
		keys[i] = ObservationKey{Source: p[0], ID: p[1]}
	}
	return keys, nil
}
