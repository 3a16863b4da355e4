package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/accord-peace/accord"
)

// ObservationStore keeps observations in SQLite.
type ObservationStore struct{ db *DB }

var (
	_ accord.ObservationStore         = (*ObservationStore)(nil)
	_ accord.UnsyncedObservationStore = (*ObservationStore)(nil)
)

// NewObservationStore returns the store of a database.
func NewObservationStore(db *DB) *ObservationStore { return &ObservationStore{db: db} }

// Put implements accord.ObservationStore in one transaction, one
// statement per observation, on the driver's connection itself: through
// database/sql each statement cost as much again in conversions, locks
// and allocations. Its statements run without the caller's cancellation
// (with it, the driver starts a goroutine and sets a progress handler for
// every statement); a caller cancelled by then is refused before the
// commit, and nothing of the batch is stored.
func (s *ObservationStore) Put(caller context.Context, batch []accord.Observation) (res accord.PutResult, err error) {
	defer s.db.wrap(&err, "storing a batch of %d observations", len(batch))
	ctx := context.WithoutCancel(caller)
	conn, err := s.db.db.Conn(ctx)
	if err != nil {
		return res, err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		res, err = put(ctx, caller, dc, batch, nil)
		return err
	})
	return res, err
}

// put is Put on a connection of the driver. before, when not nil (the
// outbox's PutPending), runs in the transaction once the batch is in,
// before the commit.
func put(ctx, caller context.Context, dc any, batch []accord.Observation, before func(driver.ConnPrepareContext, *accord.PutResult) error) (res accord.PutResult, err error) {
	begin, ok := dc.(driver.ConnBeginTx)
	prepare, ok2 := dc.(driver.ConnPrepareContext)
	if !ok || !ok2 {
		return res, fmt.Errorf("the SQLite driver's connection %T does not begin or prepare with a context", dc)
	}
	tx, err := begin.BeginTx(ctx, driver.TxOptions{})
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
	ins, err := prepare.PrepareContext(ctx, `INSERT INTO observations (source, id, digest, observed_at, feature) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (source, id) DO NOTHING`)
	if err != nil {
		return accord.PutResult{}, err
	}
	defer ins.Close()
	sel, err := prepare.PrepareContext(ctx, `SELECT digest FROM observations WHERE source = ? AND id = ?`)
	if err != nil {
		return accord.PutResult{}, err
	}
	defer sel.Close()
	insert, ok := ins.(driver.StmtExecContext)
	query, ok2 := sel.(driver.StmtQueryContext)
	if !ok || !ok2 {
		return accord.PutResult{}, fmt.Errorf("the SQLite driver's statement %T does not run with a context", ins)
	}
	args := []driver.NamedValue{{Ordinal: 1}, {Ordinal: 2}, {Ordinal: 3}, {Ordinal: 4}, {Ordinal: 5}}
	old := make([]driver.Value, 1)
	res.New = make([]bool, len(batch))
	// One buffer for every feature: the driver copies what it binds.
	var feature []byte
	var conflicts accord.Conflicts // every one, not the first alone
	for i := range batch {
		o := &batch[i]
		if feature, err = o.AppendJSON(feature[:0]); err != nil {
			return accord.PutResult{}, err
		}
		d := accord.DigestOf(feature)
		args[0].Value, args[1].Value, args[2].Value, args[3].Value, args[4].Value = o.Source.ID, o.ID, d[:], o.ObservedAt.UTC().Format(time.RFC3339Nano), feature
		r, err := insert.ExecContext(ctx, args)
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
		rows, err := query.QueryContext(ctx, args[:2])
		if err != nil {
			return accord.PutResult{}, err
		}
		err = rows.Next(old)
		rows.Close()
		if err == io.EOF {
			err = sql.ErrNoRows
		}
		if err != nil {
			return accord.PutResult{}, err
		}
		if b, _ := old[0].([]byte); !bytes.Equal(b, d[:]) {
			conflicts = append(conflicts, accord.Conflict{Index: i, Key: o.Key()})
			continue
		}
		res.Duplicates++
	}
	if conflicts != nil {
		return accord.PutResult{}, accord.ConflictError(conflicts)
	}
	if before != nil {
		if err := before(prepare, &res); err != nil {
			return accord.PutResult{}, err
		}
	}
	if err := caller.Err(); err != nil {
		return accord.PutResult{}, err
	}
	if err := tx.Commit(); err != nil {
		return accord.PutResult{}, err
	}
	return res, nil
}

// PutUnsynced implements accord.UnsyncedObservationStore: Put without
// waiting for the disk (walsync.go); the batch is durable once the wait
// returned nil.
func (s *ObservationStore) PutUnsynced(caller context.Context, batch []accord.Observation) (res accord.PutResult, durable func() error, err error) {
	defer s.db.wrap(&err, "storing a batch of %d observations", len(batch))
	ctx := context.WithoutCancel(caller)
	durable, err = s.db.unsynced(ctx, func(conn *sql.Conn) error {
		return conn.Raw(func(dc any) error {
			res, err = put(ctx, caller, dc, batch, nil)
			return err
		})
	})
	if err != nil {
		return accord.PutResult{}, nil, err
	}
	return res, durable, nil
}

// Get implements accord.ObservationStore.
func (s *ObservationStore) Get(ctx context.Context, k accord.ObservationKey) (_ *accord.Observation, err error) {
	defer s.db.wrap(&err, "reading observation (source %q, id %q)", k.Source, k.ID)
	var feature []byte
	err = s.db.db.QueryRowContext(ctx, `SELECT feature FROM observations WHERE source = ? AND id = ?`, k.Source, k.ID).Scan(&feature)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, accord.Errorf(accord.ENOTFOUND, "no observation (source %q, id %q)", k.Source, k.ID)
	}
	if err != nil {
		return nil, err
	}
	return accord.DecodeObservation(feature)
}

// Len implements accord.ObservationStore.
func (s *ObservationStore) Len(ctx context.Context) (int, error) {
	var n int
	err := s.db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM observations`).Scan(&n)
	return n, err
}

// All implements accord.ObservationStore.
func (s *ObservationStore) All(ctx context.Context, f func(*accord.Observation) error) error {
	var row int64
	rows, err := s.db.db.QueryContext(ctx, `SELECT rowid, feature FROM observations ORDER BY rowid`)
	if err != nil {
		return fmt.Errorf("sqlite %s: reading the observations: %w", s.db.path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var feature []byte
		if err := rows.Scan(&row, &feature); err != nil {
			return fmt.Errorf("sqlite %s: reading the observations, after row %d: %w", s.db.path, row, err)
		}
		o, err := accord.DecodeObservation(feature)
		if err != nil {
			return fmt.Errorf("sqlite %s: table observations, row %d: the stored feature does not decode: %w", s.db.path, row, err)
		}
		if err := f(o); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite %s: reading the observations, after row %d: %w", s.db.path, row, err)
	}
	return nil
}
