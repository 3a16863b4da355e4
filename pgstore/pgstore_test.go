package pgstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/internal/pgtest"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/pgstore"
	"github.com/accord-peace/accord/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func openDB(t *testing.T) *pgstore.DB {
	db, err := pgstore.Open(context.Background(), pgtest.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestObservationStore(t *testing.T) {
	monitortest.RunObservationStoreTests(t, func(t *testing.T) monitor.ObservationStore { return pgstore.NewObservationStore(openDB(t)) })
}

func TestIncidentStore(t *testing.T) {
	monitortest.RunIncidentStoreTests(t, func(t *testing.T) monitor.IncidentStore { return pgstore.NewIncidentStore(openDB(t)) })
}

func TestSealedStoreConformance(t *testing.T) {
	storetest.RunSealedStoreTests(t, func(t *testing.T) accord.SealedStore { return pgstore.NewSealedStore(openDB(t)) })
}

func TestConfidentialStoreConformance(t *testing.T) {
	storetest.RunConfidentialStoreTests(t, func(t *testing.T) storetest.ConfidentialStore { return pgstore.NewConfidentialStore(openDB(t)) })
}

func TestObservationOutboxConformance(t *testing.T) {
	storetest.RunObservationOutboxTests(t, func(t *testing.T) (accord.ObservationOutbox, func() accord.ObservationOutbox) {
		url := pgtest.DB(t)
		open := func() *pgstore.DB {
			db, err := pgstore.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}
		db := open()
		return pgstore.NewObservationStore(db), func() accord.ObservationOutbox {
			db.Close()
			db = open()
			return pgstore.NewObservationStore(db)
		}
	})
}

// Reopening applies no migration twice and keeps what was stored; the
// spatial filter runs on PostGIS where the server has it.
func TestReopenKeepsDataAndSchema(t *testing.T) {
	ctx := context.Background()
	url := pgtest.DB(t)
	db, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	o := monitortest.Observation("s", "1")
	if _, err := pgstore.NewObservationStore(db).Put(ctx, []monitor.Observation{o}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := pgstore.NewObservationStore(db).Get(ctx, o.Key())
	if err != nil || got.Digest() != o.Digest() {
		t.Fatalf("after reopening: %v, %v", got, err)
	}
	if want := pgtest.Require(t).HasPostGIS(ctx); db.PostGIS() != want {
		t.Errorf("PostGIS used: %v, available: %v", db.PostGIS(), want)
	}
	t.Logf("incidents' bounding box on PostGIS: %v", db.PostGIS())
}

// An unreachable server is an error naming the URL (without its
// password), what failed and how to fix it.
func TestUnreachableServerIsNamed(t *testing.T) {
	url := "postgres://mission:secret@127.0.0.1:1/accord?sslmode=disable&connect_timeout=2"
	_, err := pgstore.Open(context.Background(), url)
	if err == nil {
		t.Fatal("opened a server that is not there")
	}
	msg := err.Error()
	for _, want := range []string{"postgres://mission:xxxxx@127.0.0.1:1/accord", "cannot connect to 127.0.0.1:1", "pg_isready -h 127.0.0.1 -p 1", "createdb accord"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, "secret") {
		t.Errorf("the error shows the password: %s", msg)
	}
	// No database in the URL: PostgreSQL's default, the user's name.
	_, err = pgstore.Open(context.Background(), "postgres://mission@127.0.0.1:1/?sslmode=disable&connect_timeout=2")
	if err == nil || !strings.Contains(err.Error(), `database "mission" (the URL names none`) || !strings.Contains(err.Error(), "createdb mission)") {
		t.Errorf("no database in the URL: %v", err)
	}
	if _, err := pgstore.Open(context.Background(), "postgres://[::1"); err == nil || !strings.Contains(err.Error(), "not a PostgreSQL URL") {
		t.Errorf("a malformed URL: %v", err)
	}
}

// A stored row damaged in the database is reported with the database,
// the table and the row, as in SQLite.
func TestDamagedRowIsNamed(t *testing.T) {
	ctx := context.Background()
	url := pgtest.DB(t)
	db, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := pgstore.NewObservationStore(db)
	if _, err := s.Put(ctx, []monitor.Observation{monitortest.Observation("s", "1"), monitortest.Observation("s", "2")}); err != nil {
		t.Fatal(err)
	}
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, `UPDATE observations SET feature = '{"type":"Feature"' WHERE id = '2'`); err != nil {
		t.Fatal(err)
	}
	err = s.All(ctx, func(*monitor.Observation) error { return nil })
	if err == nil || !strings.Contains(err.Error(), pgstore.Redact(url)) || !strings.Contains(err.Error(), "table observations, row 2") {
		t.Errorf("damaged row: %v", err)
	}
}

// plainDB is a database without PostGIS, owned by a user who may not
// create the extension: the store falls back to the plain SQL filter.
func plainDB(t *testing.T) *pgstore.DB {
	ctx := context.Background()
	srv := pgtest.Require(t)
	c, err := pgx.Connect(ctx, srv.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	c.Exec(ctx, `CREATE ROLE plain LOGIN`) // once per server; a second time fails, harmlessly
	name := strings.ToLower(strings.NewReplacer("/", "_", " ", "_", ",", "_", ":", "_", "'", "_").Replace(t.Name()))
	if len(name) > 50 {
		name = name[len(name)-50:]
	}
	name = "plain_" + name
	if _, err := c.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE template0 OWNER plain"); err != nil {
		t.Fatal(err)
	}
	db, err := pgstore.Open(ctx, strings.Replace(srv.URL(name), "accord@", "plain@", 1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if db.PostGIS() {
		t.Fatal("a user who may not create the extension got PostGIS")
	}
	return db
}

// Without PostGIS (here: a user who may not create the extension) the
// incidents' spatial filter is plain SQL, and passes the same suite.
func TestIncidentStoreWithoutPostGIS(t *testing.T) {
	monitortest.RunIncidentStoreTests(t, func(t *testing.T) monitor.IncidentStore { return pgstore.NewIncidentStore(plainDB(t)) })
}

// A pending record kept before migration 0010 (no state column) reads
// with no state once the migration added the column: its node rebuilds
// the batch's messages as it did before (package stream, Recover).
func TestOutboxRecordBeforeItsState(t *testing.T) {
	ctx := context.Background()
	url := pgtest.DB(t)
	db, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	_, id, err := pgstore.NewObservationStore(db).PutPending(ctx, []monitor.Observation{monitortest.Observation("s", "1")}, "a", []byte("state"))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	// The schema before migration 0010, the record in it.
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`ALTER TABLE outbox DROP COLUMN state`, `DELETE FROM migrations WHERE version = 10`} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	c.Close(ctx)
	if db, err = pgstore.Open(ctx, url); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got []accord.PendingRecord
	if err := pgstore.NewObservationStore(db).Pending(ctx, "a", func(r accord.PendingRecord) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != id || len(got[0].Keys) != 1 || got[0].State != nil {
		t.Fatalf("the record kept before migration 0010: %+v; want record %d of s/1, no state", got, id)
	}
}
