package mediation

import (
	"context"
	"strings"
	"testing"

	"github.com/accord-peace/accord"

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

// TestNoVetoParty: a public part without a veto party is refused at the
// opening — the conclusion "every veto party accepts" would hold of every
// complete text, and the next draft could not be put on the table.
func TestNoVetoParty(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	public := strings.ReplaceAll(f.public, "veto: true", "veto: false")
	_, err := f.m.OpenNegotiation(ctx, "mediator", Opening{Public: public})
	if err == nil {
		if _, err := f.m.Draft(ctx, "mediator", "ukraine-2025", DraftRequest{Proposal: "us-28-points"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.m.Draft(ctx, "mediator", "ukraine-2025", DraftRequest{Changes: map[string]string{"crimea": "dejure-ru"}})
		t.Fatalf("opened without a veto party; the next draft: %v", err)
	}
	if accord.ErrorCode(err) != accord.EINVALID || !strings.Contains(err.Error(), "veto") {
		t.Fatalf("err = %v", err)
	}
}

// TestMediatorIsNoParty: a party of the public part cannot open its
// negotiation as the mediator — the mediator's view holds every other
// party's position, and View gives the mediator's view first.
func TestMediatorIsNoParty(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.m.OpenNegotiation(ctx, "ru", Opening{Public: f.public})
	if err == nil {
		f.submit("ua", talks.Event{Type: talks.TypePosition, Version: 1}, f.positions["ua"])
		v, _ := f.m.View("ukraine-2025", "ru")
		if _, ok := v.(talks.MediatorView); ok {
			t.Fatalf("ru, a party, opened the negotiation and sees the mediator's view, ua's position with it")
		}
		t.Fatal("ru, a party, opened its negotiation as the mediator")
	}
	if accord.ErrorCode(err) != accord.EINVALID || !strings.Contains(err.Error(), "is one of its parties") {
		t.Fatalf("err = %v", err)
	}
}
