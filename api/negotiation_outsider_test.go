package api_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"regexp"
	"testing"

	"github.com/accord-peace/accord/mediation"
	"github.com/accord-peace/accord/talks"
)

// submissionID is a submission's id in an error: each request's own.
var submissionID = regexp.MustCompile(`bad[0-9]+`)

// TestOutsidersCannotTellANegotiationExists: to a caller who is neither a
// party to a negotiation nor its mediator, every route of a negotiation
// that exists answers exactly as for one that does not: 404 and the same
// error, byte for byte once the id is replaced. Before, a party's token
// from elsewhere read 403 "neither a party ... nor its mediator" for a
// negotiation that exists and 404 for one that does not.
func TestOutsidersCannotTellANegotiationExists(t *testing.T) {
	ts := newTalksServer(t)
	ts.run(t)
	_, ts.keys["outsider"], _ = ed25519.GenerateKey(rand.Reader) // a key the registry does not hold
	const missing = "no-such-talks"
	accept, _ := json.Marshal(talks.Answer{Answer: talks.AnswerAccept})
	tests := []struct {
		caller, method, route string
		body                  func(id string) any
	}{
		{"outsider", "GET", "", nil},
		{"outsider", "GET", "/public", nil},
		{"outsider", "GET", "/positions/ua", nil},
		{"outsider", "GET", "/agreement", nil},
		{"mediator2", "GET", "", nil},
		{"mediator2", "GET", "/positions/ua", nil},
		{"mediator2", "GET", "/proposal", nil},
		{"mediator2", "POST", "/drafts", func(string) any { return mediation.DraftRequest{Proposal: "us-28-points"} }},
		{"outsider", "POST", "/answers", func(id string) any {
			x := ts.seal(t, "outsider", talks.Event{Type: talks.TypeAnswer, Negotiation: id, Round: 1}, accept)
			return x
		}},
	}
	for _, tc := range tests {
		t.Run(tc.caller+" "+tc.method+tc.route, func(t *testing.T) {
			var codes [2]int
			var bodies [2][]byte
			for i, id := range []string{"ukraine-2025", missing} {
				var body any
				if tc.body != nil {
					body = tc.body(id)
				}
				codes[i], bodies[i] = ts.call(t, tc.caller, tc.method, "/v1/negotiations/"+id+tc.route, body)
				bodies[i] = bytes.ReplaceAll(bodies[i], []byte(id), []byte("ID"))
				bodies[i] = submissionID.ReplaceAll(bodies[i], []byte("badN"))
			}
			if codes[0] != 404 || codes[1] != 404 {
				t.Fatalf("existing: %d %s; missing: %d %s; want 404 for both", codes[0], bodies[0], codes[1], bodies[1])
			}
			if !bytes.Equal(bodies[0], bodies[1]) {
				t.Fatalf("the answers tell the negotiations apart:\nexisting: %s\nmissing:  %s", bodies[0], bodies[1])
			}
		})
	}
	// Its members still read it.
	if code, b := ts.call(t, "ua", "GET", "/v1/negotiations/ukraine-2025", nil); code != 200 {
		t.Fatalf("a party reads its negotiation: %d %s", code, b)
	}
}
