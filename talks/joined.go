package talks

import (
	"maps"
	"slices"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/negotiate"
)

// Joined is the whole scenario the positions of basis make with the public
// part (party -> version; parties absent have no position); known is false
// when this reader does not hold one of those positions.
func (n *Negotiation) Joined(basis map[string]int) (s *accord.Scenario, known bool) {
	j := *n.Public
	j.Positions = map[string]*accord.Position{}
	for p, v := range basis {
		ver := n.Version(p, v)
		if ver == nil || ver.Position == nil {
			return nil, false
		}
		j.Positions[p] = ver.Position
	}
	return &j, true
}

// proposal is a text as a proposal of the public part.
func proposal(id string, text map[string]string) *accord.Proposal {
	return &accord.Proposal{ID: id, Choices: maps.Clone(text)}
}

// acceptable reports whether every veto party accepts the text on the
// positions of basis (a partial text as the scenario contract scores a
// partial proposal); known is false when a position is not held.
func (n *Negotiation) acceptable(text map[string]string, basis map[string]int) (ok, known bool) {
	s, known := n.Joined(basis)
	if !known {
		return false, false
	}
	return negotiate.Compile(s).Evaluate(proposal("text", text)).AcceptedByVeto, true
}

// Complete reports whether a text decides every issue.
func (n *Negotiation) Complete(text map[string]string) bool {
	for _, is := range n.Public.Issues {
		if _, ok := text[is.ID]; !ok {
			return false
		}
	}
	return true
}

// answeredAll reports whether every veto party answered the round, and
// whether this reader knows every answer.
func (n *Negotiation) answeredAll(r *Round) (all, known bool) {
	known = true
	for _, p := range n.vetoParties() {
		a, ok := r.Answers[p]
		if !ok {
			return false, true
		}
		known = known && a.Known
	}
	return true, known
}

// provisional are the tracks agreed provisionally in a round: every veto
// party answered, every issue of the track is decided, and no veto party
// objected to any of them. Known is false when an answer is not held.
func (n *Negotiation) provisional(r *Round) (tracks []string, known bool) {
	all, known := n.answeredAll(r)
	if !known {
		return nil, false
	}
	if !all {
		return nil, true
	}
	objected := map[string]bool{}
	for _, p := range n.vetoParties() {
		for _, k := range r.Answers[p].Content.Issues {
			objected[k] = true
		}
	}
	for _, t := range n.Public.Tracks {
		ok, any := true, false
		for _, is := range n.Public.Issues {
			if is.Track != t.ID {
				continue
			}
			any = true
			if _, decided := r.Text[is.ID]; !decided || objected[is.ID] {
				ok = false
			}
		}
		if ok && any {
			tracks = append(tracks, t.ID)
		}
	}
	return tracks, true
}

// concludes reports whether a round's text is complete and every veto
// party accepted it.
func (n *Negotiation) concludes(r *Round) (ok, known bool) {
	all, known := n.answeredAll(r)
	if !known {
		return false, false
	}
	if !all || !n.Complete(r.Text) {
		return false, true
	}
	for _, p := range n.vetoParties() {
		if r.Answers[p].Content.Answer != AnswerAccept {
			return false, true
		}
	}
	return true, true
}

// Closing returns the events that close the round on the table, when it
// is open: its closing, with the tracks agreed provisionally, and the
// conclusion when every veto party accepted the whole text. Auto reports
// whether every veto party has answered, so that the round closes by
// itself; the mediator closes it earlier by putting the next draft on the
// table. The answers must be held (the mediator's reader).
func (n *Negotiation) Closing() (events []Event, auto bool) {
	r := n.Current()
	if r == nil || r.Closed || n.Concluded != nil {
		return nil, false
	}
	all, _ := n.answeredAll(r)
	tracks, _ := n.provisional(r)
	events = append(events, Event{Type: TypeRoundClosed, Negotiation: n.ID, Round: r.N, Provisional: tracks})
	if ok, _ := n.concludes(r); ok {
		events = append(events, Event{Type: TypeConcluded, Negotiation: n.ID, Round: r.N, Text: maps.Clone(r.Text)})
	}
	return events, all
}

// sortedKeys are a map's keys, sorted.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
