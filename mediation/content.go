package mediation

import (
	"fmt"
	"unicode/utf8"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/scenario"
	"github.com/accord-peace/accord/talks"
)

// open starts a negotiation from its opening event (m.mu held, or at
// restore).
func (m *Mediation) open(e talks.Event) (*talks.Negotiation, error) {
	public, err := scenario.ParsePublic("public part", []byte(e.Public))
	if err != nil {
		return nil, accord.Errorf(accord.EINVALID, "the public part: %v", err)
	}
	if public.ID != e.Negotiation {
		return nil, accord.Errorf(accord.EINVALID, "negotiation %q: its public part's id is %q: a negotiation is named by its public part", e.Negotiation, public.ID)
	}
	if _, dup := m.talks[e.Negotiation]; dup {
		return nil, accord.Errorf(accord.EINVALID, "negotiation %q is already open", e.Negotiation)
	}
	n, err := talks.Open(e, public)
	if err != nil {
		return nil, accord.Errorf(accord.EINVALID, "%v", err)
	}
	n.CountBudget = m.cfg.CountBudget
	m.talks[n.ID] = n
	m.order = append(m.order, n.ID)
	return n, nil
}

// receivedContent refuses a party's content holding text that is not
// valid: bytes that are not UTF-8, or in an answer or a request (JSON) a
// \u escape of half a surrogate pair (accord.BadText), which would be read
// as U+FFFD, not as committed to. Only what is received is checked so;
// the content kept is read back as written.
func receivedContent(typ string, content []byte) error {
	if !utf8.Valid(content) {
		return accord.Errorf(accord.EINVALID, "the %s's content: not valid UTF-8 text", typ)
	}
	if p, bad := accord.BadText(content); bad && typ != talks.TypePosition {
		return accord.Errorf(accord.EINVALID, "the %s's content: %s: %s", typ, p, accord.BadTextReason)
	}
	return nil
}

// attach reads a party's confidential content into its event: a position
// file (scenario.ParsePosition, its party the event's), an answer or a
// request (strict JSON).
func attach(n *talks.Negotiation, e *talks.Event, content []byte) error {
	switch e.Type {
	case talks.TypePosition:
		party, pos, err := scenario.ParsePosition(n.Public, fmt.Sprintf("%s's position", e.Party), content)
		if err != nil {
			return accord.Errorf(accord.EINVALID, "%v", err)
		}
		if party != e.Party {
			return accord.Errorf(accord.EFORBIDDEN, "a position of %s submitted by %s: each party submits its own", party, e.Party)
		}
		e.Position = pos
	case talks.TypeAnswer:
		var a talks.Answer
		if err := accord.DecodeStrict(content, &a); err != nil {
			return accord.Errorf(accord.EINVALID, `an answer is {"answer": "accept"|"object", "issues": [...]}: %v`, err)
		}
		e.Answer = &a
	case talks.TypeRequest:
		var q talks.Request
		if err := accord.DecodeStrict(content, &q); err != nil {
			return accord.Errorf(accord.EINVALID, `a request is {"text": {ISSUE: OPTION, ...}}: %v`, err)
		}
		e.Request = &q
	}
	return nil
}
