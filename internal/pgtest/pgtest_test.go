package pgtest_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/accord-peace/accord/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The harness starts a server (as postgres when run as root), gives each
// test a database of its own, and says whether PostGIS is there.
func TestHarnessStartsAServer(t *testing.T) {
	ctx := context.Background()
	url := pgtest.DB(t)
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var one int
	if err := c.QueryRow(ctx, `SELECT 1`).Scan(&one); err != nil || one != 1 {
		t.Fatalf("SELECT 1: %d, %v", one, err)
	}
	if pgtest.DB(t) == url {
		t.Error("two tests share a database")
	}
	t.Logf("PostGIS available: %v", pgtest.Require(t).HasPostGIS(ctx))
}
