package report

import (
	"bytes"
	"fmt"
	"html/template"
	"io"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/forecast"
	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/render"
	"github.com/accord-peace/accord/robust"
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
	// BridgeCut is the search budget (nodes) that ran out before the
	// bridge search found any acceptable package, when it did (Bridge is
	// then nil: none found, not none existing).
	BridgeCut int64
	Frontier  template.HTML // inline SVG
	Matrix    template.HTML
	// Robustness is set by AddRobustness, for a scenario with ranges.
	Robustness *Robustness
	// Forecast is set by AddForecast.
	Forecast *Forecast
}

// Forecast is the briefing's section on where the bargaining may land
// (docs/forecast.md): a spatial model run on the scenario as accord
// forecast maps it, the weighted median and mean of the last round per
// issue, and the chart of the positions converging.
type Forecast struct {
	Model  string // its name in prose
	Rounds int
	Actors int
	Issues []ForecastIssue
	Chart  template.HTML // inline SVG
}

// ForecastIssue is where one issue ends in a forecast, on its 0..100 scale.
type ForecastIssue struct {
	Issue  string
	Median float64
	Mean   float64
	Option string // the option nearest the median; empty if unknown
}

// forecastModels names the models in prose.
var forecastModels = map[string]string{
	forecast.ModelSMP:        "KTAB's spatial model of politics (SMP)",
	forecast.ModelEU:         "the expected-utility model",
	forecast.ModelCompromise: "the compromise model",
}

// AddForecast adds the section on where the bargaining may land from a
// forecast of the scenario (forecast.ScenarioInput, forecast.Run): each
// dimension is the scenario's issue of that id, whose option nearest the
// median is named.
func (b *Briefing) AddForecast(s *accord.Scenario, f *forecast.Forecast) error {
	name := forecastModels[f.Model]
	if name == "" {
		name = "the " + f.Model + " model"
	}
	fs := &Forecast{Model: name, Rounds: f.Rounds, Actors: len(f.Actors)}
	last := len(f.Median) - 1
	for d, dim := range f.Dimensions {
		fi := ForecastIssue{Issue: dim, Median: f.Median[last][d], Mean: f.Mean[last][d]}
		if is, ok := s.Issue(dim); ok {
			if k := forecast.NearestOption(*is, fi.Median); k >= 0 {
				fi.Option = is.Options[k].ID
			}
		}
		fs.Issues = append(fs.Issues, fi)
	}
	var svg bytes.Buffer
	if err := render.ForecastSVG(&svg, f); err != nil {
		return err
	}
	fs.Chart = template.HTML(svg.String()) // produced by our own renderer, escaped there
	b.Forecast = fs
	return nil
}

// Robustness is the briefing's section on how sure the proposal is when
// the scenario's ranged values move (docs/robust.md): its probability of
// acceptance by every veto party, the issues whose uncertainty matters most
// for it, and the bar chart of every proposal's and solution's probability.
type Robustness struct {
	Runs        int
	Seed        uint64
	Inputs      int
	Probability float64 // of this proposal
	HalfWidth   float64 // 95%
	Issues      []RobustIssue
	// Influential counts the issues whose uncertainty moves acceptance
	// (a score above 0): Issues lists the first render.RobustTopIssues.
	Influential int
	Chart       template.HTML // inline SVG
}

// Cut says how many influential issues the table leaves out ("" when it
// lists them all).
func (rb *Robustness) Cut() string {
	if rb.Influential <= len(rb.Issues) {
		return ""
	}
	return fmt.Sprintf("The %d issues of greatest influence, of %d whose uncertainty moves acceptance: the other %d %s not listed.",
		len(rb.Issues), rb.Influential, rb.Influential-len(rb.Issues), plural(rb.Influential-len(rb.Issues), "is", "are"))
}

// RobustIssue is one issue's influence on the proposal's acceptance.
type RobustIssue struct {
	Group string
	Score float64
	Input string // its strongest ranged value
	Rho   float64
}

// AddRobustness adds the section on robustness from a Monte Carlo result of
// the same scenario (robust.Run); the proposal must be one of its targets.
func (b *Briefing) AddRobustness(r *robust.Result) error {
	for _, t := range r.Targets {
		if t.Kind != robust.TargetProposal || t.ID != b.Evaluation.Proposal {
			continue
		}
		rb := &Robustness{Runs: r.Runs, Seed: r.Seed, Inputs: len(r.Inputs), Probability: t.Probability, HalfWidth: 1.96 * t.StdErr}
		for _, in := range t.Influence {
			if in.Score == 0 {
				break
			}
			rb.Influential++
			if len(rb.Issues) < render.RobustTopIssues {
				rb.Issues = append(rb.Issues, RobustIssue{Group: in.Group.String(), Score: in.Score, Input: r.Inputs[in.Top].String(), Rho: in.Rho})
			}
		}
		var svg bytes.Buffer
		if err := render.RobustSVG(&svg, r); err != nil {
			return err
		}
		rb.Chart = template.HTML(svg.String()) // produced by our own renderer, escaped there
		b.Robustness = rb
		return nil
	}
	return nil
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
	"f1":  func(x float64) string { return template.HTMLEscapeString(fmtFloat(x)) },
	"pct": func(x float64) string { return template.HTMLEscapeString(fmtFloat(100 * x)) },
}).ParseFS(templates, "briefing.html"))

// HTML renders the briefing as a self-contained HTML page.
func (b *Briefing) HTML(w io.Writer) error { return briefing.Execute(w, b) }
