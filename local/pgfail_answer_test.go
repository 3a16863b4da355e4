package local_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/pgstore"
)

// PostgreSQL down beyond the retry bound: the 503 says which store is
// unavailable and to try again, to every caller (reads are public), and
// not where the database is nor as whom the server connects — its host,
// port, user and database, the dial errors — which the server's log says
// (docs/postgres.md). The answer carried the whole cause.
func TestPostgresDownAnswerShowsNoAddress(t *testing.T) {
	srv, u := ownServer(t)
	_, hs := serveOn(t, u, pgstore.Retry{Max: time.Second})
	if err := srv.Halt(); err != nil {
		t.Fatal(err)
	}
	defer srv.Resume()
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	_, body, err := post(http.DefaultClient, hs.URL, []monitor.Observation{obs(1)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "observations store is unavailable") {
		t.Errorf("the 503 does not say which store: %s", body)
	}
	for _, secret := range []string{pu.Host, pu.Port(), pu.User.Username(), strings.TrimPrefix(pu.Path, "/"), "postgres://", "dial"} {
		if strings.Contains(body, secret) {
			t.Errorf("the 503 shows %q to the caller: %s", secret, body)
		}
	}
}
