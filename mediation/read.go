package mediation

import (
	"context"
	"encoding/base64"

	"github.com/accord-peace/accord"
)

// View is the negotiation as actor may see it: the mediator's view for its
// mediator, a party's own view for a party, nothing for anyone else.
func (m *Mediation) View(id, actor string) (any, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.member(id, actor)
	if err != nil {
		return nil, err
	}
	if actor == n.Mediator {
		return n.ForMediator(), nil
	}
	return n.ForParty(actor), nil
}

// Public is a negotiation's public part as opened.
func (m *Mediation) Public(id string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.get(id)
	if err != nil {
		return "", err
	}
	return n.PublicYAML, nil
}

// Revealed is a version of a position with what opens its commitment.
type Revealed struct {
	Negotiation string `json:"negotiation"`
	Party       string `json:"party"`
	Version     int    `json:"version"`
	Commitment  string `json:"commitment"`
	Salt        string `json:"salt"` // base64
	Content     string `json:"content"`
}

// Position returns a version of a party's position (0: the latest) to its
// author or the mediator; anyone else is refused.
func (m *Mediation) Position(ctx context.Context, id, actor, party string, version int) (Revealed, error) {
	m.mu.Lock()
	n, err := m.member(id, actor)
	if err != nil {
		m.mu.Unlock()
		return Revealed{}, err
	}
	if actor != party && actor != n.Mediator {
		m.mu.Unlock()
		return Revealed{}, accord.Errorf(accord.EFORBIDDEN, "%s's position is read by %s and the mediator only", party, party)
	}
	if version == 0 {
		version = n.Latest()[party]
	}
	v := n.Version(party, version)
	m.mu.Unlock()
	if v == nil {
		return Revealed{}, accord.Errorf(accord.ENOTFOUND, "negotiation %s: %s has no position version %d", id, party, version)
	}
	salt, content, err := m.vault.get(ctx, v.Commitment)
	if err != nil {
		return Revealed{}, err
	}
	return Revealed{Negotiation: id, Party: party, Version: version, Commitment: v.Commitment,
		Salt: base64.StdEncoding.EncodeToString(salt), Content: string(content)}, nil
}

// Agreement is the concluded package compiled into an agreement draft
// (agreement.Draft, as `accord agreement draft` compiles a package), as
// YAML, for the negotiation's parties and mediator; EINVALID before the
// conclusion. The parties sign its SHA-256 (Sign).
func (m *Mediation) Agreement(id, actor string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.member(id, actor)
	if err != nil {
		return nil, err
	}
	y, _, err := n.Agreement()
	if err != nil {
		return nil, accord.Errorf(accord.EINVALID, "%v", err)
	}
	return y, nil
}
