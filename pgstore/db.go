// Package pgstore is accord's PostgreSQL store (github.com/jackc/pgx/v5):
// the same stores as package sqlite — monitor.ObservationStore,
// monitor.IncidentStore, accord.SealedStore and the mediation's
// confidential store — with the same behaviour, passing the same
// conformance suites (monitor/monitortest, storetest). Numbered migrations
// are embedded in the binary, applied once each under an advisory lock and
// recorded in the table migrations. Where the PostGIS extension is
// available, migration 0005 adds a GiST-indexed point to the incidents and
// their bounding-box filter runs on it; without PostGIS the same filter is
// the plain SQL comparison of longitude and latitude. Large batches of
// observations are sent with COPY. See docs/postgres.md.
package pgstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/internal/redact"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is an open PostgreSQL database.
type DB struct {
	pool    *pgxpool.Pool
	name    string // the URL without its password, for errors
	postgis bool
	retry   Retry
	log     *slog.Logger
	obsMu   sync.Mutex
	obs     Observer
	retries atomic.Int64
}

// Redact returns a database URL without its password.
func Redact(raw string) string { return redact.URL(raw) }

// Open connects to the database at a postgres:// URL and brings its schema
// up to date. A server that cannot be reached is an error naming the URL
// (without its password), what failed and how to fix it. A connection
// lost later is retried within DefaultRetry (OpenWith sets another bound).
func Open(ctx context.Context, rawURL string) (*DB, error) {
	return OpenWith(ctx, rawURL, Options{})
}

// DefaultConnectTimeout bounds a connection's making — the dial, TLS and
// the start-up exchange — when the URL sets no connect_timeout: without it
// a port that takes the connection and never answers (a wedged server, a
// proxy whose backend is gone) holds a start without a word until it is
// killed.
const DefaultConnectTimeout = 10 * time.Second

// OpenWith is Open with options: the retry bound, the logger, the
// observer of the retries.
func OpenWith(ctx context.Context, rawURL string, o Options) (*DB, error) {
	name := Redact(rawURL)
	cfg, err := parseConfig(name, rawURL)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres %s: %w", name, err)
	}
	d := &DB{pool: pool, name: name, retry: o.Retry.orDefault(), log: o.Logger, obs: o.Observer}
	if d.log == nil {
		d.log = slog.Default()
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, unreachable(ctx, name, cfg.ConnConfig, err)
	}
	if err := d.migrate(ctx); err != nil {
		err = migrateError(ctx, pool, name, cfg.ConnConfig, err)
		pool.Close()
		return nil, err
	}
	return d, nil
}

// Check connects to the database at a postgres:// URL once, as Open
// would, and closes the connection: nothing is migrated ('accord config
// check --connect'). Its errors are Open's, word for word.
func Check(ctx context.Context, rawURL string) error {
	name := Redact(rawURL)
	cfg, err := parseConfig(name, rawURL)
	if err != nil {
		return err
	}
	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
	if err == nil {
		err = conn.Ping(ctx)
	}
	if err != nil {
		if conn != nil {
			conn.Close(context.WithoutCancel(ctx))
		}
		return unreachable(ctx, name, cfg.ConnConfig, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	// What migrate does first, rolled back: a user that may not make or
	// read the table of migrations is refused here as at a start.
	errRollback := errors.New("rolled back")
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, createMigrations); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT count(*) FROM migrations`); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		return migrateError(ctx, conn, name, cfg.ConnConfig, err)
	}
	return nil
}

// parseConfig parses a URL as the pool does (its own settings,
// pool_max_conns and the like, checked), with DefaultConnectTimeout when
// the URL sets none.
func parseConfig(name, rawURL string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return nil, &accord.Error{Code: accord.EINVALID, Err: fmt.Errorf("postgres %s: not a PostgreSQL URL (want postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable]): %w", name, err)}
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = DefaultConnectTimeout
	}
	return cfg, nil
}

// unreachable says which server could not be reached, as whom, for which
// database, and what to check: the deployment's configuration or the
// server's state, not a bug (EINVALID, as an unreachable NATS).
func unreachable(ctx context.Context, name string, cc *pgx.ConnConfig, err error) error {
	// No database in the URL: PostgreSQL takes the user's name.
	db, which := cc.Database, ""
	if db == "" {
		db, which = cc.User, " (the URL names none: PostgreSQL takes the user's name)"
	}
	if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		// Our bound, not the caller's: something takes connections
		// there and does not speak.
		err = fmt.Errorf("it did not answer within %v (connect_timeout in the URL sets another bound): %w", cc.ConnectTimeout, err)
	}
	return &accord.Error{Code: accord.EINVALID, Err: fmt.Errorf("postgres %s: cannot connect to %s:%d as %q to database %q%s: %w; check that the server runs and accepts connections there (pg_isready -h %s -p %d), that the user and password are right and that the database exists (createdb %s)",
		name, cc.Host, cc.Port, cc.User, db, which, err, cc.Host, cc.Port, db)}
}

// migrateError says why the schema could not be brought up to date. A
// server that takes no writes, a user short of a privilege is the deployment's configuration, said with
// what fixes it (EINVALID), not a bug: accord makes its tables and
// migrates them at every start, so its user must be able to create in the
// schema (PostgreSQL 15 lets only the database's owner) and own what it
// finds there.
func migrateError(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, name string, cc *pgx.ConnConfig, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "25006" {
		// read_only_sql_transaction: a hot standby, a replica's address.
		return &accord.Error{Code: accord.EINVALID, Err: fmt.Errorf("postgres %s: the database %q at %s:%d takes no writes (a standby, a read-only replica, or default_transaction_read_only on): %w; give --store the primary's address", name, cc.Database, cc.Host, cc.Port, err)}
	}
	if !errors.As(err, &pe) || pe.Code != "42501" {
		return fmt.Errorf("postgres %s: migrating the schema: %w", name, err)
	}
	schema := "public"
	q.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema)
	user := pgx.Identifier{cc.User}.Sanitize()
	fix := fmt.Sprintf("grant it the right (psql -d %s -c 'GRANT CREATE ON SCHEMA %s TO %s') or make it the database's owner", cc.Database, schema, user)
	what := fmt.Sprintf("may not create tables in the database %q (schema %s), where accord makes its tables and migrates them at every start", cc.Database, schema)
	if !strings.Contains(pe.Message, "schema") {
		what = fmt.Sprintf("may not use accord's tables in the database %q (schema %s), made by another user: accord migrates them at every start", cc.Database, schema)
		fix = "start the server as the user that made them, or give them to this one (ALTER TABLE ... OWNER TO " + user + ")"
	}
	return &accord.Error{Code: accord.EINVALID, Err: fmt.Errorf("postgres %s: the user %q %s: %w; %s", name, cc.User, what, err, fix)}
}

// PostGIS reports whether the incidents' spatial filter runs on PostGIS.
func (d *DB) PostGIS() bool { return d.postgis }

// Close closes the connections.
func (d *DB) Close() error { d.pool.Close(); return nil }

// wrap names the database and what was being done in an error that is not
// the domain's own (a refusal, a thing not found).
func (d *DB) wrap(err *error, what string, args ...any) {
	var ae *accord.Error
	if *err == nil || errors.As(*err, &ae) {
		return
	}
	*err = fmt.Errorf("postgres %s: %s: %w", d.name, fmt.Sprintf(what, args...), *err)
}

// createMigrations makes the table of the migrations applied.
const createMigrations = `CREATE TABLE IF NOT EXISTS migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`

// migrationLock is the advisory lock key that serialises migrations of
// servers opening the same database at once.
const migrationLock = 0x61636364 // "accd"

// migrate applies the embedded migrations not yet applied, in order, each
// in its own transaction; 0005_postgis only where PostGIS is available.
func (d *DB) migrate(ctx context.Context) error {
	c, err := d.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer c.Release()
	if _, err := c.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return err
	}
	defer c.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLock)
	if _, err := c.Exec(ctx, createMigrations); err != nil {
		return err
	}
	var available int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'`).Scan(&available); err != nil {
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
		postgis := strings.HasSuffix(base, "_postgis.sql")
		var n int
		if err := c.QueryRow(ctx, `SELECT count(*) FROM migrations WHERE version = $1`, v).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			d.postgis = d.postgis || postgis
			continue
		}
		if postgis && available == 0 {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		err = pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, string(body)); err != nil {
				return fmt.Errorf("migration %s: %w", base, err)
			}
			_, err := tx.Exec(ctx, `INSERT INTO migrations (version, name) VALUES ($1, $2)`, v, base)
			return err
		})
		var pe *pgconn.PgError
		if postgis && errors.As(err, &pe) && pe.Code == "42501" {
			// PostGIS is installed but this user may not create the
			// extension: the plain SQL filter, until a superuser runs
			// CREATE EXTENSION postgis and the store is opened again.
			continue
		}
		if err != nil {
			return err
		}
		d.postgis = d.postgis || postgis
	}
	return nil
}
