package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/internal/pgtest"
)

// A PostgreSQL URL that the server's pool refuses (pgxpool's own settings,
// pool_max_conns and the like, that do not parse) is refused by 'config
// check' too: one resolution, one verdict. config check parsed the URL with
// pgx.ParseConfig, which takes pool_max_conns=abc for a server parameter,
// while serve parses it with pgxpool.ParseConfig, which refuses it.
func TestConfigCheckAgreesWithServeOnPoolSettings(t *testing.T) {
	for _, q := range []string{"pool_max_conns=abc", "pool_max_conns=0", "pool_min_conns=x", "pool_max_conn_lifetime=soon"} {
		u := "postgres://u@127.0.0.1:1/db?sslmode=disable&connect_timeout=1&" + q
		_, serveErr, serveCode := runAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(t.TempDir(), "d"), "--store", u)
		out, checkErr, checkCode := runAccord(t, "config", "check", "--data", filepath.Join(t.TempDir(), "d"), "--store", u)
		if !strings.Contains(serveErr, "not a PostgreSQL URL") {
			t.Fatalf("%s: serve was expected to refuse the URL as not parsing: exit %d %s", q, serveCode, serveErr)
		}
		if checkCode == 0 || !strings.Contains(checkErr, "not a PostgreSQL URL") {
			t.Errorf("%s: serve refuses the URL (%s), config check says exit %d:\n%s%s", q, strings.TrimSpace(serveErr), checkCode, out, checkErr)
		}
	}
	// The reverse: a pool setting serve takes is no server parameter
	// config check --connect sends PostgreSQL (which refuses it as an
	// unrecognized configuration parameter).
	if testing.Short() {
		t.Skip("-short: no PostgreSQL server")
	}
	u := pgtest.DB(t) + "&pool_max_conns=4"
	if out, errs, code := runAccord(t, "config", "check", "--data", filepath.Join(t.TempDir(), "d"), "--store", u, "--connect"); code != 0 {
		t.Errorf("pool_max_conns=4 --connect: exit %d, want valid as serve takes it:\n%s%s", code, out, errs)
	}
	out, errs, code, _ := runAccordCtx(t, 8*time.Second, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(t.TempDir(), "d"), "--store", u)
	if !strings.Contains(out, "accord serving on") {
		t.Errorf("serve with pool_max_conns=4: exit %d, did not start:\n%s%s", code, out, errs)
	}
}
