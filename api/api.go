package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/negotiate"
)

// Limits on one ingestion request.
const (
	DefaultMaxBody  = 32 << 20 // bytes
	DefaultMaxBatch = 100000   // observations
)

// Server serves the API over a store and a pipeline.
type Server struct {
	Store    monitor.ObservationStore
	Pipeline *monitor.Pipeline
	Logger   *slog.Logger
	MaxBody  int64
	MaxBatch int
	// Record, when set, receives every incident change as a derived entry
	// of the ledger, and Feed streams them.
	Record  *Record
	Feed    *Feed
	Metrics *Metrics
	// Consequences, when set with Record, runs the agreement engine on the
	// confirmed violations.
	Consequences *Consequences
	// Agreement is the agreement the Consequences run, for its views.
	Agreement *agreement.Agreement
	// Scenario, when set, serves the negotiation's analysis: the proposals,
	// their comparison matrix, the frontier.
	Scenario *negotiate.Model
	// Geometry is the agreed geometry as GeoJSON, for the map; Bands the
	// outlines of the agreed bands around the line.
	Geometry []byte
	Bands    []byte
	// Auth, when set, identifies callers by bearer token and applies the
	// access policy (deny by default); without it the server is open.
	Auth *Auth
	// RequireSigned refuses observation batches without an author's
	// signature (headers Accord-Author, Accord-Id, Accord-Signature).
	RequireSigned bool

	// An ingested batch goes through four stages in turn: storeMu (the
	// store's transaction), mu (the pipeline, fed by one goroutine at a
	// time), engineMu (the agreement engine; responses and findings take
	// it too), ledgerMu (the ledger's append).
	storeMu, mu, engineMu, ledgerMu sync.Mutex

	scenarioMu sync.Mutex        // the negotiation model's searches, one at a time
	frontiers  map[string][]byte // frontier SVGs by "x|y"
}

// NewServer returns a server with the default limits.
func NewServer(store monitor.ObservationStore, p *monitor.Pipeline) *Server {
	return &Server{Store: store, Pipeline: p, Logger: slog.Default(), MaxBody: DefaultMaxBody, MaxBatch: DefaultMaxBatch}
}

// Handler returns the API's routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /v1/observations", s.Auth.require(ledger.SubmitObservations, http.HandlerFunc(s.postObservations)))
	mux.HandleFunc("GET /v1/incidents", s.getIncidents)
	mux.HandleFunc("GET /v1/incidents/{id}", s.getIncident)
	mux.HandleFunc("GET /v1/agreement", s.getAgreement)
	mux.HandleFunc("GET /v1/consultations", s.getConsultations)
	mux.Handle("POST /v1/consultations/{id}/response", s.Auth.require(ledger.SubmitResponse, http.HandlerFunc(s.postResponse)))
	mux.Handle("POST /v1/consultations/{id}/finding", s.Auth.require(ledger.SignFinding, http.HandlerFunc(s.postFinding)))
	mux.HandleFunc("GET /v1/compliance", s.getCompliance)
	mux.HandleFunc("GET /v1/scenario", s.getScenario)
	mux.HandleFunc("GET /v1/scenario/proposals/{id}", s.getProposal)
	mux.HandleFunc("GET /v1/scenario/matrix", s.getMatrix)
	mux.HandleFunc("GET /v1/scenario/frontier.svg", s.getFrontier)
	mux.HandleFunc("GET /v1/bands", s.getBands)
	if s.Record != nil {
		s.Record.Auth = s.Auth
		s.Record.Register(mux)
	}
	if s.Feed != nil {
		mux.Handle("GET /v1/feed", s.Feed)
	}
	if s.Metrics != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(s.Metrics.Registry, promhttp.HandlerOpts{}))
	}
	mux.HandleFunc("GET /openapi.json", serveOpenAPI)
	mux.HandleFunc("GET /v1/geometry", s.getGeometry)
	mux.Handle("GET /web/", webHandler())
	mux.HandleFunc("GET /{$}", s.index)
	return s.Auth.reads(mux)
}

// IngestResult is the answer to an accepted batch.
type IngestResult struct {
	Added      int `json:"added"`
	Duplicates int `json:"duplicates"`
	// Incidents are the incidents the new observations joined or opened,
	// with their violations as of this batch.
	Incidents []monitor.Incident `json:"incidents"`
	// LastEntry is the ledger index of the last entry the batch wrote (the
	// feed's event id), when the server keeps a ledger.
	LastEntry *int64 `json:"last_entry,omitempty"`
}

// ErrorBody is every error's JSON form.
type ErrorBody struct {
	Code    string      `json:"code"`
	Message string      `json:"message"`
	Lines   []LineError `json:"lines,omitempty"`
}

// LineError is one refused line of a batch.
type LineError struct {
	Line    int    `json:"line"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (s *Server) postObservations(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	ok := false
	if s.Metrics != nil {
		defer func() {
			outcome := "refused"
			if ok {
				outcome = "accepted"
				s.Metrics.Latency.Observe(time.Since(start).Seconds())
			}
			s.Metrics.Batches.WithLabelValues(outcome).Inc()
		}()
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/x-ndjson" && mt != "application/geo+json-seq" && mt != "application/jsonl") {
		s.fail(w, http.StatusUnsupportedMediaType, accord.Errorf(accord.EINVALID, "Content-Type must be application/x-ndjson (one GeoJSON Feature per line), got %q", r.Header.Get("Content-Type")))
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.MaxBody))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		s.fail(w, http.StatusRequestEntityTooLarge, accord.Errorf(accord.EINVALID, "the body exceeds %d bytes; send smaller batches", s.MaxBody))
		return
	}
	if err != nil {
		s.fail(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, "reading the body: %v", err))
		return
	}
	obs, err := monitor.Decode(bytes.NewReader(raw), "body")
	if err != nil {
		s.fail(w, http.StatusBadRequest, err)
		return
	}
	if len(obs) > s.MaxBatch {
		s.fail(w, http.StatusRequestEntityTooLarge, accord.Errorf(accord.EINVALID, "%d observations in one batch; at most %d", len(obs), s.MaxBatch))
		return
	}
	sub, signed, err := s.batchSubmission(r, raw, len(obs))
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	// Four stages, each taken by one batch at a time and handed over in
	// order (a batch takes the next stage's lock before it lets go of its
	// own), so one batch's store transaction runs while the one before it
	// is fused, the one before that goes through the agreement engine, and
	// so on: the store, the pipeline, the engine and the ledger see the
	// batches in the same order.
	s.storeMu.Lock()
	if signed && s.Record.Ledger.Seen(sub.Author, sub.ID) {
		_, err := s.Record.Ledger.Submit(sub) // records the refused replay
		s.storeMu.Unlock()
		s.fail(w, http.StatusBadRequest, err)
		return
	}
	added, dups, err := s.Store.Put(r.Context(), obs)
	if err == nil && signed {
		_, err = s.Record.Ledger.Submit(sub)
	}
	if err != nil {
		s.storeMu.Unlock()
		s.fail(w, status(err), err)
		return
	}
	s.mu.Lock()
	s.storeMu.Unlock()
	res := IngestResult{Added: added, Duplicates: dups, Incidents: []monitor.Incident{}}
	// Fuse the batch, then evaluate each incident it touched once, in the
	// order first touched, with its distance to the line.
	var touched []*fusion.Incident
	seen := map[*fusion.Incident]bool{}
	for i := range obs {
		in := s.Pipeline.Add(&obs[i])
		if !seen[in] {
			seen[in] = true
			touched = append(touched, in)
		}
	}
	for _, in := range touched {
		res.Incidents = append(res.Incidents, s.Pipeline.Evaluate(in))
	}
	s.engineMu.Lock()
	s.mu.Unlock()
	var events []engine.Event
	var derived []engine.Derived
	if s.Record != nil && s.Consequences != nil {
		events, derived = s.Consequences.Observe(res.Incidents)
	}
	last, err := s.record(nil, res.Incidents, events, derived)
	if err != nil {
		s.fail(w, http.StatusInternalServerError, err)
		return
	}
	res.LastEntry = last
	if s.Metrics != nil {
		s.Metrics.Observations.WithLabelValues("added").Add(float64(res.Added))
		s.Metrics.Observations.WithLabelValues("duplicate").Add(float64(res.Duplicates))
	}
	ok = true
	writeJSON(w, http.StatusOK, res)
}

// OpenIncidents counts the pipeline's open incidents (for the metrics).
func (s *Server) OpenIncidents() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return float64(s.Pipeline.Open())
}

func (s *Server) getIncidents(w http.ResponseWriter, r *http.Request) {
	f, err := ParseIncidentFilter(r.URL.Query())
	if err != nil {
		s.fail(w, http.StatusBadRequest, err)
		return
	}
	ins := s.incidents()
	out := []monitor.Incident{}
	for i := range ins {
		if f.Match(&ins[i]) {
			out = append(out, ins[i])
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"incidents": out})
}

// status maps an application error code to an HTTP status.
func status(err error) int {
	switch accord.ErrorCode(err) {
	case accord.EINVALID:
		return http.StatusBadRequest
	case accord.ENOTFOUND:
		return http.StatusNotFound
	case accord.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case accord.EFORBIDDEN:
		return http.StatusForbidden
	}
	return http.StatusInternalServerError
}

func (s *Server) fail(w http.ResponseWriter, code int, err error) {
	body := ErrorBody{Code: accord.ErrorCode(err), Message: err.Error()}
	var les monitor.LineErrors
	if errors.As(err, &les) {
		body.Message = fmt.Sprintf("%d bad line(s); nothing of the batch was stored", len(les))
		for _, le := range les {
			body.Lines = append(body.Lines, LineError{Line: le.Line, Field: le.Field, Message: le.Msg})
		}
	}
	if body.Code == accord.EINTERNAL {
		s.Logger.Error("internal error", "err", err)
		body.Message = "internal error"
	}
	writeJSON(w, code, body)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	_ = enc.Encode(v)
}
