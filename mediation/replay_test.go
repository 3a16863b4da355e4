package mediation

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"

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

// TestReplayEveryView: a history with revised positions mid-round,
// requests, a round closed early by the next draft, a scoped draft, the
// conclusion and the signatures replays to every view — the mediator's
// and each party's — byte for byte.
func TestReplayEveryView(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.m.cfg.Now = func() time.Time { return time.Date(2026, 3, 1, 12, 30, 15, 123456789, time.FixedZone("KYIV", 2*3600)) }
	if _, err := f.m.OpenNegotiation(ctx, "mediator", Opening{Public: f.public}); err != nil {
		t.Fatal(err)
	}
	parties := []string{"us", "ru", "ua", "eu", "cn-gs"}
	for _, p := range parties {
		if _, err := f.submit(p, talks.Event{Type: talks.TypePosition, Version: 1}, f.positions[p]); err != nil {
			t.Fatal(err)
		}
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.m.Draft(ctx, "mediator", "ukraine-2025", DraftRequest{Proposal: "us-28-points"}))
	must(f.submit("ua", talks.Event{Type: talks.TypeRequest, Round: 1}, []byte(`{"text":{"crimea":"defacto-reserved"}}`)))
	must(f.submit("ru", talks.Event{Type: talks.TypeRequest, Round: 1}, []byte(`{"text":{}}`)))
	f.answer("us", 1)
	// ua revises its position mid-round (the same lines, a new version).
	must(f.submit("ua", talks.Event{Type: talks.TypePosition, Version: 2}, f.positions["ua"]))
	// The next draft closes round 1 early, then a scoped one.
	must(f.m.Draft(ctx, "mediator", "ukraine-2025", DraftRequest{Changes: map[string]string{"prisoners": ""}}))
	must(f.m.Draft(ctx, "mediator", "ukraine-2025", DraftRequest{Scope: "humanitarian", Changes: map[string]string{"prisoners": "all-for-all"}}))
	must(f.m.Draft(ctx, "mediator", "ukraine-2025", DraftRequest{Method: talks.MethodBridge}))
	for _, p := range []string{"cn-gs", "us", "ru", "ua", "eu"} {
		f.answer(p, 4)
	}
	mv, _ := f.m.View("ukraine-2025", "mediator")
	a := mv.(talks.MediatorView).Agreement
	if a == nil {
		t.Fatal("not concluded")
	}
	for _, p := range a.Parties {
		f.seq++
		sub, _ := ledger.Sign(f.keys[p], p, fmt.Sprintf("sign-%d", f.seq), talks.TypeSigned,
			talks.Event{Type: talks.TypeSigned, Negotiation: "ukraine-2025", Party: p, Agreement: a.SHA256})
		must(f.m.Sign(ctx, p, sub))
	}
	before := map[string]string{"mediator": snapshot(t, f)}
	for _, p := range parties {
		before[p] = view(t, f, p)
	}
	f.restart()
	if after := snapshot(t, f); after != before["mediator"] {
		t.Errorf("the mediator's view replays differently:\n%s\n%s", before["mediator"], after)
	}
	for _, p := range parties {
		if after := view(t, f, p); after != before[p] {
			t.Errorf("%s's view replays differently:\n%s\n%s", p, before[p], after)
		}
	}
}
