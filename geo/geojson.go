package geo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/golang/geo/s2"
)

// RoleContactLine is the role of the contact line feature.
const RoleContactLine = "contact_line"

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Problem is one thing wrong with a geometry file.
type Problem struct {
	File string
	// Where locates the problem: the feature (index and id) and the path
	// inside it, e.g. `features[3] (id "znpp"): geometry.coordinates[0][12]`.
	Where string
	Msg   string
}

func (p Problem) String() string {
	if p.Where == "" {
		return fmt.Sprintf("%s: %s", p.File, p.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", p.File, p.Where, p.Msg)
}

// ValidationError lists every problem found in a geometry file; nothing is
// built from a file that has one.
type ValidationError struct{ Problems []Problem }

func (e *ValidationError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

type featureCollection struct {
	Type     string            `json:"type"`
	Features []json.RawMessage `json:"features"`
}

type feature struct {
	Type       string          `json:"type"`
	ID         any             `json:"id"`
	Geometry   *rawGeometry    `json:"geometry"`
	Properties json.RawMessage `json:"properties"`
}

type rawGeometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

type properties struct {
	ID   string `json:"id"`
	Role string `json:"role"`
	Name string `json:"name"`
	Note string `json:"note"`
}

// ParseGeoJSON reads the agreed geometry from a GeoJSON FeatureCollection
// (RFC 7946): exactly one feature with role "contact_line" (LineString or
// MultiLineString) and any number of zones (Polygon or MultiPolygon) with a
// role among Roles and a unique id. Every problem is reported, with the
// feature and the coordinate it concerns.
//
// Rings must be closed and simple (no edge crosses or touches another but
// its neighbours); within a polygon holes lie inside the exterior ring and
// outside each other, and may touch it or each other at shared positions
// only, the interior staying connected (OGC Simple Features); the polygons of a
// MultiPolygon may touch at shared positions, their interiors apart around
// each (OGC Simple Features), but not cross, share an edge or nest (but in
// a hole). No edge may join antipodal positions, or positions whose WGS 84
// geodesic is not found; no pole may be named twice in a line or ring; a
// ring must bound an area above S2's error bound for it. Ring orientation
// is not enforced (RFC 7946 §3.1.6 asks parsers not to reject the wrong
// one): each ring bounds the smaller of the two regions it separates.
// The checks run on S2's great-circle arcs; as the kernel takes each edge
// as its WGS 84 geodesic, two edges closer than the sum of their
// arc-to-geodesic gaps, or leaving a shared vertex in another order on
// WGS 84, are refused too (wgs84Doubt), so that an accepted geometry is
// valid on both.
// Edges are geodesics (great-circle arcs), which join their ends the short
// way whatever the longitudes' difference: an edge from [179.5 -16] to
// [-179.5 -16] is 1° wide, across the antimeridian (longitudes 180 and -180
// name the same meridian). A geometry cut at the antimeridian (RFC 7946
// §3.1.9) is read as parts that share an edge or a position there, and
// refused with that said: write it whole.
func ParseGeoJSON(name string, data []byte) (*Geometry, error) {
	return ParseGeoJSONWith(name, data, ParseOptions{})
}

// ParseOptions relax ParseGeoJSON.
type ParseOptions struct {
	// LineOptional accepts a geometry of zones only, with no contact line:
	// a functional agreement's (a maritime corridor) that has no rule
	// measured from a line. Such a geometry has no Parts; a kernel needs a
	// line, so it is judged merged with one that has (agreement.Merge).
	LineOptional bool
}

// ParseGeoJSONWith is ParseGeoJSON with options.
func ParseGeoJSONWith(name string, data []byte, opt ParseOptions) (*Geometry, error) {
	p := &parser{file: name, lineOptional: opt.LineOptional}
	g := p.parse(data)
	if len(p.problems) > 0 {
		return nil, &ValidationError{Problems: p.problems}
	}
	return g, nil
}

type parser struct {
	file         string
	lineOptional bool
	problems     []Problem
}

func (p *parser) addf(where, format string, args ...any) {
	p.problems = append(p.problems, Problem{File: p.file, Where: where, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) parse(data []byte) *Geometry {
	var fc featureCollection
	if err := strictUnmarshal(data, &fc); err != nil {
		p.addf("", "not a GeoJSON FeatureCollection: %v", err)
		return nil
	}
	if fc.Type != "FeatureCollection" {
		p.addf("type", "want \"FeatureCollection\", got %q", fc.Type)
		return nil
	}
	g := &Geometry{}
	ids := map[string]string{}
	lines := 0
	for i, raw := range fc.Features {
		where := fmt.Sprintf("features[%d]", i)
		var f feature
		if err := json.Unmarshal(raw, &f); err != nil {
			p.addf(where, "not a Feature: %v", err)
			continue
		}
		var props properties
		if len(f.Properties) > 0 && string(f.Properties) != "null" {
			if err := json.Unmarshal(f.Properties, &props); err != nil {
				p.addf(where+".properties", "%v", err)
				continue
			}
		}
		if props.ID != "" {
			where += fmt.Sprintf(" (id %q)", props.ID)
		}
		if f.Type != "Feature" {
			p.addf(where+".type", "want \"Feature\", got %q", f.Type)
			continue
		}
		if f.Geometry == nil {
			p.addf(where+".geometry", "missing")
			continue
		}
		switch {
		case props.ID == "":
			p.addf(where+".properties.id", "missing")
		case !idPattern.MatchString(props.ID):
			p.addf(where+".properties.id", "%q: use lowercase letters, digits and '-'", props.ID)
		case ids[props.ID] != "":
			p.addf(where+".properties.id", "%q is already the id of %s", props.ID, ids[props.ID])
		default:
			ids[props.ID] = fmt.Sprintf("features[%d]", i)
		}
		if props.Role == RoleContactLine {
			lines++
			if lines > 1 {
				p.addf(where, "a second contact line; the geometry has exactly one (use a MultiLineString for several parts)")
				continue
			}
			g.LineID, g.LineName = props.ID, props.Name
			g.Parts = p.line(where+".geometry", f.Geometry)
			continue
		}
		if !slices.Contains(Roles, props.Role) {
			p.addf(where+".properties.role", "%q: want %s or one of %s", props.Role, RoleContactLine, strings.Join(Roles, ", "))
			continue
		}
		z := Zone{ID: props.ID, Name: props.Name, Role: props.Role, Note: props.Note}
		z.Polygons = p.polygons(where+".geometry", f.Geometry)
		if z.Polygons != nil {
			z.polygon = p.s2Polygon(where+".geometry", z.Polygons)
		}
		g.Zones = append(g.Zones, z)
	}
	if lines == 0 && !p.lineOptional {
		p.addf("features", "no feature with role %q: the contact line is required", RoleContactLine)
	}
	if len(g.Zones) > MaxZones {
		p.addf("features", "%d zones; at most %d are supported", len(g.Zones), MaxZones)
	}
	return g
}

// strictUnmarshal decodes one JSON value and refuses trailing data.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("data after the end of the JSON value")
	}
	return nil
}

func (p *parser) line(where string, geom *rawGeometry) [][][2]float64 {
	var parts [][][]float64
	switch geom.Type {
	case "LineString":
		var one [][]float64
		if err := json.Unmarshal(geom.Coordinates, &one); err != nil {
			p.addf(where+".coordinates", "want an array of positions: %v", err)
			return nil
		}
		parts = [][][]float64{one}
	case "MultiLineString":
		if err := json.Unmarshal(geom.Coordinates, &parts); err != nil {
			p.addf(where+".coordinates", "want an array of arrays of positions: %v", err)
			return nil
		}
		if len(parts) == 0 {
			p.addf(where+".coordinates", "a MultiLineString needs at least one line")
			return nil
		}
	default:
		p.addf(where+".type", "the contact line must be a LineString or MultiLineString, not %q", geom.Type)
		return nil
	}
	var out [][][2]float64
	for i, part := range parts {
		at := where + ".coordinates"
		if geom.Type == "MultiLineString" {
			at += fmt.Sprintf("[%d]", i)
		}
		if len(part) < 2 {
			p.addf(at, "a line needs at least two positions, got %d", len(part))
			continue
		}
		pos, ok := p.positions(at, part, false)
		if !ok {
			continue
		}
		if n := len(pos); n > 3 && point(pos[0]) == point(pos[n-1]) {
			// Its first and last edges would meet at that position (with two
			// edges, there and back, foldBack says it retraces itself): said
			// as what it is, not as a crossing.
			p.addf(at, "the line ends where it begins, %v: a contact line is open, with two sides; to bound an area, give a zone (a Polygon)", part[0])
			continue
		}
		out = append(out, pos)
	}
	if len(out) == len(parts) && len(out) > 0 {
		for _, c := range lineCrossings(out) {
			p.addf(where+".coordinates", "the line crosses itself: %s", c)
		}
	}
	return out
}

func (p *parser) polygons(where string, geom *rawGeometry) [][][][2]float64 {
	var polys [][][][]float64
	switch geom.Type {
	case "Polygon":
		var one [][][]float64
		if err := json.Unmarshal(geom.Coordinates, &one); err != nil {
			p.addf(where+".coordinates", "want an array of rings: %v", err)
			return nil
		}
		polys = [][][][]float64{one}
	case "MultiPolygon":
		if err := json.Unmarshal(geom.Coordinates, &polys); err != nil {
			p.addf(where+".coordinates", "want an array of polygons: %v", err)
			return nil
		}
		if len(polys) == 0 {
			// A zone with no area: S2 would have no polygon to test.
			p.addf(where+".coordinates", "a MultiPolygon needs at least one polygon")
			return nil
		}
	default:
		p.addf(where+".type", "a zone must be a Polygon or MultiPolygon, not %q", geom.Type)
		return nil
	}
	var out [][][][2]float64
	bad := false
	for i, poly := range polys {
		at := where + ".coordinates"
		if geom.Type == "MultiPolygon" {
			at += fmt.Sprintf("[%d]", i)
		}
		if len(poly) == 0 {
			p.addf(at, "a polygon needs an exterior ring")
			bad = true
			continue
		}
		var rings [][][2]float64
		for j, ring := range poly {
			rat := fmt.Sprintf("%s[%d]", at, j)
			switch {
			case len(ring) < 4:
				p.addf(rat, "a ring needs at least four positions (the first repeated last), got %d", len(ring))
				bad = true
				continue
			case !slices.Equal(ring[0], ring[len(ring)-1]):
				why := ""
				if a, b := ring[0], ring[len(ring)-1]; len(a) >= 2 && len(b) >= 2 && math.Abs(a[0]) == 180 && a[0] == -b[0] && slices.Equal(a[1:], b[1:]) {
					why = " (the same point, longitudes 180 and -180 naming the same meridian, but RFC 7946 asks the last position to repeat the first's values)"
				}
				p.addf(rat, "the ring is not closed: the last position %v differs from the first %v%s", ring[len(ring)-1], ring[0], why)
				bad = true
				continue
			}
			pos, ok := p.positions(rat, ring, true)
			if !ok {
				bad = true
				continue
			}
			rings = append(rings, pos)
		}
		if len(rings) == len(poly) {
			crossed := false
			for _, c := range ringCrossings(rings) {
				p.addf(at, "%s", c)
				bad, crossed = true, true
			}
			// A simple ring may still bound no area: its vertices on one
			// great circle. (A crossing ring's parts may cancel: its
			// crossing is the problem to report.)
			for j, r := range rings {
				if crossed {
					break
				}
				if why := noArea(r); why != "" {
					p.addf(fmt.Sprintf("%s[%d]", at, j), "%s", why)
					bad = true
				}
			}
		}
		out = append(out, rings)
	}
	if bad {
		return nil
	}
	if len(out) > 1 {
		// The polygons of a MultiPolygon may touch at points, no more: S2
		// would count an overlap twice, as outside, and a shared edge
		// leaves the zone's boundary ambiguous.
		for _, c := range partCrossings(out) {
			p.addf(where+".coordinates", "two polygons meet: %s", c)
			bad = true
		}
	}
	if bad {
		return nil
	}
	rs := newRingSet(out)
	bad = p.touches(where, rs, geom.Type == "MultiPolygon")
	if !bad {
		bad = p.nesting(where, rs, geom.Type == "MultiPolygon")
	}
	if bad {
		return nil
	}
	return out
}

// positions checks and converts positions; a ring's closing position is
// checked but dropped from the result.
func (p *parser) positions(where string, raw [][]float64, ring bool) ([][2]float64, bool) {
	ok := true
	var out [][2]float64
	poleAt := [2]int{-1, -1} // the positions that named the north and the south pole first
	for i, c := range raw {
		at := fmt.Sprintf("%s[%d]", where, i)
		switch {
		case len(c) < 2 || len(c) > 3:
			p.addf(at, "a position has 2 or 3 numbers (lon, lat[, alt]), got %d", len(c))
			ok = false
			continue
		case math.IsNaN(c[0]) || c[0] < -180 || c[0] > 180:
			p.addf(at, "longitude %v is outside -180..180", c[0])
			ok = false
			continue
		case math.IsNaN(c[1]) || c[1] < -90 || c[1] > 90:
			p.addf(at, "latitude %v is outside -90..90", c[1])
			ok = false
			continue
		}
		pos := [2]float64{c[0], c[1]}
		if len(out) > 0 {
			prev := out[len(out)-1]
			if pos == prev {
				p.addf(at, "repeats the previous position %v (a zero-length edge)", c[:2])
				ok = false
				continue
			}
			if pos[1] == prev[1] && math.Abs(pos[0]) == 180 && pos[0] == -prev[0] {
				p.addf(at, "repeats the previous position %v (a zero-length edge; longitudes 180 and -180 name the same meridian)", prev)
				ok = false
				continue
			}
			if why := edgeUndefined(prev, pos); why != "" {
				p.addf(at, "the edge from %v to %v %s", prev, pos, why)
				ok = false
				continue
			}
		}
		if math.Abs(pos[1]) == 90 && !(ring && i == len(raw)-1) {
			k := 0
			if pos[1] < 0 {
				k = 1
			}
			if first := poleAt[k]; first >= 0 {
				p.addf(at, "%v is the pole of position %d (%v) again: at latitude %v every longitude is the same point", pos, first, raw[first][:2], pos[1])
				ok = false
				continue
			}
			poleAt[k] = i
		}
		out = append(out, pos)
	}
	if ring && ok {
		out = out[:len(out)-1]
	}
	return out, ok
}

// edgeUndefined says why the edge from a to b ([lon, lat] degrees) has no
// definite path, or "": its ends are
// antipodal (every great circle through one passes through the other), or
// so nearly antipodal that the WGS 84 geodesic between them, which is the
// edge for the kernel, is not found (Vincenty's inverse formula does not
// converge, for ends within about 0.6° of antipodal: never for ends less
// than 179° apart).
func edgeUndefined(a, b [2]float64) string {
	if b[1] == -a[1] && (math.Abs(a[1]) == 90 || math.Abs(b[0]-a[0]) == 180) {
		return "joins antipodal positions: every great circle through one passes through the other, so the edge's path is undefined"
	}
	// b lies at least |lat a + lat b| from a's antipode (−lat a).
	if math.Abs(a[1]+b[1]) > 1 {
		return ""
	}
	angle := point(a).Angle(point(b).Vector).Degrees()
	if angle < 179 {
		return ""
	}
	if _, _, _, ok := vincentyInverse(a[1]*rad, a[0]*rad, b[1]*rad, b[0]*rad); !ok {
		return fmt.Sprintf("joins nearly antipodal positions (%.4g° apart): the WGS 84 geodesic between them, which is the edge, is not found (Vincenty's inverse formula does not converge)", angle)
	}
	return ""
}

// s2Polygon builds the S2 polygon of a zone: each ring bounds the smaller
// region it separates; S2 works out which rings are holes of which.
func (p *parser) s2Polygon(where string, polys [][][][2]float64) *s2.Polygon {
	var loops []*s2.Loop
	for _, poly := range polys {
		for _, ring := range poly {
			pts := make([]s2.Point, len(ring))
			for i, c := range ring {
				pts[i] = point(c)
			}
			l := s2.LoopFromPoints(pts)
			l.Normalize()
			if err := l.Validate(); err != nil {
				p.addf(where, "invalid ring: %v", err)
				return nil
			}
			loops = append(loops, l)
		}
	}
	return s2.PolygonFromLoops(loops)
}
