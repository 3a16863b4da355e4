package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/sqlite"
)

// A stored row damaged on disk is reported with the database file, the
// table and the row: the message an operator needs to find it.
func TestDamagedRowIsNamed(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "accord.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s := sqlite.NewObservationStore(db)
	if _, err := s.Put(ctx, []monitor.Observation{monitortest.Observation("s", "1"), monitortest.Observation("s", "2")}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE observations SET feature = '{"type":"Feature"' WHERE id = '2'`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = sqlite.NewObservationStore(db).All(ctx, func(*monitor.Observation) error { return nil })
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "table observations, row 2") {
		t.Errorf("damaged row: %v", err)
	}
}
