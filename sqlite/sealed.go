package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/accord-peace/accord"
)

// SealedStore keeps sealed content in SQLite (the durable database: the
// agreement's state is restored from it).
type SealedStore struct {
	db *DB
	// rows are the statements inserting rowSizes[i] whole seals, prepared
	// once (putRows).
	prepare sync.Once
	rows    [len(rowSizes)]*sql.Stmt
	err     error
}

var (
	_ accord.SealedStore         = (*SealedStore)(nil)
	_ accord.UnsyncedSealedStore = (*SealedStore)(nil)
)

// NewSealedStore returns the sealed store of a database.
func NewSealedStore(db *DB) *SealedStore { return &SealedStore{db: db} }

// PutSealed implements accord.SealedStore in one transaction. Seals with
// salt and content, as accord.NewSealed makes them, are inserted up to 64
// a statement (putRows); otherwise one a statement, and a seal without is
// refused by the table's NOT NULL, named.
func (s *SealedStore) PutSealed(ctx context.Context, sealed []accord.Sealed) (err error) {
	if len(sealed) == 0 {
		return nil
	}
	s.prepareRows(ctx) // before the transaction takes the connection
	return s.put(ctx, s.db.db.BeginTx, sealed)
}

// PutSealedUnsynced implements accord.UnsyncedSealedStore: PutSealed
// without waiting for the disk (walsync.go); the seals are durable once
// the wait returned nil.
func (s *SealedStore) PutSealedUnsynced(ctx context.Context, sealed []accord.Sealed) (durable func() error, err error) {
	if len(sealed) == 0 {
		return func() error { return nil }, nil
	}
	s.prepareRows(ctx)
	return s.db.unsynced(ctx, func(conn *sql.Conn) error { return s.put(ctx, conn.BeginTx, sealed) })
}

// put puts seals in one transaction begun by begin.
func (s *SealedStore) put(ctx context.Context, begin func(context.Context, *sql.TxOptions) (*sql.Tx, error), sealed []accord.Sealed) (err error) {
	tx, err := begin(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if whole(sealed) {
		err = s.putRows(ctx, tx, sealed)
	} else {
		err = s.putEach(ctx, tx, sealed)
	}
	if err != nil {
		return err
	}
	return tx.Commit()
}

// whole reports whether every seal has salt and content: then no row of a
// statement can break a constraint, and "OR IGNORE" ignores only a seal
// stored already (the primary key), as "ON CONFLICT DO NOTHING" does.
func whole(sealed []accord.Sealed) bool {
	for i := range sealed {
		if len(sealed[i].Salt) == 0 || len(sealed[i].Content) == 0 {
			return false
		}
	}
	return true
}

// rowSizes are the numbers of seals a statement of putRows inserts, the
// largest first (4 variables each).
var rowSizes = [...]int{64, 16, 4, 1}

// putRows inserts whole seals, as many a statement as rowSizes allow.
// Such a statement cannot fail on a constraint, so SQLite keeps no
// statement journal for it (it would for a statement of several rows that
// could, writing a temporary file). A statement that fails all the same
// names its first seal.
func (s *SealedStore) putRows(ctx context.Context, tx *sql.Tx, sealed []accord.Sealed) error {
	if s.err != nil {
		return s.putEach(ctx, tx, sealed)
	}
	args := make([]any, 0, 4*rowSizes[0])
	for i, n := range rowSizes {
		for len(sealed) >= n {
			chunk := sealed[:n]
			sealed = sealed[n:]
			args = args[:0]
			for _, x := range chunk {
				args = append(args, x.SHA256, x.Consultation, x.Salt, []byte(x.Content))
			}
			if _, err := tx.StmtContext(ctx, s.rows[i]).ExecContext(ctx, args...); err != nil {
				// Not a constraint (an I/O error, say): SQLite may have
				// rolled the transaction back, so nothing is retried in it.
				return fmt.Errorf("%s: storing seal %s: %w", s.db.path, chunk[0].SHA256, err)
			}
		}
	}
	return nil
}

// prepareRows prepares putRows's statements, once; if that fails, putRows
// inserts one seal a statement.
func (s *SealedStore) prepareRows(ctx context.Context) {
	s.prepare.Do(func() {
		for i, n := range rowSizes {
			if s.rows[i], s.err = s.db.db.PrepareContext(context.WithoutCancel(ctx), insertRows(n)); s.err != nil {
				return
			}
		}
	})
}

// insertRows is the statement inserting n whole seals.
func insertRows(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT OR IGNORE INTO sealed (sha256, consultation, salt, content) VALUES (?, ?, ?, ?)`)
	for range n - 1 {
		b.WriteString(`, (?, ?, ?, ?)`)
	}
	return b.String()
}

// putEach inserts seals one statement each, naming the seal that fails.
func (s *SealedStore) putEach(ctx context.Context, tx *sql.Tx, sealed []accord.Sealed) error {
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
	return nil
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
