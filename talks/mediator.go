package talks

import (
	"fmt"
	"maps"
	"math"
	"strings"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/negotiate"
)

// MediatorView is the whole negotiation as the mediator sees it: every
// party's position versions, and round by round the text, the size of the
// acceptable set, every party's verdict and answer, what each has given
// up, and what each party's view has let it learn of the others' red lines.
type MediatorView struct {
	Negotiation string               `json:"negotiation"`
	Title       string               `json:"title"`
	Mediator    string               `json:"mediator"`
	Method      string               `json:"method"`
	MaxRequests int                  `json:"max_requests"`
	Positions   map[string][]Version `json:"positions"`
	Rounds      []MediatorRound      `json:"rounds"`
	// Cycles are the deadlocks in the latest positions' sequencing demands.
	Cycles    []negotiate.Cycle `json:"cycles"`
	Concluded *Conclusion       `json:"concluded,omitempty"`
	Agreement *AgreementView    `json:"agreement,omitempty"`
}

// MediatorRound is one round as the mediator sees it.
type MediatorRound struct {
	Round           int               `json:"round"`
	Scope           string            `json:"scope,omitempty"`
	Method          string            `json:"method"`
	Text            map[string]string `json:"text"`
	Complete        bool              `json:"complete"`
	Basis           map[string]int    `json:"basis"`
	AcceptableToAll bool              `json:"acceptable_to_all"`
	// Acceptable is the size of the acceptable set on the round's
	// positions (a decimal integer; "LOWER..UPPER" when the count needs
	// more than the negotiation's CountBudget nodes).
	Acceptable  string              `json:"acceptable"`
	Verdicts    []negotiate.Verdict `json:"verdicts"`
	Answers     map[string]*Answer  `json:"answers"`
	Requests    map[string]int      `json:"requests"`
	Closed      bool                `json:"closed"`
	Provisional []string            `json:"provisional"`
	// Concessions is, for each party with a position, the utility the
	// text gives up against the best package it could accept alone, on
	// its position of the round.
	Concessions map[string]float64 `json:"concessions"`
	// Leak is what each party's view of the history up to this round
	// logically determines of the others' red lines (leak.go).
	Leak map[string]Leak `json:"leak"`
	// Warnings name the tracks the draft changed that wait on a cycle of
	// the parties' sequencing demands (on the round's positions).
	Warnings []string `json:"warnings"`
}

// roundFacts are the mediator's figures of a round: fixed once its draft
// is on the table (they depend on the text and the positions of its
// basis only), so computed once.
type roundFacts struct {
	warnings    []string
	acceptable  string
	verdicts    []negotiate.Verdict
	concessions map[string]float64
}

// basisFacts are the figures that depend on the positions of a basis
// only, not on the text: computed once per basis, however many rounds are
// drafted on the same positions.
type basisFacts struct {
	acceptable string             // the acceptable set's size
	best       map[string]float64 // bestAlone, for the parties it exists for
}

// DefaultCountBudget bounds the search nodes of the acceptable set's count
// in the mediator's view when the negotiation sets no CountBudget: about
// 0.1–0.3 s on one core. The reference negotiation's count is exact in
// about 224,000 nodes; a count that needs more is reported as bounds.
const DefaultCountBudget = 2_000_000

// facts computes (once) a round's figures; nil when this reader does not
// hold its positions.
func (n *Negotiation) facts(r *Round) *roundFacts {
	if r.cache != nil {
		return r.cache
	}
	s, known := n.Joined(r.Basis)
	if !known {
		return nil
	}
	m := negotiate.Compile(s)
	bf := n.basisFacts(r.Basis, s, m)
	f := &roundFacts{acceptable: bf.acceptable, verdicts: m.Evaluate(proposal("text", r.Text)).Parties, concessions: map[string]float64{}}
	var prev map[string]string
	if r.N > 1 {
		prev = n.Rounds[r.N-2].Text
	}
	var changed []string
	for _, is := range n.Public.Issues {
		a, aok := prev[is.ID]
		b, bok := r.Text[is.ID]
		if a != b || aok != bok {
			changed = append(changed, is.ID)
		}
	}
	f.warnings = nonNil(n.sequencingWarnings(s, changed))
	for _, v := range f.verdicts {
		if best, ok := bf.best[v.Party]; ok {
			f.concessions[v.Party] = math.Max(0, best-v.Utility)
		}
	}
	r.cache = f
	return f
}

// basisFacts computes (once per basis) the figures of the positions of a
// basis, s and m their joined scenario and its model.
func (n *Negotiation) basisFacts(basis map[string]int, s *accord.Scenario, m *negotiate.Model) *basisFacts {
	key := basisKey(basis)
	if f, ok := n.byBasis[key]; ok {
		return f
	}
	budget := n.CountBudget
	if budget == 0 {
		budget = DefaultCountBudget
	}
	f := &basisFacts{best: map[string]float64{}}
	c := m.CountAcceptable(negotiate.Options{Budget: budget})
	if c.Exact {
		f.acceptable = c.Value.String()
	} else {
		f.acceptable = c.Lower.String() + ".." + c.Upper.String()
	}
	for p := range s.Positions {
		if best, ok := bestAlone(s, p); ok {
			f.best[p] = best
		}
	}
	if n.byBasis == nil {
		n.byBasis = map[string]*basisFacts{}
	}
	n.byBasis[key] = f
	return f
}

// basisKey names a basis: its parties and versions in order.
func basisKey(basis map[string]int) string {
	var b strings.Builder
	for _, p := range sortedKeys(basis) {
		fmt.Fprintf(&b, "%s:%d;", p, basis[p])
	}
	return b.String()
}

// bestAlone is the most a party's position can give it: its utility at
// the best package none of its own red lines rules out, whatever the
// others want.
func bestAlone(s *accord.Scenario, party string) (float64, bool) {
	alone := *s
	alone.Parties = nil
	for _, p := range s.Parties {
		p.Veto = p.ID == party
		alone.Parties = append(alone.Parties, p)
	}
	pos := *s.Positions[party]
	pos.BATNA = math.Inf(-1)
	alone.Positions = map[string]*accord.Position{party: &pos}
	sol, err := negotiate.Compile(&alone).Solve(negotiate.ConceptUtilitarian, negotiate.Options{})
	if err != nil || sol == nil {
		return 0, false
	}
	return sol.Utilities[party], true
}

// ForMediator is the mediator's view; the mediator's reader holds every
// position, answer and request.
func (n *Negotiation) ForMediator() MediatorView {
	v := MediatorView{Negotiation: n.ID, Title: n.Public.Title, Mediator: n.Mediator, Method: n.Method, MaxRequests: n.MaxRequests,
		Positions: map[string][]Version{}, Rounds: []MediatorRound{}, Cycles: []negotiate.Cycle{}, Concluded: n.Concluded, Agreement: n.agreementView()}
	for p, vs := range n.Versions {
		for _, ver := range vs {
			v.Positions[p] = append(v.Positions[p], *ver)
		}
	}
	leak := newLeakTracker(n)
	for _, r := range n.Rounds {
		mr := MediatorRound{Round: r.N, Scope: r.Scope, Method: r.Method, Text: maps.Clone(r.Text), Complete: n.Complete(r.Text),
			Basis: maps.Clone(r.Basis), AcceptableToAll: r.AcceptableToAll, Answers: map[string]*Answer{}, Requests: map[string]int{},
			Closed: r.Closed, Provisional: nonNil(r.Provisional), Verdicts: []negotiate.Verdict{}, Concessions: map[string]float64{}, Warnings: []string{}}
		if f := n.facts(r); f != nil {
			mr.Acceptable, mr.Verdicts, mr.Concessions, mr.Warnings = f.acceptable, f.verdicts, f.concessions, f.warnings
		}
		for p, a := range r.Answers {
			if a.Known {
				mr.Answers[p] = &a.Content
			} else {
				mr.Answers[p] = nil
			}
		}
		for p, qs := range r.Requests {
			mr.Requests[p] = len(qs)
		}
		leak.round(r)
		mr.Leak = leak.counts()
		v.Rounds = append(v.Rounds, mr)
	}
	if s, known := n.Joined(n.Latest()); known {
		v.Cycles = append(v.Cycles, negotiate.SequencingCycles(s)...)
	}
	return v
}
