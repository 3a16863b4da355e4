package render_test

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/render"
	"github.com/accord-peace/accord/scenario"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func model(t *testing.T) *negotiate.Model {
	t.Helper()
	s, err := scenario.Load("../cmd/accord/testdata/tiny.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return negotiate.Compile(s)
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./render -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestGolden(t *testing.T) {
	m := model(t)
	a, err := m.Analyze(negotiate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pl, err := m.Plane("ua", "ru", negotiate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"tiny.txt", func(w io.Writer) error { return render.Text(w, a) }},
		{"tiny-matrix.md", func(w io.Writer) error { return render.MatrixMarkdown(w, m.Compare()) }},
		{"tiny-matrix.html", func(w io.Writer) error { return render.MatrixHTML(w, m.Compare()) }},
		{"tiny-frontier.svg", func(w io.Writer) error { return render.PlaneSVG(w, pl) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.write(&b); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, b.Bytes())
		})
	}
}

// The SVG and HTML outputs are well-formed XML and carry what they should.
func TestSVGWellFormed(t *testing.T) {
	m := model(t)
	pl, err := m.Plane("ua", "ru", negotiate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := render.PlaneSVG(&b, pl); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(&b)
	points, proposals := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				if a.Name.Local == "class" && a.Value == "frontier-point" {
					points++
				}
				if a.Name.Local == "class" && a.Value == "proposal" {
					proposals++
				}
			}
		}
	}
	if points != len(pl.Frontier) || points != 2 || proposals != 2 {
		t.Errorf("frontier points %d (plane has %d, want 2), proposals %d (want 2)", points, len(pl.Frontier), proposals)
	}
}

func TestMarkdownEscapesPipes(t *testing.T) {
	mx := negotiate.Matrix{Proposals: []negotiate.MatrixColumn{{ID: "a|b"}}}
	var b bytes.Buffer
	render.MatrixMarkdown(&b, mx)
	if !strings.Contains(b.String(), `a\|b`) {
		t.Errorf("pipe not escaped: %s", b.String())
	}
}

// A carriage return ends a line in CommonMark as a newline does: a name
// holding one stays in its cell, and the table keeps a row per issue and
// per party.
func TestMarkdownCellsHoldCarriageReturns(t *testing.T) {
	mx := negotiate.Matrix{
		Proposals: []negotiate.MatrixColumn{{ID: "p1\r| forged"}},
		Issues:    []negotiate.MatrixRow{{Issue: "ceasefire\r# Heading", Track: "security", Cells: []negotiate.MatrixCell{{Option: "now\r\nlater"}}}},
		Parties:   []negotiate.MatrixVerdictRow{{Party: "ua\rx", Verdicts: []negotiate.Verdict{{Accepts: true, Utility: 60}}}},
	}
	var b bytes.Buffer
	if err := render.MatrixMarkdown(&b, mx); err != nil {
		t.Fatal(err)
	}
	lines := strings.FieldsFunc(b.String(), func(r rune) bool { return r == '\n' || r == '\r' })
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 4 (header, delimiter, an issue, a party):\n%q", len(lines), lines)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "|") || strings.Count(l, "|")-strings.Count(l, `\|`) != 3 {
			t.Errorf("line %q is not a row of the table's 2 columns", l)
		}
	}
}
