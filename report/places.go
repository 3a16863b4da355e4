package report

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Place is a settlement.
type Place struct {
	Country, Name string
	Lat, Lon      float64
}

// Places is a gazetteer: the settlements the report names incidents by.
type Places struct {
	places []Place
	// Attribution is the credit the data's licence asks for, printed under
	// what uses it.
	Attribution string
}

// ParsePlaces reads a gazetteer as TSV: country, name, lat, lon (degrees);
// lines starting with # are comments. A malformed line is an error naming
// it.
func ParsePlaces(data []byte, attribution string) (*Places, error) {
	ps := &Places{Attribution: attribution}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("places line %d: want 4 tab-separated fields (country, name, lat, lon), got %d", n, len(f))
		}
		lat, err1 := strconv.ParseFloat(f[2], 64)
		lon, err2 := strconv.ParseFloat(f[3], 64)
		if err1 != nil || err2 != nil || math.Abs(lat) > 90 || math.Abs(lon) > 180 || f[1] == "" {
			return nil, fmt.Errorf("places line %d: want a name and lat, lon in degrees, got %q", n, line)
		}
		ps.places = append(ps.places, Place{Country: f[0], Name: f[1], Lat: lat, Lon: lon})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(ps.places) == 0 {
		return nil, fmt.Errorf("places: no place")
	}
	return ps, nil
}

// Len is the number of places.
func (ps *Places) Len() int { return len(ps.places) }

const earthRadiusKM = 6371.0088

// Nearest returns the settlement nearest to [lon, lat], the great-circle
// distance to it in km and the bearing from it to the point (degrees
// clockwise from north).
func (ps *Places) Nearest(c [2]float64) (p Place, km, bearing float64) {
	best := math.Inf(1)
	k := math.Cos(c[1] * math.Pi / 180)
	for _, q := range ps.places {
		dx, dy := (q.Lon-c[0])*k, q.Lat-c[1]
		if d := dx*dx + dy*dy; d < best {
			best, p = d, q
		}
	}
	φ1, φ2 := p.Lat*math.Pi/180, c[1]*math.Pi/180
	Δλ := (c[0] - p.Lon) * math.Pi / 180
	a := math.Pow(math.Sin((φ2-φ1)/2), 2) + math.Cos(φ1)*math.Cos(φ2)*math.Pow(math.Sin(Δλ/2), 2)
	km = 2 * earthRadiusKM * math.Asin(math.Sqrt(math.Min(1, a)))
	y := math.Sin(Δλ) * math.Cos(φ2)
	x := math.Cos(φ1)*math.Sin(φ2) - math.Sin(φ1)*math.Cos(φ2)*math.Cos(Δλ)
	bearing = math.Mod(math.Atan2(y, x)*180/math.Pi+360, 360)
	return p, km, bearing
}

// countries name the countries of the places outside Ukraine, after the
// settlement's name.
var countries = map[string]string{"RU": "Russia", "BY": "Belarus", "MD": "Moldova", "RO": "Romania"}

var compass = [...]string{"north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west"}

// Direction is the eight-point compass direction of a bearing.
func Direction(bearing float64) string {
	return compass[int(math.Mod(bearing+22.5, 360)/45)%8]
}

// MaxPlaceKM is how far from a settlement a point may be to be named by
// it: farther (an agreement outside the gazetteer's region), the report
// gives lat, lon.
const MaxPlaceKM = 50

// Describe says where a point is by the nearest settlement: "in Vuhledar"
// within 1 km of it, else "2 km north-east of Vuhledar" (whole km; one
// decimal under 10 km); "" when none is within MaxPlaceKM.
func (ps *Places) Describe(c [2]float64) string {
	p, km, b := ps.Nearest(c)
	if km > MaxPlaceKM {
		return ""
	}
	name := p.Name
	if c := countries[p.Country]; c != "" {
		name += " (" + c + ")"
	} else if p.Country != "" && p.Country != "UA" {
		name += " (" + p.Country + ")"
	}
	if km < 1 {
		return "in " + name
	}
	d := strconv.FormatFloat(km, 'f', 0, 64)
	if km < 9.95 {
		d = strconv.FormatFloat(km, 'f', 1, 64)
	}
	return d + " km " + Direction(b) + " of " + name
}

// SettlementRow counts the day's incidents nearest one settlement.
type SettlementRow struct {
	Settlement       string
	Place            Place
	Today, Yesterday int
	Violations       int
}

// Where says where a point is: by the nearest settlement when the report
// has places, else as lat, lon.
func (d *Daily) Where(c [2]float64) string {
	if d.Places != nil {
		if s := d.Places.Describe(c); s != "" {
			return s
		}
	}
	return fmt.Sprintf("%.4f, %.4f", c[1], c[0])
}

// Settlements counts the incidents of the day and of the day before by
// their nearest settlement, the most today first; at most n rows (all when
// n ≤ 0); nil without places.
func (d *Daily) Settlements(n int) []SettlementRow {
	out := d.allSettlements()
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// SettlementsNote is what the settlements table of at most n rows says of
// itself: every settlement of the day's incidents, or the first n of how
// many, and the settlements, incidents and violations it leaves out.
func (d *Daily) SettlementsNote(n int) string {
	all := d.allSettlements()
	if n <= 0 || len(all) <= n {
		return fmt.Sprintf("The %s nearest the day's incidents, every one.", count(len(all), "settlement", "settlements"))
	}
	incidents, violations := 0, 0
	for _, r := range all[n:] {
		incidents += r.Today
		violations += r.Violations
	}
	return fmt.Sprintf("The %d settlements nearest the most of the day's incidents, of %d: the other %d, nearest %s (%s), are not listed.",
		n, len(all), len(all)-n, count(incidents, "incident", "incidents"), count(violations, "violation", "violations"))
}

// allSettlements are every row of Settlements.
func (d *Daily) allSettlements() []SettlementRow {
	if d.Places == nil {
		return nil
	}
	rows := map[string]*SettlementRow{}
	bump := func(c [2]float64, today bool, violations int) {
		p, km, _ := d.Places.Nearest(c)
		name := p.Name
		if c := countries[p.Country]; c != "" {
			name += " (" + c + ")"
		}
		if km > MaxPlaceKM {
			name = fmt.Sprintf("(no settlement within %d km)", MaxPlaceKM)
		}
		r := rows[name]
		if r == nil {
			r = &SettlementRow{Settlement: name, Place: p}
			rows[name] = r
		}
		if today {
			r.Today++
			r.Violations += violations
		} else {
			r.Yesterday++
		}
	}
	for _, in := range d.Incidents {
		bump(in.Location, true, len(in.Violations))
	}
	for _, l := range d.yesterday {
		bump(l, false, 0)
	}
	out := make([]SettlementRow, 0, len(rows))
	for _, r := range rows {
		if r.Today > 0 {
			out = append(out, *r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Today != out[j].Today {
			return out[i].Today > out[j].Today
		}
		return out[i].Settlement < out[j].Settlement
	})
	return out
}
