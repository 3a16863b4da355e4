package accord

import (
	"strings"
	"testing"
)

func TestRepeatedKey(t *testing.T) {
	deep := strings.Repeat("[", 1_000_000) + strings.Repeat("]", 1_000_000)
	for _, tt := range []struct{ line, path string }{
		{`{"a":1,"b":2}`, ""},
		{`{"a":1,"a":2}`, "a"},
		{`{"a":1,"A":2}`, "A"},
		{`{"ab":1,"a\u0062":2}`, "ab"},                            // escaped alike
		{`{"x":[{"a":1},{"b":1,"c":{"d":1,"d":2}}]}`, "x[1].c.d"}, // nested
		{`{"x":[[{"k":1}],[{"k":1,"k":2}]]}`, "x[1][0].k"},
		{`{"source":1,"ſource":2}`, "ſource"}, // long s: encoding/json folds it to s
		{`{"k":1,"K":2}`, "K"},                // Kelvin sign
		{`{"é":1,"É":2}`, "É"},
		{`{"a":{"b":1},"c":{"b":1}}`, ""}, // the same key in two objects
		{`{"a":"{\"b\":1,\"b\":2}"}`, ""}, // inside a string: not a key
		{`{"a":1,"b":`, ""},               // not JSON: the decoder's to say
		{`{"x":` + deep + `}`, ""},        // past the depth: the decoder's
		{`{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17,"K3":3}`, "K3"},
	} {
		path, found := RepeatedKey([]byte(tt.line))
		if found != (tt.path != "") || path != tt.path {
			t.Errorf("%.80s: %q %v, want %q", tt.line, path, found, tt.path)
		}
	}
}

func TestBadText(t *testing.T) {
	for _, tt := range []struct{ line, path string }{
		{`{"a":"b","c":["d"]}`, ""},
		{`{"a":"caf\u00e9 😀 \ud83d\ude00 \\ud800"}`, ""}, // a pair, and an escaped backslash
		{"{\"properties\":{\"id\":\"fix-2\xfe\"}}", "properties.id"},
		{"{\"p\":{\"attributed_to\":\"unk\xff\"}}", "p.attributed_to"},
		{`{"properties":{"id":"q\ud800"}}`, "properties.id"},       // a high half alone
		{`{"properties":{"id":"q\udc00x"}}`, "properties.id"},      // a low half alone
		{`{"properties":{"id":"q\ud800\u0041"}}`, "properties.id"}, // a high half and no low one
		{`{"x":["ok","bad\udfff"]}`, "x[1]"},
		{"{\"k\xc0\":1}", "k\xc0"}, // a key
		{"\"\xff\"", ""},           // the line itself a string: its path is empty, still found
	} {
		path, found := BadText([]byte(tt.line))
		want := tt.path != "" || strings.HasPrefix(tt.line, "\"\xff")
		if found != want || path != tt.path {
			t.Errorf("%q: %q %v, want %q %v", tt.line, path, found, tt.path, want)
		}
	}
}
