package mediation

import (
	"context"
	"encoding/json"
	"maps"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/scenario"
	"github.com/accord-peace/accord/talks"
)

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// Opening is what a mediator opens a negotiation with.
type Opening struct {
	// Public is the public part: a scenario file without positions
	// (scenario.ParsePublic); its id names the negotiation.
	Public string `json:"public"`
	// Method is how accord proposes drafts: bridge (default) or
	// common-security.
	Method string `json:"method,omitempty"`
	// MaxRequests caps the texts a party may ask about per round
	// (default talks.DefaultMaxRequests; 0 allows none).
	MaxRequests *int `json:"max_requests,omitempty"`
}

// OpenNegotiation opens a negotiation, mediator the caller's actor.
func (m *Mediation) OpenNegotiation(ctx context.Context, mediator string, o Opening) (Summary, error) {
	public, err := scenario.ParsePublic("public part", []byte(o.Public))
	if err != nil {
		return Summary{}, accord.Errorf(accord.EINVALID, "the public part: %v", err)
	}
	e := talks.Event{Type: talks.TypeOpened, Negotiation: public.ID, Public: o.Public, Mediator: mediator, Method: o.Method, MaxRequests: talks.DefaultMaxRequests}
	if e.Method == "" {
		e.Method = talks.MethodBridge
	}
	if o.MaxRequests != nil {
		e.MaxRequests = *o.MaxRequests
	}
	m.mu.Lock()
	if m.broken != nil {
		m.mu.Unlock()
		_, err := m.get("")
		return Summary{}, err
	}
	n, err := m.open(e)
	if err != nil {
		m.mu.Unlock()
		return Summary{}, err
	}
	if _, err := m.cfg.Ledger.AppendAll([]ledger.Entry{derived(e)}); err != nil {
		delete(m.talks, n.ID) // not recorded: not open
		m.order = m.order[:len(m.order)-1]
		m.mu.Unlock()
		return Summary{}, m.fail(err)
	}
	m.mu.Unlock()
	for _, s := range m.List() {
		if s.ID == n.ID {
			return s, nil
		}
	}
	return Summary{}, accord.Errorf(accord.EINTERNAL, "negotiation %s vanished", n.ID)
}

// DraftRequest is what a mediator puts on the table.
type DraftRequest struct {
	// Scope names the one track the draft revises ("" for the whole text).
	Scope string `json:"scope,omitempty"`
	// Method: mediator (the text is Changes, or Proposal's), bridge or
	// common-security (accord proposes it from every position).
	Method string `json:"method,omitempty"`
	// Changes are the issues the mediator changes (an empty option makes
	// an issue undecided again).
	Changes map[string]string `json:"changes,omitempty"`
	// Proposal names one of the public part's proposals as the text.
	Proposal string `json:"proposal,omitempty"`
}

// Draft puts the next text on the table for the negotiation's mediator:
// the round open is closed first (with the tracks agreed in it), the new
// round opens, both appended in one durable batch. It returns the
// mediator's view of the new round.
func (m *Mediation) Draft(ctx context.Context, mediator, id string, d DraftRequest) (talks.MediatorRound, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.mediated(id, mediator)
	if err != nil {
		return talks.MediatorRound{}, err
	}
	changes := maps.Clone(d.Changes)
	method := d.Method
	switch {
	case method == "" || method == talks.MethodMediator:
		method = talks.MethodMediator
		if d.Proposal != "" {
			if len(changes) > 0 {
				return talks.MediatorRound{}, accord.Errorf(accord.EINVALID, "a draft is a proposal or changes, not both")
			}
			p, ok := n.Public.Proposal(d.Proposal)
			if !ok {
				return talks.MediatorRound{}, accord.Errorf(accord.ENOTFOUND, "negotiation %s has no proposal %q", id, d.Proposal)
			}
			changes = map[string]string{}
			for _, is := range n.Public.Issues {
				changes[is.ID] = p.Choices[is.ID] // undecided in the proposal: undecided in the text
			}
		}
	case method == talks.MethodBridge || method == talks.MethodCommon:
		if len(changes) > 0 || d.Proposal != "" {
			return talks.MediatorRound{}, accord.Errorf(accord.EINVALID, "a %s draft is proposed by accord: it takes no changes nor proposal", method)
		}
		p, err := n.Propose(method, m.cfg.Options)
		if err != nil {
			return talks.MediatorRound{}, accord.Errorf(accord.EINVALID, "%v", err)
		}
		changes = p.Text
	default:
		return talks.MediatorRound{}, accord.Errorf(accord.EINVALID, "method %q: want %s, %s or %s", method, talks.MethodMediator, talks.MethodBridge, talks.MethodCommon)
	}
	closing, _ := n.Closing()
	draft, err := n.NewDraft(d.Scope, method, changes)
	if err != nil {
		return talks.MediatorRound{}, accord.Errorf(accord.EINVALID, "%v", err)
	}
	next := n.Clone() // kept only once the record holds the draft
	var entries []ledger.Entry
	for _, e := range append(closing, draft) {
		if err := next.Apply(e); err != nil {
			return talks.MediatorRound{}, accord.Errorf(accord.EINVALID, "%v", err)
		}
		entries = append(entries, derived(e))
	}
	if _, err := m.cfg.Ledger.AppendAll(entries); err != nil {
		return talks.MediatorRound{}, m.fail(err)
	}
	m.talks[n.ID], n = next, next
	v := n.ForMediator()
	return v.Rounds[len(v.Rounds)-1], nil
}

// mediated finds a negotiation and checks the caller is its mediator
// (m.mu held).
func (m *Mediation) mediated(id, actor string) (*talks.Negotiation, error) {
	n, err := m.member(id, actor)
	if err != nil {
		return nil, err
	}
	if actor != n.Mediator {
		return nil, accord.Errorf(accord.EFORBIDDEN, "%s is not the mediator of negotiation %s", actor, id)
	}
	return n, nil
}

// Propose is the next text accord proposes, for the mediator's eyes.
func (m *Mediation) Propose(mediator, id, method string) (*talks.Proposal, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.mediated(id, mediator)
	if err != nil {
		return nil, err
	}
	p, err := n.Propose(method, m.cfg.Options)
	if err != nil {
		return nil, accord.Errorf(accord.EINVALID, "%v", err)
	}
	return p, nil
}
