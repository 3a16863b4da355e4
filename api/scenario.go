package api

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/forecast"
	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/render"
	"github.com/accord-peace/accord/robust"
)

// ScenarioView is the negotiation at a glance: the parties and every
// proposal's evaluation.
type ScenarioView struct {
	ID        string                 `json:"id"`
	Title     string                 `json:"title,omitempty"`
	Parties   []ScenarioParty        `json:"parties"`
	Issues    int                    `json:"issues"`
	Packages  string                 `json:"packages"` // how many packages the issues allow
	Proposals []negotiate.Evaluation `json:"proposals"`
}

// ScenarioParty is one party of the negotiation.
type ScenarioParty struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Veto bool   `json:"veto"`
}

func (s *Server) noScenario(w http.ResponseWriter) bool {
	if s.Scenario == nil {
		writeError(w, http.StatusNotFound, accord.Errorf(accord.ENOTFOUND, "no scenario: the server runs without one"))
		return true
	}
	return false
}

func (s *Server) getScenario(w http.ResponseWriter, r *http.Request) {
	if s.noScenario(w) {
		return
	}
	sc := s.Scenario.Scenario
	v := ScenarioView{ID: sc.ID, Title: sc.Title, Issues: len(sc.Issues), Packages: s.Scenario.Packages().String(),
		Parties: []ScenarioParty{}, Proposals: []negotiate.Evaluation{}}
	for _, p := range sc.Parties {
		v.Parties = append(v.Parties, ScenarioParty{ID: p.ID, Name: p.Name, Veto: p.Veto})
	}
	s.scenarioMu.Lock()
	defer s.scenarioMu.Unlock()
	for i := range sc.Proposals {
		v.Proposals = append(v.Proposals, s.Scenario.Evaluate(&sc.Proposals[i]))
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) getProposal(w http.ResponseWriter, r *http.Request) {
	if s.noScenario(w) {
		return
	}
	id := r.PathValue("id")
	p, ok := s.Scenario.Scenario.Proposal(id)
	if !ok {
		writeError(w, http.StatusNotFound, accord.Errorf(accord.ENOTFOUND, "no proposal %q in %s", id, s.Scenario.Scenario.ID))
		return
	}
	s.scenarioMu.Lock()
	ev := s.Scenario.Evaluate(p)
	var b *negotiate.Bridge
	if !ev.Partial {
		b = s.Scenario.BridgeProposal(p, negotiate.Options{})
	}
	s.scenarioMu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"evaluation": ev, "nearest_acceptable": b})
}

// getMatrix answers the proposal comparison matrix as JSON, or as an HTML
// table with ?format=html.
func (s *Server) getMatrix(w http.ResponseWriter, r *http.Request) {
	if s.noScenario(w) {
		return
	}
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "html" {
		writeError(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, "format %q: want json or html", format))
		return
	}
	s.scenarioMu.Lock()
	mx := s.Scenario.Compare()
	s.scenarioMu.Unlock()
	if format != "html" {
		writeJSON(w, http.StatusOK, mx)
		return
	}
	var b bytes.Buffer
	if err := render.MatrixHTML(&b, mx); err != nil {
		s.fail(w, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b.Bytes())
}

// getFrontier draws the frontier of acceptable packages in the utilities of
// two parties (?x=ua&y=ru; the first two veto parties by default), the
// proposals marked.
func (s *Server) getFrontier(w http.ResponseWriter, r *http.Request) {
	if s.noScenario(w) {
		return
	}
	q := r.URL.Query()
	x, y := q.Get("x"), q.Get("y")
	var veto []string
	for _, p := range s.Scenario.Scenario.Parties {
		if p.Veto {
			veto = append(veto, p.ID)
		}
	}
	if x == "" && len(veto) > 0 {
		x = veto[0]
	}
	if y == "" {
		if i := slices.IndexFunc(veto, func(id string) bool { return id != x }); i >= 0 {
			y = veto[i]
		}
	}
	key := x + "|" + y
	s.scenarioMu.Lock()
	defer s.scenarioMu.Unlock()
	svg, ok := s.frontiers[key]
	if !ok {
		pl, err := s.Scenario.Plane(x, y, negotiate.Options{})
		if err != nil {
			s.fail(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, "frontier of x=%q and y=%q: %v", x, y, strings.TrimPrefix(err.Error(), "invalid: ")))
			return
		}
		var b bytes.Buffer
		if err := render.PlaneSVG(&b, pl); err != nil {
			s.fail(w, http.StatusInternalServerError, err)
			return
		}
		svg = b.Bytes()
		if s.frontiers == nil {
			s.frontiers = map[string][]byte{}
		}
		s.frontiers[key] = svg
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Write(svg)
}

// Bounds of the robustness chart's query.
const (
	defaultRobustRuns = 10_000
	maxRobustRuns     = 100_000
	maxRobustCharts   = 16
)

// getRobust draws the probability that every veto party accepts each
// proposal and solution when the scenario's ranged values are drawn within
// their ranges (docs/robust.md): ?runs= (1..100000, default 10000) Monte
// Carlo runs, ?seed= (default 1). A scenario without ranges gives 0% or
// 100%. Charts are kept by runs and seed, at most 16.
func (s *Server) getRobust(w http.ResponseWriter, r *http.Request) {
	if s.noScenario(w) {
		return
	}
	q := r.URL.Query()
	runs, seed := defaultRobustRuns, uint64(1)
	if v := q.Get("runs"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxRobustRuns {
			writeError(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, "runs %q: want an integer within 1..%d", v, maxRobustRuns))
			return
		}
		runs = n
	}
	if v := q.Get("seed"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			writeError(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, "seed %q: want a non-negative integer", v))
			return
		}
		seed = n
	}
	key := strconv.Itoa(runs) + "|" + strconv.FormatUint(seed, 10)
	s.scenarioMu.Lock()
	defer s.scenarioMu.Unlock()
	svg, ok := s.robusts[key]
	if !ok {
		res, err := robust.Run(r.Context(), s.Scenario.Scenario, robust.Options{Runs: runs, Seed: seed})
		if err != nil {
			s.fail(w, http.StatusInternalServerError, err)
			return
		}
		var b bytes.Buffer
		if err := render.RobustSVG(&b, res); err != nil {
			s.fail(w, http.StatusInternalServerError, err)
			return
		}
		svg = b.Bytes()
		if s.robusts == nil || len(s.robusts) >= maxRobustCharts {
			s.robusts = map[string][]byte{}
		}
		s.robusts[key] = svg
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Write(svg)
}

// getForecast draws where the bargaining may land (docs/forecast.md): the
// served scenario mapped onto the spatial models as accord forecast maps
// it (forecast.ScenarioInput), run by ?model= (smp, eu or compromise;
// default smp) with the model's defaults, every party's position by round.
// Charts are kept by model.
func (s *Server) getForecast(w http.ResponseWriter, r *http.Request) {
	if s.noScenario(w) {
		return
	}
	model := forecast.ModelSMP
	if v := r.URL.Query().Get("model"); v != "" {
		if !forecast.KnownModel(v) {
			writeError(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, "model %q: want smp, eu or compromise", v))
			return
		}
		model = v
	}
	s.scenarioMu.Lock()
	defer s.scenarioMu.Unlock()
	svg, ok := s.forecasts[model]
	if !ok {
		in, err := forecast.ScenarioInput(s.Scenario.Scenario)
		if err != nil {
			s.fail(w, http.StatusUnprocessableEntity, err)
			return
		}
		fc, _, err := forecast.Run(in, model, forecast.Options{})
		if err != nil {
			s.fail(w, http.StatusInternalServerError, err)
			return
		}
		var b bytes.Buffer
		if err := render.ForecastSVG(&b, fc); err != nil {
			s.fail(w, http.StatusInternalServerError, err)
			return
		}
		svg = b.Bytes()
		if s.forecasts == nil {
			s.forecasts = map[string][]byte{}
		}
		s.forecasts[model] = svg
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Write(svg)
}
