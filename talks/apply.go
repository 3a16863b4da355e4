package talks

import (
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
)

// Apply applies the negotiation's next event, or returns an error saying
// precisely why it cannot be applied and changes nothing. Where the
// content of a party's entry is given (the mediator replaying), what the
// record claims of it is checked against it.
func (n *Negotiation) Apply(e Event) error {
	if e.Negotiation != n.ID {
		return fmt.Errorf("event for negotiation %q applied to %q", e.Negotiation, n.ID)
	}
	switch e.Type {
	case TypeSigned:
		return n.applySigned(e)
	case TypeInForce:
		return n.applyInForce(e)
	}
	if n.Concluded != nil {
		return fmt.Errorf("negotiation %s concluded in round %d: it takes nothing more but the agreement's signatures", n.ID, n.Concluded.Round)
	}
	switch e.Type {
	case TypePosition:
		return n.applyPosition(e)
	case TypeDraft:
		return n.applyDraft(e)
	case TypeAnswer:
		return n.applyAnswer(e)
	case TypeRequest:
		return n.applyRequest(e)
	case TypeRoundClosed:
		return n.applyClosed(e)
	case TypeConcluded:
		return n.applyConcluded(e)
	case TypeOpened:
		return fmt.Errorf("negotiation %s is already open", n.ID)
	}
	return fmt.Errorf("negotiation %s: unknown event type %q", n.ID, e.Type)
}

func (n *Negotiation) party(id string) error {
	if _, ok := n.Public.Party(id); !ok {
		return fmt.Errorf("negotiation %s: %q is not one of its parties", n.ID, id)
	}
	return nil
}

func checkCommitment(c string) error {
	if b, err := hex.DecodeString(c); err != nil || len(b) != 32 {
		return fmt.Errorf("commitment %q: want the hex SHA-256 of salt and content (64 hex digits)", c)
	}
	return nil
}

func (n *Negotiation) applyPosition(e Event) error {
	if err := n.party(e.Party); err != nil {
		return err
	}
	if err := checkCommitment(e.Commitment); err != nil {
		return err
	}
	if want := len(n.Versions[e.Party]) + 1; e.Version != want {
		return fmt.Errorf("negotiation %s: %s's position version %d: the next version is %d", n.ID, e.Party, e.Version, want)
	}
	round := 0
	if r := n.Current(); r != nil {
		round = r.N
	}
	n.Versions[e.Party] = append(n.Versions[e.Party], &Version{Version: e.Version, Commitment: e.Commitment, Round: round, Position: e.Position})
	return nil
}

// open returns the round open for answers and requests.
func (n *Negotiation) open(round int) (*Round, error) {
	r := n.Current()
	switch {
	case r == nil:
		return nil, fmt.Errorf("negotiation %s has no draft on the table yet", n.ID)
	case round != r.N:
		return nil, fmt.Errorf("negotiation %s: round %d is not the round on the table (%d)", n.ID, round, r.N)
	case r.Closed:
		return nil, fmt.Errorf("negotiation %s: round %d is closed", n.ID, round)
	}
	return r, nil
}

func (n *Negotiation) applyDraft(e Event) error {
	if r := n.Current(); r != nil && !r.Closed {
		return fmt.Errorf("negotiation %s: round %d is still open: close it before the next draft", n.ID, r.N)
	}
	if want := len(n.Rounds) + 1; e.Round != want {
		return fmt.Errorf("negotiation %s: draft for round %d: the next round is %d", n.ID, e.Round, want)
	}
	switch e.Method {
	case MethodMediator, MethodBridge, MethodCommon:
	default:
		return fmt.Errorf("negotiation %s: draft method %q: want %s, %s or %s", n.ID, e.Method, MethodMediator, MethodBridge, MethodCommon)
	}
	if err := n.checkText(e.Text); err != nil {
		return err
	}
	if err := n.checkScope(e.Scope, e.Text); err != nil {
		return err
	}
	if !maps.Equal(e.Basis, n.Latest()) {
		return fmt.Errorf("negotiation %s: draft for round %d evaluated on position versions %v; the latest are %v", n.ID, e.Round, e.Basis, n.Latest())
	}
	if e.AcceptableToAll == nil {
		return fmt.Errorf("negotiation %s: draft for round %d does not say whether it is acceptable to all", n.ID, e.Round)
	}
	if ok, known := n.acceptable(e.Text, e.Basis); known && ok != *e.AcceptableToAll {
		return fmt.Errorf("negotiation %s: draft for round %d says acceptable_to_all=%v; the positions say %v", n.ID, e.Round, *e.AcceptableToAll, ok)
	}
	// An empty text or basis is absent from the record (omitempty): keep
	// both non-nil, so that the replayed state is the live one.
	text, basis := maps.Clone(e.Text), maps.Clone(e.Basis)
	if text == nil {
		text = map[string]string{}
	}
	if basis == nil {
		basis = map[string]int{}
	}
	n.Rounds = append(n.Rounds, &Round{N: e.Round, Scope: e.Scope, Text: text, Method: e.Method,
		Basis: basis, AcceptableToAll: *e.AcceptableToAll,
		Answers: map[string]Recorded[Answer]{}, Requests: map[string][]Recorded[Request]{}})
	return nil
}

// checkText checks that every issue of a text exists and every option is
// one of its issue's.
func (n *Negotiation) checkText(text map[string]string) error {
	for _, k := range slices.Sorted(maps.Keys(text)) {
		is, ok := n.Public.Issue(k)
		if !ok {
			return fmt.Errorf("negotiation %s: text: unknown issue %q", n.ID, k)
		}
		if is.OptionIndex(text[k]) < 0 {
			return fmt.Errorf("negotiation %s: text: issue %s has no option %q", n.ID, k, text[k])
		}
	}
	return nil
}

// checkScope checks that a draft revising one track changes no issue of
// another.
func (n *Negotiation) checkScope(scope string, text map[string]string) error {
	if scope == "" {
		return nil
	}
	found := false
	for _, t := range n.Public.Tracks {
		found = found || t.ID == scope
	}
	if !found {
		return fmt.Errorf("negotiation %s: scope: unknown track %q", n.ID, scope)
	}
	prev := n.Text()
	for _, is := range n.Public.Issues {
		if is.Track == scope {
			continue
		}
		a, aok := prev[is.ID]
		b, bok := text[is.ID]
		if a != b || aok != bok {
			return fmt.Errorf("negotiation %s: a draft of track %s changes issue %s of track %s", n.ID, scope, is.ID, is.Track)
		}
	}
	return nil
}

// partyRound checks a party's answer or request up to its round: the
// party, the commitment, the round open.
func (n *Negotiation) partyRound(e Event) (*Round, error) {
	if err := n.party(e.Party); err != nil {
		return nil, err
	}
	if err := checkCommitment(e.Commitment); err != nil {
		return nil, err
	}
	return n.open(e.Round)
}

func (n *Negotiation) applyAnswer(e Event) error {
	r, err := n.partyRound(e)
	if err != nil {
		return err
	}
	if _, dup := r.Answers[e.Party]; dup {
		return fmt.Errorf("negotiation %s: %s has already answered round %d", n.ID, e.Party, r.N)
	}
	rec := Recorded[Answer]{Commitment: e.Commitment}
	if e.Answer != nil {
		if err := n.checkAnswer(*e.Answer); err != nil {
			return err
		}
		rec.Known, rec.Content = true, *e.Answer
	}
	r.Answers[e.Party] = rec
	return nil
}

// checkAnswer checks an answer's content against the public part.
func (n *Negotiation) checkAnswer(a Answer) error {
	switch a.Answer {
	case AnswerAccept:
		if len(a.Issues) > 0 {
			return fmt.Errorf("negotiation %s: an answer that accepts names no issues (it names %v)", n.ID, a.Issues)
		}
	case AnswerObject:
		if len(a.Issues) == 0 {
			return fmt.Errorf("negotiation %s: an objection names the issues objected to", n.ID)
		}
		seen := map[string]bool{}
		for _, k := range a.Issues {
			if _, ok := n.Public.Issue(k); !ok {
				return fmt.Errorf("negotiation %s: objection to unknown issue %q", n.ID, k)
			}
			if seen[k] {
				return fmt.Errorf("negotiation %s: objection names issue %s twice", n.ID, k)
			}
			seen[k] = true
		}
	default:
		return fmt.Errorf("negotiation %s: answer %q: want %q or %q", n.ID, a.Answer, AnswerAccept, AnswerObject)
	}
	return nil
}

func (n *Negotiation) applyRequest(e Event) error {
	r, err := n.partyRound(e)
	if err != nil {
		return err
	}
	if len(r.Requests[e.Party]) >= n.MaxRequests {
		return fmt.Errorf("negotiation %s: %s has asked about %d texts in round %d, the most the mediator allows per round", n.ID, e.Party, len(r.Requests[e.Party]), r.N)
	}
	rec := Recorded[Request]{Commitment: e.Commitment}
	if e.Request != nil {
		if err := n.checkText(e.Request.Text); err != nil {
			return err
		}
		rec.Known, rec.Content = true, Request{Text: maps.Clone(e.Request.Text)}
		latest := n.Latest()
		rec.AcceptableToAll, _ = n.acceptable(e.Request.Text, latest)
		rec.Version = latest[e.Party]
	}
	r.Requests[e.Party] = append(r.Requests[e.Party], rec)
	return nil
}

func (n *Negotiation) applyClosed(e Event) error {
	r, err := n.open(e.Round)
	if err != nil {
		return err
	}
	if want, known := n.provisional(r); known && !slices.Equal(want, e.Provisional) {
		return fmt.Errorf("negotiation %s: round %d closed with tracks %v agreed provisionally; the answers say %v", n.ID, r.N, e.Provisional, want)
	}
	r.Closed, r.Provisional = true, slices.Clone(e.Provisional)
	return nil
}

func (n *Negotiation) applyConcluded(e Event) error {
	r := n.Current()
	if r == nil || r.N != e.Round || !r.Closed {
		return fmt.Errorf("negotiation %s: concluded in round %d, which is not the last closed round", n.ID, e.Round)
	}
	if !maps.Equal(e.Text, r.Text) {
		return fmt.Errorf("negotiation %s: concluded on a package that is not round %d's text", n.ID, r.N)
	}
	if ok, known := n.concludes(r); known && !ok {
		return fmt.Errorf("negotiation %s: round %d's text is not complete and accepted by every veto party", n.ID, r.N)
	}
	n.Concluded = &Conclusion{Round: r.N, Package: maps.Clone(r.Text)}
	return nil
}
