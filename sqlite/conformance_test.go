package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/sqlite"
	"github.com/accord-peace/accord/storetest"
)

func openDB(t *testing.T) *sqlite.DB {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestSealedStoreConformance(t *testing.T) {
	storetest.RunSealedStoreTests(t, func(t *testing.T) accord.SealedStore { return sqlite.NewSealedStore(openDB(t)) })
}

func TestConfidentialStoreConformance(t *testing.T) {
	storetest.RunConfidentialStoreTests(t, func(t *testing.T) storetest.ConfidentialStore { return sqlite.NewConfidentialStore(openDB(t)) })
}

func TestObservationOutboxConformance(t *testing.T) {
	storetest.RunObservationOutboxTests(t, func(t *testing.T) (accord.ObservationOutbox, func() accord.ObservationOutbox) {
		path := filepath.Join(t.TempDir(), "accord.db")
		open := func() *sqlite.DB {
			db, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}
		db := open()
		return sqlite.NewObservationStore(db), func() accord.ObservationOutbox {
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			db = open()
			return sqlite.NewObservationStore(db)
		}
	})
}

// A pending record kept before migration 0008 (no state column) reads
// with no state once the migration added the column: its node rebuilds
// the batch's messages as it did before (package stream, Recover).
func TestOutboxRecordBeforeItsState(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "accord.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	_, id, err := sqlite.NewObservationStore(db).PutPending(ctx, []accord.Observation{monitortest.Observation("s", "1")}, "a", []byte("state"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// The schema before migration 0008, the record in it.
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`ALTER TABLE outbox DROP COLUMN state`, `DELETE FROM migrations WHERE version = 8`} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	if db, err = sqlite.Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got []accord.PendingRecord
	if err := sqlite.NewObservationStore(db).Pending(ctx, "a", func(r accord.PendingRecord) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != id || len(got[0].Keys) != 1 || got[0].State != nil {
		t.Fatalf("the record kept before migration 0008: %+v; want record %d of s/1, no state", got, id)
	}
}
