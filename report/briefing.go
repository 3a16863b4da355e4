package report

import (
	"bytes"
	"html/template"
	"io"

	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/render"
)

// Briefing is the briefing on one proposal for a mediation team: how each
// party scores it, the red lines it crosses and the issues that cost each
// party most, the nearest package every veto party accepts, the frontier
// of acceptable packages in two parties' utilities with the proposals
// marked, and the comparison matrix of all proposals.
type Briefing struct {
	Scenario   string
	Evaluation negotiate.Evaluation
	Bridge     *negotiate.Bridge
	Frontier   template.HTML // inline SVG
	Matrix     template.HTML
}

// NewBriefing builds the briefing on a proposal; plane may be nil.
func NewBriefing(scenario string, ev negotiate.Evaluation, b *negotiate.Bridge, plane *negotiate.Plane, mx negotiate.Matrix) (*Briefing, error) {
	br := &Briefing{Scenario: scenario, Evaluation: ev, Bridge: b}
	if plane != nil {
		var svg bytes.Buffer
		if err := render.PlaneSVG(&svg, plane); err != nil {
			return nil, err
		}
		br.Frontier = template.HTML(svg.String()) // produced by our own renderer, escaped there
	}
	var m bytes.Buffer
	if err := render.MatrixHTML(&m, mx); err != nil {
		return nil, err
	}
	br.Matrix = template.HTML(m.String())
	return br, nil
}

var briefing = template.Must(template.New("briefing.html").Funcs(template.FuncMap{
	"f1": func(x float64) string { return template.HTMLEscapeString(fmtFloat(x)) },
}).ParseFS(templates, "briefing.html"))

// HTML renders the briefing as a self-contained HTML page.
func (b *Briefing) HTML(w io.Writer) error { return briefing.Execute(w, b) }
