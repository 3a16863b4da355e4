package mediation

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/talks"
)

// FuzzNegotiationSubmission feeds arbitrary submissions — type, id, body,
// content and salt — to Submit on a negotiation with every position in and
// a round open, signed with ua's key (so that they reach past the
// signature), the body's commitment made to open the content and salt when
// fix is set (so that they reach the parsers and the state). Nothing
// panics, and whatever is refused leaves the mediator's view and ua's byte
// for byte as they were, the record grown by the refusal alone, nothing
// kept in the confidential store, and the mediation running.
func FuzzNegotiationSubmission(f *testing.F) {
	fx := newFixture(f)
	ctx := context.Background()
	if _, err := fx.m.OpenNegotiation(ctx, "mediator", Opening{Public: fx.public}); err != nil {
		f.Fatal(err)
	}
	for _, p := range []string{"us", "ru", "ua", "eu", "cn-gs"} {
		if _, err := fx.submit(p, talks.Event{Type: talks.TypePosition, Version: 1}, fx.positions[p]); err != nil {
			f.Fatal(err)
		}
	}
	if _, err := fx.m.Draft(ctx, "mediator", "ukraine-2025", DraftRequest{Proposal: "us-28-points"}); err != nil {
		f.Fatal(err)
	}
	body := func(e talks.Event) []byte {
		e.Negotiation, e.Party = "ukraine-2025", "ua"
		e.Commitment = strings.Repeat("0", 64)
		b, _ := json.Marshal(e.Record())
		return b
	}
	salt := talks.NewSalt()
	ua := fx.positions["ua"]
	f.Add(talks.TypePosition, "f-1", body(talks.Event{Type: talks.TypePosition, Version: 2}), ua, salt, true)
	f.Add(talks.TypePosition, "f-2", body(talks.Event{Type: talks.TypePosition, Version: 2}), []byte(strings.Replace(string(ua), ": 100", ": 150", 1)), salt, true)
	f.Add(talks.TypePosition, "f-3", body(talks.Event{Type: talks.TypePosition, Version: 3}), fx.positions["ru"], salt, true)
	f.Add(talks.TypeRequest, "f-4", body(talks.Event{Type: talks.TypeRequest, Round: 1}), []byte(`{"text":{"crimea":"defacto-reserved"}}`), salt, true)
	f.Add(talks.TypeRequest, "f-5", body(talks.Event{Type: talks.TypeRequest, Round: 1}), []byte(`{"text":{"crimea":"mars"}}`), salt, true)
	f.Add(talks.TypeAnswer, "f-6", body(talks.Event{Type: talks.TypeAnswer, Round: 1}), []byte(`{"answer":"object","issues":["crimea"]}`), salt, true)
	f.Add(talks.TypeAnswer, "f-7", body(talks.Event{Type: talks.TypeAnswer, Round: 1}), []byte(`{"answer":"accept"}`), salt, true)
	f.Add(talks.TypeAnswer, "f-8", body(talks.Event{Type: talks.TypeAnswer, Round: 2}), []byte(`{"answer":"accept"}`), salt, false)
	f.Add(talks.TypeSigned, "f-9", body(talks.Event{Type: talks.TypeSigned}), []byte{}, salt, true)
	f.Add(talks.TypeDraft, "f-10", []byte(`{"type":"negotiation_draft","negotiation":"ukraine-2025","round":2,"text":{}}`), []byte{}, []byte{}, false)
	f.Fuzz(func(t *testing.T, typ, id string, b, content, salt []byte, fix bool) {
		if fix {
			var m map[string]any
			if json.Unmarshal(b, &m) == nil && m != nil {
				m["commitment"] = talks.Commit(salt, content)
				b, _ = json.Marshal(m)
			}
		}
		sub, err := ledger.Sign(fx.keys["ua"], "ua", id, typ, json.RawMessage(b))
		if err != nil { // not JSON: sent as it is, unsigned
			sub = ledger.Submission{Author: "ua", ID: id, Type: typ, Body: b}
		}
		x := Submitted{Submission: sub, Content: string(content), Salt: base64.StdEncoding.EncodeToString(salt)}
		var head struct {
			Commitment string `json:"commitment"`
		}
		json.Unmarshal(sub.Body, &head)
		stored := func() bool {
			if head.Commitment == "" {
				return false
			}
			_, err := fx.m.cfg.Store.Confidential(ctx, head.Commitment)
			return err == nil
		}
		before, beforeUA, had, n := snapshot(t, fx), view(t, fx, "ua"), stored(), fx.led.Len()
		_, err = fx.m.Submit(ctx, "ua", x)
		if err == nil {
			return
		}
		if fx.m.broken != nil {
			t.Fatalf("a refused submission stopped the mediation: %v", fx.m.broken)
		}
		if after := snapshot(t, fx); after != before {
			t.Fatalf("a refused submission changed the mediator's view:\n%s\n%s", before, after)
		}
		if after := view(t, fx, "ua"); after != beforeUA {
			t.Fatalf("a refused submission changed ua's view:\n%s\n%s", beforeUA, after)
		}
		if grew := fx.led.Len() - n; grew > 1 {
			t.Fatalf("a refused submission grew the record by %d entries", grew)
		} else if grew == 1 {
			rec, _ := fx.led.Record(n)
			var e ledger.Entry
			if json.Unmarshal(rec, &e) != nil || e.Kind != ledger.KindRefusal {
				t.Fatalf("a refused submission recorded %s", rec)
			}
		}
		if !had && stored() {
			t.Fatal("a refused submission's content was kept in the confidential store")
		}
	})
}

// view is a party's view, as JSON.
func view(t testing.TB, f *fixture, party string) string {
	v, err := f.m.View("ukraine-2025", party)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
