package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord/internal/pgtest"
)

// A PostgreSQL URL that names no database (postgres://USER@HOST:PORT):
// PostgreSQL takes the user's name. 'config check --connect' says so, and
// the database to create, as serve's start says it — it said database ""
// and "createdb " with no name, a fix that is no fix.
func TestConfigCheckPostgresNoDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no PostgreSQL server")
	}
	s := pgtest.Require(t)
	// The test server's user is accord, and no database is named so.
	u := fmt.Sprintf("postgres://accord@127.0.0.1:%d?sslmode=disable", s.Port)
	_, serveErr, serveCode := runAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(t.TempDir(), "d"), "--store", u)
	_, checkErr, checkCode := runAccord(t, "config", "check", "--data", filepath.Join(t.TempDir(), "d"), "--store", u, "--connect")
	for _, tc := range []struct {
		cmd  string
		code int
		msg  string
	}{{"serve", serveCode, serveErr}, {"config check --connect", checkCode, checkErr}} {
		if tc.code != 1 {
			t.Errorf("%s on a database that does not exist: exit %d, want 1:\n%s", tc.cmd, tc.code, tc.msg)
		}
		for _, want := range []string{`to database "accord" (the URL names none: PostgreSQL takes the user's name)`, "createdb accord)"} {
			if !strings.Contains(tc.msg, want) {
				t.Errorf("%s does not say %q:\n%s", tc.cmd, want, tc.msg)
			}
		}
	}
}
