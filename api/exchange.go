package api

import (
	"net/http"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mission"
)

// Prisoner exchanges (docs/agreement.md, "Prisoner exchanges"). A verifier
// of an agreement (the ICRC's role) records each exchange with the sealed
// lists of the persons released; the public reads the counts, the
// verifiers and the commitments; the lists go to the two parties and the
// verifiers alone.
//
//	POST /v1/exchanges                  an exchange, signed or not, with its sealed lists
//	GET  /v1/exchanges                  every exchange of every agreement: counts, commitments, totals, quota periods
//	GET  /v1/exchanges/lists/{sha256}   one sealed list, to a party or a verifier of its agreement

// MaxExchangeBody is the limit of POST /v1/exchanges: the lists of names
// travel with the exchange (a thousand persons a side with what the
// verifier records of each is well under a megabyte; 8 MiB leaves room for
// the largest exchanges of the war, 1,000 for 1,000, with long records).
const MaxExchangeBody = 8 << 20

func (s *Server) exchangeRoutes(mux *http.ServeMux) {
	mux.Handle("POST /v1/exchanges", s.Auth.require(accord.SubmitExchange, http.HandlerFunc(s.postExchange)))
	mux.HandleFunc("GET /v1/exchanges", s.getExchanges)
	mux.HandleFunc("GET /v1/exchanges/lists/{sha256}", s.getExchangeList)
}

// ExchangeRequest is the body of POST /v1/exchanges, in one of two forms,
// each with the sealed lists (accord.SealExchangeLists) the body commits
// to:
//
//   - signed: Submission, the verifier's signed "exchange" submission
//     whose body is an accord.ExchangeBody (Mission.SubmitExchange; a
//     refusal is recorded);
//   - unsigned, only when the record registers no authors' keys: Exchange,
//     the body itself, and Verifier, who attests it (with tokens the
//     caller, and may be left out) (Mission.Exchange; a refusal changes
//     nothing and is not recorded).
type ExchangeRequest struct {
	Submission *ledger.Submission   `json:"submission,omitempty"`
	Exchange   *accord.ExchangeBody `json:"exchange,omitempty"`
	Verifier   string               `json:"verifier,omitempty"`
	Lists      []accord.Sealed      `json:"lists"`
}

// ExchangeResult answers an exchange recorded: the exchange as the engine
// holds it, what the engine derived, the last ledger entry.
type ExchangeResult = mission.ExchangeResult

func (s *Server) postExchange(w http.ResponseWriter, r *http.Request) {
	if s.state(w) == nil {
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		s.fail(w, http.StatusUnsupportedMediaType, accord.Errorf(accord.EINVALID, "Content-Type must be application/json, got %q", ct))
		return
	}
	var req ExchangeRequest
	if _, err := decodeBody(w, r, MaxExchangeBody, &req); err != nil {
		if !isTooLarge(err) {
			err = accord.Errorf(accord.EINVALID, `the body is {"submission", "lists"} (signed) or {"exchange", "verifier", "lists"}: %v`, err)
		}
		s.fail(w, status(err), err)
		return
	}
	var res ExchangeResult
	var err error
	switch {
	case (req.Submission == nil) == (req.Exchange == nil):
		err = accord.Errorf(accord.EINVALID, `the body carries either "submission" (the verifier's signed exchange) or "exchange" (unsigned, when the record registers no keys), and the "lists"`)
	case req.Submission != nil:
		if req.Verifier != "" {
			err = accord.Errorf(accord.EINVALID, `a signed exchange's verifier is its author: leave "verifier" out`)
			break
		}
		if s.Auth != nil {
			if p := principal(r); p.Actor != req.Submission.Author {
				err = accord.Errorf(accord.EFORBIDDEN, "%s may not submit for %q", describe(p), req.Submission.Author)
				break
			}
		}
		res, err = s.Mission.SubmitExchange(r.Context(), *req.Submission, req.Lists)
	default:
		var verifier string
		if verifier, err = s.actor(r, req.Verifier, "verifier"); err == nil {
			res, err = s.Mission.Exchange(r.Context(), *req.Exchange, verifier, req.Lists)
		}
	}
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// ExchangesView is every agreement of the record that takes exchanges (it
// has verifiers) or holds some, the main one first: what the public record
// says of them, never a name.
type ExchangesView struct {
	Agreements []AgreementExchanges `json:"agreements"`
}

// AgreementExchanges is one agreement's exchanges: each with its counts,
// commitments and verifiers; the totals released by each party; the
// quota periods assessed.
type AgreementExchanges struct {
	Agreement string                 `json:"agreement"`
	Parties   []string               `json:"parties"`
	Verifiers []string               `json:"verifiers"`
	Exchanges []engine.ExchangeState `json:"exchanges"`
	Exchanged map[string]int         `json:"exchanged"`
	Quotas    []engine.QuotaState    `json:"quotas"`
}

func (s *Server) getExchanges(w http.ResponseWriter, r *http.Request) {
	if s.state(w) == nil {
		return
	}
	sts, err := s.Mission.States()
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	v := ExchangesView{Agreements: []AgreementExchanges{}}
	for i, a := range s.Mission.Agreements() {
		st := sts[i]
		if len(a.Verifiers()) == 0 && len(st.Exchanges) == 0 && len(st.Quotas) == 0 {
			continue
		}
		x := AgreementExchanges{Agreement: a.ID, Parties: a.Parties, Verifiers: a.Verifiers(),
			Exchanges: st.Exchanges, Exchanged: st.Exchanged, Quotas: st.Quotas}
		if x.Parties == nil {
			x.Parties = []string{}
		}
		if x.Verifiers == nil {
			x.Verifiers = []string{}
		}
		if x.Exchanges == nil {
			x.Exchanges = []engine.ExchangeState{}
		}
		if x.Exchanged == nil {
			x.Exchanged = map[string]int{}
		}
		if x.Quotas == nil {
			x.Quotas = []engine.QuotaState{}
		}
		v.Agreements = append(v.Agreements, x)
	}
	writeJSON(w, http.StatusOK, v)
}

// getExchangeList serves a sealed list of an exchange to a party or a
// verifier of its agreement, with its salt, for the reader to check
// against the commitment in the public record. With tokens the reader is
// the caller (a party or verifier token; ?reader=, if given, must name
// it); on a server without tokens, which trusts every name it is given,
// ?reader= names who reads.
func (s *Server) getExchangeList(w http.ResponseWriter, r *http.Request) {
	if s.state(w) == nil {
		return
	}
	named := r.URL.Query().Get("reader")
	var reader string
	if s.Auth != nil {
		p, err := s.Auth.who(r)
		switch {
		case err != nil:
			s.fail(w, http.StatusUnauthorized, err)
			return
		case p.Role == accord.RolePublic:
			s.fail(w, http.StatusUnauthorized, accord.Errorf(accord.EUNAUTHORIZED, "the lists of an exchange are read by its parties and its verifiers: give a token"))
			return
		case !s.Auth.Policy.Allowed(p.Role, accord.ReadExchangeLists, true):
			s.fail(w, http.StatusForbidden, accord.Errorf(accord.EFORBIDDEN, "%s: the %s role may not read the lists of an exchange (its parties and its verifiers may)", describe(p), p.Role))
			return
		case named != "" && named != p.Actor:
			s.fail(w, http.StatusForbidden, accord.Errorf(accord.EFORBIDDEN, "%s may not read as %q", describe(p), named))
			return
		}
		reader = p.Actor
	} else {
		if named == "" {
			s.fail(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, "who reads? ?reader=ACTOR, a party or a verifier of the exchange's agreement (a server with tokens takes the caller)"))
			return
		}
		reader = named
	}
	x, err := s.Mission.ExchangeList(r.Context(), r.PathValue("sha256"), reader)
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	writeJSON(w, http.StatusOK, x)
}
