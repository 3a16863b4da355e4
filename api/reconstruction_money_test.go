package api_test

import (
	"strings"
	"testing"

	"github.com/accord-peace/accord/funding"
)

// A signed registry submission whose body gives a key twice is refused,
// nothing recorded, as the mission's signed submissions are
// (accord.DecodeStrictText): JSON readers differ on which of the two a
// signature attests, so the registry may not take one of them (here the
// last, 900000 where the first says 100000) as what the author signed.
func TestReconstructionSignedRepeatedKeyRefused(t *testing.T) {
	srv, l, keys := signedRegistry(t)
	const eu = "t-eu-0123456789abcdef"
	for _, c := range []struct{ route, typ, body string }{
		{"funds", funding.SubmissionFund, `{"id":"eu-era","source":"loan","amount":{"amount":100000,"currency":"EUR","amount":900000}}`},
		{"funds", funding.SubmissionFund, `{"id":"eu-era","source":"loan","amount":{"amount":100000,"currency":"EUR"},"id":"eu-other"}`},
	} {
		n := l.Len()
		code, msg := postRec(t, srv.URL, c.route, eu, c.body, "eu", keys["eu"], "rk-"+c.body[len(c.body)-12:], c.typ)
		if code != 400 || !strings.Contains(msg, "twice") || l.Len() != n {
			t.Errorf("%s %s: %d %s, %d entries recorded; want 400 naming the key given twice, nothing recorded", c.route, c.body, code, msg, l.Len()-n)
		}
	}
}
