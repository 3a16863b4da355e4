package stream_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/stream"
)

// failed waits for a node's first failure and returns it.
func failed(t *testing.T, x *deployment) error {
	t.Helper()
	select {
	case <-x.node.Failed():
		return x.node.Err()
	case <-time.After(time.Minute):
		t.Fatalf("the node did not stop within a minute; its log ends:\n%s", x.logs.tail(20))
		return nil
	}
}

// A recorder whose ledger is not the deployment's record is refused at
// its start, and records nothing: an empty ledger or a stale copy (behind
// the record's mark), another deployment's ledger (another tree); the
// record's own recorder, started again, goes on.
func TestRecorderNotTheRecordRefused(t *testing.T) {
	lines := simulated(t, 21, 24*time.Hour, 15)
	third := len(lines) / 3 / 200 * 200
	srv, err := stream.StartEmbedded(stream.EmbeddedConfig{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	recorder := func(_ *mission.Mission, c *stream.Config) { c.Role = stream.RoleRecorder }

	// Another deployment, on its own streams, records all the lines.
	other := t.TempDir()
	o, _ := open(t, other, &streamed{})
	monitortest.PostLines(t, o.url, lines, 200)
	o.sync(t)
	o.close(t)

	dir := t.TempDir()
	a, _ := open(t, dir, &streamed{url: srv.URL()})
	monitortest.PostLines(t, a.url, lines[:third], 200)
	a.sync(t)
	a.close(t)
	stale := t.TempDir()
	if err := os.CopyFS(stale, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	a, _ = open(t, dir, &streamed{url: srv.URL()})
	monitortest.PostLines(t, a.url, lines[third:2*third], 200)
	a.sync(t)
	recorded := a.d.Mission.LedgerLen()
	a.close(t)

	for _, c := range []struct{ name, dir, want string }{
		{"an empty ledger", t.TempDir(), "behind"},
		{"a stale copy", stale, "behind"},
		{"another deployment's", other, "this ledger is another"},
	} {
		t.Run(c.name, func(t *testing.T) {
			x, _ := open(t, c.dir, &streamed{url: srv.URL(), cfg: recorder})
			defer x.close(t)
			before := x.d.Mission.LedgerLen()
			err := failed(t, x)
			if !errors.Is(err, stream.ErrNotTheRecord) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %v saying %q", err, stream.ErrNotTheRecord, c.want)
			}
			if after := x.d.Mission.LedgerLen(); after != before {
				t.Fatalf("the refused recorder's ledger went from %d to %d entries", before, after)
			}
		})
	}

	// The record's recorder goes on where it stopped.
	a, _ = open(t, dir, &streamed{url: srv.URL()})
	defer a.close(t)
	monitortest.PostLines(t, a.url, lines[2*third:], 200)
	a.sync(t)
	if n := a.d.Mission.LedgerLen(); n <= recorded {
		t.Fatalf("the record's recorder, started again, has %d entries, had %d", n, recorded)
	}
	select {
	case <-a.node.Failed():
		t.Fatalf("the record's recorder stopped: %v", a.node.Err())
	default:
	}
}

// Two recorders running at once on copies of one ledger: the first to
// move the record's mark after the other stops the other, which says so.
func TestTwoRecordersAtOnce(t *testing.T) {
	lines := simulated(t, 22, 24*time.Hour, 15)
	half := len(lines) / 2 / 200 * 200
	srv, err := stream.StartEmbedded(stream.EmbeddedConfig{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	dir := t.TempDir()
	a, _ := open(t, dir, &streamed{url: srv.URL()})
	monitortest.PostLines(t, a.url, lines[:half], 200)
	a.sync(t)
	a.close(t)
	copied := t.TempDir()
	if err := os.CopyFS(copied, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}

	a, _ = open(t, dir, &streamed{url: srv.URL()})
	defer a.close(t)
	b, _ := open(t, copied, &streamed{url: srv.URL(), cfg: func(_ *mission.Mission, c *stream.Config) { c.Role = stream.RoleRecorder }})
	defer b.close(t)
	monitortest.PostLines(t, a.url, lines[half:], 200)
	var err2 error
	select {
	case <-a.node.Failed():
		err2 = a.node.Err()
	case <-b.node.Failed():
		err2 = b.node.Err()
	case <-time.After(time.Minute):
		t.Fatalf("both recorders still run a minute after both recorded; logs:\n%s\n%s", a.logs.tail(10), b.logs.tail(10))
	}
	if !errors.Is(err2, stream.ErrNotTheRecord) || !strings.Contains(err2.Error(), "another recorder writes") {
		t.Fatalf("got %v, want %v saying another recorder writes", err2, stream.ErrNotTheRecord)
	}
}
