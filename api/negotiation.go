package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mediation"
	"github.com/accord-peace/accord/talks"
)

// Negotiations are served to their parties and their mediator only, each
// seeing what package talks lets it see: a party its own position, the
// drafts, its own evaluation of them and whether each is acceptable to
// all; the mediator everything. Who calls is what its token says, so the
// routes need tokens (--tokens): on an open server they answer 403. To
// anyone else a negotiation does not exist: 404, as for one that does not
// (mediation's member check).

// negotiationRoutes registers the negotiation's routes.
func (s *Server) negotiationRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/negotiations", s.talking(accord.Negotiate, s.getNegotiations))
	mux.HandleFunc("POST /v1/negotiations", s.talking(accord.Mediate, s.postNegotiation))
	mux.HandleFunc("GET /v1/negotiations/{id}", s.talking(accord.Negotiate, s.getNegotiation))
	mux.HandleFunc("GET /v1/negotiations/{id}/public", s.talking(accord.Negotiate, s.getNegotiationPublic))
	mux.HandleFunc("GET /v1/negotiations/{id}/positions/{party}", s.talking(accord.Negotiate, s.getPosition))
	mux.HandleFunc("GET /v1/negotiations/{id}/agreement", s.talking(accord.Negotiate, s.getNegotiationAgreement))
	mux.HandleFunc("GET /v1/negotiations/{id}/proposal", s.talking(accord.Mediate, s.getNegotiationProposal))
	mux.HandleFunc("POST /v1/negotiations/{id}/drafts", s.talking(accord.Mediate, s.postDraft))
	mux.HandleFunc("POST /v1/negotiations/{id}/signatures", s.talking(accord.Negotiate, s.postNegotiationSignature))
	for _, typ := range []string{talks.TypePosition, talks.TypeAnswer, talks.TypeRequest} {
		mux.HandleFunc("POST /v1/negotiations/{id}/"+routeOf[typ], s.talking(accord.Negotiate, s.postNegotiationSubmission(typ)))
	}
}

// routeOf names the route each party submission is posted to.
var routeOf = map[string]string{talks.TypePosition: "positions", talks.TypeAnswer: "answers", talks.TypeRequest: "requests"}

// talking checks who calls a negotiation's route: a token is needed, of a
// party (action Negotiate: its own) or a mediator (Mediate; a mediator may
// also read what a party reads).
func (s *Server) talking(action string, next func(http.ResponseWriter, *http.Request, Principal)) http.HandlerFunc {
	allowed := func(role string) bool {
		return s.Auth.Policy.Allowed(role, action, true) || action == accord.Negotiate && s.Auth.Policy.Allowed(role, accord.Mediate, true)
	}
	return s.tokened("negotiations are confidential: the server serves them only to callers its tokens identify (serve --tokens)",
		"negotiations need a token", action, allowed, next)
}

// tokened runs next for a caller its token identifies and whose role is
// allowed the action: 403 (open) on a server without tokens, 401
// (needToken) without a token or with one that matches no one, 403 for a
// role not allowed. The negotiation's and the registry's routes check so.
func (s *Server) tokened(open, needToken, action string, allowed func(role string) bool, next func(http.ResponseWriter, *http.Request, Principal)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.Auth == nil {
			s.fail(w, http.StatusForbidden, accord.Errorf(accord.EFORBIDDEN, "%s", open))
			return
		}
		p, err := s.Auth.who(r)
		if err != nil {
			s.fail(w, http.StatusUnauthorized, err)
			return
		}
		if p.Role == accord.RolePublic {
			s.fail(w, http.StatusUnauthorized, accord.Errorf(accord.EUNAUTHORIZED, "%s", needToken))
			return
		}
		if !allowed(p.Role) {
			s.fail(w, http.StatusForbidden, accord.Errorf(accord.EFORBIDDEN, "%s: the %s role may not %s", describe(p), p.Role, action))
			return
		}
		next(w, r, p)
	}
}

func (s *Server) getNegotiations(w http.ResponseWriter, r *http.Request, p Principal) {
	var out []mediation.Summary
	for _, n := range s.Mediation.List() {
		if n.Mediator == p.Actor || s.Mediation.IsParty(n.ID, p.Actor) {
			out = append(out, n)
		}
	}
	if out == nil {
		out = []mediation.Summary{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"negotiations": out})
}

func (s *Server) postNegotiation(w http.ResponseWriter, r *http.Request, p Principal) {
	var o mediation.Opening
	if err := readBody(w, r, &o); err != nil {
		s.fail(w, status(err), err)
		return
	}
	res, err := s.Mediation.OpenNegotiation(r.Context(), p.Actor, o)
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	writeJSON(w, http.StatusCreated, res)
}

func (s *Server) getNegotiation(w http.ResponseWriter, r *http.Request, p Principal) {
	v, err := s.Mediation.View(r.PathValue("id"), p.Actor)
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) getNegotiationPublic(w http.ResponseWriter, r *http.Request, p Principal) {
	id := r.PathValue("id")
	if s.Mediation.Mediator(id) != p.Actor && !s.Mediation.IsParty(id, p.Actor) {
		s.fail(w, http.StatusNotFound, accord.Errorf(accord.ENOTFOUND, "no negotiation %q for %s", id, p.Actor))
		return
	}
	pub, err := s.Mediation.Public(id)
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	w.Header().Set("Content-Type", "application/yaml")
	w.Write([]byte(pub))
}

func (s *Server) getPosition(w http.ResponseWriter, r *http.Request, p Principal) {
	version := 0
	if v := r.URL.Query().Get("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			s.fail(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, "version %q: want 1, 2, ... (none: the latest)", v))
			return
		}
		version = n
	}
	res, err := s.Mediation.Position(r.Context(), r.PathValue("id"), p.Actor, r.PathValue("party"), version)
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) getNegotiationProposal(w http.ResponseWriter, r *http.Request, p Principal) {
	res, err := s.Mediation.Propose(p.Actor, r.PathValue("id"), r.URL.Query().Get("method"))
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) postDraft(w http.ResponseWriter, r *http.Request, p Principal) {
	var d mediation.DraftRequest
	if err := readBody(w, r, &d); err != nil {
		s.fail(w, status(err), err)
		return
	}
	res, err := s.Mediation.Draft(r.Context(), p.Actor, r.PathValue("id"), d)
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	writeJSON(w, http.StatusCreated, res)
}

// postNegotiationSubmission takes a party's signed position, answer or
// request posted to its route: the submission's type and negotiation must
// be the route's.
func (s *Server) postNegotiationSubmission(typ string) func(http.ResponseWriter, *http.Request, Principal) {
	return func(w http.ResponseWriter, r *http.Request, p Principal) {
		var x mediation.Submitted
		if err := readBody(w, r, &x); err != nil {
			s.fail(w, status(err), err)
			return
		}
		var head struct {
			Negotiation string `json:"negotiation"`
		}
		_ = json.Unmarshal(x.Submission.Body, &head)
		if x.Submission.Type != typ || head.Negotiation != r.PathValue("id") {
			s.fail(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, "this route takes a %q submission for negotiation %s; got a %q for %q", typ, r.PathValue("id"), x.Submission.Type, head.Negotiation))
			return
		}
		res, err := s.Mediation.Submit(r.Context(), p.Actor, x)
		if err != nil {
			s.fail(w, status(err), err)
			return
		}
		writeJSON(w, http.StatusOK, res)
	}
}

func (s *Server) getNegotiationAgreement(w http.ResponseWriter, r *http.Request, p Principal) {
	y, err := s.Mediation.Agreement(r.PathValue("id"), p.Actor)
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	w.Header().Set("Content-Type", "application/yaml")
	w.Write(y)
}

// postNegotiationSignature takes a veto party's signed signature of the
// agreement its negotiation concluded on.
func (s *Server) postNegotiationSignature(w http.ResponseWriter, r *http.Request, p Principal) {
	var sub ledger.Submission
	if err := readBody(w, r, &sub); err != nil {
		s.fail(w, status(err), err)
		return
	}
	var head struct {
		Negotiation string `json:"negotiation"`
	}
	_ = json.Unmarshal(sub.Body, &head)
	if head.Negotiation != r.PathValue("id") {
		s.fail(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, "this route takes a signature of negotiation %s's agreement; got one for %q", r.PathValue("id"), head.Negotiation))
		return
	}
	res, err := s.Mediation.Sign(r.Context(), p.Actor, sub)
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
