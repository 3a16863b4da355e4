package render

import (
	"io"
	"math"

	"github.com/accord-peace/accord/negotiate"
)

// PlaneSVG plots the two-party frontier of the acceptable set as an SVG
// image: the frontier as a staircase of points, each party's BATNA as a
// dashed line, and every proposal as a labelled marker (filled when every
// veto party accepts it, hollow otherwise; partial proposals in grey).
func PlaneSVG(w io.Writer, pl *negotiate.Plane) error {
	const size, margin = 560.0, 60.0
	lo, hi := 0.0, 100.0
	for _, pts := range [][]negotiate.PlanePoint{pl.Frontier, pl.Proposals} {
		for _, pt := range pts {
			lo = math.Min(lo, math.Min(pt.X, pt.Y))
			hi = math.Max(hi, math.Max(pt.X, pt.Y))
		}
	}
	for _, b := range pl.BATNA {
		lo, hi = math.Min(lo, b), math.Max(hi, b)
	}
	span := hi - lo
	sx := func(v float64) float64 { return margin + (v-lo)/span*(size-2*margin) }
	sy := func(v float64) float64 { return size - margin - (v-lo)/span*(size-2*margin) }
	p := &printer{w: w}
	p.f(`<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="11">`+"\n", size, size, size, size)
	p.f(`<title>Frontier of the acceptable set: %s vs %s</title>`+"\n", xmlText(pl.XParty), xmlText(pl.YParty))
	p.f(`<rect width="100%%" height="100%%" fill="white"/>` + "\n")
	p.f(`<text x="%.1f" y="22" text-anchor="middle" font-size="14" font-weight="bold">Acceptable packages: frontier for %s and %s</text>`+"\n", size/2, xmlText(pl.XParty), xmlText(pl.YParty))
	p.f(`<g class="legend" font-size="10"><line x1="70" y1="38" x2="90" y2="38" stroke="#1565c0" stroke-width="2"/><text x="94" y="41">frontier</text>` +
		`<line x1="150" y1="38" x2="170" y2="38" stroke="#999" stroke-dasharray="4 3"/><text x="174" y="41">BATNA</text>` +
		`<rect x="222" y="34" width="8" height="8" fill="#c62828"/><text x="234" y="41">proposal all veto parties accept</text>` +
		`<rect x="396" y="34" width="8" height="8" fill="white" stroke="#c62828"/><text x="408" y="41">rejected</text>` +
		`<rect x="456" y="34" width="8" height="8" fill="#757575"/><text x="468" y="41">partial</text></g>` + "\n")
	if !pl.Exact {
		p.f(`<text class="cut" x="%.1f" y="56" text-anchor="middle" fill="#c62828">the budget ran out: a partial frontier, the points found so far; raise --budget</text>`+"\n", size/2)
	}
	// Axes and ticks.
	p.f(`<g stroke="#333"><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/></g>`+"\n",
		sx(lo), sy(lo), sx(hi), sy(lo), sx(lo), sy(lo), sx(lo), sy(hi))
	step := niceStep(span)
	for v := math.Ceil(lo/step) * step; v <= hi+1e-9; v += step {
		p.f(`<text x="%.1f" y="%.1f" text-anchor="middle">%g</text>`, sx(v), sy(lo)+16, v)
		p.f(`<text x="%.1f" y="%.1f" text-anchor="end">%g</text>`+"\n", sx(lo)-6, sy(v)+4, v)
	}
	p.f(`<text x="%.1f" y="%.1f" text-anchor="middle" font-size="13">utility of %s</text>`+"\n", size/2, size-16, xmlText(pl.XParty))
	p.f(`<text transform="translate(16 %.1f) rotate(-90)" text-anchor="middle" font-size="13">utility of %s</text>`+"\n", size/2, xmlText(pl.YParty))
	// BATNAs.
	p.f(`<g stroke="#999" stroke-dasharray="4 3"><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/></g>`+"\n",
		sx(pl.BATNA[0]), sy(lo), sx(pl.BATNA[0]), sy(hi), sx(lo), sy(pl.BATNA[1]), sx(hi), sy(pl.BATNA[1]))
	// Frontier.
	if len(pl.Frontier) > 0 {
		p.f(`<polyline class="frontier" fill="none" stroke="#1565c0" stroke-width="2" points="`)
		for i, pt := range pl.Frontier {
			if i > 0 {
				p.f(" ")
			}
			p.f("%.1f,%.1f", sx(pt.X), sy(pt.Y))
		}
		p.f(`"/>` + "\n")
		for _, pt := range pl.Frontier {
			p.f(`<circle class="frontier-point" cx="%.1f" cy="%.1f" r="3" fill="#1565c0"/>`+"\n", sx(pt.X), sy(pt.Y))
		}
	} else {
		p.f(`<text x="%.1f" y="%.1f" text-anchor="middle" fill="#b00">no acceptable package</text>`+"\n", size/2, margin)
	}
	// Proposals.
	for _, pt := range pl.Proposals {
		color := "#c62828"
		if pt.Partial {
			color = "#757575"
		}
		fill := "white"
		if pt.Accepted {
			fill = color
		}
		// Labels near the right edge run leftwards so they stay inside.
		lx, anchor := sx(pt.X)+7, "start"
		if sx(pt.X) > size-2*margin-40 {
			lx, anchor = sx(pt.X)-7, "end"
		}
		p.f(`<g class="proposal"><rect x="%.1f" y="%.1f" width="8" height="8" fill="%s" stroke="%s" stroke-width="1.5"/><text x="%.1f" y="%.1f" fill="%s" text-anchor="%s">%s</text></g>`+"\n",
			sx(pt.X)-4, sy(pt.Y)-4, fill, color, lx, sy(pt.Y)-6, color, anchor, xmlText(pt.Label))
	}
	p.f("</svg>\n")
	return p.err
}

// niceStep picks a tick step of 1, 2 or 5 times a power of ten.
func niceStep(span float64) float64 {
	raw := span / 8
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*pow >= raw {
			return m * pow
		}
	}
	return 10 * pow
}
