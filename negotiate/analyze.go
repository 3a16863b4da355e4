package negotiate

import (
	"context"
	"errors"
	"fmt"
	"math"
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
	// Context, when set, stops Analyze, Solve, NearestAcceptable, Plane,
	// CountAcceptableContext and ConflictsContext soon after it is done
	// (every few thousand search nodes): they then return an error
	// wrapping its error. CountAcceptable, ParetoFrontier, Conflicts and
	// BridgeProposal, which cannot say so, do not heed it.
	Context context.Context
}

// stopper is the space's stop function for o.Context, nil without one.
func (o Options) stopper() func() bool {
	ctx := o.Context
	if ctx == nil {
		return nil
	}
	return func() bool { return ctx.Err() != nil }
}

// interrupted is nil, or, once o.Context is done, an error saying what was
// stopped and wrapping the context's error.
func (o Options) interrupted(what string) error {
	if o.Context == nil || o.Context.Err() == nil {
		return nil
	}
	return fmt.Errorf("%s stopped before it finished: %w", what, context.Cause(o.Context))
}

// heedless is o without its Context, for the searches that cannot say
// they were stopped.
func (o Options) heedless() Options {
	o.Context = nil
	return o
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
	// At least one node (0 would mean the default) and no overflow.
	if acceptable.Exact {
		o.Budget = min(o.budget(), math.MaxInt64/5) * 5
	} else {
		o.Budget = max(o.budget()/4, 1)
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

// BudgetError says that a search needed more nodes than its budget
// (Options.Budget) to give its answer. Solve and NearestAcceptable return it
// inside an *accord.Error (EINVALID) when the budget ran out before they found
// anything, so that nothing is taken for a proven "no acceptable package";
// find it with errors.As.
type BudgetError struct {
	Search string // the search that was cut, e.g. "nash solution"
	Budget int64  // the nodes it was given
	Detail string // what is therefore unknown
}

// Error implements error.
func (e *BudgetError) Error() string {
	return fmt.Sprintf("%s needs more than the search budget of %d node(s): %s; raise --budget", e.Search, e.Budget, e.Detail)
}

// notFoundDetail is the Detail of a search cut before it found any package.
const notFoundDetail = "the budget ran out before it found any acceptable package, which does not show that none exists"

func budgetError(search string, budget int64, detail string) error {
	return &accord.Error{Code: accord.EINVALID, Err: &BudgetError{Search: search, Budget: budget, Detail: detail}}
}

// ErrPartial is wrapped by the error of NearestAcceptable for a proposal
// that leaves issues undecided: only a complete proposal has a nearest
// acceptable package.
var ErrPartial = errors.New("the proposal leaves issues undecided: only a complete proposal can be bridged")

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
	// SolutionsCut names the concepts whose search the budget cut before
	// it found any package: their nil Solutions entry does not mean that
	// the acceptable set is empty.
	SolutionsCut []string
	// BridgesCut names the complete proposals whose search the budget cut
	// before it found any acceptable package (no Bridges entry).
	BridgesCut []string
}

// acceptableSpace is the space of the acceptable set: every veto party must
// accept; red-line options of veto parties are out.
func (m *Model) acceptableSpace(o Options, extra ...int) *space {
	parties := append([]int(nil), m.Veto...)
	cons := allTrue(len(parties))
	for _, e := range extra {
		parties = append(parties, e)
		cons = append(cons, false)
	}
	s := newSpace(m, spaceOpts{parties: parties, constrained: cons})
	s.stop = o.stopper()
	return s
}

// CountAcceptable counts the acceptable set.
func (m *Model) CountAcceptable(o Options) Count {
	return m.countAcceptable(o.heedless())
}

// CountAcceptableContext is CountAcceptable heeding o.Context: once it is
// done the count stops, and the error says so, wrapping the context's.
func (m *Model) CountAcceptableContext(o Options) (Count, error) {
	c := m.countAcceptable(o)
	if err := o.interrupted("counting the acceptable set"); err != nil {
		return Count{}, err
	}
	return c, nil
}

func (m *Model) countAcceptable(o Options) Count {
	return countAcceptable(m.acceptableSpace(o), o.budget())
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
// acceptable set is empty. When the budget runs out before any acceptable
// package is found, or before the common-security maxima are proven, it
// returns an error holding a *BudgetError: the set may or may not be empty.
func (m *Model) Solve(concept string, o Options) (*Solution, error) {
	s := m.acceptableSpace(o)
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
			if err := o.interrupted(concept + " solution"); err != nil {
				return nil, err
			}
			if !r.Found {
				if !r.Exact {
					return nil, budgetError(concept+" solution", o.budget(), "the best acceptable utility of "+m.Parties[m.Veto[p]].ID+" (its M_i): "+notFoundDetail)
				}
				return nil, nil
			}
			exact = exact && r.Exact
			if gt(r.Value, s.batna[p]) {
				scale[p] = r.Value - s.batna[p]
			}
		}
		if !exact {
			return nil, budgetError(concept+" solution", o.budget(), "the veto parties' best acceptable utilities M_i, which scale its gains, are not all proven")
		}
		opt = newOptimizer(s, objCommon, o.budget())
		opt.scale, opt.lambda = scale, commonWeights(s, scale)
	default:
		return nil, accord.Errorf(accord.EINVALID, "unknown solution concept %q (one of: nash, common, utilitarian)", concept)
	}
	r := opt.run()
	if err := o.interrupted(concept + " solution"); err != nil {
		return nil, err
	}
	if !r.Found {
		if !r.Exact {
			return nil, budgetError(concept+" solution", o.budget(), notFoundDetail)
		}
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
// It returns nil when the proposal is partial, the acceptable set is empty or
// the budget ran out before any acceptable package was found;
// NearestAcceptable tells these apart.
func (m *Model) BridgeProposal(p *accord.Proposal, o Options) *Bridge {
	b, _ := m.NearestAcceptable(p, o)
	return b
}

// NearestAcceptable finds the nearest acceptable package to a complete
// proposal. It returns nil and no error when the acceptable set is empty (the
// search finished), an error wrapping ErrPartial when the proposal leaves
// issues undecided, and an error holding a *BudgetError when the budget ran
// out before any acceptable package was found.
func (m *Model) NearestAcceptable(p *accord.Proposal, o Options) (*Bridge, error) {
	pkg, ok := m.proposalPackage(p)
	if !ok {
		return nil, &accord.Error{Code: accord.EINVALID, Message: fmt.Sprintf("bridge from proposal %q", p.ID), Err: ErrPartial}
	}
	r := bridge(m.acceptableSpace(o), pkg, o.budget())
	if err := o.interrupted(fmt.Sprintf("bridge from proposal %q", p.ID)); err != nil {
		return nil, err
	}
	if !r.Found {
		if !r.Exact {
			return nil, budgetError(fmt.Sprintf("bridge from proposal %q", p.ID), o.budget(), notFoundDetail)
		}
		return nil, nil
	}
	b := &Bridge{Proposal: p.ID, Changes: r.Changes, Package: m.Package(r.Package), Nash: r.Nash, Exact: r.Exact, Changed: []string{}}
	for k, is := range m.Scenario.Issues {
		if r.Package[k] != pkg[k] {
			b.Changed = append(b.Changed, is.ID)
		}
	}
	return b, nil
}

// ParetoFrontier returns the frontier of the acceptable set over the veto
// parties: its exact size (or bounds) and up to limit members, best Nash first.
func (m *Model) ParetoFrontier(o Options, limit int) (Count, []FrontierMember) {
	return m.paretoFrontier(o.heedless(), limit)
}

func (m *Model) paretoFrontier(o Options, limit int) (Count, []FrontierMember) {
	s := m.acceptableSpace(o)
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
func (m *Model) Conflicts(o Options) Conflicts { return blockingRedLines(m, o.heedless()) }

// ConflictsContext is Conflicts heeding o.Context, as
// CountAcceptableContext does.
func (m *Model) ConflictsContext(o Options) (Conflicts, error) {
	c := blockingRedLines(m, o)
	if err := o.interrupted("finding the red lines that block agreement"); err != nil {
		return Conflicts{}, err
	}
	return c, nil
}

// Analyze runs every analysis on the model. When o.Context is done it
// stops soon after and returns an error wrapping the context's, saying
// which stage it stopped in.
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
	stage := "starting"
	// next starts a stage, unless o.Context stopped the one before.
	next := func(name string) error {
		if err := o.interrupted("the analysis (" + stage + ")"); err != nil {
			return err
		}
		stage = name
		o.progress(name)
		return nil
	}
	if err := next("counting the acceptable set"); err != nil {
		return nil, err
	}
	a.Acceptable = m.countAcceptable(o)
	if err := next("searching the Pareto frontier"); err != nil {
		return nil, err
	}
	a.Pareto, a.Frontier = m.paretoFrontier(o.frontierBudget(a.Acceptable), limit)
	for _, c := range Concepts {
		if err := next(c + " solution"); err != nil {
			return nil, err
		}
		sol, err := m.Solve(c, o)
		var be *BudgetError
		switch {
		case o.interrupted("") != nil:
			continue // said by next
		case errors.As(err, &be):
			a.SolutionsCut = append(a.SolutionsCut, c)
			continue
		case err != nil:
			return nil, fmt.Errorf("%s solution: %w", c, err)
		}
		a.Solutions[c] = sol
	}
	empty := a.Acceptable.Upper.Sign() == 0
	if err := next("evaluating and bridging the proposals"); err != nil {
		return nil, err
	}
	for i := range s.Proposals {
		if err := o.interrupted("the analysis (" + stage + ")"); err != nil {
			return nil, err
		}
		p := &s.Proposals[i]
		a.Evaluations = append(a.Evaluations, m.Evaluate(p))
		if !empty {
			b, err := m.NearestAcceptable(p, o)
			var be *BudgetError
			switch {
			case errors.As(err, &be):
				a.BridgesCut = append(a.BridgesCut, p.ID)
			case b != nil:
				a.Bridges[p.ID] = b
			}
		}
	}
	if empty {
		if err := next("finding the red lines that block agreement"); err != nil {
			return nil, err
		}
		c := blockingRedLines(m, o)
		a.Conflicts = &c
	}
	if err := o.interrupted("the analysis (" + stage + ")"); err != nil {
		return nil, err
	}
	a.Cycles = SequencingCycles(s)
	return a, nil
}
