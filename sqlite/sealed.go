package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/accord-peace/accord"
)

// SealedStore keeps sealed content in SQLite (the durable database: the
// agreement's state is restored from it).
type SealedStore struct{ db *DB }

var _ accord.SealedStore = (*SealedStore)(nil)

// NewSealedStore returns the sealed store of a database.
func NewSealedStore(db *DB) *SealedStore { return &SealedStore{db: db} }

// PutSealed implements accord.SealedStore in one transaction.
func (s *SealedStore) PutSealed(ctx context.Context, sealed []accord.Sealed) (err error) {
	if len(sealed) == 0 {
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
	ins, err := tx.PrepareContext(ctx, `INSERT INTO sealed (sha256, consultation, salt, content) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`)
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, x := range sealed {
		if _, err := ins.ExecContext(ctx, x.SHA256, x.Consultation, x.Salt, []byte(x.Content)); err != nil {
			return fmt.Errorf("%s: storing seal %s: %w", s.db.path, x.SHA256, err)
		}
	}
	return tx.Commit()
}

// Sealed implements accord.SealedStore.
func (s *SealedStore) Sealed(ctx context.Context, sha256 string) (*accord.Sealed, error) {
	x := accord.Sealed{Seal: accord.Seal{SHA256: sha256}}
	var content []byte
	err := s.db.db.QueryRowContext(ctx, `SELECT consultation, salt, content FROM sealed WHERE sha256 = ?`, sha256).Scan(&x.Consultation, &x.Salt, &content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, accord.Errorf(accord.ENOTFOUND, "no sealed content %q", sha256)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: reading seal %s: %w", s.db.path, sha256, err)
	}
	x.Content = content
	return &x, nil
}
