package local

import (
	"context"
	"path/filepath"

	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mediation"
	"github.com/accord-peace/accord/sqlite"
)

// CheckFiles says, as Open would at start, what is wrong with the files
// a deployment with the store setting store reads in the data directory
// dir — accord.db and incidents.db (with the SQLite store) not databases
// or cut short, the ledger damaged or not extending the tree saved beside
// it (ledger.Check), a mediation.key without its key — one error for
// each, naming the file ('accord config check'). It reads them only, and
// makes nothing: a file not there yet is one Open makes, and a torn tail
// of the ledger Open would cut is left. The databases and the ledger are
// not read while another process holds the directory (CheckLock says so):
// that process is writing them.
func CheckFiles(ctx context.Context, dir, store string) []error {
	var errs []error
	if !IsPostgres(store) && CheckLock(dir) == nil {
		for _, name := range []string{"accord.db", "incidents.db"} {
			if err := sqlite.Check(ctx, filepath.Join(dir, name)); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if CheckLock(dir) == nil {
		if err := ledger.Check(filepath.Join(dir, "ledger")); err != nil {
			errs = append(errs, err)
		}
	}
	if err := mediation.CheckKey(filepath.Join(dir, "mediation.key")); err != nil {
		errs = append(errs, err)
	}
	return errs
}
