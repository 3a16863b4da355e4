package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/accord-peace/accord"
)

// IncidentStore keeps incidents in PostgreSQL.
type IncidentStore struct{ db *DB }

var _ accord.IncidentStore = (*IncidentStore)(nil)

// NewIncidentStore returns the incident store of a database.
func NewIncidentStore(db *DB) *IncidentStore { return &IncidentStore{db: db} }

// PutIncidents implements accord.IncidentStore in one transaction: a new
// incident takes the next place in the order, a new version of one keeps
// its place.
func (s *IncidentStore) PutIncidents(ctx context.Context, ins []accord.Incident) (err error) {
	defer s.db.wrap(&err, "storing %d incident versions", len(ins))
	if len(ins) == 0 {
		return nil
	}
	var b pgx.Batch
	for i := range ins {
		in := &ins[i]
		body, err := json.Marshal(in)
		if err != nil {
			return err
		}
		zones := in.Zones
		if zones == nil {
			zones = []string{}
		}
		b.Queue(`INSERT INTO incidents (id, state, first_observed, last_observed, closed, lon, lat, zones, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (id) DO UPDATE SET state = excluded.state, first_observed = excluded.first_observed, last_observed = excluded.last_observed,
			closed = excluded.closed, lon = excluded.lon, lat = excluded.lat, zones = excluded.zones, body = excluded.body`,
			in.ID, in.State, in.FirstObserved, in.LastObserved, in.ClosedAt != nil, in.Location[0], in.Location[1], zones, body)
	}
	// An upsert per version, all in one transaction: retried whole after
	// a lost connection, it stores the same versions again.
	return s.db.do(ctx, "incidents", "put", func(ctx context.Context) error {
		return pgx.BeginFunc(ctx, s.db.pool, func(tx pgx.Tx) error { return tx.SendBatch(ctx, &b).Close() })
	})
}

// Incident implements accord.IncidentStore.
func (s *IncidentStore) Incident(ctx context.Context, id string) (_ *accord.Incident, err error) {
	defer s.db.wrap(&err, "reading incident %q", id)
	var body []byte
	err = s.db.do(ctx, "incidents", "get", func(ctx context.Context) error {
		return s.db.pool.QueryRow(ctx, `SELECT body FROM incidents WHERE id = $1`, id).Scan(&body)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, accord.Errorf(accord.ENOTFOUND, "no incident %q", id)
	}
	if err != nil {
		return nil, err
	}
	var in accord.Incident
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, fmt.Errorf("table incidents, incident %q: the stored body does not decode: %w", id, err)
	}
	return &in, nil
}

// Incidents implements accord.IncidentStore. The time, state, closed, zone
// and bounding-box conditions are applied in SQL — the bounding box on the
// GiST-indexed PostGIS point where PostGIS is available, else comparing
// longitude and latitude — and the filter's Match then decides on the
// decoded incidents (the party and violation conditions, and exactly as
// every store does: the SQL conditions only narrow what is read).
func (s *IncidentStore) Incidents(ctx context.Context, q accord.IncidentQuery) (_ accord.IncidentPage, err error) {
	defer s.db.wrap(&err, "listing incidents")
	page := accord.IncidentPage{Incidents: []accord.Incident{}}
	limit, err := q.PageSize()
	if err != nil {
		return page, err
	}
	after, err := accord.ParseCursor(q.After)
	if err != nil {
		return page, err
	}
	f := q.Filter
	args := []any{after}
	where := []string{"ord > $1"}
	cond := func(c string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(c, "?", fmt.Sprintf("$%d", len(args))))
	}
	if !f.Since.IsZero() {
		cond("last_observed >= ?", f.Since)
	}
	if !f.Until.IsZero() {
		cond("first_observed <= ?", f.Until)
	}
	if len(f.States) > 0 {
		cond("state = ANY(?)", f.States)
	}
	if f.Closed != nil {
		cond("closed = ?", *f.Closed)
	}
	if f.Zone != "" {
		cond("zones @> ARRAY[?]::text[]", f.Zone)
	}
	if b := f.BBox; b != nil {
		if s.db.postgis {
			args = append(args, b[0], b[1], b[2], b[3])
			n := len(args)
			where = append(where, fmt.Sprintf("geom && ST_MakeEnvelope($%d, $%d, $%d, $%d, 4326)", n-3, n-2, n-1, n))
		} else {
			cond("lon >= ?", b[0])
			cond("lat >= ?", b[1])
			cond("lon <= ?", b[2])
			cond("lat <= ?", b[3])
		}
	}
	// Read in chunks of one page and one more row (what decides whether
	// there is a next page when SQL decides the whole filter); a chunk
	// that Match thins out is followed by the next, from the last row read.
	args = append(args, limit+1)
	sql := `SELECT ord, body FROM incidents WHERE ` + strings.Join(where, " AND ") + fmt.Sprintf(` ORDER BY ord LIMIT $%d`, len(args))
	var last int64
	for {
		var n int
		from, had, lastHad := args[0], len(page.Incidents), last
		err := s.db.do(ctx, "incidents", "list", func(ctx context.Context) error {
			// A chunk read again after a lost connection starts where it did.
			args[0], page.Next, page.Incidents, last = from, "", page.Incidents[:had], lastHad
			var err error
			n, err = s.chunk(ctx, sql, args, func(ord int64, in *accord.Incident) bool {
				args[0] = ord
				if !f.Match(in) {
					return true
				}
				if len(page.Incidents) == limit {
					page.Next = accord.Cursor(last)
					return false
				}
				page.Incidents = append(page.Incidents, *in)
				last = ord
				return true
			})
			return err
		})
		if err != nil || page.Next != "" || n <= limit {
			return page, err
		}
	}
}

// chunk runs one listing query and calls f with each row read until f
// returns false; it returns the number of rows read.
func (s *IncidentStore) chunk(ctx context.Context, sql string, args []any, f func(ord int64, in *accord.Incident) bool) (n int, err error) {
	rows, err := s.db.pool.Query(ctx, sql, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	for rows.Next() {
		n++
		var ord int64
		var body []byte
		if err := rows.Scan(&ord, &body); err != nil {
			return n, err
		}
		var in accord.Incident
		if err := json.Unmarshal(body, &in); err != nil {
			return n, fmt.Errorf("table incidents, row %d: the stored body does not decode: %w", ord, err)
		}
		if !f(ord, &in) {
			return n, nil
		}
	}
	return n, rows.Err()
}
