package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/accord-peace/accord"
)

var _ accord.ObservationOutbox = (*ObservationStore)(nil)

// PutPending implements accord.ObservationOutbox: Put, and in the
// transaction that inserts the batch's new keys, when it adds any, a row
// of the outbox table for node listing them, marked with the Put's token
// (an attempt retried after a lost commit finds it), with state (NULL
// when nil).
func (s *ObservationStore) PutPending(ctx context.Context, batch []accord.Observation, node string, state []byte) (res accord.PutResult, id int64, err error) {
	defer s.db.wrap(&err, "storing a batch of %d observations with node %q's pending record", len(batch), node)
	res, err = s.put(ctx, batch, keepPending(node, state, &id))
	if err != nil {
		return accord.PutResult{}, 0, err
	}
	return res, id, nil
}

// keepPending is PutPending's work in Put's transaction: the outbox's
// row of node listing the keys the batch added (none when it added
// none), with state, its id set in *id; a row of the same batch (an
// attempt whose commit was lost) is found, not kept again.
func keepPending(node string, state []byte, id *int64) beforeCommit {
	return func(ctx context.Context, tx pgx.Tx, rows []row, added map[accord.ObservationKey]bool, token [16]byte) error {
		*id = 0
		var keys []accord.ObservationKey
		for _, r := range rows {
			if k := (accord.ObservationKey{Source: r.source, ID: r.id}); added[k] {
				keys = append(keys, k)
			}
		}
		if len(keys) == 0 {
			return nil
		}
		b, err := accord.EncodeOutboxKeys(keys)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO outbox (node, batch, keys, stored_at, state) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (batch) DO NOTHING RETURNING id`, node, token, b, time.Now().UTC(), state).Scan(id)
		if errors.Is(err, pgx.ErrNoRows) { // kept by an earlier attempt whose commit was not acknowledged
			err = tx.QueryRow(ctx, `SELECT id FROM outbox WHERE batch = $1`, token).Scan(id)
		}
		if err != nil {
			return fmt.Errorf("keeping the pending record: %w", err)
		}
		return nil
	}
}

// Published implements accord.ObservationOutbox.
func (s *ObservationStore) Published(ctx context.Context, id int64) (err error) {
	defer s.db.wrap(&err, "forgetting the pending record %d", id)
	return s.db.do(ctx, "observations", "published", func(ctx context.Context) error {
		_, err := s.db.pool.Exec(ctx, `DELETE FROM outbox WHERE id = $1`, id)
		return err
	})
}

// Pending implements accord.ObservationOutbox. The records are read
// first, then handed to f: f may call Published.
func (s *ObservationStore) Pending(ctx context.Context, node string, f func(accord.PendingRecord) error) (err error) {
	type record struct {
		id    int64
		keys  []byte
		at    *time.Time
		state []byte
	}
	var recs []record
	err = s.db.do(ctx, "observations", "pending", func(ctx context.Context) error {
		recs = recs[:0]
		rows, err := s.db.pool.Query(ctx, `SELECT id, keys, stored_at, state FROM outbox WHERE node = $1 ORDER BY id`, node)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r record
			if err := rows.Scan(&r.id, &r.keys, &r.at, &r.state); err != nil {
				return err
			}
			recs = append(recs, r)
		}
		return rows.Err()
	})
	if err != nil {
		s.db.wrap(&err, "reading node %q's pending records", node)
		return err
	}
	for _, r := range recs {
		rec := accord.PendingRecord{ID: r.id, State: r.state} // nil: NULL, kept without state or before migration 0010
		if rec.Keys, err = accord.DecodeOutboxKeys(r.keys); err != nil {
			return fmt.Errorf("postgres %s: table outbox, row %d: %w", s.db.name, r.id, err)
		}
		if r.at != nil { // NULL: kept before migration 0009
			rec.StoredAt = r.at.UTC()
		}
		if err := f(rec); err != nil {
			return err
		}
	}
	return nil
}

// PendingNodes implements accord.ObservationOutbox.
func (s *ObservationStore) PendingNodes(ctx context.Context) (_ map[string]int, err error) {
	defer s.db.wrap(&err, "counting the pending records")
	var out map[string]int
	err = s.db.do(ctx, "observations", "pending nodes", func(ctx context.Context) error {
		out = map[string]int{}
		rows, err := s.db.pool.Query(ctx, `SELECT node, COUNT(*) FROM outbox GROUP BY node`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var node string
			var n int
			if err := rows.Scan(&node, &n); err != nil {
				return err
			}
			out[node] = n
		}
		return rows.Err()
	})
	return out, err
}
