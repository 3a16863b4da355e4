//go:build ignore

// Command generate_nuclear_plant writes nuclear-plant.geojson, the geometry
// of the Zaporizhzhia nuclear plant safety agreement (../nuclear-plant.yaml):
// the plant's safety zone and the corridors of its two remaining off-site
// power lines, plus the stretch of the line of contact along the Dnipro by
// the plant (the geometry format requires a contact line; it follows the
// reference geometry's waypoints there). Run from the module root:
//
//	go run ./scenarios/ukraine-2025/monitoring/generate_nuclear_plant.go
//
// Positions: the plant at 47.5119 N, 34.5863 E (as in geometry.geojson);
// the power lines' routes are approximate (see routes below): a corridor
// stands for "on or near the line", to be replaced by the operator's
// surveyed route.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"strings"

	"github.com/golang/geo/s2"
)

const earthRadiusM = 6371008.8

var (
	// plant is the Zaporizhzhia nuclear power plant, Enerhodar.
	plant = [2]float64{34.5863, 47.5119}
	// contact is the line of contact along the Dnipro (the former Kakhovka
	// reservoir) by the plant, south-west to north-east, as in the
	// reference geometry's waypoints: Ukraine holds the left (north-west
	// bank: Nikopol, Marhanets), Russia the right (Enerhodar).
	contact = [][2]float64{{34.20, 47.36}, {34.58, 47.57}, {34.95, 47.65}}
	// dniprovska is the approximate route of the 750 kV Dniprovska line
	// for its first ~22 km: from the plant's 750 kV switchyard north
	// across the former reservoir. Only the stretch nearest the plant is
	// drawn; the route is an approximation, not a survey.
	dniprovska = [][2]float64{{34.578, 47.520}, {34.595, 47.560}, {34.640, 47.620}, {34.700, 47.700}}
	// ferosplavna is the approximate route of the 330 kV Ferosplavna-1
	// back-up line: from the 330 kV switchyard of the Zaporizhzhia thermal
	// power plant (east of the nuclear plant), north-west across the
	// former reservoir to the Ferosplavna substation on the eastern edge of
	// Nikopol. Approximate.
	ferosplavna = [][2]float64{{34.628, 47.503}, {34.612, 47.540}, {34.560, 47.572}, {34.490, 47.588}, {34.430, 47.596}}
)

func pt(c [2]float64) s2.Point { return s2.PointFromLatLng(s2.LatLngFromDegrees(c[1], c[0])) }

func ll(p s2.Point) [2]float64 {
	l := s2.LatLngFromPoint(p)
	r := func(v float64) float64 { return math.Round(v*1e6) / 1e6 }
	return [2]float64{r(l.Lng.Degrees()), r(l.Lat.Degrees())}
}

// move goes d metres from p towards dir (a unit vector, made tangent at p).
func move(p, dir s2.Point, d float64) s2.Point {
	t := dir.Sub(p.Mul(dir.Dot(p.Vector))).Normalize()
	th := d / earthRadiusM
	return s2.Point{Vector: p.Mul(math.Cos(th)).Add(t.Mul(math.Sin(th))).Normalize()}
}

// densify puts a vertex every step metres along the route's great-circle
// legs.
func densify(route [][2]float64, step float64) []s2.Point {
	var out []s2.Point
	for i := 1; i < len(route); i++ {
		a, b := pt(route[i-1]), pt(route[i])
		n := int(math.Ceil(float64(a.Distance(b)) * earthRadiusM / step))
		for k := 0; k < n; k++ {
			out = append(out, s2.Interpolate(float64(k)/float64(n), a, b))
		}
	}
	return append(out, pt(route[len(route)-1]))
}

// corridor is the buffer of half-width m around a route: its vertices
// moved m to the left, then m to the right in reverse, with a
// semicircular cap at each end.
func corridor(route [][2]float64, m float64) [][2]float64 {
	pts := densify(route, 250)
	n := len(pts)
	left := func(i int) s2.Point {
		a, b := pts[max(0, i-1)], pts[min(n-1, i+1)]
		return s2.Point{Vector: a.Cross(b.Vector).Normalize()}
	}
	var r []s2.Point
	for i := 0; i < n; i++ {
		r = append(r, move(pts[i], left(i), m))
	}
	cap := func(i int, l s2.Point) { // half circle from left to right around pts[i]
		fwd := s2.Point{Vector: l.Cross(pts[i].Vector).Normalize()}
		if i == 0 {
			fwd = s2.Point{Vector: fwd.Mul(-1)}
		}
		for k := 1; k < 8; k++ {
			a := math.Pi * float64(k) / 8
			dir := s2.Point{Vector: l.Mul(math.Cos(a)).Add(fwd.Mul(math.Sin(a)))}
			if i == 0 {
				dir = s2.Point{Vector: l.Mul(-math.Cos(a)).Add(fwd.Mul(math.Sin(a)))}
			}
			r = append(r, move(pts[i], dir, m))
		}
	}
	cap(n-1, left(n-1))
	for i := n - 1; i >= 0; i-- {
		r = append(r, move(pts[i], left(i), -m))
	}
	cap(0, left(0))
	return ccw(ring(r))
}

func ring(pts []s2.Point) [][2]float64 {
	var out [][2]float64
	for _, p := range pts {
		c := ll(p)
		if len(out) == 0 || out[len(out)-1] != c {
			out = append(out, c)
		}
	}
	return append(out, out[0])
}

// circle is a 64-gon of radius m around c.
func circle(c [2]float64, m float64) [][2]float64 {
	p := pt(c)
	north := pt([2]float64{c[0], c[1] + 1})
	east := s2.Point{Vector: north.Cross(p.Vector).Normalize()}
	north = s2.Point{Vector: p.Cross(east.Vector).Normalize()}
	var pts []s2.Point
	for i := 0; i < 64; i++ {
		a := 2 * math.Pi * float64(i) / 64
		dir := s2.Point{Vector: east.Mul(math.Cos(a)).Add(north.Mul(math.Sin(a)))}
		pts = append(pts, move(p, dir, m))
	}
	return ccw(ring(pts))
}

// ccw returns a closed ring counter-clockwise (RFC 7946 §3.1.6).
func ccw(r [][2]float64) [][2]float64 {
	area := 0.0
	for i := 1; i < len(r); i++ {
		area += (r[i][0] - r[i-1][0]) * (r[i][1] + r[i-1][1])
	}
	if area > 0 { // clockwise
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
	}
	return r
}

type feature struct {
	Type       string            `json:"type"`
	Geometry   map[string]any    `json:"geometry"`
	Properties map[string]string `json:"properties"`
}

func main() {
	out := flag.String("out", "scenarios/ukraine-2025/monitoring/nuclear-plant.geojson", "file to write")
	radius := flag.Float64("radius", 5000, "radius of the plant's safety zone, metres")
	half := flag.Float64("corridor", 500, "half-width of the power-line corridors, metres")
	flag.Parse()
	zone := func(id, name, note string, ring [][2]float64) feature {
		return feature{"Feature", map[string]any{"type": "Polygon", "coordinates": [][][2]float64{ring}},
			map[string]string{"id": id, "role": "protected_site", "name": name, "note": note}}
	}
	feats := []feature{
		{"Feature", map[string]any{"type": "LineString", "coordinates": contact}, map[string]string{
			"id": "contact-line-dnipro-enerhodar", "role": "contact_line", "name": "Line of contact along the Dnipro by the plant (approximation)",
			"note": "The Dnipro (the former Kakhovka reservoir) from west of Nikopol to east of Enerhodar, on the reference geometry's waypoints; along its direction Ukraine (ua) holds the left (north-west bank), Russia (ru) the right (Enerhodar and the plant). For simulation, not a statement about the real front."}},
		zone("znpp-safety-zone", "Zaporizhzhia nuclear power plant: nuclear safety and security zone",
			fmt.Sprintf("%.0f km around the plant (47.5119 N, 34.5863 E, Enerhodar). The radius is a judgement: the IAEA proposed a protection zone but published no radius; %.0f km holds the site, its switchyards and the thermal plant's, and keeps a direct-fire weapon (a tank gun, about 4 km) outside it out of range of the reactors.", *radius/1000, *radius/1000),
			circle(plant, *radius)),
		zone("power-line-dniprovska-750kv", "750 kV Dniprovska off-site power line (corridor)",
			fmt.Sprintf("±%.0f m around the approximate route of the line's first ~22 km, from the plant's 750 kV switchyard north across the former Kakhovka reservoir; the plant's main off-site power line. Route approximate.", *half),
			corridor(dniprovska, *half)),
		zone("power-line-ferosplavna-330kv", "330 kV Ferosplavna-1 back-up power line (corridor)",
			fmt.Sprintf("±%.0f m around the approximate route from the Zaporizhzhia thermal power plant's 330 kV switchyard across the former Kakhovka reservoir to the Ferosplavna substation at Nikopol; the plant's back-up off-site power line. Route approximate.", *half),
			corridor(ferosplavna, *half)),
	}
	var b strings.Builder
	b.WriteString("{\"type\":\"FeatureCollection\",\"features\":[\n")
	for i, f := range feats {
		data, err := json.Marshal(f)
		if err != nil {
			log.Fatal(err)
		}
		b.Write(data)
		if i < len(feats)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("]}\n")
	if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "%s: %d zones\n", *out, len(feats)-1)
}
