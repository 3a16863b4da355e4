package negotiate

import (
	"sort"

	"github.com/accord-peace/accord"
)

// Verdict is what one party makes of a proposal.
type Verdict struct {
	Party    string   `json:"party"`
	Veto     bool     `json:"veto"`
	Utility  float64  `json:"utility"`
	BATNA    float64  `json:"batna"`
	Accepts  bool     `json:"accepts"`
	RedLines []string `json:"red_lines"` // issues whose chosen option is one of the party's red lines
	// Costs are the decided issues that cost the party most: its weight times
	// what it loses against its best option, largest first (at most three).
	Costs []IssueCost `json:"costs"`
}

// IssueCost is what one issue of a proposal costs one party.
type IssueCost struct {
	Issue  string  `json:"issue"`
	Option string  `json:"option"`
	Loss   float64 `json:"loss"`
}

// Evaluation is a proposal scored for every party that has a position.
type Evaluation struct {
	Proposal  string    `json:"proposal"`
	Title     string    `json:"title,omitempty"`
	By        string    `json:"by,omitempty"`
	Partial   bool      `json:"partial"`
	Undecided []string  `json:"undecided"`
	Parties   []Verdict `json:"parties"`
	// AcceptedByVeto is true when every veto party with a position accepts.
	AcceptedByVeto bool `json:"accepted_by_veto"`
}

// maxCosts is how many costly issues a verdict lists.
const maxCosts = 3

// Evaluate scores a proposal for every party with a positions entry. A
// partial proposal is scored on its decided issues only, with weights
// renormalised over them and interactions counted only when all their issues
// are decided.
func (m *Model) Evaluate(p *accord.Proposal) Evaluation {
	s := m.Scenario
	ev := Evaluation{Proposal: p.ID, Title: p.Title, By: p.By, Undecided: []string{}, AcceptedByVeto: true}
	decided := make([]bool, len(s.Issues))
	pkg := make([]int, len(s.Issues))
	for k, is := range s.Issues {
		if o, ok := p.Choices[is.ID]; ok {
			decided[k], pkg[k] = true, is.OptionIndex(o)
		} else {
			ev.Partial = true
			ev.Undecided = append(ev.Undecided, is.ID)
		}
	}
	for pi := range m.Parties {
		party := &m.Parties[pi]
		if !party.HasPosition {
			continue
		}
		w := party.weights(decided)
		v := Verdict{Party: party.ID, Veto: party.Veto, BATNA: party.BATNA, RedLines: []string{}, Costs: []IssueCost{}}
		for k, is := range s.Issues {
			if !decided[k] {
				continue
			}
			o := pkg[k]
			v.Utility += w[k] * party.Raw[k][o]
			if party.Red[k][o] {
				v.RedLines = append(v.RedLines, is.ID)
			}
			best := 0.0
			for _, u := range party.Raw[k] {
				best = max(best, u)
			}
			if loss := w[k] * (best - party.Raw[k][o]); loss > Tol {
				v.Costs = append(v.Costs, IssueCost{Issue: is.ID, Option: is.Options[o].ID, Loss: loss})
			}
		}
		for _, in := range party.Inter {
			all := true
			for _, c := range in.Pairs {
				if !decided[c.Issue] || pkg[c.Issue] != c.Option {
					all = false
				}
			}
			if all {
				v.Utility += in.Bonus
			}
		}
		sort.SliceStable(v.Costs, func(a, b int) bool { return v.Costs[a].Loss > v.Costs[b].Loss })
		if len(v.Costs) > maxCosts {
			v.Costs = v.Costs[:maxCosts]
		}
		v.Accepts = len(v.RedLines) == 0 && geq(v.Utility, party.BATNA)
		if party.Veto && !v.Accepts {
			ev.AcceptedByVeto = false
		}
		ev.Parties = append(ev.Parties, v)
	}
	return ev
}

// proposalPackage returns the option index per issue of a complete proposal.
func (m *Model) proposalPackage(p *accord.Proposal) ([]int, bool) {
	pkg := make([]int, len(m.Scenario.Issues))
	for k, is := range m.Scenario.Issues {
		o, ok := p.Choices[is.ID]
		if !ok {
			return nil, false
		}
		pkg[k] = is.OptionIndex(o)
	}
	return pkg, true
}
