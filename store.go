package accord

import "context"

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

// PutResult says what Put did with a batch.
type PutResult struct {
	Added, Duplicates int
	// New[i] is true when batch[i] was stored by this Put, false for a
	// resend of a stored observation or of an earlier member of the batch.
	New []bool
}
