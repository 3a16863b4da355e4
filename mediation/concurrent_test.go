package mediation

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/talks"
)

// TestConcurrentCalls: parties submitting positions and requests, reading
// their views and positions, and the mediator reading everything, all at
// once (run with -race): every accepted submission is in the state, and
// the state replays.
func TestConcurrentCalls(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.m.OpenNegotiation(ctx, "mediator", Opening{Public: f.public}); err != nil {
		t.Fatal(err)
	}
	parties := []string{"us", "ru", "ua", "eu", "cn-gs"}
	for _, p := range parties {
		if _, err := f.submit(p, talks.Event{Type: talks.TypePosition, Version: 1}, f.positions[p]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.m.Draft(ctx, "mediator", "ukraine-2025", DraftRequest{Proposal: "us-28-points"}); err != nil {
		t.Fatal(err)
	}
	seal := func(p string, e talks.Event, id string, content []byte) Submitted {
		e.Party, e.Negotiation = p, "ukraine-2025"
		x, err := Seal(func(s ledger.Submission) (ledger.Submission, error) {
			return ledger.Sign(f.keys[p], s.Author, s.ID, s.Type, s.Body)
		}, e, id, content)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for _, p := range parties {
		wg.Add(3)
		go func() {
			defer wg.Done()
			for v := 2; v <= 3; v++ {
				if _, err := f.m.Submit(ctx, p, seal(p, talks.Event{Type: talks.TypePosition, Version: v}, fmt.Sprintf("c-%s-%d", p, v), f.positions[p])); err != nil {
					errs <- err
				}
			}
		}()
		go func() {
			defer wg.Done()
			for i := range 3 {
				q, _ := json.Marshal(talks.Request{Text: map[string]string{"crimea": "defacto-reserved"}})
				if _, err := f.m.Submit(ctx, p, seal(p, talks.Event{Type: talks.TypeRequest, Round: 1}, fmt.Sprintf("q-%s-%d", p, i), q)); err != nil {
					errs <- err
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range 3 {
				if _, err := f.m.View("ukraine-2025", p); err != nil {
					errs <- err
				}
				if _, err := f.m.View("ukraine-2025", "mediator"); err != nil {
					errs <- err
				}
				if _, err := f.m.Position(ctx, "ukraine-2025", p, p, 0); err != nil {
					errs <- err
				}
				f.m.List()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	v, _ := f.m.View("ukraine-2025", "mediator")
	mv := v.(talks.MediatorView)
	for _, p := range parties {
		if len(mv.Positions[p]) != 3 || mv.Rounds[0].Requests[p] != 3 {
			t.Errorf("%s: %d versions, %d requests; want 3 and 3", p, len(mv.Positions[p]), mv.Rounds[0].Requests[p])
		}
	}
	before := snapshot(t, f)
	f.restart()
	if after := snapshot(t, f); after != before {
		t.Fatalf("replayed state differs:\n%s\n%s", before, after)
	}
}
