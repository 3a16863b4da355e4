package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mediation"
	"github.com/accord-peace/accord/talks"
)

// seal seals content as party (the submission's author) without posting
// it.
func (ts *talksServer) seal(t *testing.T, party string, e talks.Event, content []byte) mediation.Submitted {
	t.Helper()
	ts.seq++
	e.Party = party
	if e.Negotiation == "" {
		e.Negotiation = "ukraine-2025"
	}
	x, err := mediation.Seal(func(s ledger.Submission) (ledger.Submission, error) {
		return ledger.Sign(ts.keys[party], s.Author, s.ID, s.Type, s.Body)
	}, e, fmt.Sprintf("bad%d", ts.seq), content)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestNegotiationBadInputOverHTTP: what issue 15 lists as bad input, sent
// to the routes, gets a precise error and stores nothing: the mediator's
// view is byte for byte as before, and the record holds at most the
// refusal, without the content.
func TestNegotiationBadInputOverHTTP(t *testing.T) {
	ts := newTalksServer(t)
	if code, b := ts.call(t, "mediator", "POST", "/v1/negotiations", mediation.Opening{Public: string(ts.public)}); code != 201 {
		t.Fatalf("open: %d %s", code, b)
	}
	for _, p := range ts.whole.Parties {
		ts.submit(t, p.ID, "positions", talks.Event{Type: talks.TypePosition, Version: 1}, ts.files[p.ID])
	}
	if code, b := ts.call(t, "mediator", "POST", "/v1/negotiations/ukraine-2025/drafts", mediation.DraftRequest{Proposal: "us-28-points"}); code != 201 {
		t.Fatalf("draft: %d %s", code, b)
	}
	_, b := ts.call(t, "mediator", "GET", "/v1/negotiations/ukraine-2025", nil)
	var mv talks.MediatorView
	json.Unmarshal(b, &mv)
	var uaAnswer mediation.Submitted
	for _, p := range ts.whole.Parties {
		if !p.Veto {
			continue
		}
		a, _ := json.Marshal(talks.Respond(ts.whole, p.ID, ts.whole.Positions[p.ID], mv.Rounds[0].Text))
		x := ts.seal(t, p.ID, talks.Event{Type: talks.TypeAnswer, Round: 1}, a)
		if code, b := ts.call(t, p.ID, "POST", "/v1/negotiations/ukraine-2025/answers", x); code != 200 {
			t.Fatalf("%s answers: %d %s", p.ID, code, b)
		}
		if p.ID == "ua" {
			uaAnswer = x
		}
	}
	ua := string(ts.files["ua"])
	accept, _ := json.Marshal(talks.Answer{Answer: talks.AnswerAccept})
	pos2 := talks.Event{Type: talks.TypePosition, Version: 2}
	tests := []struct {
		name   string
		caller string // the token's actor
		route  string
		x      mediation.Submitted
		code   int
		want   string
		record bool // the refusal is recorded
	}{
		{"unknown issue", "ua", "positions", ts.seal(t, "ua", pos2, []byte(strings.Replace(ua, "issues:\n", "issues:\n  mars: {weight: 1, utility: {red: 100}}\n", 1))), 400, `"mars"`, true},
		{"unknown option", "ua", "positions", ts.seal(t, "ua", pos2, []byte(strings.Replace(ua, "immediate-30day: 100", "immediate-31day: 100", 1))), 400, "immediate-31day", true},
		{"utility above 100", "ua", "positions", ts.seal(t, "ua", pos2, []byte(strings.Replace(ua, "immediate-30day: 100", "immediate-30day: 101", 1))), 400, "101", true},
		{"utility below 0", "ua", "positions", ts.seal(t, "ua", pos2, []byte(strings.Replace(ua, "immediate-30day: 100", "immediate-30day: -1", 1))), 400, "-1", true},
		{"position of another party", "ru", "positions", ts.seal(t, "ru", pos2, []byte(ua)), 403, "each party submits its own", true},
		{"position signed by another", "ru", "positions", ts.seal(t, "ua", pos2, []byte(ua)), 403, `ru may not submit for "ua"`, false},
		{"answer to a closed round", "cn-gs", "answers", ts.seal(t, "cn-gs", talks.Event{Type: talks.TypeAnswer, Round: 1}, accept), 400, "round 1 is closed", true},
		{"replayed signature", "ua", "answers", uaAnswer, 400, "replayed submission", true},
		{"another negotiation's submission", "ua", "answers", ts.seal(t, "ua", talks.Event{Type: talks.TypeAnswer, Negotiation: "other", Round: 1}, accept), 400, `for "other"`, false},
		{"an answer on the positions route", "ua", "positions", ts.seal(t, "ua", talks.Event{Type: talks.TypeAnswer, Round: 1}, accept), 400, `takes a "negotiation_position"`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, before := ts.call(t, "mediator", "GET", "/v1/negotiations/ukraine-2025", nil)
			n := ts.led.Len()
			code, b := ts.call(t, tc.caller, "POST", "/v1/negotiations/ukraine-2025/"+tc.route, tc.x)
			var e struct{ Message string }
			json.Unmarshal(b, &e)
			if code != tc.code || !strings.Contains(e.Message, tc.want) {
				t.Fatalf("%d %s, want %d saying %q", code, b, tc.code, tc.want)
			}
			if _, after := ts.call(t, "mediator", "GET", "/v1/negotiations/ukraine-2025", nil); string(after) != string(before) {
				t.Errorf("a refused submission changed the mediator's view")
			}
			grew := ts.led.Len() - n
			if want := map[bool]int64{true: 1, false: 0}[tc.record]; grew != want {
				t.Fatalf("the record grew by %d entries, want %d", grew, want)
			}
			if grew == 1 {
				rec, _ := ts.led.Record(n)
				if !strings.Contains(string(rec), `"kind":"refusal"`) || strings.Contains(string(rec), "batna") || strings.Contains(string(rec), "accept") {
					t.Errorf("refusal entry %s", rec)
				}
			}
		})
	}
	// A body whose text is not valid is refused before it is read (it
	// would be read with U+FFFD in place of what was sent): nothing
	// recorded, the view unchanged.
	t.Run("content escaping half a surrogate pair", func(t *testing.T) {
		_, before := ts.call(t, "mediator", "GET", "/v1/negotiations/ukraine-2025", nil)
		n := ts.led.Len()
		raw, _ := json.Marshal(ts.seal(t, "ua", pos2, []byte(ua)))
		raw = []byte(strings.Replace(string(raw), `"content":"`, `"content":"\udc00`, 1))
		code, b := ts.call(t, "ua", "POST", "/v1/negotiations/ukraine-2025/positions", json.RawMessage(raw))
		if code != 400 || !strings.Contains(string(b), "content: not valid text") {
			t.Fatalf("%d %s, want 400 saying the content is not valid text", code, b)
		}
		if _, after := ts.call(t, "mediator", "GET", "/v1/negotiations/ukraine-2025", nil); string(after) != string(before) {
			t.Errorf("a refused body changed the mediator's view")
		}
		if grew := ts.led.Len() - n; grew != 0 {
			t.Errorf("the record grew by %d entries", grew)
		}
	})
}
