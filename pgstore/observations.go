package pgstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/accord-peace/accord"
)

// ObservationStore keeps observations in PostgreSQL.
type ObservationStore struct{ db *DB }

var _ accord.ObservationStore = (*ObservationStore)(nil)

// NewObservationStore returns the observation store of a database.
func NewObservationStore(db *DB) *ObservationStore { return &ObservationStore{db: db} }

// beforeCommit runs in the transaction that inserts a batch's new keys
// (those of rows in added), before its commit (PutPending).
type beforeCommit func(ctx context.Context, tx pgx.Tx, rows []row, added map[accord.ObservationKey]bool, token [16]byte) error

// CopyThreshold is the number of new keys in a batch from which Put sends
// them with COPY into a temporary table (one round trip, no per-row
// parameters) rather than as arrays of one INSERT.
const CopyThreshold = 64

type row struct {
	i       int
	source  string
	id      string
	digest  [32]byte
	at      time.Time
	feature []byte
}

// Put implements accord.ObservationStore in one transaction. The batch's
// own repeats are resolved before it is sent; its new keys are inserted in
// the batch's order (ON CONFLICT DO NOTHING), and the digests of the keys
// already stored are compared. Two batches that meet on the same keys in
// another order may deadlock in PostgreSQL: the one aborted is retried.
func (s *ObservationStore) Put(ctx context.Context, batch []accord.Observation) (res accord.PutResult, err error) {
	defer s.db.wrap(&err, "storing a batch of %d observations", len(batch))
	return s.put(ctx, batch, nil)
}

// put is Put; before, when not nil (the outbox's PutPending), runs in the
// transaction that inserts the batch's new keys (those of rows in added),
// before its commit; it is not called when the batch has no key to
// insert.
func (s *ObservationStore) put(ctx context.Context, batch []accord.Observation, before beforeCommit) (res accord.PutResult, err error) {
	type seen struct {
		digest [32]byte
	}
	first := make(map[accord.ObservationKey]seen, len(batch))
	res.New = make([]bool, len(batch))
	rows := make([]row, 0, len(batch))
	var inBatch accord.Conflicts
	for i := range batch {
		o := &batch[i]
		feature, err := o.MarshalJSON()
		if err != nil {
			return accord.PutResult{}, err
		}
		d := accord.DigestOf(feature)
		k := o.Key()
		if f, ok := first[k]; ok {
			if f.digest != d {
				inBatch = append(inBatch, accord.Conflict{Index: i, Key: k})
			}
			res.Duplicates++
			continue
		}
		first[k] = seen{d}
		rows = append(rows, row{i: i, source: k.Source, id: k.ID, digest: d, at: o.ObservedAt.UTC(), feature: feature})
	}
	// The batch's token marks its rows: an attempt whose commit was lost
	// with its connection (done on the server, never acknowledged) is
	// found by the next attempt as rows of this batch, counted as added,
	// not as resends; nothing is stored twice (the key is unique) and
	// nothing half (one transaction).
	var token [16]byte
	rand.Read(token[:])
	var added map[accord.ObservationKey]bool
	err = s.db.do(ctx, "observations", "put", func(ctx context.Context) error {
		for attempt := 0; ; attempt++ {
			added, err = s.insert(ctx, rows, token, before, inBatch)
			var pe *pgconn.PgError
			if attempt < 5 && errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001") {
				continue
			}
			return err
		}
	})
	if err != nil {
		return accord.PutResult{}, err
	}
	for _, r := range rows {
		if added[accord.ObservationKey{Source: r.source, ID: r.id}] {
			res.New[r.i] = true
			res.Added++
		} else {
			res.Duplicates++
		}
	}
	return res, nil
}

// insert stores the rows not stored yet in one transaction and returns
// their keys; a stored key with another digest refuses all, as do the
// batch's own conflicts (inBatch: a key given twice with other content),
// listed with the stored ones. before, when not nil, runs in the
// transaction after them.
func (s *ObservationStore) insert(ctx context.Context, rows []row, token [16]byte, before beforeCommit, inBatch accord.Conflicts) (map[accord.ObservationKey]bool, error) {
	added := make(map[accord.ObservationKey]bool, len(rows))
	if len(rows) == 0 {
		return added, nil
	}
	err := pgx.BeginFunc(ctx, s.db.pool, func(tx pgx.Tx) error {
		err := s.insertRows(ctx, tx, rows, token, added)
		if len(inBatch) > 0 {
			var stored accord.Conflicts
			if err != nil && !errors.As(err, &stored) {
				return err
			}
			return accord.ConflictError(append(slices.Clone(inBatch), stored...))
		}
		if err != nil || before == nil {
			return err
		}
		return before(ctx, tx, rows, added, token)
	})
	return added, err
}

// insertRows is insert's work in its transaction: added is filled with
// the keys this batch stored.
func (s *ObservationStore) insertRows(ctx context.Context, tx pgx.Tx, rows []row, token [16]byte, added map[accord.ObservationKey]bool) error {
	var ins pgx.Rows
	var err error
	if len(rows) >= CopyThreshold {
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS observations_staging (i int, source text, id text, digest bytea, observed_at timestamptz, feature bytea) ON COMMIT DELETE ROWS`); err != nil {
			return err
		}
		src := pgx.CopyFromSlice(len(rows), func(j int) ([]any, error) {
			r := &rows[j]
			return []any{int32(j), r.source, r.id, r.digest[:], r.at, r.feature}, nil
		})
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"observations_staging"}, []string{"i", "source", "id", "digest", "observed_at", "feature"}, src); err != nil {
			return fmt.Errorf("COPY: %w", err)
		}
		ins, err = tx.Query(ctx, `INSERT INTO observations (source, id, digest, observed_at, feature, batch)
			SELECT source, id, digest, observed_at, feature, $1 FROM observations_staging ORDER BY i
			ON CONFLICT (source, id) DO NOTHING RETURNING source, id`, token)
	} else {
		src, id, dig, at, feat := make([]string, len(rows)), make([]string, len(rows)), make([][]byte, len(rows)), make([]time.Time, len(rows)), make([][]byte, len(rows))
		for j := range rows {
			r := &rows[j]
			src[j], id[j], dig[j], at[j], feat[j] = r.source, r.id, r.digest[:], r.at, r.feature
		}
		ins, err = tx.Query(ctx, `INSERT INTO observations (source, id, digest, observed_at, feature, batch)
			SELECT s, i, d, t, f, $6 FROM unnest($1::text[], $2::text[], $3::bytea[], $4::timestamptz[], $5::bytea[]) WITH ORDINALITY AS u(s, i, d, t, f, n) ORDER BY n
			ON CONFLICT (source, id) DO NOTHING RETURNING source, id`, src, id, dig, at, feat, token)
	}
	if err != nil {
		return err
	}
	for ins.Next() {
		var k accord.ObservationKey
		if err := ins.Scan(&k.Source, &k.ID); err != nil {
			return err
		}
		added[k] = true
	}
	if err := ins.Err(); err != nil {
		return err
	}
	if len(added) == len(rows) {
		return nil
	}
	// The keys already stored: an exact resend, or a conflict.
	var src, id []string
	type wanted struct {
		digest [32]byte
		i      int // in the batch
	}
	want := map[accord.ObservationKey]wanted{}
	for _, r := range rows {
		k := accord.ObservationKey{Source: r.source, ID: r.id}
		if !added[k] {
			src, id = append(src, r.source), append(id, r.id)
			want[k] = wanted{r.digest, r.i}
		}
	}
	var conflicts accord.Conflicts // every one, not the first alone
	old, err := tx.Query(ctx, `SELECT o.source, o.id, o.digest, o.batch IS NOT DISTINCT FROM $3 FROM observations o JOIN unnest($1::text[], $2::text[]) AS u(s, i) ON o.source = u.s AND o.id = u.i`, src, id, token)
	if err != nil {
		return err
	}
	defer old.Close()
	for old.Next() {
		var k accord.ObservationKey
		var d []byte
		var mine bool
		if err := old.Scan(&k.Source, &k.ID, &d, &mine); err != nil {
			return err
		}
		if w := want[k]; !bytes.Equal(w.digest[:], d) {
			conflicts = append(conflicts, accord.Conflict{Index: w.i, Key: k})
		}
		if mine { // stored by an earlier attempt of this Put, whose commit was not acknowledged
			added[k] = true
		}
		delete(want, k)
	}
	if err := old.Err(); err != nil {
		return err
	}
	if conflicts != nil {
		return accord.ConflictError(conflicts)
	}
	if len(want) > 0 {
		return fmt.Errorf("%d keys neither inserted nor stored", len(want))
	}
	return nil
}

// Get implements accord.ObservationStore.
func (s *ObservationStore) Get(ctx context.Context, k accord.ObservationKey) (_ *accord.Observation, err error) {
	defer s.db.wrap(&err, "reading observation (source %q, id %q)", k.Source, k.ID)
	var feature []byte
	err = s.db.do(ctx, "observations", "get", func(ctx context.Context) error {
		return s.db.pool.QueryRow(ctx, `SELECT feature FROM observations WHERE source = $1 AND id = $2`, k.Source, k.ID).Scan(&feature)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, accord.Errorf(accord.ENOTFOUND, "no observation (source %q, id %q)", k.Source, k.ID)
	}
	if err != nil {
		return nil, err
	}
	return accord.DecodeObservation(feature)
}

// Len implements accord.ObservationStore.
func (s *ObservationStore) Len(ctx context.Context) (n int, err error) {
	defer s.db.wrap(&err, "counting the observations")
	err = s.db.do(ctx, "observations", "len", func(ctx context.Context) error {
		return s.db.pool.QueryRow(ctx, `SELECT count(*) FROM observations`).Scan(&n)
	})
	return n, err
}

// callbackError is an error of All's caller: never retried.
type callbackError struct{ err error }

func (e callbackError) Error() string { return e.err.Error() }

// All implements accord.ObservationStore, in the order stored. A
// connection lost in the middle resumes after the last row handed to f.
func (s *ObservationStore) All(ctx context.Context, f func(*accord.Observation) error) error {
	var ord int64
	err := s.db.do(ctx, "observations", "all", func(ctx context.Context) error {
		rows, err := s.db.pool.Query(ctx, `SELECT ord, feature FROM observations WHERE ord > $1 ORDER BY ord`, ord)
		if err != nil {
			return fmt.Errorf("postgres %s: reading the observations: %w", s.db.name, err)
		}
		defer rows.Close()
		for rows.Next() {
			var at int64
			var feature []byte
			if err := rows.Scan(&at, &feature); err != nil {
				return fmt.Errorf("postgres %s: reading the observations, after row %d: %w", s.db.name, ord, err)
			}
			o, err := accord.DecodeObservation(feature)
			if err != nil {
				return callbackError{fmt.Errorf("postgres %s: table observations, row %d: the stored feature does not decode: %w", s.db.name, at, err)}
			}
			if err := f(o); err != nil {
				return callbackError{err}
			}
			ord = at
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("postgres %s: reading the observations, after row %d: %w", s.db.name, ord, err)
		}
		return nil
	})
	if ce, ok := err.(callbackError); ok {
		return ce.err
	}
	return err
}
