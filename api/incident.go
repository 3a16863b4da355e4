package api

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/monitor"
)

// IncidentDetail is one incident with the observations it fuses, as their
// sources sent them.
type IncidentDetail struct {
	Incident     monitor.Incident       `json:"incident"`
	Observations []*monitor.Observation `json:"observations"`
	// EvidenceWithheld is true when the caller may not read raw evidence:
	// the observations' evidence lists are left out.
	EvidenceWithheld bool `json:"evidence_withheld,omitempty"`
}

func (s *Server) getIncident(w http.ResponseWriter, r *http.Request) {
	in, obs, err := s.Mission.Incident(r.Context(), r.PathValue("id"))
	if err != nil {
		writeError(w, status(err), err)
		return
	}
	d := IncidentDetail{Incident: *in, Observations: obs}
	if s.Auth != nil {
		p, _ := s.Auth.who(r)
		d.EvidenceWithheld = !s.Auth.Policy.Allowed(p.Role, accord.ReadRawEvidence, false)
	}
	if d.EvidenceWithheld {
		for i, o := range d.Observations {
			c := *o
			c.Evidence = nil
			d.Observations[i] = &c
		}
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) getBands(w http.ResponseWriter, r *http.Request) {
	if s.Bands == nil {
		writeError(w, http.StatusNotFound, accord.Errorf(accord.ENOTFOUND, "no bands: the server runs without an agreement"))
		return
	}
	w.Header().Set("Content-Type", "application/geo+json")
	w.Write(s.Bands)
}

// BandOutlines draws the agreement's bands for the map: a GeoJSON
// FeatureCollection of LineStrings, each band's edge on each side of the
// line, with the band, its distance and the party of the side.
func BandOutlines(m *agreement.Monitoring, k *geo.Kernel) []byte {
	type props struct {
		Band       string  `json:"band"`
		DistanceKM float64 `json:"distance_km"`
		Side       string  `json:"side"`
		Equipment  string  `json:"equipment"`
		Source     string  `json:"source,omitempty"`
	}
	type feature struct {
		Type       string `json:"type"`
		Properties props  `json:"properties"`
		Geometry   struct {
			Type        string       `json:"type"`
			Coordinates [][2]float64 `json:"coordinates"`
		} `json:"geometry"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: []feature{}}
	drawn := map[float64][]geo.Outline{}
	for _, b := range m.Bands {
		d := b.DistanceKM * 1000
		if _, ok := drawn[d]; !ok {
			drawn[d] = geo.Outlines(m.Geometry.Parts, d, k.DistanceM)
		}
		for _, o := range drawn[d] {
			f := feature{Type: "Feature", Properties: props{Band: b.ID, DistanceKM: b.DistanceKM, Side: m.Sides.Party(o.Side),
				Equipment: strings.Join(b.Equipment, ", "), Source: b.Source}}
			f.Geometry.Type = "LineString"
			f.Geometry.Coordinates = o.Line
			fc.Features = append(fc.Features, f)
		}
	}
	out, _ := json.Marshal(fc)
	return out
}
