// Package local is the embedded deployment of a mission: one data
// directory holding the SQLite store of observations (accord.db, durable),
// the SQLite store of incidents (incidents.db, rebuilt from the
// observations and the ledger at every start, so its commits are not
// fsynced), the signed ledger (ledger) and the mediation's key
// (mediation.key: the negotiations' confidential content is encrypted to
// it in accord.db); the reconstruction registry (package funding) is kept
// in the same ledger. 'accord serve', 'accord demo',
// the server benchmark and the tests open a mission here, so they wire it
// one way.
//
// With Config.Store a postgres:// URL, the observations, the incidents,
// the sealed content and the negotiations' confidential content are kept
// in that PostgreSQL database instead (package pgstore), and accord.db and
// incidents.db are not used; the ledger and the keys stay files in the data
// directory.
package local

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/funding"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mediation"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/pgstore"
	"github.com/accord-peace/accord/reconstruction"
	"github.com/accord-peace/accord/sqlite"
)

// Config says what to open.
type Config struct {
	Dir string // the data directory, created when absent
	// Store is where the observations, incidents, sealed and confidential
	// content are kept: "" (or "sqlite") for SQLite files in Dir, or a
	// PostgreSQL URL (postgres://USER@HOST:PORT/DATABASE).
	Store string
	// StoreRetry bounds the retries of a PostgreSQL store's operations
	// whose connection is lost (zero: pgstore.DefaultRetry, 30 s).
	StoreRetry pgstore.Retry
	Agreement  *agreement.Agreement
	// Others are the agreements run beside the main one on the same
	// record (mission.Config.Others).
	Others []*agreement.Agreement
	// Kernel is the main agreement's kernel; with Others, nil (the mission
	// builds the kernel of the merged geometry) or that one.
	Kernel *geo.Kernel
	// Registry holds the authors' keys for signed submissions (none when
	// nil).
	Registry *ledger.Registry
	// Publisher, when set, makes the mission's publisher (the live feed)
	// from the ledger once it is open.
	Publisher func(*ledger.Ledger) mission.Publisher
	// StreamFed: the observations are fused by sector workers over a
	// stream (mission.Config.StreamFed).
	StreamFed bool
}

// Deployment is an open mission and its stores.
type Deployment struct {
	*mission.Mission
	Ledger *ledger.Ledger
	// Mediation runs the negotiations on the same record; their
	// confidential content is encrypted to the key in mediation.key.
	Mediation *mediation.Mediation
	// Funding is the reconstruction registry, on the same record; its
	// disbursements are decided on the mission's agreement state; when the
	// agreement registers keys, its funds, commitments, disbursements and
	// confirmations are submissions signed by their authors.
	Funding *funding.Funding
	db      *sqlite.DB
	derive  *sqlite.DB
	pg      *pgstore.DB
	lock    *dirLock
}

// IsPostgres reports whether a store setting names PostgreSQL.
func IsPostgres(store string) bool {
	return strings.HasPrefix(store, "postgres://") || strings.HasPrefix(store, "postgresql://")
}

// Open opens the stores in the directory and the mission over them (which
// restores itself from them).
func Open(ctx context.Context, c Config) (*Deployment, error) {
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return nil, err
	}
	lock, err := lockDir(c.Dir)
	if err != nil {
		return nil, err
	}
	reg := c.Registry
	if reg == nil {
		reg = &ledger.Registry{}
	}
	d := &Deployment{lock: lock}
	opened := false
	defer func() {
		if !opened {
			d.Discard() // what was opened and made, and the directory's lock
		}
	}()
	cfg := mission.Config{Agreement: c.Agreement, Others: c.Others, Kernel: c.Kernel, StreamFed: c.StreamFed}
	var confidential mediation.Store
	switch {
	case IsPostgres(c.Store):
		if d.pg, err = pgstore.OpenWith(ctx, c.Store, pgstore.Options{Retry: c.StoreRetry}); err != nil {
			return nil, fmt.Errorf("the PostgreSQL store: %w", err)
		}
		cfg.Observations, cfg.Incidents, cfg.Sealed = pgstore.NewObservationStore(d.pg), pgstore.NewIncidentStore(d.pg), pgstore.NewSealedStore(d.pg)
		confidential = pgstore.NewConfidentialStore(d.pg)
	case c.Store == "" || c.Store == "sqlite":
		if d.db, err = sqlite.Open(ctx, filepath.Join(c.Dir, "accord.db")); err != nil {
			return nil, err
		}
		if d.derive, err = sqlite.OpenDerived(ctx, filepath.Join(c.Dir, "incidents.db")); err != nil {
			return nil, err
		}
		cfg.Observations, cfg.Incidents, cfg.Sealed = sqlite.NewObservationStore(d.db), sqlite.NewIncidentStore(d.derive), sqlite.NewSealedStore(d.db)
		confidential = sqlite.NewConfidentialStore(d.db)
	default:
		return nil, accord.Errorf(accord.EINVALID, "store %q: want sqlite (files in the data directory) or a PostgreSQL URL postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE", pgstore.Redact(c.Store))
	}
	if d.Ledger, err = ledger.OpenLedger(filepath.Join(c.Dir, "ledger"), reg); err != nil {
		return nil, err
	}
	cfg.Ledger = d.Ledger
	if c.Publisher != nil {
		cfg.Publisher = c.Publisher(d.Ledger)
	}
	if d.Mission, err = mission.Open(ctx, cfg); err != nil {
		if errors.Is(err, mission.ErrStoreNotTheLedgers) {
			store := "sqlite (accord.db in " + c.Dir + ")"
			if IsPostgres(c.Store) {
				store = pgstore.Redact(c.Store)
			}
			err = fmt.Errorf("the ledger in %s and the store %s: %w; give --store the store this ledger was recorded with (or restore it from its backup), or a new --data to start a new record", c.Dir, store, err)
		}
		return nil, err
	}
	key, err := mediation.LoadKey(filepath.Join(c.Dir, "mediation.key"))
	if err != nil {
		return nil, err
	}
	if d.Mediation, err = mediation.Open(ctx, mediation.Config{Ledger: d.Ledger, Store: confidential, Key: key}); err != nil {
		return nil, err
	}
	if d.Funding, err = funding.Open(ctx, funding.Config{Ledger: d.Ledger, Agreement: d.agreementState,
		Signatures: d.Ledger, RequireSigned: c.Agreement != nil && len(c.Agreement.Keys) > 0}); err != nil {
		return nil, err
	}
	opened = true
	return d, nil
}

// agreementState is the agreement's state now, as the reconstruction
// registry reads it.
func (d *Deployment) agreementState() (reconstruction.Agreement, error) {
	if !d.Mission.HasEngine() {
		return nil, accord.Errorf(accord.ENOTFOUND, "no agreement: the server runs without consultation or enforcement, and a disbursement is decided on the agreement's state")
	}
	st, err := d.Mission.State()
	if err != nil {
		return nil, err
	}
	return reconstruction.EngineState{A: d.Mission.Agreement(), S: st}, nil
}

// ObserveStore tells o of the PostgreSQL store's retries and
// availability (the server's /metrics: api.Metrics); nothing on SQLite.
func (d *Deployment) ObserveStore(o pgstore.Observer) {
	if d.pg != nil {
		d.pg.SetObserver(o)
	}
}

// Discard closes a deployment whose start was refused and removes the
// files it made in its directory (and those its caller made there since,
// a key): the directory is left as it was found. It removes them before
// it lets the directory go, so they are nobody else's.
func (d *Deployment) Discard() error {
	return d.close(true)
}

// Close closes the deployment's stores and ledger and lets its directory
// go.
func (d *Deployment) Close() error {
	return d.close(false)
}

func (d *Deployment) close(discard bool) error {
	var errs []error
	if d.Mission != nil {
		errs = append(errs, d.Mission.Close())
	}
	if d.Ledger != nil {
		errs = append(errs, d.Ledger.Close())
	}
	for _, db := range []*sqlite.DB{d.derive, d.db} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	if d.pg != nil {
		errs = append(errs, d.pg.Close())
	}
	if discard {
		errs = append(errs, d.lock.removeNew())
	}
	errs = append(errs, d.lock.release())
	d.lock = nil
	return errors.Join(errs...)
}
