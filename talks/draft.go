package talks

import (
	"fmt"
	"maps"
	"strings"

	"github.com/accord-peace/accord"

	"github.com/accord-peace/accord/negotiate"
)

// NewDraft makes the event that puts a text on the table as the next
// round: the current text with the changes applied (an empty option
// removes an issue's choice), evaluated on the latest positions, which
// the mediator's reader must hold. A scope names the one track revised.
func (n *Negotiation) NewDraft(scope, method string, changes map[string]string) (Event, error) {
	if n.Concluded != nil {
		return Event{}, fmt.Errorf("negotiation %s concluded in round %d", n.ID, n.Concluded.Round)
	}
	text := maps.Clone(n.Text())
	for k, o := range changes {
		if o == "" {
			delete(text, k)
		} else {
			text[k] = o
		}
	}
	if err := n.checkText(text); err != nil {
		return Event{}, err
	}
	if err := n.checkScope(scope, text); err != nil {
		return Event{}, err
	}
	basis := n.Latest()
	ok, known := n.acceptable(text, basis)
	if !known {
		return Event{}, fmt.Errorf("negotiation %s: a draft is evaluated on every party's latest position, and this reader does not hold them all", n.ID)
	}
	return Event{Type: TypeDraft, Negotiation: n.ID, Round: len(n.Rounds) + 1, Scope: scope, Method: method,
		Text: text, Basis: basis, AcceptableToAll: &ok}, nil
}

// Proposal is the next text accord proposes from every confidential
// position: the changes from the current text, and warnings for the
// mediator.
type Proposal struct {
	Method  string            `json:"method"`
	Text    map[string]string `json:"text"`
	Changed []string          `json:"changed"`
	// Exact is false when the search's budget ran out: the text is
	// acceptable to all, but may not be the best under the method.
	Exact    bool     `json:"exact"`
	Warnings []string `json:"warnings"`
}

// Propose computes the next text by a method (MethodBridge: the acceptable
// package at the fewest changes from the current text, ties to the larger
// Nash product; MethodCommon: the common-security solution), on the latest
// positions. Bridge needs a complete current text. An error says why no
// text can be proposed (no package every veto party accepts, for one).
func (n *Negotiation) Propose(method string, o negotiate.Options) (*Proposal, error) {
	if method == "" {
		method = n.Method
	}
	s, known := n.Joined(n.Latest())
	if !known {
		return nil, fmt.Errorf("negotiation %s: proposing a text needs every party's latest position", n.ID)
	}
	m := negotiate.Compile(s)
	p := &Proposal{Method: method, Changed: []string{}, Warnings: []string{}}
	switch method {
	case MethodBridge:
		cur := n.Text()
		if !n.Complete(cur) {
			return nil, fmt.Errorf("negotiation %s: the bridge starts from a complete text, and the current one leaves %d issue(s) undecided; propose by %s", n.ID, len(n.Public.Issues)-len(cur), MethodCommon)
		}
		b, err := m.NearestAcceptable(proposal("current", cur), o)
		if err != nil {
			// The budget cut the search: not a proof that nothing is acceptable.
			return nil, err
		}
		if b == nil {
			return nil, n.noAgreement(m, o)
		}
		p.Text, p.Exact = b.Package, b.Exact
	case MethodCommon:
		sol, err := m.Solve(negotiate.ConceptCommon, o)
		if err != nil {
			return nil, err
		}
		if sol == nil {
			return nil, n.noAgreement(m, o)
		}
		p.Text, p.Exact = sol.Package, sol.Exact
	default:
		return nil, fmt.Errorf("negotiation %s: method %q: want %q or %q", n.ID, method, MethodBridge, MethodCommon)
	}
	cur := n.Text()
	for _, is := range n.Public.Issues {
		if cur[is.ID] != p.Text[is.ID] {
			p.Changed = append(p.Changed, is.ID)
		}
	}
	p.Warnings = n.sequencingWarnings(s, p.Changed)
	return p, nil
}

// noAgreement says why no text is acceptable to all: the red lines that
// block agreement, when few enough do.
func (n *Negotiation) noAgreement(m *negotiate.Model, o negotiate.Options) error {
	c := m.Conflicts(o)
	switch {
	case c.Reservation:
		return fmt.Errorf("negotiation %s: no package is acceptable to every veto party, and no set of up to 3 red lines blocks it alone: the reservation values conflict", n.ID)
	case !c.Exact && c.MinSize == 0:
		return fmt.Errorf("negotiation %s: no package is acceptable to every veto party; the search for the red lines that block it ran out of budget before it found any package meeting every reservation value", n.ID)
	case len(c.Sets) == 0:
		return fmt.Errorf("negotiation %s: no package is acceptable to every veto party; %s %d red lines block agreement (sets of more than 3 are not listed)", n.ID, map[bool]string{true: "at least", false: "at most"}[c.Exact], c.MinSize)
	}
	return fmt.Errorf("negotiation %s: no package is acceptable to every veto party; %d set(s) of %d red line(s) block agreement", n.ID, len(c.Sets), len(c.Sets[0]))
}

// sequencingWarnings warns when a track whose issues changed lies on a
// cycle of the parties' sequencing demands: its draft waits on a deadlock.
func (n *Negotiation) sequencingWarnings(s *accord.Scenario, changed []string) []string {
	tracks := map[string]bool{}
	for _, k := range changed {
		if is, ok := n.Public.Issue(k); ok {
			tracks[is.Track] = true
		}
	}
	var out []string
	for _, c := range negotiate.SequencingCycles(s) {
		for _, t := range c.Tracks {
			if tracks[t] {
				out = append(out, fmt.Sprintf("track %s waits on a sequencing cycle: %s must each come before the next", t, strings.Join(c.Tracks, " → ")))
				break
			}
		}
	}
	return out
}
