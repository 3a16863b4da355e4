package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/export"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/monitor"
)

// DefaultExportPageSize is the page of an export of the incident listing
// (format=geojson, csv or kml) when the request gives no limit: the
// largest page there is, where the JSON listing's is 1,000.
const DefaultExportPageSize = monitor.MaxPageSize

// incidentFormats are the values of the format parameter of GET
// /v1/incidents.
const incidentFormats = "json, geojson, csv, kml"

// listIncidents serves GET /v1/incidents with a format parameter: json
// (the listing, as without one), or an export (package export) of the
// page. An export's page is read from the store whole (one page, like the
// JSON listing) and written out as it is encoded. When the listing goes on,
// the response says so before its body, in the headers
//
//	X-Accord-Next: CURSOR
//	Link: </v1/incidents?after=CURSOR&...>; rel="next"
//
// (the same query with after set), and a GeoJSON export also in its
// foreign member "next"; a response without them is the listing's end.
func (s *Server) listIncidents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name := q.Get("format")
	var f export.Format
	if name != "json" {
		var err error
		if f, err = export.ParseFormat(name); err != nil {
			s.fail(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, "format: %q is not a format of the incident listing (want %s)", name, incidentFormats))
			return
		}
	}
	fq := url.Values{}
	for k, v := range q {
		if k != "format" {
			fq[k] = v
		}
	}
	iq, err := s.incidentQuery(r.Context(), fq)
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	if f != "" && iq.Limit == 0 {
		iq.Limit = DefaultExportPageSize
	}
	page, err := s.Mission.Incidents(r.Context(), iq)
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	if f == "" {
		writeJSON(w, http.StatusOK, page)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.MediaType())
	h.Set("Content-Disposition", `attachment; filename="incidents`+f.Extension()+`"`)
	if page.Next != "" {
		q.Set("after", page.Next)
		h.Set("X-Accord-Next", page.Next)
		h.Set("Link", "<"+r.URL.Path+"?"+q.Encode()+`>; rel="next"`)
	}
	w.WriteHeader(http.StatusOK)
	ew, err := export.New(w, f, export.Options{Next: page.Next})
	if err == nil {
		for i := range page.Incidents {
			if err = ew.Write(&page.Incidents[i]); err != nil {
				break
			}
		}
		if err == nil {
			err = ew.Close()
		}
	}
	if err != nil {
		// The status is sent: all there is left to do is to say so in the
		// log. The client sees a document that does not end.
		s.Logger.Warn("incident export cut short", "format", f, "err", err)
	}
}

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
	// ?format= is the listing's (an export of the incident is a listing
	// filtered to it): here it would be ignored, the JSON taken for it.
	if !s.noParams(w, r, "GET /v1/incidents/{id}") {
		return
	}
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
