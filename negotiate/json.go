package negotiate

import (
	"math/big"
	"slices"
)

// Report is the JSON form of an Analysis, the contract of `accord analyze
// --json` (fields beyond the contract are additions).
type Report struct {
	Scenario         string                     `json:"scenario"`
	Packages         *big.Int                   `json:"packages"`
	AcceptableCount  *big.Int                   `json:"acceptable_count"` // null when the budget ran out: see acceptable_bounds
	ParetoCount      *big.Int                   `json:"pareto_count"`     // null when the budget ran out: see pareto_bounds
	Solutions        map[string]*ReportSolution `json:"solutions"`        // a null solution: the acceptable set is empty, unless solutions_cut names it
	Proposals        map[string]ReportProposal  `json:"proposals"`
	Conflicts        *[][]RedLine               `json:"conflicts,omitempty"` // only when the acceptable set is empty
	SequencingCycles [][]string                 `json:"sequencing_cycles"`

	Veto                []string         `json:"veto"`
	AcceptableBounds    *Bounds          `json:"acceptable_bounds,omitempty"`
	ParetoBounds        *Bounds          `json:"pareto_bounds,omitempty"`
	Frontier            []FrontierMember `json:"frontier"`
	ReservationConflict bool             `json:"reservation_conflict,omitempty"`
	MinBlockingRedLines int              `json:"min_blocking_red_lines,omitempty"`
	Sequencing          []Cycle          `json:"sequencing"`
	// SolutionsCut names the concepts whose search the budget cut before
	// it found any package: whether the acceptable set is empty is unknown.
	SolutionsCut []string `json:"solutions_cut,omitempty"`
	// ConflictsCut: the budget cut the search for the red lines that block
	// agreement; reservation_conflict is then false, min_blocking_red_lines
	// an upper bound (0: none found) and conflicts possibly incomplete.
	ConflictsCut bool `json:"conflicts_cut,omitempty"`
}

// ConflictsReport is the JSON form of Conflicts, with the names of
// Report's fields that carry them (`accord bridge --json` when nothing is
// acceptable, as `accord analyze --json`).
type ConflictsReport struct {
	Conflicts           [][]RedLine `json:"conflicts"` // never null: [] when no set was found
	ReservationConflict bool        `json:"reservation_conflict,omitempty"`
	MinBlockingRedLines int         `json:"min_blocking_red_lines,omitempty"`
	ConflictsCut        bool        `json:"conflicts_cut,omitempty"`
}

// Report is the JSON form of c.
func (c *Conflicts) Report() ConflictsReport {
	sets := c.Sets
	if sets == nil {
		sets = [][]RedLine{}
	}
	return ConflictsReport{Conflicts: sets, ReservationConflict: c.Reservation, MinBlockingRedLines: c.MinSize, ConflictsCut: !c.Exact}
}

// Bounds are exact lower and upper bounds of a count.
type Bounds struct {
	Lower *big.Int `json:"lower"`
	Upper *big.Int `json:"upper"`
}

// ReportSolution is a solution in the contract's shape.
type ReportSolution struct {
	Value     float64            `json:"value"`
	Package   map[string]string  `json:"package"`
	Utilities map[string]float64 `json:"utilities"`
	Exact     bool               `json:"exact"`
}

// ReportProposal is a proposal's evaluation in the contract's shape.
type ReportProposal struct {
	Partial bool                   `json:"partial"`
	Parties map[string]ReportParty `json:"parties"`
	Bridge  *ReportBridge          `json:"bridge,omitempty"`
	// BridgeCut: the budget cut the search for the nearest acceptable
	// package before it found one.
	BridgeCut bool `json:"bridge_cut,omitempty"`
}

// ReportParty is one party's verdict in the contract's shape.
type ReportParty struct {
	Utility  float64     `json:"utility"`
	Accepts  bool        `json:"accepts"`
	RedLines []string    `json:"red_lines"`
	Costs    []IssueCost `json:"costs"`
}

// ReportBridge is a bridge in the contract's shape.
type ReportBridge struct {
	Changes int               `json:"changes"`
	Package map[string]string `json:"package"`
	Nash    float64           `json:"nash"`
	Changed []string          `json:"changed"`
	Exact   bool              `json:"exact"` // false: the budget ran out, not proven nearest
}

// Report converts the analysis to its JSON contract.
func (a *Analysis) Report() Report {
	r := Report{
		Scenario: a.Scenario, Packages: a.Packages,
		Solutions: map[string]*ReportSolution{}, Proposals: map[string]ReportProposal{},
		SequencingCycles: [][]string{}, Veto: a.Veto, Frontier: a.Frontier, Sequencing: a.Cycles,
		SolutionsCut: a.SolutionsCut,
	}
	if r.Veto == nil {
		r.Veto = []string{}
	}
	if r.Frontier == nil {
		r.Frontier = []FrontierMember{}
	}
	if r.Sequencing == nil {
		r.Sequencing = []Cycle{}
	}
	r.AcceptableCount, r.AcceptableBounds = countJSON(a.Acceptable)
	r.ParetoCount, r.ParetoBounds = countJSON(a.Pareto)
	for _, c := range Concepts {
		var rs *ReportSolution
		if s := a.Solutions[c]; s != nil {
			rs = &ReportSolution{Value: s.Value, Package: s.Package, Utilities: s.Utilities, Exact: s.Exact}
		}
		r.Solutions[c] = rs
	}
	for _, ev := range a.Evaluations {
		rp := ReportProposal{Partial: ev.Partial, Parties: map[string]ReportParty{}, BridgeCut: slices.Contains(a.BridgesCut, ev.Proposal)}
		for _, v := range ev.Parties {
			rp.Parties[v.Party] = ReportParty{Utility: v.Utility, Accepts: v.Accepts, RedLines: v.RedLines, Costs: v.Costs}
		}
		if b := a.Bridges[ev.Proposal]; b != nil {
			rp.Bridge = &ReportBridge{Changes: b.Changes, Package: b.Package, Nash: b.Nash, Changed: b.Changed, Exact: b.Exact}
		}
		r.Proposals[ev.Proposal] = rp
	}
	if a.Conflicts != nil {
		c := a.Conflicts.Report()
		r.Conflicts = &c.Conflicts
		r.ReservationConflict = c.ReservationConflict
		r.MinBlockingRedLines = c.MinBlockingRedLines
		r.ConflictsCut = c.ConflictsCut
	}
	for _, c := range a.Cycles {
		r.SequencingCycles = append(r.SequencingCycles, c.Tracks)
	}
	return r
}

func countJSON(c Count) (*big.Int, *Bounds) {
	if c.Exact {
		return c.Value, nil
	}
	return nil, &Bounds{Lower: c.Lower, Upper: c.Upper}
}
