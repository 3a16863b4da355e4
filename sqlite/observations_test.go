package sqlite_test

import (
	"context"
	"encoding/json"
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

// PutEncoded stores the encodings it is given, as PutIncidents would have
// made them.
func TestIncidentStorePutEncoded(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := sqlite.NewIncidentStore(db)
	a, b := monitortest.Incident("inc-1", 1, "reported"), monitortest.Incident("inc-2", 2, "confirmed")
	enc, _ := json.Marshal(&a)
	if err := s.PutEncoded(ctx, []monitor.Incident{a, b}, [][]byte{enc, nil}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []monitor.Incident{a, b} {
		got, err := s.Incident(ctx, want.ID)
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(&want)
		if err != nil || string(g) != string(w) {
			t.Errorf("%s read back as %s, %v; want %s", want.ID, g, err, w)
		}
	}
}
