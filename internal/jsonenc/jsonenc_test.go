package jsonenc

import (
	"encoding/json"
	"testing"
)

// Plain is true exactly when encoding/json writes the string unchanged
// between quotes.
func TestPlainIsWhatEncodingJSONLeavesAsItIs(t *testing.T) {
	for _, s := range []string{"", "abc", "inc-12", "é", "日本", "a\"b", "a\\b", "a\nb", "<", ">", "&", "\u2028", "\u2029", "\x7f", string([]byte{0xff}), string([]byte{0xe2, 0x80}), "tab\t"} {
		b, _ := json.Marshal(s)
		want := string(b) == `"`+s+`"`
		if got := Plain(s); got != want {
			t.Errorf("Plain(%q) = %v, encoding/json writes %s", s, got, b)
		}
	}
}

func FuzzPlain(f *testing.F) {
	f.Add("abc")
	f.Add("\u2028<&>")
	f.Fuzz(func(t *testing.T, s string) {
		b, _ := json.Marshal(s)
		if Plain(s) != (string(b) == `"`+s+`"`) {
			t.Fatalf("Plain(%q) = %v, encoding/json writes %s", s, Plain(s), b)
		}
	})
}
