package mediation

import (
	"context"
	"testing"

	"github.com/accord-peace/accord/talks"
)

// TestReplayEmptyText: a draft whose text decides nothing (the mediator's
// first draft with no changes), on no position yet, replays to the same
// state, and the mediator can still put the next draft on the table after
// the restart.
func TestReplayEmptyText(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.m.OpenNegotiation(ctx, "mediator", Opening{Public: f.public}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Draft(ctx, "mediator", "ukraine-2025", DraftRequest{}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, f)
	f.restart()
	if after := snapshot(t, f); after != before {
		t.Fatalf("replayed state differs:\n%s\n%s", before, after)
	}
	if _, err := f.m.Draft(ctx, "mediator", "ukraine-2025", DraftRequest{Changes: map[string]string{"crimea": "dejure-ru"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.submit("ua", talks.Event{Type: talks.TypePosition, Version: 1}, f.positions["ua"]); err != nil {
		t.Fatal(err)
	}
}
