//go:build ignore

// Command generate writes geometry.geojson, the reference ceasefire geometry
// of the Ukraine 2025 scenario: a contact line from the Dnipro mouth west
// of Kherson to Vovchansk, and the zones of the reference agreement. The
// waypoints approximate the front of late 2025 for a simulation; they are
// not an assertion about where the real front is. Run from the module root:
//
//	go run ./scenarios/ukraine-2025/monitoring/generate.go
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

// waypoints, [lon, lat], south-west to north-east, with the places they
// stand for.
var waypoints = [][2]float64{
	{31.98, 46.52}, // Dnipro mouth, west of Kherson
	{32.35, 46.58},
	{32.62, 46.62}, // Kherson (the river south of the city)
	{33.00, 46.70}, // Antonivka
	{33.39, 46.79}, // Nova Kakhovka / Beryslav, the ruined dam
	{33.80, 47.05}, // Kakhovka reservoir
	{34.20, 47.36},
	{34.58, 47.57}, // opposite Enerhodar: Nikopol on the north bank
	{34.95, 47.65},
	{35.25, 47.60}, // Vasylivka / Kamianske
	{35.48, 47.57}, // Stepnohirsk
	{35.83, 47.47}, // Robotyne
	{36.05, 47.57},
	{36.26, 47.70}, // Huliaipole
	{36.55, 47.80},
	{36.85, 47.90}, // Velyka Novosilka
	{37.20, 47.86}, // Vuhledar
	{37.33, 48.02}, // Kurakhove
	{37.12, 48.25}, // west of Pokrovsk
	{37.40, 48.42},
	{37.83, 48.41}, // Toretsk
	{37.88, 48.60}, // Chasiv Yar
	{38.05, 48.80},
	{38.10, 48.90}, // Siversk
	{37.95, 49.03}, // Lyman
	{37.90, 49.22},
	{37.95, 49.45},
	{37.66, 49.71}, // Kupiansk
	{37.40, 49.95},
	{37.12, 50.15},
	{36.94, 50.29}, // Vovchansk
}

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

// catmullRom interpolates the waypoints in lon/lat (a smooth curve through
// every waypoint).
func catmullRom(w [][2]float64, t float64) [2]float64 {
	n := len(w) - 1
	i := int(math.Min(float64(n-1), math.Floor(t)))
	u := t - float64(i)
	get := func(k int) [2]float64 { return w[max(0, min(n, k))] }
	p0, p1, p2, p3 := get(i-1), get(i), get(i+1), get(i+2)
	var out [2]float64
	for d := 0; d < 2; d++ {
		out[d] = 0.5 * (2*p1[d] + (-p0[d]+p2[d])*u + (2*p0[d]-5*p1[d]+4*p2[d]-p3[d])*u*u + (-p0[d]+3*p1[d]-3*p2[d]+p3[d])*u*u*u)
	}
	return out
}

// line samples the spline finely, then walks it placing a vertex every
// step metres, moved sideways by amp metres of meander with the given
// wavelength: the local bends that make the real front about 1,200 km long
// where the smooth curve through the towns is about 810 km.
func line(step, amp, wavelength float64) []s2.Point {
	var fine []s2.Point
	for t := 0.0; t <= float64(len(waypoints)-1); t += 0.002 {
		fine = append(fine, pt(catmullRom(waypoints, t)))
	}
	fine = append(fine, pt(waypoints[len(waypoints)-1]))
	var out []s2.Point
	along, next := 0.0, 0.0
	for i := 1; i < len(fine); i++ {
		a, b := fine[i-1], fine[i]
		seg := float64(a.Distance(b)) * earthRadiusM
		for next <= along+seg {
			f := (next - along) / seg
			p := s2.Interpolate(f, a, b)
			left := s2.Point{Vector: a.Cross(b.Vector).Normalize()}
			out = append(out, move(p, left, amp*math.Sin(2*math.Pi*next/wavelength)))
			next += step
		}
		along += seg
	}
	return out
}

// offset moves every vertex of a polyline d metres to its left (negative:
// right), along the normal of the neighbouring vertices' chord.
func offset(pts []s2.Point, d float64) []s2.Point {
	out := make([]s2.Point, len(pts))
	for i := range pts {
		a, b := pts[max(0, i-1)], pts[min(len(pts)-1, i+1)]
		left := s2.Point{Vector: a.Cross(b.Vector).Normalize()}
		out[i] = move(pts[i], left, d)
	}
	return out
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

// unloop cuts out the small loops an offset curve makes on the inner side
// of tight bends: where edge i crosses a later edge j, the vertices between
// are replaced by the crossing point (planar lon/lat, fine at this scale).
func unloop(pts []s2.Point) []s2.Point {
	c := make([][2]float64, len(pts))
	for i, p := range pts {
		l := s2.LatLngFromPoint(p)
		c[i] = [2]float64{l.Lng.Degrees(), l.Lat.Degrees()}
	}
	for i := 0; i+1 < len(c); i++ {
		for j := min(len(c)-2, i+600); j > i+1; j-- {
			if x, ok := cross(c[i], c[i+1], c[j], c[j+1]); ok {
				c = append(append(c[:i+1:i+1], x), c[j+1:]...)
				break
			}
		}
	}
	out := make([]s2.Point, len(c))
	for i, x := range c {
		out[i] = pt(x)
	}
	return out
}

// cross is where segments ab and cd cross, if they do.
func cross(a, b, c, d [2]float64) ([2]float64, bool) {
	r := [2]float64{b[0] - a[0], b[1] - a[1]}
	s := [2]float64{d[0] - c[0], d[1] - c[1]}
	den := r[0]*s[1] - r[1]*s[0]
	if den == 0 {
		return [2]float64{}, false
	}
	t := ((c[0]-a[0])*s[1] - (c[1]-a[1])*s[0]) / den
	u := ((c[0]-a[0])*r[1] - (c[1]-a[1])*r[0]) / den
	if t <= 0 || t >= 1 || u <= 0 || u >= 1 {
		return [2]float64{}, false
	}
	return [2]float64{a[0] + t*r[0], a[1] + t*r[1]}, true
}

// strip is the area between offsets d1 and d2 (metres, signed) of a polyline.
func strip(pts []s2.Point, d1, d2 float64) [][2]float64 {
	a, b := unloop(offset(pts, d1)), unloop(offset(pts, d2))
	var r []s2.Point
	r = append(r, a...)
	for i := len(b) - 1; i >= 0; i-- {
		r = append(r, b[i])
	}
	return ccw(ring(r))
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
	return ring(pts)
}

// square is a square of side m centred on c, aligned with the local
// direction of the line there.
func square(pts []s2.Point, i int, m float64) [][2]float64 {
	a, b := pts[max(0, i-5)], pts[min(len(pts)-1, i+5)]
	left := s2.Point{Vector: a.Cross(b.Vector).Normalize()}
	fwd := s2.Point{Vector: left.Cross(pts[i].Vector).Normalize()}
	back := s2.Point{Vector: fwd.Mul(-1)}
	right := s2.Point{Vector: left.Mul(-1)}
	c1 := move(move(pts[i], back, m/2), right, m/2)
	c2 := move(move(pts[i], fwd, m/2), right, m/2)
	c3 := move(move(pts[i], fwd, m/2), left, m/2)
	c4 := move(move(pts[i], back, m/2), left, m/2)
	return ccw(ring([]s2.Point{c1, c2, c3, c4}))
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

// nearestIndex is the index of the line vertex nearest to c.
func nearestIndex(pts []s2.Point, c [2]float64) int {
	p, best, at := pt(c), math.Inf(1), 0
	for i, q := range pts {
		if d := float64(p.Distance(q)); d < best {
			best, at = d, i
		}
	}
	return at
}

type feature struct {
	Type       string            `json:"type"`
	Geometry   map[string]any    `json:"geometry"`
	Properties map[string]string `json:"properties"`
}

func main() {
	out := flag.String("out", "scenarios/ukraine-2025/monitoring/geometry.geojson", "file to write")
	flag.Parse()
	pts := line(400, 2400, 11000) // the contact line
	smooth := line(2000, 0, 1)    // the curve through the towns, for the wide areas
	var coords [][2]float64
	for _, p := range pts {
		coords = append(coords, ll(p))
	}
	zone := func(id, role, name, note string, rings ...[][2]float64) feature {
		return feature{"Feature", map[string]any{"type": "Polygon", "coordinates": rings},
			map[string]string{"id": id, "role": role, "name": name, "note": note}}
	}
	znpp := [2]float64{34.5863, 47.5119}
	i1, i2 := nearestIndex(smooth, [2]float64{35.48, 47.57}), nearestIndex(smooth, [2]float64{36.26, 47.70})
	feats := []feature{
		{"Feature", map[string]any{"type": "LineString", "coordinates": coords}, map[string]string{
			"id": "contact-line", "role": "contact_line", "name": "Line of contact (approximation)",
			"note": "Approximates the late-2025 front from the Dnipro mouth to Vovchansk; along the line's direction the left (north and west) is held by Ukraine (ua), the right (south and east) by Russia (ru). For simulation, not a statement about the real front."}},
		zone("dmz", "dmz", "Demilitarised strip", "1 km on each side of the contact line", strip(pts, 1000, -1000)),
		zone("znpp", "protected_site", "Zaporizhzhia nuclear power plant", "3 km around the plant (47.5119 N, 34.5863 E), IAEA-monitored site", circle(znpp, 3000)),
		zone("znpp-no-fly", "no_fly", "No-fly zone around the Zaporizhzhia plant", "30 km radius", circle(znpp, 30000)),
		zone("kakhovka-dam", "protected_site", "Kakhovka dam site", "the ruined dam at Nova Kakhovka, 1.5 km radius; repair works", circle([2]float64{33.37, 46.78}, 1500)),
		zone("sviatohirsk-lavra", "protected_site", "Sviatohirsk Lavra", "monastery and cultural heritage site, 1 km radius", circle([2]float64{37.567, 49.033}, 1000)),
		zone("kherson-water-intake", "protected_site", "Kherson water intake", "illustrative civilian infrastructure on the Dnipro at Kherson, 1 km radius", circle([2]float64{32.66, 46.66}, 1000)),
		zone("disengagement-huliaipole", "disengagement_area", "Disengagement area Huliaipole", "4 km square on the line (Minsk 2016 pilot-area model)", square(pts, nearestIndex(pts, [2]float64{36.26, 47.70}), 4000)),
		zone("disengagement-chasiv-yar", "disengagement_area", "Disengagement area Chasiv Yar", "4 km square on the line", square(pts, nearestIndex(pts, [2]float64{37.88, 48.60}), 4000)),
		zone("disengagement-kupiansk", "disengagement_area", "Disengagement area Kupiansk", "4 km square on the line", square(pts, nearestIndex(pts, [2]float64{37.66, 49.71}), 4000)),
		zone("security-area-zaporizhzhia-ua", "security_area", "Security area Zaporizhzhia (Ukrainian side)", "from 3 to 15 km behind the towns' curve, Stepnohirsk to Huliaipole", strip(smooth[i1:i2+1], 3000, 15000)),
		zone("security-area-zaporizhzhia-ru", "security_area", "Security area Zaporizhzhia (Russian side)", "from 3 to 15 km behind the towns' curve, Stepnohirsk to Huliaipole", strip(smooth[i1:i2+1], -3000, -15000)),
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
	fmt.Fprintf(os.Stderr, "%s: %d line vertices, %d zones\n", *out, len(coords), len(feats)-1)
}
