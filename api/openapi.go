package api

import (
	_ "embed"
	"net/http"
)

//go:embed openapi.json
var openAPI []byte

// Routes lists every route the server registers (with Record, Feed,
// Metrics, Mediation and Funding set); a test keeps it, the mux and openapi.json in step.
var Routes = []string{
	"POST /v1/observations", "GET /v1/incidents", "GET /v1/feed",
	"POST /v1/submissions", "GET /v1/checkpoint", "GET /v1/checkpoint/cosigned", "POST /v1/checkpoint/cosignatures", "GET /v1/ledger", "GET /v1/entries/{index}", "GET /v1/sealed/{sha256}",
	"GET /v1/proofs/inclusion", "GET /v1/proofs/consistency",
	"GET /metrics", "GET /openapi.json", "GET /", "GET /v1/geometry", "GET /web/",
	"GET /v1/incidents/{id}", "GET /v1/agreement", "GET /v1/agreements", "GET /v1/agreements/{id}", "GET /v1/consultations",
	"POST /v1/consultations/{id}/response", "POST /v1/consultations/{id}/finding", "POST /v1/provisions/{id}/done", "POST /v1/agreements/{agreement}/provisions/{id}/done", "GET /v1/compliance",
	"POST /v1/clock",
	"POST /v1/exchanges", "GET /v1/exchanges", "GET /v1/exchanges/lists/{sha256}",
	"GET /v1/scenario", "GET /v1/scenario/proposals/{id}", "GET /v1/scenario/matrix", "GET /v1/scenario/frontier.svg", "GET /v1/scenario/robust.svg",
	"GET /v1/scenario/forecast.svg",
	"GET /v1/bands",
	"GET /v1/negotiations", "POST /v1/negotiations", "GET /v1/negotiations/{id}", "GET /v1/negotiations/{id}/public",
	"GET /v1/negotiations/{id}/positions/{party}", "GET /v1/negotiations/{id}/agreement", "GET /v1/negotiations/{id}/proposal",
	"POST /v1/negotiations/{id}/drafts", "POST /v1/negotiations/{id}/positions", "POST /v1/negotiations/{id}/answers",
	"POST /v1/negotiations/{id}/requests", "POST /v1/negotiations/{id}/signatures",
	"GET /negotiation",
	"GET /v1/reconstruction", "GET /v1/reconstruction/export", "GET /v1/reconstruction/series", "POST /v1/reconstruction/funds", "POST /v1/reconstruction/projects",
	"POST /v1/reconstruction/commitments", "POST /v1/reconstruction/disbursements", "POST /v1/reconstruction/confirmations",
	"GET /v1/corridor",
}

func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPI)
}
