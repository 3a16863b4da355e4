package sim

import (
	"math"
	"sort"

	"github.com/golang/geo/s2"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/geo"
)

// typicalCaliber is the caliber reported for a weapon class in the
// simulation (mm; 0 when a caliber means nothing for the class).
var typicalCaliber = map[string]int{"artillery": 152, "mlrs": 122, "heavy_mlrs": 300, "tank": 125, "mortar": 120}

// FromAgreement builds a simulation of the monitoring section's geometry:
// the line's first part, its sides, one band per agreed band (its first
// equipment class), the demilitarised strip (a zone of role dmz; its
// half-width measured from the zone), and the protected sites.
func FromAgreement(m *agreement.Monitoring, k *geo.Kernel) Config {
	g := m.Geometry
	cfg := Config{Line: g.Parts[0], Sides: [2]string{m.Sides.Left, m.Sides.Right}}
	for _, b := range m.Bands {
		cfg.Bands = append(cfg.Bands, Band{ID: b.ID, Equipment: b.Equipment[0], CaliberMM: max(int(b.MinCaliberMM), typicalCaliber[b.Equipment[0]]), DistanceM: b.DistanceKM * 1000})
	}
	for _, z := range g.Zones {
		ring := z.Polygons[0][0]
		switch z.Role {
		case geo.RoleDMZ:
			if cfg.DMZZone == "" {
				var d []float64
				for _, c := range ring {
					d = append(d, k.DistanceM(c[0], c[1]))
				}
				sort.Float64s(d)
				cfg.DMZZone, cfg.DMZHalfWidthM = z.ID, d[len(d)/2]
			}
		case geo.RoleProtectedSite:
			var sum s2.Point
			for _, c := range ring {
				sum = s2.Point{Vector: sum.Add(geo.Point(c[0], c[1]).Vector)}
			}
			centre := s2.Point{Vector: sum.Normalize()}
			r := 0.0
			for _, c := range ring {
				r = math.Max(r, float64(centre.Distance(geo.Point(c[0], c[1])))*EarthRadiusM)
			}
			ll := s2.LatLngFromPoint(centre)
			cfg.Sites = append(cfg.Sites, ProtectedSite{ID: z.ID, Lon: ll.Lng.Degrees(), Lat: ll.Lat.Degrees(), RadiusM: r})
		}
	}
	return cfg
}
