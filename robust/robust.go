// Package robust asks how sure the analysis of a scenario is when the
// parties' utilities, weights and reservation values are only known within
// ranges (docs/scenario.md, Ranges). It runs a Monte Carlo simulation: each
// run draws every ranged value uniformly within its range and checks, for
// each proposal on the table and each solution of the point scenario (nash,
// common, utilitarian), whether every veto party accepts it. It reports the
// probability of acceptance and, per issue, how much the uncertainty about
// that issue drives acceptance (Spearman rank correlations, see Influence
// and docs/robust.md).
//
// Runs are reproducible: run i draws from a PCG generator seeded with
// (seed, mix(i)), so its values depend on the seed and i only; runs are
// split in fixed chunks whose sums are added in chunk order, so the result
// is the same bit for bit for any number of workers. The package does no
// I/O.
package robust

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/negotiate"
)

// Input kinds.
const (
	KindUtility = "utility"
	KindWeight  = "weight"
	KindBATNA   = "batna"
)

// Target kinds.
const (
	TargetProposal = "proposal"
	TargetSolution = "solution"
)

// chunk is the number of runs summed together before the chunks' sums are
// added in order: it fixes the order of every floating-point addition, so
// that results do not depend on the number of workers.
const chunk = 256

// Input is one ranged value of the scenario: the value a party gives an
// option of an issue (utility), the weight it gives an issue (weight) or
// its reservation value (batna). Ranges with lo = hi are constants, not
// inputs.
type Input struct {
	Party  string  `json:"party"`
	Kind   string  `json:"kind"`
	Issue  string  `json:"issue,omitempty"`
	Option string  `json:"option,omitempty"`
	Lo     float64 `json:"lo"`
	Hi     float64 `json:"hi"`
}

// Group is what an input's influence is credited to: its issue, or for a
// batna the party's reservation value (Issue empty, Party set).
type Group struct {
	Issue string `json:"issue,omitempty"`
	Party string `json:"party,omitempty"` // a batna group
}

// String names the group: the issue id, or "batna PARTY".
func (g Group) String() string {
	if g.Issue != "" {
		return g.Issue
	}
	return "batna " + g.Party
}

func (in Input) group() Group {
	if in.Kind == KindBATNA {
		return Group{Party: in.Party}
	}
	return Group{Issue: in.Issue}
}

// Options tunes a simulation.
type Options struct {
	Runs    int    // number of runs, > 0
	Seed    uint64 // the seed: the same seed gives the same result
	Workers int    // goroutines; runtime.GOMAXPROCS(0) when <= 0
	// Budget bounds the searches for the point scenario's solutions
	// (negotiate.Options.Budget).
	Budget int64
	// Progress, when set, is called with the runs done so far, from the
	// goroutine that called Run, after every chunk of runs.
	Progress func(done, total int)
}

// Influence is how much one group's uncertainty drives the acceptance of one
// target: Score is the sum, over the group's inputs, of the squared
// Spearman correlation ρ between the input and acceptance (0 or 1). Since
// the inputs are drawn independently, Score is the share of the variance of
// acceptance that an additive, linear function of the group's ranks
// explains; the scores of all groups add up to at most 1, and an input that
// alone decides acceptance by a threshold scores 3p(1−p) (0.75 at p = ½).
// Top is the group's input with the largest |ρ|, and Rho its signed ρ
// (positive: the higher the value, the likelier acceptance).
type Influence struct {
	Group Group   `json:"group"`
	Score float64 `json:"score"`
	Top   int     `json:"top"` // index into Result.Inputs
	Rho   float64 `json:"rho"`
}

// Target is a proposal or a solution and how often it was accepted.
type Target struct {
	Kind    string            `json:"kind"` // TargetProposal or TargetSolution
	ID      string            `json:"id"`   // the proposal's id or the concept
	Partial bool              `json:"partial"`
	Package map[string]string `json:"package"` // issue -> option; undecided issues absent
	// PointAccepted says whether every veto party accepts it at the point
	// values (the ranges' midpoints): what accord analyze reports.
	PointAccepted bool    `json:"point_accepted"`
	Accepted      int     `json:"accepted"`    // runs in which every veto party accepts
	Probability   float64 `json:"probability"` // Accepted / Runs
	// StdErr is the binomial standard error of Probability.
	StdErr float64 `json:"std_err"`
	// Influence lists every group with ranged inputs, largest score first
	// (ties by group order); all scores are 0 when acceptance never varies.
	Influence []Influence `json:"influence"`
}

// IssueInfluence ranks a group over all targets: Mean is its score averaged
// over the targets whose acceptance varies (0 < p < 1), Max its largest
// score on any target, Target that target (an index into Result.Targets,
// -1 when no target varies), and Top and Rho the group's strongest input
// there and its ρ.
type IssueInfluence struct {
	Group  Group   `json:"group"`
	Mean   float64 `json:"mean"`
	Max    float64 `json:"max"`
	Target int     `json:"target"`
	Top    int     `json:"top"`
	Rho    float64 `json:"rho"`
}

// Result is what a simulation finds.
type Result struct {
	Scenario string   `json:"scenario"`
	Runs     int      `json:"runs"`
	Seed     uint64   `json:"seed"`
	Inputs   []Input  `json:"inputs"`
	Targets  []Target `json:"targets"`
	// Unsolved lists the concepts with no solution at the point values (an
	// empty acceptable set).
	Unsolved []string `json:"unsolved"`
	// Issues ranks the groups, by Mean, largest first.
	Issues []IssueInfluence `json:"issues"`
	// Varying counts the targets whose acceptance varies across runs.
	Varying int `json:"varying"`
}

// Inputs lists the ranged values of a scenario in a fixed order: parties in
// scenario order; for each, its batna, then for each issue in scenario order
// its weight and its utilities in option order.
func Inputs(s *accord.Scenario) []Input {
	var out []Input
	add := func(in Input, rg *[2]float64) {
		if rg != nil && rg[0] < rg[1] {
			in.Lo, in.Hi = rg[0], rg[1]
			out = append(out, in)
		}
	}
	for _, p := range s.Parties {
		pos := s.Positions[p.ID]
		if pos == nil {
			continue
		}
		add(Input{Party: p.ID, Kind: KindBATNA}, pos.BATNARange)
		for _, is := range s.Issues {
			ip, ok := pos.Issues[is.ID]
			if !ok {
				continue
			}
			add(Input{Party: p.ID, Kind: KindWeight, Issue: is.ID}, ip.WeightRange)
			for _, o := range is.Options {
				if rg, ok := ip.UtilityRange[o.ID]; ok {
					add(Input{Party: p.ID, Kind: KindUtility, Issue: is.ID, Option: o.ID}, &rg)
				}
			}
		}
	}
	return out
}

// sim is a compiled simulation.
type sim struct {
	model   *negotiate.Model
	inputs  []Input
	slots   []slot // where each input goes in the model
	targets []target
}

// slot locates an input in the compiled model.
type slot struct {
	party, issue, option int // option -1: weight; issue -1: batna
}

// target is a proposal or a solution in index form.
type target struct {
	decided []bool
	pkg     []int
	checks  []check // one per veto party with a position
	always  bool    // false when a veto party's red line is chosen: never accepted
}

// check is what one veto party's acceptance depends on: the interaction
// bonuses that apply, in the order Evaluate adds them.
type check struct {
	party   int
	bonuses []float64
}

// seedFor is run i's second PCG seed: splitmix64 of i, so that neighbouring
// runs start from unrelated states.
func seedFor(i int) uint64 {
	z := uint64(i) + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Run simulates o.Runs runs of the scenario. The solutions are those of the
// point scenario (every range at its midpoint), found with negotiate's
// Solve; an error is returned when a search needs more than the budget
// (common) or when o.Runs is not positive.
func Run(ctx context.Context, s *accord.Scenario, o Options) (*Result, error) {
	if o.Runs <= 0 {
		return nil, accord.Errorf(accord.EINVALID, "robust: the number of runs must be positive, got %d", o.Runs)
	}
	m := negotiate.Compile(s)
	res := &Result{Scenario: s.ID, Runs: o.Runs, Seed: o.Seed, Inputs: Inputs(s), Targets: []Target{}, Unsolved: []string{}, Issues: []IssueInfluence{}}
	if res.Inputs == nil {
		res.Inputs = []Input{}
	}
	sm := &sim{model: m, inputs: res.Inputs}
	for _, in := range res.Inputs {
		sm.slots = append(sm.slots, locate(s, in))
	}
	for i := range s.Proposals {
		p := &s.Proposals[i]
		t := Target{Kind: TargetProposal, ID: p.ID, Package: map[string]string{}}
		for _, is := range s.Issues {
			if c, ok := p.Choices[is.ID]; ok {
				t.Package[is.ID] = c
			} else {
				t.Partial = true
			}
		}
		res.Targets = append(res.Targets, t)
		sm.targets = append(sm.targets, sm.compileTarget(t.Package))
	}
	for _, c := range negotiate.Concepts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sol, err := m.Solve(c, negotiate.Options{Budget: o.Budget})
		if err != nil {
			return nil, err
		}
		if sol == nil {
			res.Unsolved = append(res.Unsolved, c)
			continue
		}
		res.Targets = append(res.Targets, Target{Kind: TargetSolution, ID: c, Package: sol.Package})
		sm.targets = append(sm.targets, sm.compileTarget(sol.Package))
	}
	point := sm.newState()
	point.accept(sm)
	for ti := range res.Targets {
		res.Targets[ti].PointAccepted = point.ok[ti]
	}
	sums, err := sm.simulate(ctx, o)
	if err != nil {
		return nil, err
	}
	sm.summarise(res, sums)
	return res, nil
}

// locate finds where an input goes in the model.
func locate(s *accord.Scenario, in Input) slot {
	sl := slot{issue: -1, option: -1}
	for i, p := range s.Parties {
		if p.ID == in.Party {
			sl.party = i
		}
	}
	if in.Kind == KindBATNA {
		return sl
	}
	for k, is := range s.Issues {
		if is.ID == in.Issue {
			sl.issue = k
			if in.Kind == KindUtility {
				sl.option = is.OptionIndex(in.Option)
			}
		}
	}
	return sl
}

// compileTarget turns a (possibly partial) package into index form, with
// the contract's semantics for proposals (negotiate.Evaluate): only veto
// parties with a position decide; red lines and interactions count on the
// decided issues only.
func (sm *sim) compileTarget(pkg map[string]string) target {
	s := sm.model.Scenario
	t := target{decided: make([]bool, len(s.Issues)), pkg: make([]int, len(s.Issues)), always: true}
	for k, is := range s.Issues {
		if o, ok := pkg[is.ID]; ok {
			t.decided[k], t.pkg[k] = true, is.OptionIndex(o)
		}
	}
	for pi := range sm.model.Parties {
		p := &sm.model.Parties[pi]
		if !p.Veto || !p.HasPosition {
			continue
		}
		for k := range t.pkg {
			if t.decided[k] && p.Red[k][t.pkg[k]] {
				t.always = false
			}
		}
		c := check{party: pi}
		for _, in := range p.Inter {
			all := true
			for _, ch := range in.Pairs {
				if !t.decided[ch.Issue] || t.pkg[ch.Issue] != ch.Option {
					all = false
				}
			}
			if all {
				c.bonuses = append(c.bonuses, in.Bonus)
			}
		}
		t.checks = append(t.checks, c)
	}
	return t
}

// state is one worker's copy of the values a run changes.
type state struct {
	batna  []float64   // per party
	weight [][]float64 // [party][issue]
	raw    [][][]float64
	u      []float64 // this run's uniform draws, per input
	ok     []bool    // per target
}

func (sm *sim) newState() *state {
	st := &state{u: make([]float64, len(sm.inputs)), ok: make([]bool, len(sm.targets))}
	for _, p := range sm.model.Parties {
		st.batna = append(st.batna, p.BATNA)
		st.weight = append(st.weight, slices.Clone(p.Weight))
		raw := make([][]float64, len(p.Raw))
		for k := range p.Raw {
			raw[k] = slices.Clone(p.Raw[k])
		}
		st.raw = append(st.raw, raw)
	}
	return st
}

// draw sets every input to lo + u·(hi − lo), u uniform in [0, 1) from r.
func (st *state) draw(r *rand.Rand, sm *sim) {
	for j, in := range sm.inputs {
		u := r.Float64()
		st.u[j] = u
		// float64(...) forbids a fused multiply-add, so that a draw is the
		// same on every architecture.
		v := in.Lo + float64(u*(in.Hi-in.Lo))
		sl := sm.slots[j]
		switch {
		case sl.issue < 0:
			st.batna[sl.party] = v
		case sl.option < 0:
			st.weight[sl.party][sl.issue] = v
		default:
			st.raw[sl.party][sl.issue][sl.option] = v
		}
	}
}

// accept decides every target with the state's values, with the arithmetic
// of negotiate.Evaluate (weights normalised over the decided issues, then
// the bonuses, then U ≥ batna − 1e-9).
func (st *state) accept(sm *sim) {
	for ti := range sm.targets {
		t := &sm.targets[ti]
		ok := t.always
		for ci := 0; ok && ci < len(t.checks); ci++ {
			c := &t.checks[ci]
			w := st.weight[c.party]
			sum := 0.0
			for k, wk := range w {
				if t.decided[k] {
					sum += wk
				}
			}
			u := 0.0
			if sum != 0 {
				raw := st.raw[c.party]
				for k, wk := range w {
					if t.decided[k] {
						u += wk / sum * raw[k][t.pkg[k]]
					}
				}
			}
			for _, b := range c.bonuses {
				u += b
			}
			ok = u >= st.batna[c.party]-negotiate.Tol
		}
		st.ok[ti] = ok
	}
}

// sums are the sums of one chunk of runs (or of all).
type sums struct {
	accepted []int       // per target
	su, suu  []float64   // per input: Σu, Σu²
	suy      [][]float64 // [input][target]: Σ u·y
}

func (sm *sim) newSums() *sums {
	s := &sums{accepted: make([]int, len(sm.targets)), su: make([]float64, len(sm.inputs)), suu: make([]float64, len(sm.inputs))}
	for range sm.inputs {
		s.suy = append(s.suy, make([]float64, len(sm.targets)))
	}
	return s
}

func (a *sums) add(b *sums) {
	for t := range a.accepted {
		a.accepted[t] += b.accepted[t]
	}
	for j := range a.su {
		a.su[j] += b.su[j]
		a.suu[j] += b.suu[j]
		for t := range a.suy[j] {
			a.suy[j][t] += b.suy[j][t]
		}
	}
}

// simulate runs the chunks on a pool of workers and adds their sums in
// chunk order.
func (sm *sim) simulate(ctx context.Context, o Options) (*sums, error) {
	nchunks := (o.Runs + chunk - 1) / chunk
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, nchunks)
	results := make([]*sums, nchunks)
	jobs := make(chan int)
	done := make(chan int)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := sm.newState()
			pcg := rand.NewPCG(0, 0)
			r := rand.New(pcg)
			for c := range jobs {
				cs := sm.newSums()
				for i := c * chunk; i < min(o.Runs, (c+1)*chunk); i++ {
					pcg.Seed(o.Seed, seedFor(i))
					st.draw(r, sm)
					st.accept(sm)
					for j, u := range st.u {
						cs.su[j] += u
						cs.suu[j] += float64(u * u)
					}
					for t, ok := range st.ok {
						if !ok {
							continue
						}
						cs.accepted[t]++
						for j, u := range st.u {
							cs.suy[j][t] += u
						}
					}
				}
				results[c] = cs
				select {
				case done <- c:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for c := range nchunks {
			select {
			case jobs <- c:
			case <-ctx.Done():
				return
			}
		}
	}()
	// The chunks' sums are added in chunk order as soon as every earlier
	// chunk is in, and then dropped: memory holds only the chunks that
	// finished ahead of a slower one.
	var err error
	total := sm.newSums()
	received := make([]bool, nchunks)
	runs, next := 0, 0
	for range nchunks {
		select {
		case c := <-done:
			received[c] = true
			for next < nchunks && received[next] {
				total.add(results[next])
				results[next] = nil
				next++
			}
			runs += min(o.Runs, (c+1)*chunk) - c*chunk
			if o.Progress != nil {
				o.Progress(runs, o.Runs)
			}
			continue
		case <-ctx.Done():
			err = ctx.Err()
		}
		break
	}
	cancel()
	wg.Wait()
	if err != nil {
		return nil, err
	}
	return total, nil
}

// summarise turns the sums into probabilities and influences.
func (sm *sim) summarise(res *Result, s *sums) {
	n := float64(res.Runs)
	groups := []Group{}
	for _, in := range sm.inputs {
		if g := in.group(); !slices.Contains(groups, g) {
			groups = append(groups, g)
		}
	}
	mean := make([]float64, len(groups))
	best := make([]IssueInfluence, len(groups))
	for gi, g := range groups {
		best[gi] = IssueInfluence{Group: g, Target: -1, Top: -1}
	}
	for ti := range res.Targets {
		t := &res.Targets[ti]
		t.Accepted = s.accepted[ti]
		p := float64(t.Accepted) / n
		t.Probability = p
		t.StdErr = math.Sqrt(p * (1 - p) / n)
		varying := t.Accepted > 0 && t.Accepted < res.Runs
		if varying {
			res.Varying++
		}
		t.Influence = make([]Influence, len(groups))
		for gi, g := range groups {
			t.Influence[gi] = Influence{Group: g, Top: -1}
		}
		for j, in := range sm.inputs {
			rho := 0.0
			if varying {
				mu := s.su[j] / n
				vu := s.suu[j]/n - float64(mu*mu)
				cov := s.suy[j][ti]/n - float64(mu*p)
				if vu > 0 {
					rho = cov / math.Sqrt(vu*p*(1-p))
				}
			}
			inf := &t.Influence[slices.Index(groups, in.group())]
			inf.Score += rho * rho
			if inf.Top < 0 || math.Abs(rho) > math.Abs(inf.Rho) {
				inf.Top, inf.Rho = j, rho
			}
		}
		for gi := range groups {
			inf := t.Influence[gi]
			if !varying {
				continue
			}
			mean[gi] += inf.Score
			if best[gi].Target < 0 || inf.Score > best[gi].Max {
				best[gi].Max, best[gi].Target, best[gi].Top, best[gi].Rho = inf.Score, ti, inf.Top, inf.Rho
			}
		}
		sort.SliceStable(t.Influence, func(a, b int) bool { return t.Influence[a].Score > t.Influence[b].Score })
	}
	for gi := range groups {
		if res.Varying > 0 {
			best[gi].Mean = mean[gi] / float64(res.Varying)
		}
		res.Issues = append(res.Issues, best[gi])
	}
	sort.SliceStable(res.Issues, func(a, b int) bool { return res.Issues[a].Mean > res.Issues[b].Mean })
}

// String names the input: "ua utility crimea=reserved", "ua weight crimea"
// or "ua batna".
func (in Input) String() string {
	switch in.Kind {
	case KindUtility:
		return in.Party + " utility " + in.Issue + "=" + in.Option
	case KindWeight:
		return in.Party + " weight " + in.Issue
	}
	return in.Party + " batna"
}
