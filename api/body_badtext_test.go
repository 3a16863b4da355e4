package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/accord-peace/accord/mediation"
	"github.com/accord-peace/accord/talks"
)

// decodeBody's text check reads past a key given twice (a map's keys may
// differ by case alone, and a struct's field is matched whatever its case):
// a body whose "Content" precedes "content" is still refused for a \udc00 in
// its content, before anything is recorded. BadText stopped at the
// repeated key and found nothing: the content was read with U+FFFD, did
// not open its commitment, and a refusal was recorded.
func TestBadTextAfterAKeyGivenTwice(t *testing.T) {
	ts := newTalksServer(t)
	if code, b := ts.call(t, "mediator", "POST", "/v1/negotiations", mediation.Opening{Public: string(ts.public)}); code != 201 {
		t.Fatalf("open: %d %s", code, b)
	}
	for _, p := range ts.whole.Parties {
		ts.submit(t, p.ID, "positions", talks.Event{Type: talks.TypePosition, Version: 1}, ts.files[p.ID])
	}
	x := ts.seal(t, "ua", talks.Event{Type: talks.TypePosition, Version: 2}, ts.files["ua"])
	raw, _ := json.Marshal(x)
	raw = []byte(strings.Replace(string(raw), `"content":"`, `"Content":"x","content":"\udc00`, 1))
	n := ts.led.Len()
	code, b := ts.call(t, "ua", "POST", "/v1/negotiations/ukraine-2025/positions", json.RawMessage(raw))
	if code != 400 || !strings.Contains(string(b), "content: not valid text") {
		t.Errorf("%d %s, want 400 saying the content is not valid text", code, b)
	}
	if grew := ts.led.Len() - n; grew != 0 {
		t.Errorf("the record grew by %d entries", grew)
	}
}
