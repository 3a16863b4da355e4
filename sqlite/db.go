package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	sqlitedriver "modernc.org/sqlite" // the database/sql driver "sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/accord-peace/accord"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is an open database.
type DB struct {
	db   *sql.DB
	path string // for errors
	// syncer syncs the WAL for the writes made without sync (walsync.go);
	// nil for a database not opened by Open.
	syncer *walSyncer
}

// Open opens (or creates) the database file and brings its schema up to
// date. Writes are durable when they return: WAL with synchronous=FULL,
// through the VFS that writes a commit's frames in one system call
// (walVFSName).
func Open(ctx context.Context, path string) (*DB, error) {
	if err := registerWALVFS(); err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	d, err := open(ctx, path, "FULL", walVFSName, walCheckpointPages)
	if err != nil {
		return nil, err
	}
	d.syncer = newWALSyncer(path)
	return d, nil
}

// walCheckpointPages is the length of the durable database's WAL, in
// pages, at which a commit copies it into the database file (SQLite's
// default is 1000). The pages of the key index that every commit
// rewrites are copied once a checkpoint: at 4000 pages (a WAL of 16 MiB)
// Put costs about 7% less CPU than at 1000.
const walCheckpointPages = 4000

// OpenDerived opens a database for data its owner rebuilds from durable
// stores when it starts (the mission's incidents, rebuilt from the stored
// observations and the ledger): commits are atomic but not fsynced (WAL
// with synchronous=NORMAL), so they cost no disk flush; a crash may lose the
// last of them, never corrupt the file.
func OpenDerived(ctx context.Context, path string) (*DB, error) {
	return open(ctx, path, "NORMAL", "", 0)
}

// open opens a database with a synchronous setting, through a VFS (the
// default when ""), checkpointing at a WAL of checkpoint pages (SQLite's
// default when 0).
func open(ctx context.Context, path, synchronous, vfs string, checkpoint int) (*DB, error) {
	dsn := "file:" + uriPath(path) + "?_pragma=journal_mode(WAL)&_pragma=synchronous(" + synchronous + ")&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)"
	if vfs != "" {
		dsn += "&vfs=" + vfs
	}
	if checkpoint != 0 {
		dsn += "&_pragma=wal_autocheckpoint(" + strconv.Itoa(checkpoint) + ")"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // one writer; SQLite serialises writes anyway
	d := &DB{db: db, path: path}
	if err := d.migrate(ctx); err != nil {
		db.Close()
		return nil, openError(path, err)
	}
	return d, nil
}

// uriPath escapes a file's path for a file: URI, where ? starts the
// parameters, # a fragment and % an escape: a data directory named
// "mission#2" opened "mission" before.
func uriPath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// openError is an error opening the database at path: the file's own
// state (damaged, not a database, not readable or writable) is the
// operator's to mend (EINVALID), said with what to do; anything else is
// named with the file.
func openError(path string, err error) error {
	var se *sqlitedriver.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return &accord.Error{Code: accord.EINVALID, Message: fmt.Sprintf("sqlite: %s: %v; the file is damaged or not accord's: restore it from a backup, or move it away for accord to start afresh (what the ledger holds stays in the ledger file)", path, err)}
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH:
			return &accord.Error{Code: accord.EINVALID, Message: fmt.Sprintf("sqlite: %s: %v; the file and its directory (--data) must be ones this user can read and write", path, err)}
		}
	}
	return fmt.Errorf("sqlite: %s: %w", path, err)
}

// wrap names the database file and what was being done in an error that
// is not the domain's own (a refusal, a thing not found), so that damage
// to the file is reported with the file and the row it was met at.
func (d *DB) wrap(err *error, what string, args ...any) {
	var ae *accord.Error
	if *err == nil || errors.As(*err, &ae) {
		return
	}
	*err = fmt.Errorf("sqlite %s: %s: %w", d.path, fmt.Sprintf(what, args...), *err)
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// migrate applies the embedded migrations not yet applied, in order, each
// in its own transaction.
func (d *DB) migrate(ctx context.Context) error {
	if _, err := d.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: not numbered", base)
		}
		var n int
		if err := d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM migrations WHERE version = ?`, v).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := d.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (version) VALUES (?)`, v); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}
