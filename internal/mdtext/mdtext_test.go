package mdtext

import "testing"

func TestCell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"kharkivska", "kharkivska"},
		{"a|b", `a\|b`},
		{"<img src=x onerror=alert(1)>", `\<img src=x onerror=alert(1)>`},
		{"[click](javascript:alert(1))", `\[click](javascript:alert(1))`},
		{`a\|b`, `a\\\|b`}, // the text's own backslash does not undo the escape
		{"one\ntwo\r\nthree\rfour", "one two three four"},
		{"Дніпропетровська", "Дніпропетровська"},
	} {
		if got := Cell(tc.in); got != tc.want {
			t.Errorf("Cell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
