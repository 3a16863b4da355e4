package mediation

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"filippo.io/age"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/talks"
)

// Ledger is the record the negotiations are kept in.
type Ledger interface {
	// Check verifies a submission's signature and that it is not a replay,
	// without appending it.
	Check(s *ledger.Submission) error
	// AppendAll appends entries in one durable batch.
	AppendAll(es []ledger.Entry) ([]int64, error)
	// Len is the number of entries; Record returns one.
	Len() int64
	Record(i int64) ([]byte, error)
}

// Config says what a mediation runs on.
type Config struct {
	Ledger Ledger
	Store  Store
	Key    *age.X25519Identity
	// Options bound the searches of the drafts accord proposes.
	Options negotiate.Options
	// Now is the clock that dates an agreement's entry into force
	// (time.Now when nil).
	Now func() time.Time
	// CountBudget bounds the search nodes of the acceptable set's count
	// in the mediator's view (talks.DefaultCountBudget when 0).
	CountBudget int64
}

// Mediation holds every negotiation of a record.
type Mediation struct {
	cfg   Config
	vault vault

	mu     sync.Mutex
	talks  map[string]*talks.Negotiation
	order  []string
	broken error // a write failed after the state changed: restart to replay the record
}

// Open restores every negotiation the record holds, decrypting the
// parties' content with the mediation's key.
func Open(ctx context.Context, cfg Config) (*Mediation, error) {
	if cfg.Ledger == nil || cfg.Store == nil || cfg.Key == nil {
		return nil, fmt.Errorf("a mediation needs a ledger, a confidential store and the mediation's key")
	}
	m := &Mediation{cfg: cfg, vault: vault{store: cfg.Store, id: cfg.Key}, talks: map[string]*talks.Negotiation{}}
	for i := int64(0); i < cfg.Ledger.Len(); i++ {
		rec, err := cfg.Ledger.Record(i)
		if err != nil {
			return nil, err
		}
		var e ledger.Entry
		if err := json.Unmarshal(rec, &e); err != nil {
			return nil, fmt.Errorf("entry %d: %v", i, err)
		}
		if !isTalks(e.Type) || (e.Kind != ledger.KindSubmission && e.Kind != ledger.KindDerived) {
			continue
		}
		if err := m.replay(ctx, &e); err != nil {
			return nil, fmt.Errorf("entry %d (%s): %v", i, e.Type, err)
		}
	}
	return m, nil
}

func isTalks(typ string) bool {
	switch typ {
	case talks.TypeOpened, talks.TypePosition, talks.TypeDraft, talks.TypeAnswer, talks.TypeRequest, talks.TypeRoundClosed, talks.TypeConcluded,
		talks.TypeSigned, talks.TypeInForce:
		return true
	}
	return false
}

// replay applies one entry of the record, its confidential content
// decrypted and checked against its commitment.
func (m *Mediation) replay(ctx context.Context, le *ledger.Entry) error {
	e, err := decodeEvent(le.Body, le.Type)
	if err != nil {
		return err
	}
	if e.Type == talks.TypeOpened {
		_, err := m.open(e)
		return err
	}
	n, ok := m.talks[e.Negotiation]
	if !ok {
		return fmt.Errorf("no negotiation %q is open", e.Negotiation)
	}
	if confidential(e.Type) {
		salt, content, err := m.vault.get(ctx, e.Commitment)
		if err != nil {
			return err
		}
		if err := talks.Opens(e.Commitment, salt, content); err != nil {
			return err
		}
		if err := attach(n, &e, content); err != nil {
			return err
		}
	}
	return n.Apply(e)
}

func confidential(typ string) bool {
	return typ == talks.TypePosition || typ == talks.TypeAnswer || typ == talks.TypeRequest
}

// receivedEvent reads a submission's body as decodeEvent does, refusing
// first a string that is not valid text (accord.BadText): read, it would
// become U+FFFD, and the event applied would not be the one signed. Only
// what is received is checked so; the record read back is as written.
func receivedEvent(body []byte, typ string) (talks.Event, error) {
	if p, bad := accord.BadText(body); bad {
		return talks.Event{}, fmt.Errorf("not a negotiation event: %s: %s", p, accord.BadTextReason)
	}
	return decodeEvent(body, typ)
}

// decodeEvent reads an entry's body as an event of its type, strictly.
func decodeEvent(body []byte, typ string) (talks.Event, error) {
	var e talks.Event
	if err := accord.DecodeStrict(body, &e); err != nil {
		return e, fmt.Errorf("not a negotiation event: %v", err)
	}
	if e.Type != typ {
		return e, fmt.Errorf("an entry of type %q holds an event of type %q", typ, e.Type)
	}
	return e, nil
}

// List is the negotiations, in the order they were opened.
func (m *Mediation) List() []Summary {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []Summary{}
	for _, id := range m.order {
		n := m.talks[id]
		s := Summary{ID: id, Title: n.Public.Title, Mediator: n.Mediator, Rounds: len(n.Rounds), Concluded: n.Concluded != nil}
		for _, p := range n.Public.Parties {
			s.Parties = append(s.Parties, p.ID)
		}
		out = append(out, s)
	}
	return out
}

// Summary is what anyone with a token may know of a negotiation.
type Summary struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Mediator  string   `json:"mediator"`
	Parties   []string `json:"parties"`
	Rounds    int      `json:"rounds"`
	Concluded bool     `json:"concluded"`
}

// get finds a negotiation (m.mu held).
func (m *Mediation) get(id string) (*talks.Negotiation, error) {
	if m.broken != nil {
		return nil, accord.Errorf(accord.EINTERNAL, "the mediation stopped after a failed write (%v): restart the server to replay the record", m.broken)
	}
	n, ok := m.talks[id]
	if !ok {
		return nil, accord.Errorf(accord.ENOTFOUND, "no negotiation %q", id)
	}
	return n, nil
}

// member finds a negotiation for one of its parties or its mediator (m.mu
// held). Anyone else is answered as if there were no such negotiation,
// with the very error a missing one gets: a negotiation is confidential,
// and an outsider learns not even that it exists.
func (m *Mediation) member(id, actor string) (*talks.Negotiation, error) {
	n, err := m.get(id)
	if err != nil && accord.ErrorCode(err) != accord.ENOTFOUND {
		return nil, err
	}
	if n != nil && actor != "" && actor == n.Mediator {
		return n, nil
	}
	if n != nil {
		if _, ok := n.Public.Party(actor); ok {
			return n, nil
		}
	}
	return nil, accord.Errorf(accord.ENOTFOUND, "no negotiation %q for %s", id, actor)
}

// IsParty reports whether an actor is a party of a negotiation.
func (m *Mediation) IsParty(id, actor string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, ok := m.talks[id]
	if !ok {
		return false
	}
	_, ok = n.Public.Party(actor)
	return ok
}

// Mediator is the mediator's actor of a negotiation ("" when none).
func (m *Mediation) Mediator(id string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if n, ok := m.talks[id]; ok {
		return n.Mediator
	}
	return ""
}
