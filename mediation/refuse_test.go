package mediation

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/talks"
)

// TestRefusals: bad submissions get a precise error and store nothing —
// the state and the confidential store are as before; the record holds
// the refusal only, without the content.
func TestRefusals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.m.OpenNegotiation(ctx, "mediator", Opening{Public: f.public}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"us", "ru", "ua", "eu", "cn-gs"} {
		if _, err := f.submit(p, talks.Event{Type: talks.TypePosition, Version: 1}, f.positions[p]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.m.Draft(ctx, "mediator", "ukraine-2025", DraftRequest{Proposal: "us-28-points"}); err != nil {
		t.Fatal(err)
	}
	ua := string(f.positions["ua"])
	accept, _ := json.Marshal(talks.Answer{Answer: talks.AnswerAccept})
	tests := []struct {
		name    string
		party   string
		e       talks.Event
		content string
		want    string
	}{
		{"position of another party", "ru", talks.Event{Type: talks.TypePosition, Version: 2}, ua, "each party submits its own"},
		{"unknown issue", "ua", talks.Event{Type: talks.TypePosition, Version: 2}, strings.Replace(ua, "issues:\n", "issues:\n  mars: {weight: 1}\n", 1), "mars"},
		{"utility out of range", "ua", talks.Event{Type: talks.TypePosition, Version: 2}, strings.Replace(ua, ": 100", ": 150", 1), "100"},
		{"version gap", "ua", talks.Event{Type: talks.TypePosition, Version: 5}, ua, "the next version is 2"},
		{"answer to another round", "ua", talks.Event{Type: talks.TypeAnswer, Round: 2}, string(accept), "not the round on the table"},
		{"objection to an unknown issue", "ua", talks.Event{Type: talks.TypeAnswer, Round: 1}, `{"answer":"object","issues":["mars"]}`, `unknown issue "mars"`},
		{"malformed answer", "ua", talks.Event{Type: talks.TypeAnswer, Round: 1}, `{"answer":"accept","extra":1}`, "unknown field"},
		{"position not UTF-8", "ua", talks.Event{Type: talks.TypePosition, Version: 2}, strings.Replace(ua, "issues:\n", "issues:\n  # \xff\n", 1), "not valid UTF-8"},
		{"answer escaping half a surrogate pair", "ua", talks.Event{Type: talks.TypeAnswer, Round: 1}, `{"answer":"object","issues":["\udc00"]}`, `issues[0]: not valid text`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, f)
			n := f.led.Len()
			_, err := f.submit(tc.party, tc.e, []byte(tc.content))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one saying %q", err, tc.want)
			}
			if after := snapshot(t, f); after != before {
				t.Error("a refused submission changed the state")
			}
			if f.led.Len() != n+1 {
				t.Fatalf("the record grew by %d entries, want the refusal only", f.led.Len()-n)
			}
			rec, _ := f.led.Record(n)
			if !strings.Contains(string(rec), `"kind":"refusal"`) || strings.Contains(string(rec), "batna") {
				t.Errorf("refusal entry %s", rec)
			}
		})
	}
	// A replayed signature: the same submission sent twice.
	f.seq++
	x, _ := Seal(func(s ledger.Submission) (ledger.Submission, error) {
		return ledger.Sign(f.keys["ua"], s.Author, s.ID, s.Type, s.Body)
	}, talks.Event{Type: talks.TypeAnswer, Negotiation: "ukraine-2025", Party: "ua", Round: 1}, "replay-1", accept)
	if _, err := f.m.Submit(ctx, "ua", x); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Submit(ctx, "ua", x); err == nil || !strings.Contains(err.Error(), "replayed") {
		t.Fatalf("replay: %v", err)
	}
	// Content that does not open the commitment.
	x.Submission.ID, x.Content = "replay-2", `{"answer":"object","issues":["crimea"]}`
	if _, err := f.m.Submit(ctx, "ua", x); err == nil || !strings.Contains(err.Error(), "do not open") {
		t.Fatalf("content changed after signing: %v", err)
	}
	// A signed body whose text is not valid (it would be read as U+FFFD,
	// not as signed).
	f.seq++
	x, _ = Seal(func(s ledger.Submission) (ledger.Submission, error) {
		body := []byte(strings.Replace(string(s.Body), `"party":"ua"`, `"party":"ua","note":"\ud800"`, 1))
		return ledger.Sign(f.keys["ua"], s.Author, s.ID, s.Type, json.RawMessage(body))
	}, talks.Event{Type: talks.TypeAnswer, Negotiation: "ukraine-2025", Party: "ua", Round: 1}, "bad-text", accept)
	if _, err := f.m.Submit(ctx, "ua", x); err == nil || !strings.Contains(err.Error(), "note: not valid text") {
		t.Fatalf("a body with half a surrogate pair: %v", err)
	}
	// Submitting for another, and drafting without being the mediator.
	if _, err := f.m.Submit(ctx, "ru", x); accord.ErrorCode(err) != accord.EFORBIDDEN {
		t.Fatalf("ru submitting ua's: %v", err)
	}
	if _, err := f.m.Draft(ctx, "ua", "ukraine-2025", DraftRequest{Proposal: "eu-counter"}); accord.ErrorCode(err) != accord.EFORBIDDEN {
		t.Fatalf("ua drafting: %v", err)
	}
}

func snapshot(t testing.TB, f *fixture) string {
	v, err := f.m.View("ukraine-2025", "mediator")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
