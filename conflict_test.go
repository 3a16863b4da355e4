package accord

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// ObservationLines gives each decoded observation's line: blank lines and
// lines that repeat a key count as lines, not as observations.
func TestObservationLines(t *testing.T) {
	second := with(`"id":"sat-7-0042"`, `"id":"sat-7-0043"`)
	for _, tt := range []struct {
		name string
		data string
		want []int
	}{
		{"one line", good + "\n", []int{1}},
		{"no final newline", good + "\n" + second, []int{1, 2}},
		{"blank lines and CRLF", "\n" + good + "\r\n  \r\n" + second + "\r\n", []int{2, 4}},
		{"a line sent twice", good + "\n" + good + "\n" + second + "\n", []int{1, 3}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := DecodeObservationBytes([]byte(tt.data), "in")
			if err != nil {
				t.Fatal(err)
			}
			got := ObservationLines([]byte(tt.data))
			if !slices.Equal(got, tt.want) || len(got) != len(obs) {
				t.Errorf("lines %v for %d observations, want %v", got, len(obs), tt.want)
			}
		})
	}
}

// A store's conflicts become bad lines at their lines, at most
// MaxLineErrors listed, all counted.
func TestConflictLines(t *testing.T) {
	data := []byte("\n" + good + "\n\n" + with(`"id":"sat-7-0042"`, `"id":"b"`) + "\n")
	cs := Conflicts{{Index: 1, Key: ObservationKey{Source: "sat-7", ID: "b"}}, {Index: 7, Key: ObservationKey{Source: "x", ID: "y"}}}
	bad := ConflictLines(cs, data, "body")
	if bad.Total != 2 || len(bad.Lines) != 2 || bad.Lines[0].Line != 4 || bad.Lines[1].Line != 0 || bad.Lines[0].Field != "properties.id" ||
		!strings.Contains(bad.Lines[0].Msg, `(source "sat-7", id "b") is already stored with different content`) {
		t.Errorf("%+v", bad)
	}
	many := make(Conflicts, MaxLineErrors+5)
	for i := range many {
		many[i] = Conflict{Index: i, Key: ObservationKey{Source: "s", ID: string(rune('a' + i%26))}}
	}
	if bad := ConflictLines(many, data, "body"); bad.Total != MaxLineErrors+5 || len(bad.Lines) != MaxLineErrors || !bad.Truncated() {
		t.Errorf("%d conflicts: total %d, %d listed", len(many), bad.Total, len(bad.Lines))
	}
	err := ConflictError(Conflicts{{Index: 4, Key: ObservationKey{Source: "s", ID: "2"}}, {Index: 0, Key: ObservationKey{Source: "s", ID: "1"}}})
	var got Conflicts
	if !errors.As(err, &got) || ErrorCode(err) != EINVALID || got[0].Index != 0 ||
		err.Error() != `2 observations of the batch are already stored with different content: (source "s", id "1") (observation 1), (source "s", id "2") (observation 5); nothing of the batch was stored` {
		t.Errorf("%v", err)
	}
}
