package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/accord-peace/accord"
)

// Check says, as Open would at start, whether the file at path is a
// database SQLite can read — not another kind of file, not cut short —
// and reads it only: nothing is written, no -wal or -shm file is made
// (the file is opened immutable, so a WAL beside it is not read: call it
// when no process writes the database). nil when there is no file, which
// Open makes.
func Check(ctx context.Context, path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return &accord.Error{Code: accord.EINVALID, Message: fmt.Sprintf("sqlite: %s: %v; the file and its directory (--data) must be ones this user can read and write", path, err)}
	}
	if !st.Mode().IsRegular() {
		return accord.Errorf(accord.EINVALID, "sqlite: %s: not a regular file (%s); move it away for accord to make the database", path, st.Mode().Type())
	}
	db, err := sql.Open("sqlite", "file:"+uriPath(path)+"?mode=ro&immutable=1")
	if err != nil {
		return fmt.Errorf("sqlite: %s: %w", path, err)
	}
	defer db.Close()
	// The schema's table is read from the first page on: a file that is
	// not a database, or whose header counts more pages than it holds,
	// is refused here as Open's first statement refuses it.
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master`).Scan(&n); err != nil {
		return openError(path, err)
	}
	return nil
}
