package mediation

import (
	"context"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/talks"
)

// Sign takes a veto party's signed signature of the agreement its
// negotiation concluded on (a negotiation_signed submission whose body
// names the draft's SHA-256), sent by actor, its author. The last
// signature puts the agreement in force (negotiation_in_force, now) and
// starts its engine; both are appended in one durable batch. A refusal is
// recorded, as Submit records one.
func (m *Mediation) Sign(ctx context.Context, actor string, sub ledger.Submission) (talks.PartyView, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.broken != nil {
		_, err := m.get("")
		return talks.PartyView{}, err
	}
	if sub.Author != actor {
		return talks.PartyView{}, accord.Errorf(accord.EFORBIDDEN, "%s may not sign for %q", actor, sub.Author)
	}
	if sub.Type != talks.TypeSigned {
		return talks.PartyView{}, m.refuse(sub, accord.Errorf(accord.EINVALID, "type %q: an agreement is signed by a %q submission", sub.Type, talks.TypeSigned))
	}
	e, err := receivedEvent(sub.Body, sub.Type)
	if err != nil {
		return talks.PartyView{}, m.refuse(sub, accord.Errorf(accord.EINVALID, "%v", err))
	}
	if e.Party != sub.Author {
		return talks.PartyView{}, m.refuse(sub, accord.Errorf(accord.EFORBIDDEN, "a signature for %q signed by %q: each party signs for itself", e.Party, sub.Author))
	}
	cur, err := m.member(e.Negotiation, actor)
	if err != nil {
		return talks.PartyView{}, m.refuse(sub, err)
	}
	n := cur.Clone() // kept only once the record holds the signature
	if err := m.cfg.Ledger.Check(&sub); err != nil {
		return talks.PartyView{}, m.refuse(sub, accord.Errorf(accord.EINVALID, "%v", err))
	}
	if err := n.Apply(e); err != nil {
		return talks.PartyView{}, m.refuse(sub, accord.Errorf(accord.EINVALID, "%v", err))
	}
	entries := []ledger.Entry{ledger.SubmissionEntry(sub)}
	if f, ok := n.InForce(m.now()); ok {
		if err := n.Apply(f); err != nil {
			return talks.PartyView{}, m.fail(err)
		}
		entries = append(entries, derived(f))
	}
	if _, err := m.record(sub, entries); err != nil {
		return talks.PartyView{}, err
	}
	m.talks[n.ID] = n
	return n.ForParty(actor), nil
}

func (m *Mediation) now() time.Time {
	if m.cfg.Now != nil {
		return m.cfg.Now()
	}
	return time.Now()
}
