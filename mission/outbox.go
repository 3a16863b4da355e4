package mission

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/monitor"
)

// The store stage of a stream deployment's ingest node with its outbox
// (accord.ObservationOutbox): a batch's new observations and a pending
// record of them, for the node, in one transaction of the store; the node
// forgets the record once JetStream acknowledged every message of the
// batch (Published), and at its start publishes what its records still
// list (Pending). A node that dies between the store's commit and the
// publication thus loses nothing: its retry, which finds every
// observation stored, would publish none of them.

// CheckOutbox reports whether the mission's observation store keeps an
// outbox; the error says which store does not, and why it is needed.
func (m *Mission) CheckOutbox() error {
	_, err := m.outbox()
	return err
}

func (m *Mission) outbox() (accord.ObservationOutbox, error) {
	o, ok := m.cfg.Observations.(accord.ObservationOutbox)
	if !ok {
		return nil, accord.Errorf(accord.EINVALID, "the observation store (%T) keeps no outbox (accord.ObservationOutbox): a stream ingest node keeps in the store's own transaction what it still has to publish, so that a batch stored is not lost if the node dies before JetStream has it; use the SQLite or the PostgreSQL store", m.cfg.Observations)
	}
	return o, nil
}

// StorePending is Store for an ingest node named node: the batch's new
// observations are put in the store with a pending record of their keys
// for node and state, the node's own (accord.ObservationOutbox.PutPending;
// nil: none), whose id it returns (0 when the batch added nothing). The
// node calls Published with it once the batch's messages are
// acknowledged.
//
// A submission the ledger refuses after the batch is stored (the disk
// full) is an error, the record kept: the observations are published at
// the node's next start (Pending), as any other record left.
func (m *Mission) StorePending(ctx context.Context, batch []monitor.Observation, sub *ledger.Submission, node string, state []byte) (Stored, int64, error) {
	o, err := m.outbox()
	if err != nil {
		return Stored{}, 0, err
	}
	m.storeMu.Lock()
	defer m.storeMu.Unlock()
	var id int64
	st, err := m.store(ctx, batch, sub, func(ctx context.Context, batch []monitor.Observation) (res accord.PutResult, err error) {
		res, id, err = o.PutPending(ctx, batch, node, state)
		return res, err
	})
	if err != nil {
		return Stored{}, 0, err
	}
	return st, id, nil
}

// Published forgets the pending record id: its batch's messages are all
// acknowledged.
func (m *Mission) Published(ctx context.Context, id int64) error {
	o, err := m.outbox()
	if err != nil {
		return err
	}
	return o.Published(ctx, id)
}

// Pending calls f with node's pending records, oldest first: each
// record's id, when its batch was stored (zero when the store did not
// note it: accord.PendingRecord), the state the node kept with it (nil:
// none) and the observations it lists, read back from the store, in
// their batch's order. f may call Published.
func (m *Mission) Pending(ctx context.Context, node string, f func(id int64, storedAt time.Time, state []byte, fresh []monitor.Observation) error) error {
	o, err := m.outbox()
	if err != nil {
		return err
	}
	return o.Pending(ctx, node, func(r accord.PendingRecord) error {
		id := r.ID
		fresh := make([]monitor.Observation, len(r.Keys))
		for i, k := range r.Keys {
			x, err := o.Get(ctx, k)
			if err != nil {
				var ae *accord.Error
				if errors.As(err, &ae) && ae.Code == accord.ENOTFOUND {
					return fmt.Errorf("node %q's pending record %d lists (source %q, id %q), which the store does not hold: %w", node, id, k.Source, k.ID, err)
				}
				return err
			}
			fresh[i] = *x
		}
		return f(id, r.StoredAt, r.State, fresh)
	})
}

// PendingNodes counts the pending records of every ingest node that has
// some (accord.ObservationOutbox.PendingNodes).
func (m *Mission) PendingNodes(ctx context.Context) (map[string]int, error) {
	o, err := m.outbox()
	if err != nil {
		return nil, err
	}
	return o.PendingNodes(ctx)
}
