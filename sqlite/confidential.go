package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/accord-peace/accord"
)

// ConfidentialStore keeps the negotiation's confidential content — the
// parties' positions, answers and requests — encrypted, by the commitment
// the ledger holds (the durable database: the negotiations are restored
// from it).
type ConfidentialStore struct{ db *DB }

// NewConfidentialStore returns the confidential store of a database.
func NewConfidentialStore(db *DB) *ConfidentialStore { return &ConfidentialStore{db: db} }

// PutConfidential stores ciphertexts by commitment in one transaction; a
// commitment already stored is left as it is.
func (s *ConfidentialStore) PutConfidential(ctx context.Context, commitment string, ciphertext []byte) error {
	_, err := s.db.db.ExecContext(ctx, `INSERT INTO confidential (commitment, ciphertext) VALUES (?, ?) ON CONFLICT (commitment) DO NOTHING`, commitment, ciphertext)
	if err != nil {
		return fmt.Errorf("%s: storing confidential content %s: %w", s.db.path, commitment, err)
	}
	return nil
}

// Confidential returns the ciphertext stored for a commitment; ENOTFOUND
// when none is.
func (s *ConfidentialStore) Confidential(ctx context.Context, commitment string) ([]byte, error) {
	var b []byte
	err := s.db.db.QueryRowContext(ctx, `SELECT ciphertext FROM confidential WHERE commitment = ?`, commitment).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, accord.Errorf(accord.ENOTFOUND, "no confidential content %q", commitment)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: reading confidential content %s: %w", s.db.path, commitment, err)
	}
	return b, nil
}
