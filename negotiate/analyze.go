package negotiate

import (
	"fmt"
	"math/big"
	"sort"

	"github.com/accord-peace/accord"
)

// DefaultBudget bounds the nodes of each search. Counts that need more are
// reported as exact bounds, never as estimates.
const DefaultBudget = 200_000_000

// Concepts of solution, by name.
const (
	ConceptNash        = "nash"
	ConceptCommon      = "common"
	ConceptUtilitarian = "utilitarian"
)

// Concepts lists the solution concepts in report order.
var Concepts = []string{ConceptNash, ConceptCommon, ConceptUtilitarian}

// Options tunes an analysis.
type Options struct {
	Budget        int64 // search nodes per search; DefaultBudget when 0
	FrontierLimit int   // frontier members listed; 20 when 0
	// Progress, when set, is told when each stage of Analyze starts.
	Progress func(stage string)
}

func (o Options) progress(stage string) {
	if o.Progress != nil {
		o.Progress(stage)
	}
}

func (o Options) budget() int64 {
	if o.Budget <= 0 {
		return DefaultBudget
	}
	return o.Budget
}

// frontierBudget sizes the Pareto search from the count of the acceptable
// set: every frontier package is visited and checked against the others, so
// an exactly counted set gets five times the budget (a 7-party frontier of
// 10^5 packages out of 2.5 × 10^7 needs about 4 × 10^8 units), while a set
// too large to count gets a quarter, its frontier being out of reach anyway.
func (o Options) frontierBudget(acceptable Count) Options {
	if acceptable.Exact {
		o.Budget = 5 * o.budget()
	} else {
		o.Budget = o.budget() / 4
	}
	return o
}

// Solution is the best acceptable package under one concept.
type Solution struct {
	Concept   string             `json:"concept"`
	Value     float64            `json:"value"`
	Package   map[string]string  `json:"package"`
	Utilities map[string]float64 `json:"utilities"` // every party with a position
	Nash      float64            `json:"nash"`
	Exact     bool               `json:"exact"`           // false: the budget ran out
	Bound     float64            `json:"bound,omitempty"` // when !Exact: an upper bound on the optimum
}

// Bridge is the nearest acceptable package to a complete proposal.
type Bridge struct {
	Proposal string            `json:"proposal"`
	Changes  int               `json:"changes"`
	Changed  []string          `json:"changed"` // the issues that change
	Package  map[string]string `json:"package"`
	Nash     float64           `json:"nash"`
	Exact    bool              `json:"exact"`
}

// FrontierMember is one Pareto-optimal acceptable package.
type FrontierMember struct {
	Package   map[string]string  `json:"package"`
	Utilities map[string]float64 `json:"utilities"` // veto parties
	Count     uint64             `json:"count"`     // packages with these utilities that differ only where no veto party cares
}

// Analysis is everything accord finds in one scenario.
type Analysis struct {
	Scenario    string
	Title       string
	Veto        []string
	Packages    *big.Int
	Acceptable  Count
	Pareto      Count
	Frontier    []FrontierMember // at most Options.FrontierLimit
	Solutions   map[string]*Solution
	Evaluations []Evaluation
	Bridges     map[string]*Bridge // by proposal; complete proposals, non-empty acceptable set
	Conflicts   *Conflicts         // only when the acceptable set is empty
	Cycles      []Cycle
}

// acceptableSpace is the space of the acceptable set: every veto party must
// accept; red-line options of veto parties are out.
func (m *Model) acceptableSpace(extra ...int) *space {
	parties := append([]int(nil), m.Veto...)
	cons := allTrue(len(parties))
	for _, e := range extra {
		parties = append(parties, e)
		cons = append(cons, false)
	}
	return newSpace(m, spaceOpts{parties: parties, constrained: cons})
}

// CountAcceptable counts the acceptable set.
func (m *Model) CountAcceptable(o Options) Count {
	return countAcceptable(m.acceptableSpace(), o.budget())
}

// Packages is the number of packages: the product of the option counts.
func (m *Model) Packages() *big.Int {
	n := big.NewInt(1)
	for _, k := range m.Options {
		n.Mul(n, big.NewInt(int64(k)))
	}
	return n
}

// Solve finds the best acceptable package under a concept; nil when the
// acceptable set is empty.
func (m *Model) Solve(concept string, o Options) (*Solution, error) {
	s := m.acceptableSpace()
	var opt *optimizer
	switch concept {
	case ConceptNash:
		opt = newOptimizer(s, objNash, o.budget())
	case ConceptUtilitarian:
		opt = newOptimizer(s, objUtil, o.budget())
	case ConceptCommon:
		scale := make([]float64, s.np)
		exact := true
		for p := range m.Veto {
			mp := newOptimizer(s, objParty, o.budget())
			mp.target = p
			r := mp.run()
			if !r.Found {
				return nil, nil
			}
			exact = exact && r.Exact
			if gt(r.Value, s.batna[p]) {
				scale[p] = r.Value - s.batna[p]
			}
		}
		if !exact {
			return nil, accord.Errorf(accord.EINVALID, "common-security solution: the maxima M_i need more than the budget of %d nodes; raise --budget", o.budget())
		}
		opt = newOptimizer(s, objCommon, o.budget())
		opt.scale, opt.lambda = scale, commonWeights(s, scale)
	default:
		return nil, accord.Errorf(accord.EINVALID, "unknown solution concept %q (one of: nash, common, utilitarian)", concept)
	}
	r := opt.run()
	if !r.Found {
		return nil, nil
	}
	sol := &Solution{Concept: concept, Value: r.Value, Package: m.Package(r.Package), Nash: r.Nash, Exact: r.Exact, Bound: r.Bound}
	sol.Utilities = m.utilities(r.Package)
	return sol, nil
}

func (m *Model) utilities(pkg []int) map[string]float64 {
	out := map[string]float64{}
	for i, p := range m.Parties {
		if p.HasPosition {
			out[p.ID] = m.Utility(i, pkg)
		}
	}
	return out
}

// BridgeProposal finds the nearest acceptable package to a complete proposal.
// It returns nil when the proposal is partial or the acceptable set is empty.
func (m *Model) BridgeProposal(p *accord.Proposal, o Options) *Bridge {
	pkg, ok := m.proposalPackage(p)
	if !ok {
		return nil
	}
	r := bridge(m.acceptableSpace(), pkg, o.budget())
	if !r.Found {
		return nil
	}
	b := &Bridge{Proposal: p.ID, Changes: r.Changes, Package: m.Package(r.Package), Nash: r.Nash, Exact: r.Exact, Changed: []string{}}
	for k, is := range m.Scenario.Issues {
		if r.Package[k] != pkg[k] {
			b.Changed = append(b.Changed, is.ID)
		}
	}
	return b
}

// ParetoFrontier returns the frontier of the acceptable set over the veto
// parties: its exact size (or bounds) and up to limit members, best Nash first.
func (m *Model) ParetoFrontier(o Options, limit int) (Count, []FrontierMember) {
	s := m.acceptableSpace()
	obj := make([]int, len(m.Veto))
	for i := range obj {
		obj[i] = i
	}
	f := paretoSearch(s, obj, o.budget())
	pts := f.points
	nash := make([]float64, len(pts))
	order := make([]int, len(pts))
	for i := range pts {
		nash[i], order[i] = m.Nash(pts[i].pkg), i
	}
	sort.SliceStable(order, func(a, b int) bool { return nash[order[a]] > nash[order[b]] })
	var members []FrontierMember
	for _, i := range order[:min(limit, len(order))] {
		u := map[string]float64{}
		for j, pi := range m.Veto {
			u[m.Parties[pi].ID] = pts[i].vec[j]
		}
		members = append(members, FrontierMember{Package: m.Package(pts[i].pkg), Utilities: u, Count: pts[i].mult})
	}
	return f.count, members
}

// Conflicts explains an empty acceptable set.
func (m *Model) Conflicts(o Options) Conflicts { return blockingRedLines(m, o.budget()) }

// Analyze runs every analysis on the model.
func (m *Model) Analyze(o Options) (*Analysis, error) {
	limit := o.FrontierLimit
	if limit == 0 {
		limit = 20
	}
	s := m.Scenario
	a := &Analysis{Scenario: s.ID, Title: s.Title, Packages: m.Packages(), Solutions: map[string]*Solution{}, Bridges: map[string]*Bridge{}}
	for _, i := range m.Veto {
		a.Veto = append(a.Veto, m.Parties[i].ID)
	}
	o.progress("counting the acceptable set")
	a.Acceptable = m.CountAcceptable(o)
	o.progress("searching the Pareto frontier")
	a.Pareto, a.Frontier = m.ParetoFrontier(o.frontierBudget(a.Acceptable), limit)
	for _, c := range Concepts {
		o.progress(c + " solution")
		sol, err := m.Solve(c, o)
		if err != nil {
			return nil, fmt.Errorf("%s solution: %w", c, err)
		}
		a.Solutions[c] = sol
	}
	empty := a.Acceptable.Upper.Sign() == 0
	o.progress("evaluating and bridging the proposals")
	for i := range s.Proposals {
		p := &s.Proposals[i]
		a.Evaluations = append(a.Evaluations, m.Evaluate(p))
		if !empty {
			if b := m.BridgeProposal(p, o); b != nil {
				a.Bridges[p.ID] = b
			}
		}
	}
	if empty {
		o.progress("finding the red lines that block agreement")
		c := m.Conflicts(o)
		a.Conflicts = &c
	}
	a.Cycles = SequencingCycles(s)
	return a, nil
}
