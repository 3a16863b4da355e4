package accord

import (
	"encoding/json"
	"strings"
	"testing"
)

func persons(names ...string) []json.RawMessage {
	var out []json.RawMessage
	for _, n := range names {
		b, _ := json.Marshal(map[string]string{"name": n})
		out = append(out, b)
	}
	return out
}

// The commitment to a list opens with the list, and not with a changed
// one, another exchange's or one of another length.
func TestExchangeListCommitment(t *testing.T) {
	body, lists, err := SealExchangeLists("x1", map[string][]json.RawMessage{"ru": persons("A", "B", "C"), "ua": persons("D", "E")})
	if err != nil {
		t.Fatal(err)
	}
	if body.Counts["ru"] != 3 || body.Counts["ua"] != 2 || len(body.Lists) != 2 || len(lists) != 2 {
		t.Fatalf("body %+v, %d lists", body, len(lists))
	}
	if lists[0].SHA256 != body.Lists["ru"] || lists[1].SHA256 != body.Lists["ua"] {
		t.Fatal("the commitments are not the lists' seals")
	}
	if id, ok := ExchangeOf(lists[0].Seal); !ok || id != "x1" {
		t.Errorf("scope %q", lists[0].Consultation)
	}
	if err := body.CheckLists(lists); err != nil {
		t.Fatalf("the lists do not open their commitments: %v", err)
	}
	// The public body holds no name.
	pub, _ := json.Marshal(body)
	if strings.Contains(string(pub), `"name"`) || strings.Contains(string(pub), `"A"`) {
		t.Errorf("the body reveals the lists: %s", pub)
	}
	// The same lists sealed again commit differently (the salt).
	again, _, _ := SealExchangeLists("x1", map[string][]json.RawMessage{"ru": persons("A", "B", "C"), "ua": persons("D", "E")})
	if again.Lists["ru"] == body.Lists["ru"] {
		t.Error("two seals of one list are equal: a guess could be confirmed")
	}
	change := func(f func(l []Sealed) []Sealed) []Sealed {
		c := make([]Sealed, len(lists))
		copy(c, lists)
		return f(c)
	}
	tests := []struct {
		name  string
		lists []Sealed
		want  string
	}{
		{"a changed name", change(func(l []Sealed) []Sealed {
			l[0].Content = []byte(strings.Replace(string(l[0].Content), `"B"`, `"Z"`, 1))
			return l
		}), "ru's list: the content of seal"},
		{"another salt", change(func(l []Sealed) []Sealed { l[1].Salt = make([]byte, 32); return l }), "ua's list: the content of seal"},
		{"a list missing", lists[:1], "1 lists sent for 2 commitments"},
		{"another list", change(func(l []Sealed) []Sealed { l[1] = otherList(t); return l }), "no list sent opens the commitment to ua's list"},
		{"another exchange's scope", change(func(l []Sealed) []Sealed {
			x, _ := NewSealed(l[0].Content, ExchangeScope("x2"))
			l[0] = x
			return l
		}), "no list sent opens the commitment to ru's list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := body.CheckLists(tt.lists); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\nwant %q", err, tt.want)
			}
		})
	}
	// A list sealed for another exchange, committed to: refused for its scope.
	x, _ := NewSealed(lists[0].Content, ExchangeScope("x2"))
	b2 := body
	b2.Lists = map[string]string{"ru": x.SHA256, "ua": body.Lists["ua"]}
	if err := b2.CheckLists([]Sealed{x, lists[1]}); err == nil || !strings.Contains(err.Error(), `ru's list is sealed for "exchange:x2", not for the exchange`) {
		t.Errorf("scope: %v", err)
	}
	// A list of another length than its count.
	b3 := body
	b3.Counts = map[string]int{"ru": 4, "ua": 2}
	if err := b3.CheckLists(lists); err == nil || !strings.Contains(err.Error(), "ru's list names 3 persons; the count is 4") {
		t.Errorf("length: %v", err)
	}
}

func otherList(t *testing.T) Sealed {
	_, l, err := SealExchangeLists("x1", map[string][]json.RawMessage{"ua": persons("D", "E")})
	if err != nil {
		t.Fatal(err)
	}
	return l[0]
}

func TestExchangeBodyCheck(t *testing.T) {
	h := strings.Repeat("ab", 32)
	tests := []struct {
		name string
		b    ExchangeBody
		want string
	}{
		{"good", ExchangeBody{"", "x", map[string]int{"ru": 2, "ua": 0}, map[string]string{"ru": h}}, ""},
		{"no id", ExchangeBody{"", "", map[string]int{"ru": 2}, map[string]string{"ru": h}}, "an exchange needs an id"},
		{"negative", ExchangeBody{"", "x", map[string]int{"ru": -1, "ua": 3}, map[string]string{"ua": h}}, "ru released -1 persons: a count is not negative"},
		{"no one", ExchangeBody{"", "x", map[string]int{"ru": 0}, nil}, "exchange x releases no one"},
		{"no commitment", ExchangeBody{"", "x", map[string]int{"ru": 2}, nil}, "ru released 2 persons and there is no commitment to its list"},
		{"a list for no one", ExchangeBody{"", "x", map[string]int{"ru": 2}, map[string]string{"ru": h, "ua": h}}, "a list for ua, who released no one"},
		{"upper hex", ExchangeBody{"", "x", map[string]int{"ru": 2}, map[string]string{"ru": strings.ToUpper(h)}}, "not 64 lowercase hex digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.b.Check()
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("error %v\nwant %q", err, tt.want)
			}
		})
	}
}
