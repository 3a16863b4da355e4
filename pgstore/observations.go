package pgstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
	type seen struct {
		digest [32]byte
	}
	first := make(map[accord.ObservationKey]seen, len(batch))
	res.New = make([]bool, len(batch))
	rows := make([]row, 0, len(batch))
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
				return accord.PutResult{}, conflict(k)
			}
			res.Duplicates++
			continue
		}
		first[k] = seen{d}
		rows = append(rows, row{i: i, source: k.Source, id: k.ID, digest: d, at: o.ObservedAt.UTC(), feature: feature})
	}
	var added map[accord.ObservationKey]bool
	for attempt := 0; ; attempt++ {
		added, err = s.insert(ctx, rows)
		var pe *pgconn.PgError
		if attempt < 5 && errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001") {
			continue
		}
		if err != nil {
			return accord.PutResult{}, err
		}
		break
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

func conflict(k accord.ObservationKey) error {
	return accord.Errorf(accord.EINVALID, "(source %q, id %q) is already stored with different content; nothing of the batch was stored", k.Source, k.ID)
}

// insert stores the rows not stored yet in one transaction and returns
// their keys; a stored key with another digest refuses all.
func (s *ObservationStore) insert(ctx context.Context, rows []row) (map[accord.ObservationKey]bool, error) {
	added := make(map[accord.ObservationKey]bool, len(rows))
	if len(rows) == 0 {
		return added, nil
	}
	err := pgx.BeginFunc(ctx, s.db.pool, func(tx pgx.Tx) error {
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
			ins, err = tx.Query(ctx, `INSERT INTO observations (source, id, digest, observed_at, feature)
				SELECT source, id, digest, observed_at, feature FROM observations_staging ORDER BY i
				ON CONFLICT (source, id) DO NOTHING RETURNING source, id`)
		} else {
			src, id, dig, at, feat := make([]string, len(rows)), make([]string, len(rows)), make([][]byte, len(rows)), make([]time.Time, len(rows)), make([][]byte, len(rows))
			for j := range rows {
				r := &rows[j]
				src[j], id[j], dig[j], at[j], feat[j] = r.source, r.id, r.digest[:], r.at, r.feature
			}
			ins, err = tx.Query(ctx, `INSERT INTO observations (source, id, digest, observed_at, feature)
				SELECT s, i, d, t, f FROM unnest($1::text[], $2::text[], $3::bytea[], $4::timestamptz[], $5::bytea[]) WITH ORDINALITY AS u(s, i, d, t, f, n) ORDER BY n
				ON CONFLICT (source, id) DO NOTHING RETURNING source, id`, src, id, dig, at, feat)
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
		want := map[accord.ObservationKey][32]byte{}
		for _, r := range rows {
			k := accord.ObservationKey{Source: r.source, ID: r.id}
			if !added[k] {
				src, id = append(src, r.source), append(id, r.id)
				want[k] = r.digest
			}
		}
		old, err := tx.Query(ctx, `SELECT o.source, o.id, o.digest FROM observations o JOIN unnest($1::text[], $2::text[]) AS u(s, i) ON o.source = u.s AND o.id = u.i`, src, id)
		if err != nil {
			return err
		}
		defer old.Close()
		for old.Next() {
			var k accord.ObservationKey
			var d []byte
			if err := old.Scan(&k.Source, &k.ID, &d); err != nil {
				return err
			}
			if w := want[k]; !bytes.Equal(w[:], d) {
				return conflict(k)
			}
			delete(want, k)
		}
		if err := old.Err(); err != nil {
			return err
		}
		if len(want) > 0 {
			return fmt.Errorf("%d keys neither inserted nor stored", len(want))
		}
		return nil
	})
	return added, err
}

// Get implements accord.ObservationStore.
func (s *ObservationStore) Get(ctx context.Context, k accord.ObservationKey) (_ *accord.Observation, err error) {
	defer s.db.wrap(&err, "reading observation (source %q, id %q)", k.Source, k.ID)
	var feature []byte
	err = s.db.pool.QueryRow(ctx, `SELECT feature FROM observations WHERE source = $1 AND id = $2`, k.Source, k.ID).Scan(&feature)
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
	err = s.db.pool.QueryRow(ctx, `SELECT count(*) FROM observations`).Scan(&n)
	return n, err
}

// All implements accord.ObservationStore, in the order stored.
func (s *ObservationStore) All(ctx context.Context, f func(*accord.Observation) error) error {
	var ord int64
	rows, err := s.db.pool.Query(ctx, `SELECT ord, feature FROM observations ORDER BY ord`)
	if err != nil {
		return fmt.Errorf("postgres %s: reading the observations: %w", s.db.name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var feature []byte
		if err := rows.Scan(&ord, &feature); err != nil {
			return fmt.Errorf("postgres %s: reading the observations, after row %d: %w", s.db.name, ord, err)
		}
		o, err := accord.DecodeObservation(feature)
		if err != nil {
			return fmt.Errorf("postgres %s: table observations, row %d: the stored feature does not decode: %w", s.db.name, ord, err)
		}
		if err := f(o); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres %s: reading the observations, after row %d: %w", s.db.name, ord, err)
	}
	return nil
}
