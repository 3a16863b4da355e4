package mediation

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/talks"
)

// Submitted is a party's confidential submission: its signed submission,
// whose body is the event as the record holds it (talks.Event.Record:
// the commitment, not the content), and the content with its salt, which
// only the mediation keeps, encrypted.
type Submitted struct {
	Submission ledger.Submission `json:"submission"`
	// Content is exactly the bytes committed to: a position file (YAML),
	// or an answer's or a request's JSON.
	Content string `json:"content"`
	Salt    string `json:"salt"` // base64 of the 32 bytes of salt
}

// Seal makes a party's submission of content: a fresh salt, the
// commitment in the event, the event signed with the party's key as the
// record will hold it. The CLI and the tests submit so.
func Seal(sign func(ledger.Submission) (ledger.Submission, error), e talks.Event, id string, content []byte) (Submitted, error) {
	salt := talks.NewSalt()
	e.Commitment = talks.Commit(salt, content)
	sub, err := ledger.NewSubmission(e.Party, id, e.Type, e.Record())
	if err != nil {
		return Submitted{}, err
	}
	if sub, err = sign(sub); err != nil {
		return Submitted{}, err
	}
	return Submitted{Submission: sub, Content: string(content), Salt: base64.StdEncoding.EncodeToString(salt)}, nil
}

// Result is what a party is told of its submission: its own view of the
// negotiation as it now stands, and for a request what the mediator
// answers.
type Result struct {
	Entry   int64               `json:"entry"` // the submission's index in the record
	View    talks.PartyView     `json:"view"`
	Request *talks.PartyRequest `json:"request,omitempty"`
}

// Submit takes a party's signed position, answer or request, sent by
// actor (who must be its author): it checks the signature, that the
// content opens the commitment, the content against the public part and
// the negotiation's state, then keeps the content encrypted and appends
// the submission, with the round's closing when this answer was the last
// one awaited, in one durable batch. Anything refused changes nothing;
// the refusal is recorded (without the content) and the error says why.
func (m *Mediation) Submit(ctx context.Context, actor string, x Submitted) (Result, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.broken != nil {
		_, err := m.get("")
		return Result{}, err
	}
	sub := x.Submission
	if sub.Author != actor {
		return Result{}, accord.Errorf(accord.EFORBIDDEN, "%s may not submit for %q", actor, sub.Author)
	}
	e, cur, err := m.accept(ctx, x)
	if err != nil {
		return Result{}, m.refuse(sub, err)
	}
	n := cur.Clone() // kept only once the record holds the submission
	if err := n.Apply(e); err != nil {
		return Result{}, m.refuse(sub, accord.Errorf(accord.EINVALID, "%v", err))
	}
	entries := []ledger.Entry{ledger.SubmissionEntry(sub)}
	if e.Type == talks.TypeAnswer {
		if closing, auto := n.Closing(); auto {
			for _, c := range closing {
				if err := n.Apply(c); err != nil {
					return Result{}, m.fail(err)
				}
				entries = append(entries, derived(c))
			}
		}
	}
	salt, _ := base64.StdEncoding.DecodeString(x.Salt)
	if err := m.vault.put(ctx, e.Commitment, salt, []byte(x.Content)); err != nil {
		return Result{}, m.fail(err)
	}
	seqs, err := m.record(sub, entries)
	if err != nil {
		return Result{}, err
	}
	m.talks[n.ID] = n
	res := Result{Entry: seqs[0], View: n.ForParty(sub.Author)}
	if e.Type == talks.TypeRequest && len(res.View.Requests) > 0 {
		res.Request = &res.View.Requests[len(res.View.Requests)-1]
	}
	return res, nil
}

// accept checks a submission up to the state: its event, its author, the
// content against the commitment and the public part, the signature.
func (m *Mediation) accept(ctx context.Context, x Submitted) (talks.Event, *talks.Negotiation, error) {
	sub := x.Submission
	if !confidential(sub.Type) {
		return talks.Event{}, nil, accord.Errorf(accord.EINVALID, "type %q: a party submits %q, %q or %q", sub.Type, talks.TypePosition, talks.TypeAnswer, talks.TypeRequest)
	}
	e, err := receivedEvent(sub.Body, sub.Type)
	if err != nil {
		return e, nil, accord.Errorf(accord.EINVALID, "%v", err)
	}
	if e.Party != sub.Author {
		return e, nil, accord.Errorf(accord.EFORBIDDEN, "a %s for party %q signed by %q: each party submits its own", sub.Type, e.Party, sub.Author)
	}
	n, err := m.member(e.Negotiation, sub.Author)
	if err != nil {
		return e, nil, err
	}
	salt, err := base64.StdEncoding.DecodeString(x.Salt)
	if err != nil {
		return e, nil, accord.Errorf(accord.EINVALID, "salt: not base64: %v", err)
	}
	if err := talks.Opens(e.Commitment, salt, []byte(x.Content)); err != nil {
		return e, nil, accord.Errorf(accord.EINVALID, "%v", err)
	}
	if err := receivedContent(e.Type, []byte(x.Content)); err != nil {
		return e, nil, err
	}
	if err := attach(n, &e, []byte(x.Content)); err != nil {
		return e, nil, err
	}
	if err := m.cfg.Ledger.Check(&sub); err != nil {
		return e, nil, accord.Errorf(accord.EINVALID, "%v", err)
	}
	return e, n, nil
}

// refuse records a submission's refusal — the reason's kind only: the
// details may quote the confidential content, and go to its author alone
// — and returns the error saying why.
func (m *Mediation) refuse(s ledger.Submission, err error) error {
	code := accord.ErrorCode(err)
	reason := fmt.Sprintf("negotiation submission refused (%s); the reason went to its author", code)
	if _, aerr := m.cfg.Ledger.AppendAll([]ledger.Entry{ledger.RefusalEntry(s, reason)}); aerr != nil {
		return aerr
	}
	var ae *accord.Error
	if !errors.As(err, &ae) {
		code = accord.EINVALID
	}
	return accord.Errorf(code, "submission %q by %q refused, and the refusal recorded: %v", s.ID, s.Author, err)
}

// record appends a batch of entries: when the record refuses it as a
// replay (the same submission raced in by another route since Check), the
// submission is refused and nothing changed; any other failure stops the
// mediation (fail).
func (m *Mediation) record(sub ledger.Submission, entries []ledger.Entry) ([]int64, error) {
	seqs, err := m.cfg.Ledger.AppendAll(entries)
	if errors.Is(err, ledger.ErrReplayed) {
		return nil, m.refuse(sub, accord.Errorf(accord.EINVALID, "%v", err))
	}
	if err != nil {
		return nil, m.fail(err)
	}
	return seqs, nil
}

// fail stops the mediation after a write failed with the state changed:
// every later call fails until a restart replays the record.
func (m *Mediation) fail(err error) error {
	m.broken = err
	return accord.Errorf(accord.EINTERNAL, "writing the record failed (%v): the mediation stops; restart the server to replay the record", err)
}

// derived is a mediator's event as a derived entry of the record.
func derived(e talks.Event) ledger.Entry {
	b, _ := jsonMarshal(e.Record())
	return ledger.Entry{Kind: ledger.KindDerived, Type: e.Type, Body: b}
}
