package accord

import (
	"strings"
	"testing"
)

// DecodeStrict, which reads signed submissions' bodies, refuses a key given
// twice (or alike but for case) at any depth, naming it; the same body
// with each key once is read.
func TestDecodeStrictRefusesARepeatedKey(t *testing.T) {
	type finding struct {
		Consultation string `json:"consultation"`
		Outcome      string `json:"outcome"`
		Signed       []struct {
			By string `json:"by"`
		} `json:"signed"`
	}
	for _, tt := range []struct{ body, want string }{
		{`{"consultation":"c1","outcome":"upheld","outcome":"dismissed"}`, "outcome: the key is given twice"},
		{`{"consultation":"c1","outcome":"upheld","Outcome":"dismissed"}`, "Outcome: the key is given twice"},
		{`{"consultation":"c1","signed":[{"by":"us"},{"by":"eu","by":"us"}]}`, "signed[1].by: the key is given twice"},
		{`{"consultation":"c1","outcome":"upheld","signed":[{"by":"us"}]}`, ""},
	} {
		var f finding
		err := DecodeStrict([]byte(tt.body), &f)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: %v, want %q", tt.body, err, tt.want)
		}
	}
}

// DecodeStrictText, which reads what is received to be signed and
// recorded, refuses a string that is not valid text; DecodeStrict, which
// reads the record back, still reads it.
func TestDecodeStrictTextRefusesBadText(t *testing.T) {
	var v struct {
		Consultation string `json:"consultation"`
		Evidence     string `json:"evidence"`
	}
	body := []byte("{\"consultation\":\"c1\",\"evidence\":\"ok\xff\"}")
	if err := DecodeStrictText(body, &v); err == nil || !strings.Contains(err.Error(), "evidence: not valid text") {
		t.Errorf("DecodeStrictText: %v, want evidence: not valid text", err)
	}
	if err := DecodeStrict(body, &v); err != nil {
		t.Errorf("DecodeStrict: %v, want the record read as before", err)
	}
	if err := DecodeStrictText([]byte(`{"consultation":"c1","evidence":"caf\u00e9"}`), &v); err != nil || v.Evidence != "café" {
		t.Errorf("DecodeStrictText of good text: %v %q", err, v.Evidence)
	}
}
