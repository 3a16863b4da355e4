package render

import (
	"io"
	"math"

	"github.com/accord-peace/accord/forecast"
)

// forecastPalette colours the actors' lines, cycling.
var forecastPalette = []string{"#1565c0", "#c62828", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#ad1457", "#4e342e", "#283593", "#9e9d24"}

// ForecastSVG plots a forecast's positions converging: one panel per
// dimension, the state (0 = the input) across, the position up, one line
// per actor, and the weighted median dashed in black.
func ForecastSVG(w io.Writer, f *forecast.Forecast) error {
	const width, panelH, margin = 720.0, 260.0, 60.0
	legendRows := (len(f.Actors) + 5) / 6
	top := 60 + 14*float64(legendRows) + 10
	nd := len(f.Dimensions)
	height := top + float64(nd)*(panelH+40) + 20
	p := &printer{w: w}
	p.f(`<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="11">`+"\n", width, height, width, height)
	p.f(`<title>Forecast (%s): positions by round</title>`+"\n", xmlText(f.Model))
	p.f(`<rect width="100%%" height="100%%" fill="white"/>` + "\n")
	p.f(`<text x="%.1f" y="22" text-anchor="middle" font-size="14" font-weight="bold">Forecast by the %s model: positions converging over %d round(s)</text>`+"\n", width/2, xmlText(f.Model), f.Rounds)
	// Legend.
	for i, a := range f.Actors {
		x := margin + float64(i%6)*105
		y := 40 + float64(i/6)*14
		c := forecastPalette[i%len(forecastPalette)]
		p.f(`<g class="legend"><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"/><text x="%.1f" y="%.1f">%s</text></g>`+"\n", x, y, x+16, y, c, x+20, y+4, xmlText(a))
	}
	states := len(f.Positions)
	for d, dim := range f.Dimensions {
		y0 := top + float64(d)*(panelH+40)
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, st := range f.Positions {
			for _, pos := range st {
				lo, hi = math.Min(lo, pos[d]), math.Max(hi, pos[d])
			}
		}
		if hi-lo < 1e-9 {
			lo, hi = lo-1, hi+1
		}
		pad := (hi - lo) * 0.05
		lo, hi = lo-pad, hi+pad
		sx := func(s int) float64 {
			if states < 2 {
				return margin
			}
			return margin + float64(s)/float64(states-1)*(width-2*margin)
		}
		sy := func(v float64) float64 { return y0 + panelH - (v-lo)/(hi-lo)*panelH }
		p.f(`<g class="panel"><text x="%.1f" y="%.1f" font-weight="bold">%s</text>`+"\n", margin, y0-6, xmlText(dim))
		p.f(`<g stroke="#333"><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/></g>`+"\n",
			margin, y0+panelH, width-margin, y0+panelH, margin, y0, margin, y0+panelH)
		step := niceStep(hi - lo)
		for v := math.Ceil(lo/step) * step; v <= hi+1e-9; v += step {
			label := math.Round(v*1000) / 1000
			if label == 0 {
				label = 0 // not -0
			}
			p.f(`<text x="%.1f" y="%.1f" text-anchor="end">%g</text>`+"\n", margin-6, sy(v)+4, label)
		}
		every := max(1, (states+14)/15)
		for s := 0; s < states; s += every {
			p.f(`<text x="%.1f" y="%.1f" text-anchor="middle">%d</text>`+"\n", sx(s), y0+panelH+14, s)
		}
		for i := range f.Actors {
			p.f(`<polyline class="actor" fill="none" stroke="%s" stroke-width="1.5" points="`, forecastPalette[i%len(forecastPalette)])
			for s := range states {
				if s > 0 {
					p.f(" ")
				}
				p.f("%.1f,%.1f", sx(s), sy(f.Positions[s][i][d]))
			}
			p.f(`"/>` + "\n")
		}
		p.f(`<polyline class="median" fill="none" stroke="black" stroke-width="2" stroke-dasharray="5 3" points="`)
		for s := range states {
			if s > 0 {
				p.f(" ")
			}
			p.f("%.1f,%.1f", sx(s), sy(f.Median[s][d]))
		}
		p.f(`"/></g>` + "\n")
	}
	p.f(`<text x="%.1f" y="%.1f" text-anchor="middle">round (0 = the input); dashed: weighted median</text>`+"\n", width/2, height-8)
	p.f("</svg>\n")
	return p.err
}

// ForecastText prints a forecast round by round: per dimension, one row per
// actor with its position in every state, then the weighted median and mean.
func ForecastText(w io.Writer, f *forecast.Forecast) error {
	p := &printer{w: w}
	p.f("Forecast by the %s model: %d round(s), %d actor(s), %d dimension(s)\n", f.Model, f.Rounds, len(f.Actors), len(f.Dimensions))
	nameW := len("median")
	for _, a := range f.Actors {
		nameW = max(nameW, len(a))
	}
	for d, dim := range f.Dimensions {
		p.f("\n%s\n%-*s", dim, nameW+2, "  round")
		for s := range f.Positions {
			p.f(" %7d", s)
		}
		p.f("\n")
		row := func(name string, v func(s int) float64) {
			p.f("  %-*s", nameW, name)
			for s := range f.Positions {
				p.f(" %7.2f", v(s))
			}
			p.f("\n")
		}
		for i, a := range f.Actors {
			row(a, func(s int) float64 { return f.Positions[s][i][d] })
		}
		row("median", func(s int) float64 { return f.Median[s][d] })
		row("mean", func(s int) float64 { return f.Mean[s][d] })
	}
	return p.err
}

// EUTraceText prints, round by round and dimension by dimension, the offers
// each actor accepted in the expected-utility model, with the two expected
// utilities behind each, and the actors' risk exponents.
func EUTraceText(w io.Writer, f *forecast.Forecast, tr *forecast.EUTrace) error {
	p := &printer{w: w}
	for d, rounds := range tr.Rounds {
		p.f("\n%s: offers accepted (expected utility of the challenger / of the target)\n", tr.Dimensions[d])
		for k, r := range rounds[:len(rounds)-1] {
			moved := false
			for _, i := range r.Accepted {
				if i < 0 {
					continue
				}
				o := r.Offers[i]
				p.f("  round %d: %s accepts %s's %s (%+.3f / %+.3f): %.2f -> %.2f\n", k+1,
					f.Actors[o.To], f.Actors[o.From], o.Kind, o.EUFrom, o.EUTo, r.Positions[o.To], o.Position)
				moved = true
			}
			if !moved {
				p.f("  round %d: no offer accepted\n", k+1)
			}
			if len(r.RiskExp) > 0 {
				p.f("  round %d: risk exponents", k+1)
				for i, x := range r.RiskExp {
					p.f(" %s %.2f", f.Actors[i], x)
				}
				p.f("\n")
			}
		}
	}
	return p.err
}
