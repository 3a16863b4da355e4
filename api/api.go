package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/funding"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mediation"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/negotiate"
)

// Limits on one ingestion request and its answer.
const (
	DefaultMaxBody           = 32 << 20 // bytes
	DefaultMaxBatch          = 100000   // observations
	DefaultMaxReplyIncidents = 1000     // incidents listed in the answer
	DefaultBodyTimeout       = 30 * time.Second
	// DefaultMaxClockSkew is how far past the server's clock an
	// observation's reported_at may be (a source's clock a little fast, a
	// party's report in local time labelled UTC): past it the line is
	// refused, as a report cannot come from the future and its time would
	// move the agreement's clock past every deadline.
	DefaultMaxClockSkew = 24 * time.Hour
)

// Server serves the API over a mission: it decodes, authorises, calls the
// mission and encodes, nothing else.
type Server struct {
	Mission *mission.Mission
	// Ingest, when set, takes the accepted batches instead of
	// Mission.Ingest: a stream deployment's ingest node (package stream)
	// stores and publishes them; fusion and the record follow.
	Ingest func(ctx context.Context, batch []monitor.Observation, sub *ledger.Submission) (mission.IngestResult, error)
	// Tick, when set, takes the ticks of the agreement's clock (POST
	// /v1/clock) instead of Mission.Tick: a stream deployment's ingest
	// node publishes them (stream.Ingester.Tick) and the recorder
	// decides them in the log's order; the answer is deferred
	// (mission.ClockResult.Deferred).
	Tick func(ctx context.Context, at time.Time) (mission.ClockResult, error)
	// TickIfDue, set with Tick, takes the ticks asked if due (if_due):
	// the stream's ingest node publishes them marked so
	// (stream.Ingester.TickIfDue), and the recorder decides them as
	// Mission.TickIfDue. Nil with Tick set: a tick asked if due is
	// refused (EINVALID), not recorded as Tick would.
	TickIfDue func(ctx context.Context, at time.Time) (mission.ClockResult, error)
	Logger    *slog.Logger
	MaxBody   int64
	MaxBatch  int
	// MaxClockSkew is how far past the server's clock a report may be,
	// and a tick of the agreement's clock (POST /v1/clock)
	// (DefaultMaxClockSkew when 0; negative: no bound).
	MaxClockSkew time.Duration
	// MaxReplyIncidents is how many of the incidents a batch changed its
	// answer lists (DefaultMaxReplyIncidents when 0); the answer counts
	// them all and says when it is partial, and GET /v1/incidents has the
	// rest.
	MaxReplyIncidents int
	// BodyTimeout is how long a request's body may take to arrive, from
	// the handler's start (DefaultBodyTimeout when 0); past it the request
	// is answered 408 and the connection closed. Requests without a body
	// (the feed's among them) have no read deadline here.
	BodyTimeout time.Duration
	// Record serves the verifiable record (the mission's ledger): signed
	// submissions, checkpoints, proofs. Feed streams its derived entries.
	Record  *Record
	Feed    *Feed
	Metrics *Metrics
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
	// CORS, when set with origins, lets pages of those origins call the
	// API from a browser.
	CORS *CORS
	// Mediation, when set, serves the negotiations (negotiation.go).
	Mediation *mediation.Mediation
	// Funding, when set, serves the reconstruction registry
	// (reconstruction.go).
	Funding *funding.Funding

	scenarioMu sync.Mutex        // the negotiation model's searches, one at a time
	frontiers  map[string][]byte // frontier SVGs by "x|y"
	robusts    map[string][]byte // robustness charts by "runs|seed", at most maxRobustCharts
	forecasts  map[string][]byte // forecast charts by model
}

// NewServer returns a server over a mission with the default limits.
func NewServer(m *mission.Mission) *Server {
	return &Server{Mission: m, Logger: slog.Default(), MaxBody: DefaultMaxBody, MaxBatch: DefaultMaxBatch, MaxReplyIncidents: DefaultMaxReplyIncidents}
}

// Handler returns the API's routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /v1/observations", s.Auth.require(accord.SubmitObservations, http.HandlerFunc(s.postObservations)))
	mux.HandleFunc("GET /v1/incidents", s.getIncidents)
	mux.HandleFunc("GET /v1/incidents/{id}", s.getIncident)
	mux.HandleFunc("GET /v1/agreement", s.getAgreement)
	mux.HandleFunc("GET /v1/agreements", s.getAgreements)
	mux.HandleFunc("GET /v1/agreements/{id}", s.getAgreementByID)
	mux.HandleFunc("GET /v1/consultations", s.getConsultations)
	mux.Handle("POST /v1/consultations/{id}/response", s.Auth.require(accord.SubmitResponse, http.HandlerFunc(s.postResponse)))
	mux.Handle("POST /v1/consultations/{id}/finding", s.Auth.require(accord.SignFinding, http.HandlerFunc(s.postFinding)))
	mux.Handle("POST /v1/provisions/{id}/done", s.Auth.require(accord.RecordProvision, http.HandlerFunc(s.postProvisionDone)))
	mux.Handle("POST /v1/agreements/{agreement}/provisions/{id}/done", s.Auth.require(accord.RecordProvision, http.HandlerFunc(s.postProvisionDone)))
	mux.Handle("POST /v1/clock", s.Auth.require(accord.TickClock, http.HandlerFunc(s.postClock)))
	s.exchangeRoutes(mux)
	mux.HandleFunc("GET /v1/compliance", s.getCompliance)
	mux.HandleFunc("GET /v1/corridor", s.getCorridor)
	mux.HandleFunc("GET /v1/scenario", s.getScenario)
	mux.HandleFunc("GET /v1/scenario/proposals/{id}", s.getProposal)
	mux.HandleFunc("GET /v1/scenario/matrix", s.getMatrix)
	mux.HandleFunc("GET /v1/scenario/frontier.svg", s.getFrontier)
	mux.HandleFunc("GET /v1/scenario/robust.svg", s.getRobust)
	mux.HandleFunc("GET /v1/scenario/forecast.svg", s.getForecast)
	mux.HandleFunc("GET /v1/bands", s.getBands)
	if s.Record != nil {
		mux.Handle("POST /v1/submissions", s.Auth.require(accord.ReadPublic, http.HandlerFunc(s.postSubmission)))
		mux.HandleFunc("GET /v1/sealed/{sha256}", s.getSealed)
		s.Record.Register(mux)
	}
	if s.Feed != nil {
		mux.Handle("GET /v1/feed", s.Feed)
	}
	if s.Metrics != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(s.Metrics.Registry, promhttp.HandlerOpts{}))
	}
	mux.HandleFunc("GET /openapi.json", serveOpenAPI)
	if s.Mediation != nil {
		s.negotiationRoutes(mux)
	}
	if s.Funding != nil {
		s.reconstructionRoutes(mux)
	}
	mux.HandleFunc("GET /v1/geometry", s.getGeometry)
	mux.Handle("GET /web/", webHandler())
	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("GET /negotiation", s.negotiationPage)
	return s.CORS.wrap(s.bodyDeadline(s.Auth.reads(strictQuery(jsonMuxErrors(mux)))))
}

// CodeMethodNotAllowed is the error code of a request whose route exists
// with other methods (405; Allow lists them).
const CodeMethodNotAllowed = "method_not_allowed"

// jsonMuxErrors answers the requests no route takes with a JSON error, as
// every other error: 404 for an unknown path, 405 (with Allow) for a
// known path with another method. The mux's own answers are plain text.
func jsonMuxErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		rec := &muxAnswer{header: http.Header{}}
		h.ServeHTTP(rec, r)
		if rec.code == http.StatusMethodNotAllowed {
			allow := rec.header.Get("Allow")
			w.Header().Set("Allow", allow)
			writeError(w, http.StatusMethodNotAllowed, accord.Errorf(CodeMethodNotAllowed, "%s %s: the method is not allowed on this path; it takes %s (see /openapi.json)", r.Method, r.URL.Path, allow))
			return
		}
		writeError(w, http.StatusNotFound, accord.Errorf(accord.ENOTFOUND, "%s %s: no such route (the routes are in /openapi.json)", r.Method, r.URL.Path))
	})
}

// muxAnswer keeps the status and headers of the mux's own 404 or 405.
type muxAnswer struct {
	header http.Header
	code   int
}

func (m *muxAnswer) Header() http.Header         { return m.header }
func (m *muxAnswer) Write(b []byte) (int, error) { return len(b), nil }
func (m *muxAnswer) WriteHeader(code int)        { m.code = code }

// bodyDeadline gives a request with a body BodyTimeout to send it; the
// deadline is lifted once the body is read to its end, so a long handler
// after it keeps its connection.
func (s *Server) bodyDeadline(next http.Handler) http.Handler {
	d := orDefault(s.BodyTimeout, DefaultBodyTimeout)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			rc := http.NewResponseController(w)
			if rc.SetReadDeadline(time.Now().Add(d)) == nil {
				r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc, timeout: d}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// deadlineBody lifts the read deadline at the body's end, and says what a
// read past the deadline means.
type deadlineBody struct {
	io.ReadCloser
	rc      *http.ResponseController
	timeout time.Duration
	done    bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case err == io.EOF && !b.done:
		b.done = true
		b.rc.SetReadDeadline(time.Time{})
	case errors.Is(err, os.ErrDeadlineExceeded):
		err = &slowBodyError{timeout: b.timeout}
	}
	return n, err
}

// slowBodyError is a body that did not arrive in time: 408.
type slowBodyError struct{ timeout time.Duration }

func (e *slowBodyError) Error() string {
	return fmt.Sprintf("the body did not arrive within %v; send it faster or in smaller batches", e.timeout)
}

// IngestResult is the answer to an accepted batch.
type IngestResult = mission.IngestResult

// ErrorBody is every error's JSON form. A refused batch lists its first
// bad lines (at most accord.MaxLineErrors) in Lines, counts all of them in
// BadLines, and sets LinesTruncated when some are counted but not listed.
type ErrorBody struct {
	Code           string      `json:"code"`
	Message        string      `json:"message"`
	Lines          []LineError `json:"lines,omitempty"`
	BadLines       int         `json:"bad_lines,omitempty"`
	LinesTruncated bool        `json:"lines_truncated,omitempty"`
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
	// The body is read as it comes: a compressed one would be read as
	// bad lines of NDJSON.
	if ce := strings.TrimSpace(r.Header.Get("Content-Encoding")); ce != "" && !strings.EqualFold(ce, "identity") {
		s.fail(w, http.StatusUnsupportedMediaType, accord.Errorf(accord.EINVALID, "Content-Encoding %q is not accepted: send the NDJSON uncompressed", ce))
		return
	}
	raw, err := readBatch(w, r, s.MaxBody)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		s.fail(w, http.StatusRequestEntityTooLarge, accord.Errorf(accord.EINVALID, "the body exceeds %d bytes; send smaller batches", s.MaxBody))
		return
	}
	if err != nil {
		err = &accord.Error{Code: accord.EINVALID, Message: "reading the body", Err: err}
		s.fail(w, status(err), err)
		return
	}
	obs, repeated, err := monitor.DecodeReceived(raw, "body", s.notAfter(time.Now()))
	if err != nil {
		s.fail(w, http.StatusBadRequest, err)
		return
	}
	if len(obs) > s.MaxBatch {
		s.fail(w, http.StatusRequestEntityTooLarge, accord.Errorf(accord.EINVALID, "%d observations in one batch; at most %d", len(obs), s.MaxBatch))
		return
	}
	if err := s.checkOwners(r, obs); err != nil {
		s.fail(w, status(err), err)
		return
	}
	sub, signed, err := s.batchSubmission(r, raw)
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	var signedBy *ledger.Submission
	if signed {
		signedBy = &sub
	}
	ingest := s.Mission.Ingest
	if s.Ingest != nil {
		ingest = s.Ingest
	}
	res, err := ingest(r.Context(), obs, signedBy)
	var conflicts accord.Conflicts
	if errors.As(err, &conflicts) {
		// Every observation the store refused, at its line of the body.
		err = &accord.Error{Code: accord.EINVALID, Err: accord.ConflictLines(conflicts, raw, "body")}
	}
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	// A line repeated within the body is a resend too: counted with the
	// duplicates, so that added and duplicates account for every line.
	res.Duplicates += repeated
	if s.Metrics != nil {
		s.Metrics.Observations.WithLabelValues("added").Add(float64(res.Added))
		s.Metrics.Observations.WithLabelValues("duplicate").Add(float64(res.Duplicates))
	}
	ok = true
	res.IncidentsTotal = len(res.Incidents)
	if limit := s.maxReplyIncidents(); len(res.Incidents) > limit {
		res.Incidents, res.IncidentsTruncated = res.Incidents[:limit], true
	}
	b, err := res.AppendJSON(make([]byte, 0, 512*(len(res.Incidents)+1)))
	if err != nil {
		writeJSON(w, http.StatusOK, res) // encoding/json's own way, as before
		return
	}
	b = append(b, '\n') // as json.Encoder ends it
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b))) // one write, not chunked
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

func (s *Server) maxReplyIncidents() int {
	if s.MaxReplyIncidents > 0 {
		return s.MaxReplyIncidents
	}
	return DefaultMaxReplyIncidents
}

// IncidentList is a page of incidents. Next is the cursor of the next page
// (pass it as after=); the listing is complete only when it is "".
type IncidentList = monitor.IncidentPage

func (s *Server) getIncidents(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Has("format") {
		s.listIncidents(w, r) // api/incident.go: exports
		return
	}
	q, err := s.incidentQuery(r.Context(), r.URL.Query())
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	page, err := s.Mission.Incidents(r.Context(), q)
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// tooLargeError is a request body over its route's limit: 413.
type tooLargeError struct {
	route string
	limit int64
}

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("%s: the body exceeds %d bytes, this route's limit; send less", e.route, e.limit)
}

// tooLarge is the error of a body over limit bytes.
func tooLarge(r *http.Request, limit int64) error {
	return &accord.Error{Code: accord.EINVALID, Err: &tooLargeError{route: r.Method + " " + r.URL.Path, limit: limit}}
}

// status maps an application error code to an HTTP status.
func status(err error) int {
	var tl *tooLargeError
	if errors.As(err, &tl) {
		return http.StatusRequestEntityTooLarge
	}
	var sb *slowBodyError
	if errors.As(err, &sb) {
		return http.StatusRequestTimeout
	}
	switch accord.ErrorCode(err) {
	case accord.EINVALID:
		return http.StatusBadRequest
	case accord.ENOTFOUND:
		return http.StatusNotFound
	case accord.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case accord.EFORBIDDEN:
		return http.StatusForbidden
	case accord.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

func (s *Server) fail(w http.ResponseWriter, code int, err error) {
	body := ErrorBody{Code: accord.ErrorCode(err), Message: err.Error()}
	if body.Code == accord.EUNAVAILABLE {
		// A store that was not reached within its retry bound: nothing of
		// the request is acknowledged; the client sends it again later.
		w.Header().Set("Retry-After", "5")
		// What is unavailable is said; its cause (a database's address
		// and user, a dial error) is the operator's, logged.
		var ae *accord.Error
		if errors.As(err, &ae) && ae.Message != "" && ae.Err != nil {
			body.Message = ae.Message
			s.Logger.Warn("unavailable", "err", err)
		}
	}
	var bad *accord.BadLines
	var les monitor.LineErrors
	why := ""
	switch {
	case errors.As(err, &bad):
		les, body.BadLines, body.LinesTruncated, why = bad.Lines, bad.Total, bad.Truncated(), bad.Why
	case errors.As(err, &les):
		body.BadLines = len(les)
	}
	if les != nil {
		body.Message = fmt.Sprintf("%d bad line(s); nothing of the batch was stored", body.BadLines)
		if why != "" {
			body.Message = fmt.Sprintf("%d bad line(s), %s; nothing of the batch was stored", body.BadLines, why)
		}
		if body.LinesTruncated {
			body.Message += fmt.Sprintf("; the first %d listed", len(les))
		}
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
