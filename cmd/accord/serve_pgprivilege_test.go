package main

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/accord-peace/accord/internal/pgtest"
)

// A PostgreSQL user that may not create tables in the database (not its
// owner, no CREATE on the schema public, as PostgreSQL 15 makes every
// other user): serve's first start cannot make the schema. That is the
// deployment's configuration, said with the user, the database and the
// grant that fixes it (exit 1); it was "permission denied for schema
// public" and "this is a bug", and config check --connect found the
// configuration valid.
func TestServePostgresUserMayNotCreate(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no PostgreSQL server")
	}
	owner := pgtest.DB(t)
	ctx := context.Background()
	c, err := pgx.Connect(ctx, owner)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, `DO $$ BEGIN CREATE ROLE mission_nocreate LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(owner)
	if err != nil {
		t.Fatal(err)
	}
	db := strings.TrimPrefix(u.Path, "/")
	u.User = url.User("mission_nocreate")
	_, errs, code := runAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(t.TempDir(), "d"), "--store", u.String())
	if code != 1 || strings.Contains(errs, "this is a bug") {
		t.Errorf("a user that may not create the schema: exit %d, want 1 and no bug:\n%s", code, errs)
	}
	// config check --connect tries what a start does first (in a
	// transaction it rolls back): it said "configuration valid".
	_, checkErrs, checkCode := runAccord(t, "config", "check", "--data", filepath.Join(t.TempDir(), "d"), "--store", u.String(), "--connect")
	if checkCode != 1 {
		t.Errorf("config check --connect: exit %d, want 1:\n%s", checkCode, checkErrs)
	}
	for _, want := range []string{`the user "mission_nocreate" may not create tables in the database "` + db + `"`, `GRANT CREATE ON SCHEMA public TO "mission_nocreate"'`} {
		if !strings.Contains(errs, want) {
			t.Errorf("serve does not say %q:\n%s", want, errs)
		}
		if !strings.Contains(checkErrs, want) {
			t.Errorf("config check --connect does not say %q:\n%s", want, checkErrs)
		}
	}
}

// A PostgreSQL that takes no writes — a standby, a read-only replica's
// address, default_transaction_read_only — given as --store: serve's
// start, and config check --connect, say so and to give the primary (exit
// 1); it was "cannot execute CREATE TABLE in a read-only transaction" and
// "this is a bug", and config check found it valid.
func TestServePostgresReadOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no PostgreSQL server")
	}
	u := pgtest.DB(t)
	ctx := context.Background()
	c, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	var db string
	if err := c.QueryRow(ctx, `SELECT current_database()`).Scan(&db); err != nil {
		t.Fatal(err)
	}
	_, err = c.Exec(ctx, `ALTER DATABASE `+pgx.Identifier{db}.Sanitize()+` SET default_transaction_read_only = on`)
	c.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, serveErrs, serveCode := runAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(t.TempDir(), "d"), "--store", u)
	_, checkErrs, checkCode := runAccord(t, "config", "check", "--data", filepath.Join(t.TempDir(), "d"), "--store", u, "--connect")
	for _, tc := range []struct {
		cmd  string
		code int
		errs string
	}{{"serve", serveCode, serveErrs}, {"config check --connect", checkCode, checkErrs}} {
		if tc.code != 1 || strings.Contains(tc.errs, "this is a bug") || !strings.Contains(tc.errs, `the database "`+db+`" at `) || !strings.Contains(tc.errs, "takes no writes") || !strings.Contains(tc.errs, "give --store the primary's address") {
			t.Errorf("%s on a read-only database: exit %d, want 1 saying it takes no writes and to give the primary:\n%s", tc.cmd, tc.code, tc.errs)
		}
	}
}
