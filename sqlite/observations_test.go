package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/sqlite"
)

func TestObservationStore(t *testing.T) {
	monitortest.RunObservationStoreTests(t, func(t *testing.T) monitor.ObservationStore {
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "accord.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return sqlite.NewObservationStore(db)
	})
}

func TestReopenKeepsObservationsAndSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "accord.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	o := monitortest.Observation("s", "1")
	if _, err := sqlite.NewObservationStore(db).Put(ctx, []monitor.Observation{o}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = sqlite.Open(ctx, path) // migrations already applied: nothing to do
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := sqlite.NewObservationStore(db).Get(ctx, o.Key())
	if err != nil || got.Digest() != o.Digest() {
		t.Fatalf("after reopening: %v, %v", got, err)
	}
}

func TestIncidentStore(t *testing.T) {
	monitortest.RunIncidentStoreTests(t, func(t *testing.T) monitor.IncidentStore {
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "accord.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return sqlite.NewIncidentStore(db)
	})
}

// A database made before migration 0005 loses the index on observed_at
// when opened, and keeps its observations.
func TestMigrationDropsTheTimeIndex(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "accord.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	o := monitortest.Observation("s", "1")
	if _, err := sqlite.NewObservationStore(db).Put(ctx, []monitor.Observation{o}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`CREATE INDEX observations_observed_at ON observations (observed_at)`, `DELETE FROM migrations WHERE version = 5`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := sqlite.NewObservationStore(db).Get(ctx, o.Key())
	if err != nil || got.Digest() != o.Digest() {
		t.Fatalf("after the migration: %v, %v", got, err)
	}
	raw, err = sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND name = 'observations_observed_at'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("index observations_observed_at: %d, %v", n, err)
	}
}
