package pgstore

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/accord-peace/accord"
)

// SealedStore keeps sealed content in PostgreSQL.
type SealedStore struct{ db *DB }

var _ accord.SealedStore = (*SealedStore)(nil)

// NewSealedStore returns the sealed store of a database.
func NewSealedStore(db *DB) *SealedStore { return &SealedStore{db: db} }

// PutSealed implements accord.SealedStore in one transaction.
func (s *SealedStore) PutSealed(ctx context.Context, sealed []accord.Sealed) (err error) {
	defer s.db.wrap(&err, "storing %d sealed contents", len(sealed))
	if len(sealed) == 0 {
		return nil
	}
	var b pgx.Batch
	for _, x := range sealed {
		b.Queue(`INSERT INTO sealed (sha256, consultation, salt, content) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING`,
			x.SHA256, x.Consultation, x.Salt, []byte(x.Content))
	}
	// ON CONFLICT DO NOTHING in one transaction: retried whole after a
	// lost connection, it stores nothing twice.
	return s.db.do(ctx, "sealed", "put", func(ctx context.Context) error {
		return pgx.BeginFunc(ctx, s.db.pool, func(tx pgx.Tx) error { return tx.SendBatch(ctx, &b).Close() })
	})
}

// Sealed implements accord.SealedStore.
func (s *SealedStore) Sealed(ctx context.Context, sha256 string) (_ *accord.Sealed, err error) {
	defer s.db.wrap(&err, "reading seal %s", sha256)
	x := accord.Sealed{Seal: accord.Seal{SHA256: sha256}}
	var content []byte
	err = s.db.do(ctx, "sealed", "get", func(ctx context.Context) error {
		return s.db.pool.QueryRow(ctx, `SELECT consultation, salt, content FROM sealed WHERE sha256 = $1`, sha256).Scan(&x.Consultation, &x.Salt, &content)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, accord.Errorf(accord.ENOTFOUND, "no sealed content %q", sha256)
	}
	if err != nil {
		return nil, err
	}
	x.Content = content
	return &x, nil
}

// ConfidentialStore keeps the negotiation's confidential content,
// encrypted, by the commitment the ledger holds (mediation.Store).
type ConfidentialStore struct{ db *DB }

// NewConfidentialStore returns the confidential store of a database.
func NewConfidentialStore(db *DB) *ConfidentialStore { return &ConfidentialStore{db: db} }

// PutConfidential stores a ciphertext by commitment; a commitment already
// stored is left as it is.
func (s *ConfidentialStore) PutConfidential(ctx context.Context, commitment string, ciphertext []byte) (err error) {
	defer s.db.wrap(&err, "storing confidential content %s", commitment)
	return s.db.do(ctx, "confidential", "put", func(ctx context.Context) error {
		_, err := s.db.pool.Exec(ctx, `INSERT INTO confidential (commitment, ciphertext) VALUES ($1, $2) ON CONFLICT (commitment) DO NOTHING`, commitment, ciphertext)
		return err
	})
}

// Confidential returns the ciphertext stored for a commitment; ENOTFOUND
// when none is.
func (s *ConfidentialStore) Confidential(ctx context.Context, commitment string) (_ []byte, err error) {
	defer s.db.wrap(&err, "reading confidential content %s", commitment)
	var b []byte
	err = s.db.do(ctx, "confidential", "get", func(ctx context.Context) error {
		return s.db.pool.QueryRow(ctx, `SELECT ciphertext FROM confidential WHERE commitment = $1`, commitment).Scan(&b)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, accord.Errorf(accord.ENOTFOUND, "no confidential content %q", commitment)
	}
	if err != nil {
		return nil, err
	}
	return b, nil
}
