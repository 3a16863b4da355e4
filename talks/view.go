package talks

import (
	"maps"
	"time"

	"github.com/accord-peace/accord/engine"

	"github.com/accord-peace/accord/negotiate"
)

// PartyView is what one party may know of the negotiation: the public
// part, its own position versions, every draft with its own evaluation
// and whether it is acceptable to all, its own answers and requests, the
// tracks agreed provisionally and the conclusion. Never another party's
// utility, red line or verdict.
type PartyView struct {
	Negotiation string         `json:"negotiation"`
	Title       string         `json:"title"`
	Party       string         `json:"party"`
	Mediator    string         `json:"mediator"`
	MaxRequests int            `json:"max_requests"`
	Positions   []Version      `json:"positions"`
	Rounds      []PartyRound   `json:"rounds"`
	Requests    []PartyRequest `json:"requests"`
	Concluded   *Conclusion    `json:"concluded,omitempty"`
	Agreement   *AgreementView `json:"agreement,omitempty"`
}

// AgreementView is the agreement the concluded package compiles to: what
// its parties sign, who has, and from when it is in force, with its
// engine's state.
type AgreementView struct {
	SHA256  string        `json:"sha256"`
	Parties []string      `json:"parties"`
	Signed  []string      `json:"signed"`
	InForce *time.Time    `json:"in_force,omitempty"`
	Engine  *engine.State `json:"engine,omitempty"`
}

// agreementView is nil before the conclusion.
func (n *Negotiation) agreementView() *AgreementView {
	if n.Concluded == nil {
		return nil
	}
	_, sha, err := n.Agreement()
	if err != nil {
		return nil
	}
	signed, inForce := n.Signatures()
	v := &AgreementView{SHA256: sha, Parties: n.vetoParties(), Signed: nonNil(signed), InForce: inForce}
	v.Engine, _ = n.Engine()
	return v
}

// PartyRound is one round as a party sees it.
type PartyRound struct {
	Round           int               `json:"round"`
	Scope           string            `json:"scope,omitempty"`
	Method          string            `json:"method"`
	Text            map[string]string `json:"text"`
	Complete        bool              `json:"complete"`
	AcceptableToAll bool              `json:"acceptable_to_all"`
	// Evaluation is the party's own verdict on the text, on the position
	// version the draft was evaluated on (nil without a position then).
	Evaluation  *negotiate.Verdict `json:"evaluation,omitempty"`
	Version     int                `json:"version,omitempty"`
	Answer      *Answer            `json:"answer,omitempty"`
	Closed      bool               `json:"closed"`
	Provisional []string           `json:"provisional"`
}

// PartyRequest is a text the party asked about, and what it was told.
type PartyRequest struct {
	Round           int               `json:"round"`
	Text            map[string]string `json:"text"`
	AcceptableToAll bool              `json:"acceptable_to_all"`
	// Evaluation is the party's own verdict on the text, on its position
	// version the mediator answered on (nil without a position then).
	Evaluation *negotiate.Verdict `json:"evaluation,omitempty"`
	Version    int                `json:"version,omitempty"`
}

// ForParty is the party's view. Its own content must be held (the
// mediator's reader, or the party's own).
func (n *Negotiation) ForParty(party string) PartyView {
	v := PartyView{Negotiation: n.ID, Title: n.Public.Title, Party: party, Mediator: n.Mediator, MaxRequests: n.MaxRequests,
		Positions: []Version{}, Rounds: []PartyRound{}, Requests: []PartyRequest{}, Concluded: n.Concluded, Agreement: n.agreementView()}
	for _, ver := range n.Versions[party] {
		v.Positions = append(v.Positions, *ver)
	}
	for _, r := range n.Rounds {
		pr := PartyRound{Round: r.N, Scope: r.Scope, Method: r.Method, Text: maps.Clone(r.Text), Complete: n.Complete(r.Text),
			AcceptableToAll: r.AcceptableToAll, Closed: r.Closed, Provisional: nonNil(r.Provisional), Version: r.Basis[party]}
		pr.Evaluation = n.verdict(party, r.Basis[party], r.Text)
		if a, ok := r.Answers[party]; ok && a.Known {
			pr.Answer = &a.Content
		}
		v.Rounds = append(v.Rounds, pr)
		for _, q := range r.Requests[party] {
			if !q.Known {
				continue
			}
			v.Requests = append(v.Requests, PartyRequest{Round: r.N, Text: maps.Clone(q.Content.Text), AcceptableToAll: q.AcceptableToAll,
				Evaluation: n.verdict(party, q.Version, q.Content.Text), Version: q.Version})
		}
	}
	return v
}

// verdict is one party's own evaluation of a text on its position version
// (nil without one).
func (n *Negotiation) verdict(party string, version int, text map[string]string) *negotiate.Verdict {
	ver := n.Version(party, version)
	if ver == nil || ver.Position == nil {
		return nil
	}
	s, _ := n.Joined(map[string]int{party: version})
	for _, pv := range negotiate.Compile(s).Evaluate(proposal("text", text)).Parties {
		if pv.Party == party {
			return &pv
		}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
