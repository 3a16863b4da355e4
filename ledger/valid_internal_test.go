package ledger

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// validCorpus are JSON texts and near misses: every rule of the grammar
// on both sides of its edge.
var validCorpus = []string{
	``, ` `, `{}`, `[]`, `""`, `0`, `-0`, `1`, `-`, `01`, `-01`, `1.`, `1.5`, `.5`, `1e`, `1e5`, `1E+5`, `1e-5`, `1e+`, `1.5e3`,
	`-1.0e-0`, `123456789012345678901234567890`, `0.0000`, `00`, `+1`, `1x`, `0x10`, `Infinity`, `NaN`,
	`true`, `false`, `null`, `tru`, `truex`, `nul`, `nulll`, `True`, `t`, `f`, `n`,
	` {} `, "\t[]\n", "\r\n1\r\n", "\v1", "\f1", "1 2", `{} {}`, `[1,]`, `[,1]`, `[1 2]`, `[1,,2]`, `[`, `]`, `[[]`, `[]]`,
	`{"a":1}`, `{"a":1,}`, `{"a" 1}`, `{"a":}`, `{a:1}`, `{"a":1 "b":2}`, `{"a":1,"b":[true,false,null,{"c":"d"}]}`, `{1:2}`, `{"a":1}}`,
	`{"a"}`, `{,}`, `{"a":1,"a":2}`, `{ "a" : [ 1 , 2 ] , "b" : { } }`,
	`"abc`, `"a\"b"`, `"a\\"`, `"\/"`, `"\b\f\n\r\t"`, `"\u00e9"`, `"\u00E9"`, `"\u00g9"`, `"\u00e"`, `"\u"`, `"\x41"`, `"\a"`, `"\`,
	"\"\x00\"", "\"\x1f\"", "\"\x7f\"", "\"\xff\xfe\"", "\"é日本😀\"", "\"\u2028\"", "\"tab\there\"", "\"nl\nhere\"", `"\ud800"`,
	"\xef\xbb\xbf{}", "\x00", `{"a":"b"}` + "\x00",
}

func TestValidAgainstJSON(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := valid([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Fatalf("valid(%q) = %v, json.Valid %v", s, got, want)
		}
	}
	for _, s := range validCorpus {
		check(s)
	}
	for _, d := range []int{maxDepth - 1, maxDepth, maxDepth + 1} {
		check(strings.Repeat("[", d) + strings.Repeat("]", d))
		check(strings.Repeat(`{"a":`, d) + "1" + strings.Repeat("}", d))
		check(strings.Repeat(`[{"a":`, d/2) + "[]" + strings.Repeat("}]", d/2))
	}
	// Records as the mission writes them, and each cut and changed at
	// random places.
	rng := rand.New(rand.NewPCG(3, 4))
	bodies := []string{
		`{"id":"inc-000123","state":"confirmed","event":"artillery","location":[36.123456,47.654321],"first_observed":"2025-06-01T04:00:00.000000005Z","zones":null,"violations":[{"rule":"r","party":null,"attribution_confidence":0.8}],"closed_at":null,"observation_count":3}`,
		`{"seq":12,"at":"2025-06-01T04:00:00Z","type":"violation","party":"ru","id":"inc-1:no-artillery","rule":"no-artillery","incident":"inc-1"}`,
		`[{"a":[1,-2.5e-3,true,false,null,"\u00e9\n"]},{},[],""]`,
	}
	alphabet := []byte(`{}[]:,"\/-+.0123456789eEtrufalsn ` + "\t\n\x00\x1f\x7f\xff")
	for _, body := range bodies {
		check(body)
		for range 20000 {
			b := []byte(body)
			for range rng.IntN(3) + 1 {
				switch i := rng.IntN(len(b)); rng.IntN(3) {
				case 0:
					b[i] = alphabet[rng.IntN(len(alphabet))]
				case 1:
					b = append(b[:i:i], b[i+1:]...)
				default:
					b = append(b[:i:i], append([]byte{alphabet[rng.IntN(len(alphabet))]}, b[i:]...)...)
				}
				if len(b) == 0 {
					break
				}
			}
			check(string(b))
			check(string(b[:rng.IntN(len(b)+1)]))
		}
	}
}

func FuzzValid(f *testing.F) {
	for _, s := range validCorpus {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := valid(b), json.Valid(b); got != want {
			t.Fatalf("valid(%q) = %v, json.Valid %v", b, got, want)
		}
	})
}

// appendRest writes what encoding/json writes (marshalRest) for every
// entry it takes, and takes the common ones.
func TestAppendRest(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	strs := []string{"", "derived", "submission", "refusal", "incident", "ua", "key:abc+/=", "é", "日本", "a<b", "a&b", "q\"", `b\s`,
		"\x01", "\x7f", "\u2028", "\u2029", "\u2027", "\u202a", "ok\u2028x", "😀", "\xe2\x80"}
	pick := func() string {
		if rng.IntN(2) == 0 {
			return strs[rng.IntN(6)]
		}
		return strs[rng.IntN(len(strs))]
	}
	fast := 0
	for range 50000 {
		e := Entry{Kind: pick(), Author: pick(), ID: pick(), Type: pick(), Sig: pick(), Reason: pick()}
		switch rng.IntN(3) {
		case 0:
			e.Body = []byte(`{"a":[1,2]}`)
		case 1:
			e.Body = []byte(`"x"`)
		}
		if rng.IntN(10) == 0 {
			e.Cut = []Cut{{Field: "id", Len: 300, SHA256: "ab"}}
		}
		want, wantErr := e.marshalRest()
		got, err := e.encodeRest()
		if (err != nil) != (wantErr != nil) {
			if err == nil || !strings.Contains(err.Error(), "UTF-8") {
				t.Fatalf("%+v: error %v, want %v", e, err, wantErr)
			}
			continue // refused before encoding: not valid UTF-8
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%+v:\ngot  %s\nwant %s", e, got, want)
		}
		if _, ok := e.appendRest(nil); ok {
			fast++
		}
	}
	if fast < 5000 {
		t.Errorf("only %d entries of 50,000 took the fast path", fast)
	}
}

// BenchmarkEncodeRest is what encoding an incident entry costs, the body
// checked (valid, json.Valid before) and the fields written.
func BenchmarkEncodeRest(b *testing.B) {
	body := []byte(`{"id":"inc-000123","state":"confirmed","event":"artillery","equipment":"mlrs","location":[36.123456,47.654321],"first_observed":"2025-06-01T04:00:00.000000005Z","last_observed":"2025-06-01T04:03:12Z","independent_sources":3,"confidence":0.9312345,"side":"ua","distance_to_line_m":812.53,"zones":["buffer-north"],"violations":[{"rule":"no-heavy-weapons-in-buffer","provision":"ceasefire","party":"ru","attribution_confidence":0.8}],"closed_at":null,"observation_count":3,"observations_sha256":"5b0e8f6cb7d3c1b1e0b8a1e2c7c1f0b9e7d5a3c1b0e9f8d7c6b5a4e3d2c1b0a9"}`)
	e := Entry{Kind: KindDerived, Type: "incident", Body: body}
	b.Run("json.Valid", func(b *testing.B) {
		for b.Loop() {
			json.Valid(body)
		}
	})
	b.Run("valid", func(b *testing.B) {
		for b.Loop() {
			valid(body)
		}
	})
	b.Run("marshalRest", func(b *testing.B) {
		for b.Loop() {
			e.marshalRest()
		}
	})
	b.Run("encodeRest", func(b *testing.B) {
		for b.Loop() {
			e.encodeRest()
		}
	})
}

// BenchmarkAppendAll appends the entries of an ingested batch (about 450
// for 500 observations of the reference front) in one durable batch.
func BenchmarkAppendAll(b *testing.B) {
	l, err := Open(b.TempDir() + "/log")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	body := []byte(`{"id":"inc-000123","state":"confirmed","event":"artillery","location":[36.123456,47.654321],"observation_count":3}`)
	es := make([]Entry, 450)
	for i := range es {
		es[i] = Entry{Kind: KindDerived, Type: "incident", Body: body}
	}
	for b.Loop() {
		if _, err := l.AppendAll(es); err != nil {
			b.Fatal(err)
		}
	}
}
