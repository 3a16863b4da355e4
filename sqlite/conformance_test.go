package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/accord-peace/accord"
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
