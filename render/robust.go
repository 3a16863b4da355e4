package render

import (
	"io"
	"strings"

	"github.com/accord-peace/accord/robust"
)

// RobustTopIssues is how many issues RobustText lists (it counts the
// others).
const RobustTopIssues = 5

// RobustText writes a Monte Carlo result as a terminal report: the
// acceptance probability of each proposal and solution, then the issues
// whose uncertainty matters most.
func RobustText(w io.Writer, r *robust.Result) error {
	p := &printer{w: w}
	title := r.Scenario + ": robustness"
	p.f("%s\n%s\n\n", title, strings.Repeat("=", len([]rune(title))))
	p.f("%d runs, seed %d, %d ranged values drawn uniformly in their ranges.\n\n", r.Runs, r.Seed, len(r.Inputs))
	p.f("Probability that every veto party accepts\n------------------------------------------\n")
	width := len("solution")
	for _, t := range r.Targets {
		n := len([]rune(t.ID))
		if t.Partial {
			n++
		}
		width = max(width, n)
	}
	p.f("  %-8s  %-*s  %-9s  %s\n", "kind", width, "id", "midpoints", "probability (± 95%)")
	for _, t := range r.Targets {
		at := "rejected"
		if t.PointAccepted {
			at = "accepted"
		}
		id := t.ID
		if t.Partial {
			id += "*"
		}
		p.f("  %-8s  %-*s  %-9s  %5.1f%% ± %.1f\n", t.Kind, width, id, at, 100*t.Probability, 100*1.96*t.StdErr)
	}
	if hasPartial(r) {
		p.f("  * partial: scored on its decided issues only\n")
	}
	for _, c := range r.Unsolved {
		p.f("  solution  %s: none, no package is acceptable at the midpoints\n", c)
	}
	p.f("\nIssues whose uncertainty matters most\n-------------------------------------\n")
	switch {
	case len(r.Inputs) == 0:
		p.f("none: the scenario gives no range\n")
	case r.Varying == 0:
		p.f("none: no acceptance changes across the runs\n")
	default:
		p.f("influence: sum of squared Spearman correlations between the issue's ranged\nvalues and acceptance, averaged over the %d proposals and solutions whose\nacceptance varies (max: on the one where it is largest)\n", r.Varying)
		for i, is := range r.Issues {
			if i == RobustTopIssues {
				break
			}
			p.f("  %d. %-20s %.3f (max %.3f", i+1, is.Group, is.Mean, is.Max)
			if is.Target >= 0 {
				t := r.Targets[is.Target]
				p.f(" on %s %s; strongest: %s, ρ %+.2f", t.Kind, t.ID, r.Inputs[is.Top], is.Rho)
			}
			p.f(")\n")
		}
		if n := len(r.Issues) - RobustTopIssues; n > 0 {
			noun := "issues"
			if n == 1 {
				noun = "issue"
			}
			p.f("  and %d more %s, of less influence (--json lists every one)\n", n, noun)
		}
	}
	return p.err
}

func hasPartial(r *robust.Result) bool {
	for _, t := range r.Targets {
		if t.Partial {
			return true
		}
	}
	return false
}

// RobustSVG draws the acceptance probabilities as horizontal bars, one per
// proposal and solution, each with its 95% interval; proposals in red,
// solutions in blue, partial proposals in grey; a dot marks the targets
// accepted at the midpoints.
func RobustSVG(w io.Writer, r *robust.Result) error {
	const width, left, right, top, row = 640.0, 190.0, 70.0, 64.0, 22.0
	height := top + row*float64(len(r.Targets)) + 44
	sx := func(v float64) float64 { return left + v*(width-left-right) }
	p := &printer{w: w}
	p.f(`<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="11">`+"\n", width, height, width, height)
	p.f(`<title>Probability that every veto party accepts: %s</title>`+"\n", xmlText(r.Scenario))
	p.f(`<rect width="100%%" height="100%%" fill="white"/>` + "\n")
	note := ""
	if len(r.Inputs) == 0 {
		note = "; the scenario gives no range"
	}
	p.f(`<text x="%.1f" y="22" text-anchor="middle" font-size="14" font-weight="bold">Probability that every veto party accepts (%d runs%s)</text>`+"\n", width/2, r.Runs, note)
	p.f(`<g class="legend" font-size="10"><rect x="%.0f" y="34" width="8" height="8" fill="#c62828"/><text x="%.0f" y="41">proposal</text>`+
		`<rect x="%.0f" y="34" width="8" height="8" fill="#757575"/><text x="%.0f" y="41">partial proposal</text>`+
		`<rect x="%.0f" y="34" width="8" height="8" fill="#1565c0"/><text x="%.0f" y="41">solution</text>`+
		`<circle cx="%.0f" cy="38" r="3" fill="#333"/><text x="%.0f" y="41">accepted at the midpoints</text>`+
		`<line x1="%.0f" y1="38" x2="%.0f" y2="38" stroke="#333"/><text x="%.0f" y="41">95%%</text></g>`+"\n",
		left, left+12, left+70, left+82, left+176, left+188, left+246, left+254, left+386, left+402, left+406)
	bottom := top + row*float64(len(r.Targets))
	for _, v := range []float64{0, 0.25, 0.5, 0.75, 1} {
		p.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/><text x="%.1f" y="%.1f" text-anchor="middle">%g%%</text>`+"\n",
			sx(v), top-6, sx(v), bottom, sx(v), bottom+16, 100*v)
	}
	for i, t := range r.Targets {
		y := top + row*float64(i)
		color := "#c62828"
		switch {
		case t.Kind == robust.TargetSolution:
			color = "#1565c0"
		case t.Partial:
			color = "#757575"
		}
		label := t.ID
		if t.Kind == robust.TargetSolution {
			label = t.ID + " solution"
		}
		lo, hi := max(0, t.Probability-1.96*t.StdErr), min(1, t.Probability+1.96*t.StdErr)
		p.f(`<g class="%s"><text x="%.1f" y="%.1f" text-anchor="end">%s</text>`, t.Kind, left-8, y+row/2+4, xmlText(label))
		p.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, sx(0), y+4, sx(t.Probability)-sx(0), row-8, color)
		p.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333"/>`, sx(lo), y+row/2, sx(hi), y+row/2)
		p.f(`<text x="%.1f" y="%.1f">%.1f%%</text>`, sx(1)+8, y+row/2+4, 100*t.Probability)
		if t.PointAccepted {
			p.f(`<circle cx="%.1f" cy="%.1f" r="3" fill="#333"/>`, left-4, y+row/2)
		}
		p.f("</g>\n")
	}
	p.f(`<text x="%.1f" y="%.1f" text-anchor="middle" font-size="12">share of runs in which every veto party accepts</text>`+"\n", sx(0.5), bottom+34)
	p.f("</svg>\n")
	return p.err
}
