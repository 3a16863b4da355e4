package geo

import "encoding/json"

// GeoJSON writes the geometry back as a FeatureCollection: the contact line
// (LineString, or MultiLineString for several parts) and the zones
// (MultiPolygon, rings closed), with their ids, roles and names.
func (g *Geometry) GeoJSON() []byte {
	type feature struct {
		Type       string            `json:"type"`
		Geometry   map[string]any    `json:"geometry"`
		Properties map[string]string `json:"properties"`
	}
	var fs []feature
	line := map[string]any{"type": "MultiLineString", "coordinates": g.Parts}
	if len(g.Parts) == 1 {
		line = map[string]any{"type": "LineString", "coordinates": g.Parts[0]}
	}
	fs = append(fs, feature{"Feature", line, map[string]string{"id": g.LineID, "role": RoleContactLine, "name": g.LineName}})
	for _, z := range g.Zones {
		var polys [][][][2]float64
		for _, p := range z.Polygons {
			var rings [][][2]float64
			for _, r := range p {
				rings = append(rings, append(append([][2]float64{}, r...), r[0]))
			}
			polys = append(polys, rings)
		}
		fs = append(fs, feature{"Feature", map[string]any{"type": "MultiPolygon", "coordinates": polys},
			map[string]string{"id": z.ID, "role": z.Role, "name": z.Name}})
	}
	b, _ := json.Marshal(map[string]any{"type": "FeatureCollection", "features": fs})
	return b
}
