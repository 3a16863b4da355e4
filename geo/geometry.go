package geo

import (
	"github.com/golang/geo/s2"
)

// EarthRadiusM is the mean earth radius (IUGG), used to turn angles on the
// unit sphere into metres.
const EarthRadiusM = 6371008.8

// Zone roles.
const (
	RoleDMZ               = "dmz"
	RoleSecurityArea      = "security_area"
	RoleNoFly             = "no_fly"
	RoleProtectedSite     = "protected_site"
	RoleDisengagementArea = "disengagement_area"
	// A maritime corridor and an inspection area (a functional agreement's
	// zones: the Black Sea grain corridor's).
	RoleCorridor       = "corridor"
	RoleInspectionArea = "inspection_area"
)

// Roles lists the valid zone roles.
var Roles = []string{RoleDMZ, RoleSecurityArea, RoleNoFly, RoleProtectedSite, RoleDisengagementArea, RoleCorridor, RoleInspectionArea}

// MaxZones is the most zones one geometry may hold (zone sets are bitsets).
const MaxZones = 256

// MaxBands is the most band distances one kernel may test.
const MaxBands = 64

// MaxBandM is the farthest a band may reach from the contact line, in
// metres: 200 km. The kernel's cover classifies the line's neighbourhood
// out to the farthest band (out to 200 km in any case, for the side of the
// line and the zones near it), and its cells grow with that radius: on the
// reference line a 300 km band took 145 MB and 3.6 s to build and judge a
// day of observations, a 500 km one 730 MB and 12 s, and a 2,000 km one ran
// out of memory. The withdrawal bands of the Minsk texts reach 15 to 70 km
// from the line (the 140 km zone of the heaviest systems, withdrawn by
// equal distances); 200 km, the cover's own least radius, leaves room for
// wider bands without making it grow.
const MaxBandM = 200000

// Geometry is the agreed geometry: the contact line, in one or more parts,
// and the zones.
type Geometry struct {
	// LineID and LineName name the contact line feature.
	LineID, LineName string
	// Parts are the contact line's parts, each a polyline of at least two
	// vertices ([lon, lat] degrees), in the direction that defines its sides.
	Parts [][][2]float64
	Zones []Zone
}

// Zone is one agreed area.
type Zone struct {
	ID, Name, Role, Note string
	// Polygons are the zone's parts, each a list of rings ([lon, lat]
	// degrees, closed): the exterior first, then holes.
	Polygons [][][][2]float64
	polygon  *s2.Polygon
}

// Polygon returns the zone as an S2 polygon.
func (z *Zone) Polygon() *s2.Polygon { return z.polygon }

// Zone returns the zone with the given id, or nil.
func (g *Geometry) Zone(id string) *Zone {
	for i := range g.Zones {
		if g.Zones[i].ID == id {
			return &g.Zones[i]
		}
	}
	return nil
}

// Vertices is the number of vertices of the contact line.
func (g *Geometry) Vertices() int {
	n := 0
	for _, p := range g.Parts {
		n += len(p)
	}
	return n
}

// LengthM is the contact line's length on the sphere, in metres.
func (g *Geometry) LengthM() float64 {
	total := 0.0
	for _, part := range g.Parts {
		for i := 1; i < len(part); i++ {
			total += float64(point(part[i-1]).Distance(point(part[i]))) * EarthRadiusM
		}
	}
	return total
}

// point converts [lon, lat] degrees into a point on the unit sphere.
func point(c [2]float64) s2.Point { return Point(c[0], c[1]) }

// Point converts a longitude and latitude in degrees into a point on the
// unit sphere. Longitudes -180 and 180 give the same point (sin π and
// sin −π differ in their last bits, which would make two points 1e-9 m
// apart of one position on the antimeridian).
func Point(lon, lat float64) s2.Point {
	if lon == -180 {
		lon = 180
	}
	return s2.PointFromLatLng(s2.LatLngFromDegrees(lat, lon))
}
