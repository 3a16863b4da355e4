package negotiate_test

// An independent brute-force reference for package negotiate, written from
// docs/scenario.md alone: it enumerates every package of an *accord.Scenario
// and computes each result by definition. Property tests compare the engine
// with it on random scenarios (randscenario_test.go).

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"sort"
	"strings"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/negotiate"
)

const tol = 1e-9 // spec: absolute tolerance of every comparison

func geq(a, b float64) bool { return a >= b-tol }
func gt(a, b float64) bool  { return a > b+tol }

// relEq compares reported values with a relative tolerance of 1e-9.
func relEq(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*max(1, math.Abs(a), math.Abs(b))
}

func issueIndex(s *accord.Scenario, id string) int {
	for k, is := range s.Issues {
		if is.ID == id {
			return k
		}
	}
	panic("unknown issue " + id)
}

// utility is U_i on the decided issues of ch (ch[k] < 0: undecided): weights
// renormalised over the decided issues, a missing option worth 0, and the
// bonus of every interaction whose pairs all hold on decided issues. For a
// complete package this is U_i(p) of the spec.
func utility(s *accord.Scenario, party string, ch []int) float64 {
	pos := s.Positions[party]
	if pos == nil {
		return 0
	}
	sum, u := 0.0, 0.0
	for k, is := range s.Issues {
		if ch[k] >= 0 {
			sum += pos.Issues[is.ID].Weight
		}
	}
	for k, is := range s.Issues {
		if ch[k] >= 0 {
			ip := pos.Issues[is.ID]
			u += ip.Weight * ip.Utility[is.Options[ch[k]].ID]
		}
	}
	if sum > 0 { // Σ (w/sum)·u, rounded differently from the engine on purpose
		u /= sum
	}
	for _, in := range pos.Interactions {
		holds := true
		for iss, opt := range in.When {
			k := issueIndex(s, iss)
			if ch[k] < 0 || s.Issues[k].Options[ch[k]].ID != opt {
				holds = false
			}
		}
		if holds {
			u += in.Bonus
		}
	}
	return u
}

// redIssues lists the decided issues whose option is one of party's red lines.
func redIssues(s *accord.Scenario, party string, ch []int) []string {
	out := []string{}
	if pos := s.Positions[party]; pos != nil {
		for k, is := range s.Issues {
			if ch[k] >= 0 && slices.Contains(pos.Issues[is.ID].RedLines, is.Options[ch[k]].ID) {
				out = append(out, is.ID)
			}
		}
	}
	return out
}

func batna(s *accord.Scenario, party string) float64 {
	if pos := s.Positions[party]; pos != nil {
		return pos.BATNA
	}
	return 0
}

type oracle struct {
	s     *accord.Scenario
	veto  []string
	pkgs  [][]int     // every package, by mixed-radix index
	u     [][]float64 // [package][veto party] utility
	okB   []bool      // every veto party's batna is met (red lines ignored)
	inA   []bool
	A     []int // the acceptable set
	M     []float64
	b     []float64
	radix []int
}

func newOracle(s *accord.Scenario) *oracle {
	o := &oracle{s: s}
	for _, p := range s.Parties {
		if p.Veto {
			o.veto = append(o.veto, p.ID)
			o.b = append(o.b, batna(s, p.ID))
		}
	}
	for _, is := range s.Issues {
		o.radix = append(o.radix, len(is.Options))
	}
	cur := make([]int, len(s.Issues))
	for { // odometer; the empty product gives one package
		o.pkgs = append(o.pkgs, slices.Clone(cur))
		k := len(cur) - 1
		for ; k >= 0; k-- {
			if cur[k]++; cur[k] < o.radix[k] {
				break
			}
			cur[k] = 0
		}
		if k < 0 {
			break
		}
	}
	o.M = make([]float64, len(o.veto))
	for i := range o.M {
		o.M[i] = math.Inf(-1)
	}
	for p, pkg := range o.pkgs {
		vec := make([]float64, len(o.veto))
		ok, red := true, false
		for j, v := range o.veto {
			vec[j] = utility(s, v, pkg)
			ok = ok && geq(vec[j], o.b[j])
			red = red || len(redIssues(s, v, pkg)) > 0
		}
		o.u = append(o.u, vec)
		o.okB = append(o.okB, ok)
		o.inA = append(o.inA, ok && !red)
		if ok && !red {
			o.A = append(o.A, p)
			for j := range vec {
				o.M[j] = max(o.M[j], vec[j])
			}
		}
	}
	return o
}

// index returns the package index of an engine package, or -1 if malformed.
func (o *oracle) index(pkg map[string]string) int {
	if len(pkg) != len(o.s.Issues) {
		return -1
	}
	idx := 0
	for k, is := range o.s.Issues {
		c := is.OptionIndex(pkg[is.ID])
		if c < 0 {
			return -1
		}
		idx = idx*o.radix[k] + c
	}
	return idx
}

func (o *oracle) nash(p int) float64 {
	v := 1.0
	for j := range o.veto {
		v *= o.u[p][j] - o.b[j]
	}
	return v
}

// nashEq compares Nash products of packages p and q: a term within tolerance
// of 0 may carry rounding noise multiplied by the other terms, so the
// tolerance scales with Π (1 + |U_i − batna_i|).
func (o *oracle) nashEq(a, b float64, p, q int) bool {
	sp, sq := 1.0, 1.0
	for j := range o.veto {
		sp *= 1 + math.Abs(o.u[p][j]-o.b[j])
		sq *= 1 + math.Abs(o.u[q][j]-o.b[j])
	}
	return math.Abs(a-b) <= 1e-9*max(sp, sq)
}

func (o *oracle) util(p int) float64 {
	v := 0.0
	for j := range o.veto {
		v += o.u[p][j]
	}
	return v
}

func (o *oracle) common(p int) float64 {
	v := math.Inf(1)
	for j := range o.veto {
		g := 1.0
		if !relEqAbs(o.M[j], o.b[j]) {
			g = (o.u[p][j] - o.b[j]) / (o.M[j] - o.b[j])
		}
		v = min(v, g)
	}
	return v
}

func relEqAbs(a, b float64) bool { return math.Abs(a-b) <= tol }

func (o *oracle) value(concept string) func(int) float64 {
	return map[string]func(int) float64{"nash": o.nash, "common": o.common, "utilitarian": o.util}[concept]
}

// best is the maximum of f over the members of set, and a member reaching it.
func best(set []int, f func(int) float64) (float64, int) {
	v, arg := math.Inf(-1), -1
	for _, p := range set {
		if x := f(p); x > v {
			v, arg = x, p
		}
	}
	return v, arg
}

func (o *oracle) dominates(q, p int) bool {
	strict := false
	for j := range o.veto {
		if !geq(o.u[q][j], o.u[p][j]) {
			return false
		}
		strict = strict || gt(o.u[q][j], o.u[p][j])
	}
	return strict
}

func (o *oracle) onFrontier(p int) bool {
	for _, q := range o.A {
		if o.dominates(q, p) {
			return false
		}
	}
	return true
}

func (o *oracle) paretoCount() int {
	n := 0
	for _, p := range o.A {
		if o.onFrontier(p) {
			n++
		}
	}
	return n
}

func hamming(a, b []int) int {
	n := 0
	for k := range a {
		if a[k] != b[k] {
			n++
		}
	}
	return n
}

// bridge: least changes from prop to a member of A, then the largest Nash.
func (o *oracle) bridge(prop []int) (int, float64, int) {
	ch := math.MaxInt
	var near []int
	for _, p := range o.A {
		switch d := hamming(o.pkgs[p], prop); {
		case d < ch:
			ch, near = d, []int{p}
		case d == ch:
			near = append(near, p)
		}
	}
	v, arg := best(near, o.nash)
	return ch, v, arg
}

// conflicts lifts every set of 1..3 veto red lines and keeps the sets of the
// least size that make A non-empty. It returns reservation = true when no
// package meets every veto batna even with no red line.
func (o *oracle) conflicts() (reservation bool, size int, sets []string) {
	s := o.s
	type rl struct{ party, issue, option string }
	var lines []rl
	for _, v := range o.veto {
		if pos := s.Positions[v]; pos != nil {
			for _, is := range s.Issues {
				for _, opt := range pos.Issues[is.ID].RedLines {
					lines = append(lines, rl{v, is.ID, opt})
				}
			}
		}
	}
	lifted := map[rl]bool{}
	acceptable := func() bool { // is A non-empty once the lifted red lines are gone?
		for p, pkg := range o.pkgs {
			if !o.okB[p] {
				continue
			}
			ok := true
			for _, l := range lines {
				if !lifted[l] && s.Issues[issueIndex(s, l.issue)].Options[pkg[issueIndex(s, l.issue)]].ID == l.option {
					ok = false
				}
			}
			if ok {
				return true
			}
		}
		return false
	}
	if !slices.Contains(o.okB, true) {
		return true, 0, []string{}
	}
	sets = []string{}
	var chosen []int
	var rec func(start, k int)
	rec = func(start, k int) {
		if len(chosen) == k {
			clear(lifted)
			var names []string
			for _, i := range chosen {
				lifted[lines[i]] = true
				names = append(names, lines[i].party+"/"+lines[i].issue+"/"+lines[i].option)
			}
			if acceptable() {
				sort.Strings(names)
				sets = append(sets, strings.Join(names, ","))
			}
			return
		}
		for i := start; i < len(lines); i++ {
			chosen = append(chosen, i)
			rec(i+1, k)
			chosen = chosen[:len(chosen)-1]
		}
	}
	for k := 1; k <= 3; k++ {
		if rec(0, k); len(sets) > 0 {
			sort.Strings(sets)
			return false, k, sets
		}
	}
	return false, 0, sets
}

// cycles: the track sets whose induced subgraph has a Hamiltonian cycle
// (a self-loop for one track), each as its sorted ids joined by ",".
func cycles(s *accord.Scenario) (sets []string, edges map[[2]string][]string) {
	edges = map[[2]string][]string{}
	for _, p := range s.Parties {
		if pos := s.Positions[p.ID]; pos != nil {
			for _, d := range pos.Sequencing {
				e := [2]string{d.First, d.Then}
				if !slices.Contains(edges[e], p.ID) {
					edges[e] = append(edges[e], p.ID)
				}
			}
		}
	}
	n := len(s.Tracks)
	for mask := 1; mask < 1<<n; mask++ {
		var ts []string
		for t := range n {
			if mask&(1<<t) != 0 {
				ts = append(ts, s.Tracks[t].ID)
			}
		}
		found := false
		var walk func(path []string)
		walk = func(path []string) {
			if len(path) == len(ts) {
				_, ok := edges[[2]string{path[len(path)-1], path[0]}]
				found = found || ok
				return
			}
			for _, x := range ts[1:] {
				if _, ok := edges[[2]string{path[len(path)-1], x}]; ok && !slices.Contains(path, x) {
					walk(append(path, x))
				}
			}
		}
		walk([]string{ts[0]})
		if found {
			slices.Sort(ts)
			sets = append(sets, strings.Join(ts, ","))
		}
	}
	sort.Strings(sets)
	return sets, edges
}

// compare runs every engine analysis on s and returns the disagreements with
// the oracle.
func compare(s *accord.Scenario) []string {
	var bad []string
	errf := func(f string, a ...any) { bad = append(bad, fmt.Sprintf(f, a...)) }
	o := newOracle(s)
	m := negotiate.Compile(s)
	opts := negotiate.Options{}

	c := m.CountAcceptable(opts)
	if !c.Exact || c.Value == nil || c.Value.Cmp(big.NewInt(int64(len(o.A)))) != 0 {
		errf("acceptable: engine %v (exact %v), oracle %d", c.Value, c.Exact, len(o.A))
	}
	pc, members := m.ParetoFrontier(opts, math.MaxInt)
	if want := o.paretoCount(); !pc.Exact || pc.Value == nil || pc.Value.Cmp(big.NewInt(int64(want))) != 0 {
		errf("pareto: engine %v (exact %v), oracle %d", pc.Value, pc.Exact, want)
	}
	sum := uint64(0) // the listed members (all of them) partition the frontier
	for _, fm := range members {
		sum += fm.Count
		p := o.index(fm.Package)
		if p < 0 || !o.inA[p] || !o.onFrontier(p) {
			errf("frontier member %v is not on the oracle's frontier", fm.Package)
			continue
		}
		for j, v := range o.veto {
			if !relEq(fm.Utilities[v], o.u[p][j]) {
				errf("frontier member %v: U_%s engine %v oracle %v", fm.Package, v, fm.Utilities[v], o.u[p][j])
			}
		}
	}
	if pc.Value != nil && pc.Value.Uint64() != sum {
		errf("frontier: member counts sum to %d, pareto %v", sum, pc.Value)
	}
	for _, concept := range negotiate.Concepts {
		sol, err := m.Solve(concept, opts)
		if err != nil || (sol == nil) != (len(o.A) == 0) {
			errf("%s: engine %v, err %v; oracle |A| = %d", concept, sol, err, len(o.A))
			continue
		}
		if sol == nil || (concept == "common" && len(o.veto) == 0) {
			continue
		}
		f := o.value(concept)
		want, arg := best(o.A, f)
		p := o.index(sol.Package)
		if p < 0 || !o.inA[p] {
			errf("%s: package %v is not acceptable", concept, sol.Package)
			continue
		}
		eq := relEq
		if concept == "nash" {
			eq = func(a, b float64) bool { return o.nashEq(a, b, p, arg) }
		}
		if !sol.Exact || !eq(sol.Value, want) || !eq(f(p), want) || !o.nashEq(sol.Nash, o.nash(p), p, p) {
			errf("%s: engine value %v (exact %v, its package %v nash %v/%v), oracle optimum %v",
				concept, sol.Value, sol.Exact, f(p), sol.Nash, o.nash(p), want)
		}
		if concept == "common" { // ties go to the larger Nash product
			var tied []int
			for _, q := range o.A {
				if geq(f(q), want) {
					tied = append(tied, q)
				}
			}
			if wn, q := best(tied, o.nash); !o.nashEq(sol.Nash, wn, p, q) {
				errf("common: tie-break nash engine %v, oracle %v", sol.Nash, wn)
			}
		}
	}
	for i := range s.Proposals {
		pr := &s.Proposals[i]
		ch := make([]int, len(s.Issues))
		var undecided []string
		for k, is := range s.Issues {
			ch[k] = -1
			if opt, ok := pr.Choices[is.ID]; ok {
				ch[k] = is.OptionIndex(opt)
			} else {
				undecided = append(undecided, is.ID)
			}
		}
		ev := m.Evaluate(pr)
		if ev.Partial != (len(undecided) > 0) || strings.Join(ev.Undecided, ",") != strings.Join(undecided, ",") {
			errf("proposal %s: partial %v undecided %v, oracle %v", pr.ID, ev.Partial, ev.Undecided, undecided)
		}
		got := map[string]negotiate.Verdict{}
		for _, v := range ev.Parties {
			got[v.Party] = v
		}
		allVeto := true
		nPos := 0
		for _, p := range s.Parties {
			if s.Positions[p.ID] == nil {
				continue
			}
			nPos++
			v, ok := got[p.ID]
			u, red := utility(s, p.ID, ch), redIssues(s, p.ID, ch)
			acc := len(red) == 0 && geq(u, batna(s, p.ID))
			allVeto = allVeto && (acc || !p.Veto)
			if !ok || !relEq(v.Utility, u) || v.Accepts != acc || v.Veto != p.Veto ||
				strings.Join(v.RedLines, ",") != strings.Join(red, ",") {
				errf("proposal %s party %s: engine %+v, oracle utility %v accepts %v red %v", pr.ID, p.ID, v, u, acc, red)
			}
		}
		if len(ev.Parties) != nPos || ev.AcceptedByVeto != allVeto {
			errf("proposal %s: %d verdicts (oracle %d), accepted_by_veto %v (oracle %v)", pr.ID, len(ev.Parties), nPos, ev.AcceptedByVeto, allVeto)
		}
		br := m.BridgeProposal(pr, opts)
		if (br != nil) != (len(undecided) == 0 && len(o.A) > 0) {
			errf("proposal %s: bridge %+v, oracle |A| = %d, undecided %v", pr.ID, br, len(o.A), undecided)
			continue
		}
		if br == nil {
			continue
		}
		wc, wn, q := o.bridge(ch)
		p := o.index(br.Package)
		if p < 0 || !o.inA[p] || hamming(o.pkgs[p], ch) != br.Changes || len(br.Changed) != br.Changes ||
			br.Changes != wc || !o.nashEq(br.Nash, wn, p, q) || !o.nashEq(o.nash(p), wn, p, q) || !br.Exact {
			errf("proposal %s: bridge %d changes nash %v (%v), oracle %d changes nash %v", pr.ID, br.Changes, br.Nash, br.Package, wc, wn)
		}
	}
	if len(o.A) == 0 {
		cf := m.Conflicts(opts)
		res, size, sets := o.conflicts()
		var gotSets []string
		for _, set := range cf.Sets {
			var names []string
			for _, l := range set {
				names = append(names, l.Party+"/"+l.Issue+"/"+l.Option)
			}
			sort.Strings(names)
			gotSets = append(gotSets, strings.Join(names, ","))
		}
		sort.Strings(gotSets)
		if cf.Reservation != res || !cf.Exact || (size > 0 && cf.MinSize != size) ||
			strings.Join(gotSets, " ") != strings.Join(sets, " ") {
			errf("conflicts: engine reservation %v size %d sets %v exact %v; oracle reservation %v size %d sets %v",
				cf.Reservation, cf.MinSize, gotSets, cf.Exact, res, size, sets)
		}
	}
	wantCycles, edges := cycles(s)
	var gotCycles []string
	for _, cy := range negotiate.SequencingCycles(s) {
		gotCycles = append(gotCycles, strings.Join(cy.Tracks, ","))
		var vs []string
		for i, e := range cy.Edges {
			ps := slices.Sorted(slices.Values(edges[[2]string{e.First, e.Then}]))
			if e.Then != cy.Edges[(i+1)%len(cy.Edges)].First || !slices.Equal(ps, e.Parties) || len(ps) == 0 {
				errf("cycle %v: bad edge %+v (demanded by %v)", cy.Tracks, e, ps)
			}
			vs = append(vs, e.First)
		}
		if slices.Sort(vs); !slices.Equal(vs, cy.Tracks) || !slices.IsSorted(cy.Tracks) {
			errf("cycle %v: edges visit %v", cy.Tracks, vs)
		}
	}
	if strings.Join(gotCycles, " ") != strings.Join(wantCycles, " ") {
		errf("cycles: engine %v, oracle %v", gotCycles, wantCycles)
	}
	a, err := m.Analyze(opts)
	if err != nil || a.Acceptable.Value.Cmp(c.Value) != 0 || a.Pareto.Value.Cmp(pc.Value) != 0 ||
		(a.Conflicts == nil) != (len(o.A) > 0) || (a.Solutions["nash"] == nil) != (len(o.A) == 0) {
		errf("analyze disagrees with the single analyses: err %v", err)
	}
	return bad
}
