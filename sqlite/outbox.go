package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/accord-peace/accord"
)

var _ accord.ObservationOutbox = (*ObservationStore)(nil)

// PutPending implements accord.ObservationOutbox: Put, and in its
// transaction, when the batch adds observations, a row of the outbox
// table for node listing their keys, with state (NULL when nil).
func (s *ObservationStore) PutPending(caller context.Context, batch []accord.Observation, node string, state []byte) (res accord.PutResult, id int64, err error) {
	defer s.db.wrap(&err, "storing a batch of %d observations with node %q's pending record", len(batch), node)
	ctx := context.WithoutCancel(caller)
	conn, err := s.db.db.Conn(ctx)
	if err != nil {
		return res, 0, err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		res, err = put(ctx, caller, dc, batch, func(prepare driver.ConnPrepareContext, res *accord.PutResult) error {
			if res.Added == 0 {
				return nil
			}
			keys, err := addedKeys(batch, res.New)
			if err != nil {
				return err
			}
			st, err := prepare.PrepareContext(ctx, `INSERT INTO outbox (node, keys, stored_at, state) VALUES (?, ?, ?, ?)`)
			if err != nil {
				return err
			}
			defer st.Close()
			exec, ok := st.(driver.StmtExecContext)
			if !ok {
				return fmt.Errorf("the SQLite driver's statement %T does not run with a context", st)
			}
			at := time.Now().UTC().Format(time.RFC3339Nano)
			var st4 driver.Value // NULL: no state
			if state != nil {
				st4 = state
			}
			r, err := exec.ExecContext(ctx, []driver.NamedValue{{Ordinal: 1, Value: node}, {Ordinal: 2, Value: keys}, {Ordinal: 3, Value: at}, {Ordinal: 4, Value: st4}})
			if err != nil {
				return fmt.Errorf("keeping the pending record: %w", err)
			}
			id, err = r.LastInsertId()
			return err
		})
		return err
	})
	if err != nil {
		return accord.PutResult{}, 0, err
	}
	return res, id, nil
}

// Published implements accord.ObservationOutbox.
func (s *ObservationStore) Published(ctx context.Context, id int64) (err error) {
	defer s.db.wrap(&err, "forgetting the pending record %d", id)
	_, err = s.db.db.ExecContext(ctx, `DELETE FROM outbox WHERE id = ?`, id)
	return err
}

// Pending implements accord.ObservationOutbox. The records are read
// first, then handed to f: f may call Published.
func (s *ObservationStore) Pending(ctx context.Context, node string, f func(accord.PendingRecord) error) (err error) {
	type record struct {
		id    int64
		keys  []byte
		at    sql.NullString
		state []byte
	}
	var recs []record
	err = func() (err error) {
		defer s.db.wrap(&err, "reading node %q's pending records", node)
		rows, err := s.db.db.QueryContext(ctx, `SELECT id, keys, stored_at, state FROM outbox WHERE node = ? ORDER BY id`, node)
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
	}()
	if err != nil {
		return err
	}
	for _, r := range recs {
		rec := accord.PendingRecord{ID: r.id, State: r.state} // nil: NULL, kept without state or before migration 0008
		if rec.Keys, err = accord.DecodeOutboxKeys(r.keys); err != nil {
			return fmt.Errorf("sqlite %s: table outbox, row %d: %w", s.db.path, r.id, err)
		}
		if r.at.Valid { // NULL: kept before migration 0007
			if rec.StoredAt, err = time.Parse(time.RFC3339Nano, r.at.String); err != nil {
				return fmt.Errorf("sqlite %s: table outbox, row %d: stored_at %q: %w", s.db.path, r.id, r.at.String, err)
			}
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
	rows, err := s.db.db.QueryContext(ctx, `SELECT node, COUNT(*) FROM outbox GROUP BY node`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var node string
		var n int
		if err := rows.Scan(&node, &n); err != nil {
			return nil, err
		}
		out[node] = n
	}
	return out, rows.Err()
}

// addedKeys is the keys of batch[i] where added[i], in order, as the
// outbox keeps them (accord.EncodeOutboxKeys).
func addedKeys(batch []accord.Observation, added []bool) ([]byte, error) {
	var keys []accord.ObservationKey
	for i := range batch {
		if added[i] {
			keys = append(keys, batch[i].Key())
		}
	}
	return accord.EncodeOutboxKeys(keys)
}
