package sqlite

import (
	"bytes"
	"context"
	"time"

	"github.com/accord-peace/accord"
)

// putThroughDatabaseSQL is Put as it was before it ran on the driver's
// connection: the same statements through database/sql. The benchmark
// compares the two.
func (s *ObservationStore) putThroughDatabaseSQL(caller context.Context, batch []accord.Observation) (res accord.PutResult, err error) {
	defer s.db.wrap(&err, "storing a batch of %d observations", len(batch))
	ctx := context.WithoutCancel(caller)
	tx, err := s.db.db.BeginTx(ctx, nil)
	if err != nil {
		return res, err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	// Insert first: a new key (the common case) costs one statement; a key
	// already stored, or sent earlier in the batch, is compared by digest.
	ins, err := tx.PrepareContext(ctx, `INSERT INTO observations (source, id, digest, observed_at, feature) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (source, id) DO NOTHING`)
	if err != nil {
		return accord.PutResult{}, err
	}
	defer ins.Close()
	sel, err := tx.PrepareContext(ctx, `SELECT digest FROM observations WHERE source = ? AND id = ?`)
	if err != nil {
		return accord.PutResult{}, err
	}
	defer sel.Close()
	res.New = make([]bool, len(batch))
	var conflicts accord.Conflicts
	for i := range batch {
		o := &batch[i]
		feature, err := o.MarshalJSON()
		if err != nil {
			return accord.PutResult{}, err
		}
		d := accord.DigestOf(feature)
		r, err := ins.ExecContext(ctx, o.Source.ID, o.ID, d[:], o.ObservedAt.UTC().Format(time.RFC3339Nano), feature)
		if err != nil {
			return accord.PutResult{}, err
		}
		if n, err := r.RowsAffected(); err != nil {
			return accord.PutResult{}, err
		} else if n == 1 {
			res.Added++
			res.New[i] = true
			continue
		}
		var old []byte
		if err := sel.QueryRowContext(ctx, o.Source.ID, o.ID).Scan(&old); err != nil {
			return accord.PutResult{}, err
		}
		if !bytes.Equal(old, d[:]) {
			conflicts = append(conflicts, accord.Conflict{Index: i, Key: o.Key()})
			continue
		}
		res.Duplicates++
	}
	if conflicts != nil {
		return accord.PutResult{}, accord.ConflictError(conflicts)
	}
	if err := caller.Err(); err != nil {
		return accord.PutResult{}, err
	}
	if err := tx.Commit(); err != nil {
		return accord.PutResult{}, err
	}
	return res, nil
}
