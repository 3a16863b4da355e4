package render

import (
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/accord-peace/accord/internal/mdtext"
	"github.com/accord-peace/accord/negotiate"
)

// MatrixMarkdown writes the comparison matrix as a Markdown table: one row
// per issue, one column per proposal, then one row per party with its verdict.
func MatrixMarkdown(w io.Writer, mx negotiate.Matrix) error {
	p := &printer{w: w}
	p.f("| issue |")
	for _, c := range mx.Proposals {
		p.f(" %s |", mdEscape(columnTitle(c)))
	}
	p.f("\n|---|")
	for range mx.Proposals {
		p.f("---|")
	}
	p.f("\n")
	for _, r := range mx.Issues {
		p.f("| **%s** (%s) |", mdEscape(r.Issue), mdEscape(r.Track))
		for _, c := range r.Cells {
			p.f(" %s |", mdEscape(cellText(c)))
		}
		p.f("\n")
	}
	for _, r := range mx.Parties {
		name := r.Party
		if r.Veto {
			name += " (veto)"
		}
		p.f("| *%s* |", mdEscape(name))
		for _, v := range r.Verdicts {
			p.f(" %s |", mdEscape(verdictText(v)))
		}
		p.f("\n")
	}
	return p.err
}

func columnTitle(c negotiate.MatrixColumn) string {
	t := c.ID
	if c.Partial {
		t += " (partial)"
	}
	return t
}

func cellText(c negotiate.MatrixCell) string {
	if c.Option == "" {
		return "—"
	}
	s := c.Option
	if len(c.RedLines) > 0 {
		s += " ⛔ " + strings.Join(c.RedLines, ",")
	}
	return s
}

func verdictText(v negotiate.Verdict) string {
	if v.Accepts {
		return fmt.Sprintf("✓ %.1f", v.Utility)
	}
	why := "below BATNA"
	if len(v.RedLines) > 0 {
		why = "red line: " + strings.Join(v.RedLines, ",")
	}
	return fmt.Sprintf("✗ %.1f (%s)", v.Utility, why)
}

// mdEscape makes text one table cell that renders as itself (mdtext.Cell).
func mdEscape(s string) string { return mdtext.Cell(s) }

var matrixHTML = template.Must(template.New("matrix").Funcs(template.FuncMap{
	"column": columnTitle, "verdict": verdictText,
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{{.Scenario}}: comparison of proposals</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem}
table{border-collapse:collapse;font-size:.9rem}
th,td{border:1px solid #bbb;padding:.3rem .5rem;vertical-align:top}
th{background:#eef}
td.red{background:#fdd}
td.ok{background:#dfd}
td.no{background:#fdd}
.q{color:#555;font-size:.8rem}
</style></head><body>
<h1>{{.Scenario}}: comparison of proposals</h1>
<table>
<thead><tr><th>issue</th>{{range .Proposals}}<th title="{{.Title}}">{{column .}}</th>{{end}}</tr></thead>
<tbody>
{{range .Issues}}<tr><td><b>{{.Issue}}</b> <span class="q">({{.Track}})<br>{{.Question}}</span></td>{{range .Cells}}{{if .Option}}<td{{if .RedLines}} class="red" title="red line of {{range $i, $p := .RedLines}}{{if $i}}, {{end}}{{$p}}{{end}}"{{end}}>{{.Label}}</td>{{else}}<td class="q">undecided</td>{{end}}{{end}}</tr>
{{end}}{{range .Parties}}<tr><th>{{.Party}}{{if .Veto}} (veto){{end}}</th>{{range .Verdicts}}<td class="{{if .Accepts}}ok{{else}}no{{end}}">{{verdict .}}</td>{{end}}</tr>
{{end}}</tbody></table>
</body></html>
`))

// MatrixHTML writes the comparison matrix as a standalone HTML page.
func MatrixHTML(w io.Writer, mx negotiate.Matrix) error {
	return matrixHTML.Execute(w, mx)
}
