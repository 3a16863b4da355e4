package report

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"

	"github.com/accord-peace/accord/geo"
)

// The map of the day's incidents is an inline SVG, drawn with no network:
// an equirectangular projection over the bounding box of the agreed
// geometry (the contact line and the zones) with a margin of 5%, x scaled
// by the cosine of the box's middle latitude so that a kilometre east is
// as long as a kilometre north at its centre (within about 4% over the
// 3.8° of latitude of the reference line). Incidents outside the box
// are left off (and counted under the map).
const (
	mapWidth  = 720.0
	mapMargin = 0.05
)

// markKinds colour an incident by its first violation's kind.
var markKinds = []struct {
	Kind, Label, Colour string
}{
	{"crossing", "crossing the line", "#c0392b"},
	{"band", "heavy weapon inside its band", "#7d3c98"},
	{"zone", "inside an agreed zone", "#d68910"},
	{"other", "other violation", "#2e86c1"},
	{"none", "no violation", "#9a9a9a"},
}

func markKind(rules []string) string {
	if len(rules) == 0 {
		return "none"
	}
	r := rules[0]
	switch {
	case r == "crossing":
		return "crossing"
	case strings.HasPrefix(r, "band:"):
		return "band"
	case strings.HasPrefix(r, "zone:"):
		return "zone"
	}
	return "other"
}

type projection struct {
	lon0, lat1, kx, scale float64
	w, h                  float64
}

func newProjection(g *geo.Geometry) (*projection, bool) {
	minLon, minLat, maxLon, maxLat := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	add := func(c [2]float64) {
		minLon, maxLon = math.Min(minLon, c[0]), math.Max(maxLon, c[0])
		minLat, maxLat = math.Min(minLat, c[1]), math.Max(maxLat, c[1])
	}
	for _, part := range g.Parts {
		for _, c := range part {
			add(c)
		}
	}
	for _, z := range g.Zones {
		for _, poly := range z.Polygons {
			for _, ring := range poly {
				for _, c := range ring {
					add(c)
				}
			}
		}
	}
	if math.IsInf(minLon, 0) || maxLon-minLon <= 0 || maxLat-minLat <= 0 {
		return nil, false
	}
	kx := math.Cos((minLat + maxLat) / 2 * math.Pi / 180)
	dx, dy := (maxLon-minLon)*kx, maxLat-minLat
	minLon -= dx * mapMargin / kx
	maxLon += dx * mapMargin / kx
	minLat -= dy * mapMargin
	maxLat += dy * mapMargin
	dx, dy = (maxLon-minLon)*kx, maxLat-minLat
	p := &projection{lon0: minLon, lat1: maxLat, kx: kx, scale: mapWidth / dx, w: mapWidth}
	p.h = dy * p.scale
	return p, true
}

// xy projects [lon, lat]; ok is false outside the map.
func (p *projection) xy(c [2]float64) (x, y float64, ok bool) {
	x = (c[0] - p.lon0) * p.kx * p.scale
	y = (p.lat1 - c[1]) * p.scale
	return x, y, x >= 0 && x <= p.w && y >= 0 && y <= p.h
}

func (p *projection) path(cs [][2]float64, closed bool) string {
	var b strings.Builder
	for i, c := range cs {
		x, y, _ := p.xy(c)
		if i == 0 {
			b.WriteByte('M')
		} else {
			b.WriteByte('L')
		}
		fmt.Fprintf(&b, "%.1f %.1f", x, y)
	}
	if closed {
		b.WriteByte('Z')
	}
	return b.String()
}

// Map is the SVG map of the day's incidents over the agreed geometry, ""
// when the report has no geometry.
func (d *Daily) Map() template.HTML {
	if d.Geometry == nil {
		return ""
	}
	p, ok := newProjection(d.Geometry)
	if !ok {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-label="Map of the day's incidents">`, p.w, p.h)
	fmt.Fprintf(&b, `<rect width="%.0f" height="%.0f" fill="#f7f7f4" stroke="#ccc"/>`, p.w, p.h)
	for _, z := range d.Geometry.Zones {
		var ds []string
		for _, poly := range z.Polygons {
			for _, ring := range poly {
				ds = append(ds, p.path(ring, true))
			}
		}
		fmt.Fprintf(&b, `<path class="zone" d="%s" fill="#5d8aa8" fill-opacity=".15" stroke="#5d8aa8" stroke-width=".6" fill-rule="evenodd"><title>%s</title></path>`,
			strings.Join(ds, ""), html.EscapeString(firstNonEmpty(z.Name, z.ID)))
	}
	for _, part := range d.Geometry.Parts {
		fmt.Fprintf(&b, `<path class="line" d="%s" fill="none" stroke="#222" stroke-width="1.6"><title>%s</title></path>`,
			p.path(part, false), html.EscapeString(firstNonEmpty(d.Geometry.LineName, d.Geometry.LineID, "contact line")))
	}
	counts := map[string]int{}
	outside := 0
	// Incidents without violation first, so that violations are drawn on top.
	for pass := 0; pass < 2; pass++ {
		for _, in := range d.Incidents {
			if (len(in.Violations) > 0) != (pass == 1) {
				continue
			}
			x, y, ok := p.xy(in.Location)
			if !ok {
				outside++
				continue
			}
			rules := make([]string, len(in.Violations))
			for i, v := range in.Violations {
				rules[i] = v.Rule
			}
			k := markKind(rules)
			counts[k]++
			r := 3.2
			if k == "none" {
				r = 2
			}
			fmt.Fprintf(&b, `<circle class="inc %s" cx="%.1f" cy="%.1f" r="%.1f" fill="%s" fill-opacity=".8" stroke="#fff" stroke-width=".5"><title>%s %s</title></circle>`,
				k, x, y, r, colour(k), html.EscapeString(in.ID), html.EscapeString(strings.Join(rules, ", ")))
		}
	}
	for _, s := range d.mapPlaces(p) {
		b.WriteString(s)
	}
	b.WriteString(`</svg>`)
	b.WriteString(`<p class="legend">`)
	fmt.Fprintf(&b, `<span><svg width="22" height="8"><line x1="0" y1="4" x2="22" y2="4" stroke="#222" stroke-width="1.6"/></svg> contact line</span> `)
	fmt.Fprintf(&b, `<span><svg width="14" height="10"><rect width="14" height="10" fill="#5d8aa8" fill-opacity=".15" stroke="#5d8aa8"/></svg> agreed zone</span> `)
	for _, m := range markKinds {
		fmt.Fprintf(&b, `<span><svg width="10" height="10"><circle cx="5" cy="5" r="4" fill="%s"/></svg> %s (%d)</span> `, m.Colour, m.Label, counts[m.Kind])
	}
	if outside > 0 {
		fmt.Fprintf(&b, `<span>%s outside the map</span>`, count(outside, "incident", "incidents"))
	}
	b.WriteString(`</p>`)
	return template.HTML(b.String())
}

func colour(kind string) string {
	for _, m := range markKinds {
		if m.Kind == kind {
			return m.Colour
		}
	}
	return "#000"
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// mapPlaces are the SVG labels of the eight settlements nearest the most
// of the day's incidents (none without places).
func (d *Daily) mapPlaces(p *projection) []string {
	var out []string
	for _, r := range d.Settlements(8) {
		if strings.HasPrefix(r.Settlement, "(") {
			continue
		}
		x, y, ok := p.xy([2]float64{r.Place.Lon, r.Place.Lat})
		if !ok {
			continue
		}
		anchor, dx := "start", 5.0
		if x > p.w-120 {
			anchor, dx = "end", -5
		}
		out = append(out, fmt.Sprintf(`<g class="place"><rect x="%.1f" y="%.1f" width="5" height="5" fill="#fff" stroke="#000"/><text x="%.1f" y="%.1f" text-anchor="%s" font-size="11" paint-order="stroke" stroke="#fff" stroke-width="3">%s</text></g>`,
			x-2.5, y-2.5, x+dx, y-4, anchor, html.EscapeString(r.Settlement)))
	}
	return out
}
