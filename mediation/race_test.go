package mediation

import (
	"context"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/talks"
)

// racing is a record where another route appends the same submission
// between the mediation's Check and its AppendAll (a party sending one
// submission id to two routes at once).
type racing struct {
	*ledger.Ledger
	race bool
}

func (r *racing) AppendAll(es []ledger.Entry) ([]int64, error) {
	if r.race && len(es) > 0 && es[0].Kind == ledger.KindSubmission {
		r.race = false
		other := es[0]
		other.Type, other.Body = accord.SubmissionProvision, []byte(`{"provision":"raced"}`)
		if _, err := r.Ledger.AppendAll([]ledger.Entry{other}); err != nil {
			return nil, err
		}
	}
	return r.Ledger.AppendAll(es)
}

// TestReplayRacedInIsRefused: the record refusing a submission as a
// replay after the mediation checked it refuses the submission and
// changes nothing — the mediation goes on.
func TestReplayRacedInIsRefused(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r := &racing{Ledger: f.led}
	key, _ := LoadKey(f.dir + "/mediation.key")
	m, err := Open(ctx, Config{Ledger: r, Store: f.m.cfg.Store, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	f.m = m
	if _, err := m.OpenNegotiation(ctx, "mediator", Opening{Public: f.public}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"us", "ru", "ua", "eu", "cn-gs"} {
		if _, err := f.submit(p, talks.Event{Type: talks.TypePosition, Version: 1}, f.positions[p]); err != nil {
			t.Fatal(err)
		}
	}
	before := snapshot(t, f)
	r.race = true
	_, err = f.submit("ua", talks.Event{Type: talks.TypePosition, Version: 2}, f.positions["ua"])
	if accord.ErrorCode(err) != accord.EINVALID || !strings.Contains(err.Error(), "replayed submission") {
		t.Fatalf("the raced submission: %v", err)
	}
	if after := snapshot(t, f); after != before {
		t.Fatal("a submission the record refused changed the state")
	}
	if _, err := f.submit("ua", talks.Event{Type: talks.TypePosition, Version: 2}, f.positions["ua"]); err != nil {
		t.Fatalf("the mediation stopped after a refused replay: %v", err)
	}
}
