package witness_test

import (
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/witness"
)

// awaitLog waits until every follower's log says want; it fails after a
// minute with the log.
func awaitLog(t *testing.T, fs []*follower, want string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for _, f := range fs {
		for !strings.Contains(f.logged(), want) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the log does not say %q within a minute:\n%s", f.name, want, f.logged())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// notLogged fails when a follower's log says what it must not.
func notLogged(t *testing.T, fs []*follower, not string) {
	t.Helper()
	for _, f := range fs {
		if strings.Contains(f.logged(), not) {
			t.Errorf("%s: the log says %q:\n%s", f.name, not, f.logged())
		}
	}
}

// A following witness's log tells a server that could not be reached
// (nothing listens: connection refused) from one that answered with an
// error, for the feed and for the rounds: "could not be reached" for the
// first, "answered" with the status for the second, and never the one
// for the other.
func TestWitnessFollowSaysUnreachable(t *testing.T) {
	fc := witness.FollowConfig{Every: 10 * time.Millisecond, Poll: 50 * time.Millisecond, MaxBackoff: 100 * time.Millisecond}

	t.Run("nothing listens", func(t *testing.T) {
		w := newWorld(t)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		closed := "http://" + ln.Addr().String()
		ln.Close()
		fs := w.follow(t, closed, fc)
		awaitLog(t, fs, "the server's feed could not be reached: reconnecting")
		notLogged(t, fs, "dropped")
	})

	t.Run("polling, then the server stopped", func(t *testing.T) {
		w := newWorld(t)
		srv := newLive(t, w)
		l := w.ledger(4, 4, "")
		w.serveFeed(l, w.logSigner, false) // no feed: the witnesses poll
		fs := w.follow(t, srv.url(), fc)
		await(t, fs, "first checkpoint cosigned", cosigned(4))
		srv.stop()
		awaitLog(t, fs, "witness round failed: the server could not be reached")
		notLogged(t, fs, "answered an error")
	})

	t.Run("error answers", func(t *testing.T) {
		w := newWorld(t)
		srv := newLive(t, w)
		mux := http.NewServeMux()
		mux.HandleFunc("/", func(rw http.ResponseWriter, r *http.Request) {
			http.Error(rw, `{"error":"down for maintenance"}`, http.StatusServiceUnavailable)
		})
		w.current.Store(mux)
		fs := w.follow(t, srv.url(), fc)
		awaitLog(t, fs, "witness round failed: the server answered an error")
		awaitLog(t, fs, "503 Service Unavailable")
		notLogged(t, fs, "could not be reached")
	})
}
