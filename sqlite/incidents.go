package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/accord-peace/accord"
)

// IncidentStore keeps incidents in SQLite.
type IncidentStore struct{ db *DB }

var _ accord.IncidentStore = (*IncidentStore)(nil)

// NewIncidentStore returns the incident store of a database.
func NewIncidentStore(db *DB) *IncidentStore { return &IncidentStore{db: db} }

// PutIncidents implements accord.IncidentStore in one transaction.
func (s *IncidentStore) PutIncidents(ctx context.Context, ins []accord.Incident) (err error) {
	defer s.db.wrap(&err, "storing %d incident versions", len(ins))
	if len(ins) == 0 {
		return nil
	}
	tx, err := s.db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	up, err := tx.PrepareContext(ctx, `INSERT INTO incidents (id, state, first_observed, last_observed, closed, body) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET state = excluded.state, first_observed = excluded.first_observed,
		last_observed = excluded.last_observed, closed = excluded.closed, body = excluded.body`)
	if err != nil {
		return err
	}
	defer up.Close()
	var body []byte
	for i := range ins {
		in := &ins[i]
		// json.Marshal's bytes, without reflection; the driver copies
		// them when it binds, so the buffer serves the next incident.
		if body, err = in.AppendJSON(body[:0]); err != nil {
			return err
		}
		closed := 0
		if in.ClosedAt != nil {
			closed = 1
		}
		if _, err := up.ExecContext(ctx, in.ID, in.State, stamp(in.FirstObserved), stamp(in.LastObserved), closed, body); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// stamp is a time as stored: RFC 3339 in UTC with nine fractional digits,
// so that text order is time order.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

// stampable reports whether a time's stamp keeps time order as text: its
// year in UTC has four digits.
func stampable(t time.Time) bool {
	y := t.UTC().Year()
	return y >= 0 && y <= 9999
}

// Incident implements accord.IncidentStore.
func (s *IncidentStore) Incident(ctx context.Context, id string) (_ *accord.Incident, err error) {
	defer s.db.wrap(&err, "reading incident %q", id)
	var body []byte
	err = s.db.db.QueryRowContext(ctx, `SELECT body FROM incidents WHERE id = ?`, id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, accord.Errorf(accord.ENOTFOUND, "no incident %q", id)
	}
	if err != nil {
		return nil, err
	}
	var in accord.Incident
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, err
	}
	return &in, nil
}

// Incidents implements accord.IncidentStore: the state, time and closed
// conditions are applied in SQL, the others to the decoded incidents.
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
	where, args := []string{"ord > ?"}, []any{after}
	// Stamps compare as text only within years 0 to 9999 (UTC): a bound
	// outside (9999-12-31T23:59:59-23:59 is in year 10000) is left to
	// Match.
	if !f.Since.IsZero() && stampable(f.Since) {
		where, args = append(where, "last_observed >= ?"), append(args, stamp(f.Since))
	}
	if !f.Until.IsZero() && stampable(f.Until) {
		where, args = append(where, "first_observed <= ?"), append(args, stamp(f.Until))
	}
	if len(f.States) > 0 {
		where = append(where, "state IN (?"+strings.Repeat(", ?", len(f.States)-1)+")")
		for _, st := range f.States {
			args = append(args, st)
		}
	}
	if f.Closed != nil {
		c := 0
		if *f.Closed {
			c = 1
		}
		where, args = append(where, "closed = ?"), append(args, c)
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT ord, body FROM incidents WHERE `+strings.Join(where, " AND ")+` ORDER BY ord`, args...)
	if err != nil {
		return page, err
	}
	defer rows.Close()
	var last int64
	for rows.Next() {
		var ord int64
		var body []byte
		if err := rows.Scan(&ord, &body); err != nil {
			return page, err
		}
		var in accord.Incident
		if err := json.Unmarshal(body, &in); err != nil {
			return page, err
		}
		if !f.Match(&in) {
			continue
		}
		if len(page.Incidents) == limit {
			page.Next = accord.Cursor(last)
			break
		}
		page.Incidents = append(page.Incidents, in)
		last = ord
	}
	return page, rows.Err()
}
