package negotiate_test

// The property test against the brute-force oracle of bruteforce_test.go, its
// deterministic random generator of valid scenarios with a compact dump to
// reproduce a failing seed, and hand-written tests with known answers.
// Utilities, weights, bonuses and reservation values sit on coarse grids so
// that ties, equal utility vectors and exact batna equalities are frequent.

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/negotiate"
)

// gridValue draws a value in [0, 100]: a multiple of grid, or any real when
// grid is 0.
func gridValue(r *rand.Rand, grid int) float64 {
	if grid == 0 {
		return r.Float64() * 100
	}
	return float64(grid * r.IntN(100/grid+1))
}

func pick[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

// randScenario builds the scenario of one seed.
func randScenario(seed uint64) *accord.Scenario {
	r := rand.New(rand.NewPCG(seed, seed*0x9e3779b97f4a7c15+1))
	s := &accord.Scenario{ID: fmt.Sprintf("rand-%d", seed), Positions: map[string]*accord.Position{}}
	nt := 1 + r.IntN(4)
	for t := range nt {
		s.Tracks = append(s.Tracks, accord.Track{ID: fmt.Sprintf("t%d", t)})
	}
	ni := pick(r, 1, 2, 3, 4, 4, 5, 5, 6, 6, 6)
	opts := make([]int, ni)
	for k := range opts {
		opts[k] = pick(r, 1, 2, 3, 3, 4, 4)
	}
	// Bound the package space so the O(|A|²) oracle stays fast; a few seeds
	// get a larger space.
	limit := pick(r, 300, 800, 800, 800, 4096)
	for {
		n := 1
		for _, o := range opts {
			n *= o
		}
		if n <= limit {
			break
		}
		k := r.IntN(ni)
		if opts[k] > 1 {
			opts[k]--
		}
	}
	for k := range ni {
		is := accord.Issue{ID: fmt.Sprintf("i%d", k), Track: s.Tracks[r.IntN(nt)].ID}
		for o := range opts[k] {
			is.Options = append(is.Options, accord.Option{ID: fmt.Sprintf("o%d", o), Nature: accord.NaturePermanent})
		}
		s.Issues = append(s.Issues, is)
	}
	grid := pick(r, 10, 10, 10, 25, 50, 5, 0)
	np := 1 + r.IntN(5)
	vetoMode := r.IntN(6) // 0: nobody has a veto; 1: everybody
	for p := range np {
		veto := vetoMode == 1 || (vetoMode > 1 && r.IntN(10) < 7)
		s.Parties = append(s.Parties, accord.Party{ID: fmt.Sprintf("p%d", p), Veto: veto})
	}
	anchor := randPackage(r, s)
	for _, party := range s.Parties {
		if r.IntN(10) == 0 {
			continue // no positions entry
		}
		pos := &accord.Position{Issues: map[string]accord.IssuePosition{}}
		zeroWeights := r.IntN(10) == 0
		for _, is := range s.Issues {
			if r.IntN(10) < 2 {
				continue // no entry: weight 0
			}
			ip := accord.IssuePosition{Weight: pick(r, 0, 1, 2, 3, 0.1, 0.7, 1.3), Utility: map[string]float64{}}
			if zeroWeights {
				ip.Weight = 0
			}
			for _, o := range is.Options {
				if r.IntN(100) < 85 {
					ip.Utility[o.ID] = gridValue(r, grid)
				}
			}
			if r.IntN(100) < 22 {
				nr := 1 + r.IntN(min(2, len(is.Options)))
				for _, o := range r.Perm(len(is.Options))[:nr] {
					ip.RedLines = append(ip.RedLines, is.Options[o].ID)
				}
			}
			pos.Issues[is.ID] = ip
		}
		for range pick(r, 0, 0, 1, 2) {
			in := accord.Interaction{When: map[string]string{}}
			for range 1 + r.IntN(2) {
				is := s.Issues[r.IntN(ni)]
				in.When[is.ID] = is.Options[r.IntN(len(is.Options))].ID
			}
			if grid == 0 {
				in.Bonus = r.Float64()*60 - 30
			} else {
				in.Bonus = float64(grid * (r.IntN(7) - 3))
			}
			pos.Interactions = append(pos.Interactions, in)
		}
		if r.IntN(10) < 4 {
			for range 1 + r.IntN(3) {
				a, b := s.Tracks[r.IntN(nt)].ID, s.Tracks[r.IntN(nt)].ID
				pos.Sequencing = append(pos.Sequencing, accord.SequencingDemand{First: a, Then: b})
			}
		}
		s.Positions[party.ID] = pos
		switch b := r.IntN(20); {
		case b < 3: // default 0
		case b < 8:
			pos.BATNA = gridValue(r, max(grid, 10)) * 0.8
		default: // exactly at, below or just above the anchor's utility
			pos.BATNA = utility(s, party.ID, anchor) - float64(pick(r, 0, 0, 0, 5, 10, 20, 40, -10))
		}
	}
	if r.IntN(5) == 0 && nt >= 2 { // plant both directions of a ring: two cycles, one track set
		p := s.Parties[r.IntN(np)].ID
		if pos := s.Positions[p]; pos != nil {
			for t := range nt {
				a, b := s.Tracks[t].ID, s.Tracks[(t+1)%nt].ID
				pos.Sequencing = append(pos.Sequencing, accord.SequencingDemand{First: a, Then: b}, accord.SequencingDemand{First: b, Then: a})
			}
		}
	}
	for j := range r.IntN(4) {
		pr := accord.Proposal{ID: fmt.Sprintf("x%d", j), By: s.Parties[r.IntN(np)].ID, Choices: map[string]string{}}
		pkg := randPackage(r, s)
		if r.IntN(4) == 0 {
			pkg = anchor
		}
		partial := r.IntN(3) == 0
		for k, is := range s.Issues {
			if !partial || r.IntN(2) == 0 {
				pr.Choices[is.ID] = is.Options[pkg[k]].ID
			}
		}
		s.Proposals = append(s.Proposals, pr)
	}
	return s
}

func randPackage(r *rand.Rand, s *accord.Scenario) []int {
	pkg := make([]int, len(s.Issues))
	for k, is := range s.Issues {
		pkg[k] = r.IntN(len(is.Options))
	}
	return pkg
}

// dump renders a scenario compactly, enough to rebuild it by hand.
func dump(s *accord.Scenario) string {
	var b strings.Builder
	for _, is := range s.Issues {
		fmt.Fprintf(&b, "issue %s track=%s options=%d\n", is.ID, is.Track, len(is.Options))
	}
	for _, p := range s.Parties {
		pos := s.Positions[p.ID]
		fmt.Fprintf(&b, "party %s veto=%v", p.ID, p.Veto)
		if pos == nil {
			b.WriteString(" (no position)\n")
			continue
		}
		fmt.Fprintf(&b, " batna=%v\n", pos.BATNA)
		keys := make([]string, 0, len(pos.Issues))
		for k := range pos.Issues {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ip := pos.Issues[k]
			fmt.Fprintf(&b, "  %s w=%v u=%v red=%v\n", k, ip.Weight, ip.Utility, ip.RedLines)
		}
		for _, in := range pos.Interactions {
			fmt.Fprintf(&b, "  when %v bonus %v\n", in.When, in.Bonus)
		}
		if len(pos.Sequencing) > 0 {
			fmt.Fprintf(&b, "  seq %v\n", pos.Sequencing)
		}
	}
	for _, pr := range s.Proposals {
		fmt.Fprintf(&b, "proposal %s %v\n", pr.ID, pr.Choices)
	}
	return b.String()
}

func TestBruteForce(t *testing.T) {
	from, seeds := uint64(1), uint64(2000)
	if testing.Short() {
		seeds = 300
	}
	// ACCORD_BRUTE_SEEDS=n runs n seeds; ACCORD_BRUTE_SEED=s reruns one.
	if n, err := strconv.ParseUint(os.Getenv("ACCORD_BRUTE_SEEDS"), 10, 64); err == nil {
		seeds = n
	}
	if n, err := strconv.ParseUint(os.Getenv("ACCORD_BRUTE_SEED"), 10, 64); err == nil {
		from, seeds = n, n
	}
	start := time.Now()
	failed := 0
	var st struct{ pkgs, empty, full, noVeto, reservation, sets, noSets, cycles, smallFrontier int }
	for seed := from; seed <= seeds; seed++ {
		s := randScenario(seed)
		o := newOracle(s)
		st.pkgs += len(o.pkgs)
		switch {
		case len(o.A) == 0:
			st.empty++
			if res, size, _ := o.conflicts(); res {
				st.reservation++
			} else if size > 0 {
				st.sets++
			} else {
				st.noSets++
			}
		case len(o.A) == len(o.pkgs):
			st.full++
		}
		if len(o.veto) == 0 {
			st.noVeto++
		}
		if w, _ := cycles(s); len(w) > 0 {
			st.cycles++
		}
		if len(o.A) > 1 && o.paretoCount() < len(o.A) && o.paretoCount() > 1 {
			st.smallFrontier++
		}
		if bad := compare(s); len(bad) > 0 {
			failed++
			if failed <= 5 {
				t.Errorf("seed %d:\n  %s\nscenario:\n%s", seed, strings.Join(bad, "\n  "), dump(s))
			}
		}
	}
	t.Logf("%d seeds, %d failed, %v; %+v", seeds, failed, time.Since(start), st)
	if failed > 5 {
		t.Errorf("%d seeds failed in all (first 5 shown)", failed)
	}
}

// Builders for the hand-written scenarios.

func issue(id string, opts ...string) accord.Issue {
	is := accord.Issue{ID: id, Track: "t"}
	for _, o := range opts {
		is.Options = append(is.Options, accord.Option{ID: o})
	}
	return is
}

func ip(w float64, u map[string]float64, red ...string) accord.IssuePosition {
	return accord.IssuePosition{Weight: w, Utility: u, RedLines: red}
}

type U = map[string]float64

func hand(issues []accord.Issue, parties ...accord.Party) *accord.Scenario {
	return &accord.Scenario{ID: "hand", Tracks: []accord.Track{{ID: "t"}}, Issues: issues, Parties: parties,
		Positions: map[string]*accord.Position{}}
}

// handWant is what a tiny scenario must give; NaN skips a value.
type handWant struct {
	acceptable, pareto   int64
	nash, common, util   float64
	evals                map[string]string // proposal -> "party:utility:accepts:redlines ..."
	bridges              map[string]string // proposal -> "changes:nash"
	reservation, nosolve bool
	conflicts            string // sets as "party/issue/option,...;..."
}

func checkHand(t *testing.T, name string, s *accord.Scenario, w handWant) {
	t.Helper()
	for _, bad := range compare(s) { // the oracle must agree on these too
		t.Errorf("%s: engine vs oracle: %s", name, bad)
	}
	m := negotiate.Compile(s)
	o := negotiate.Options{}
	if c := m.CountAcceptable(o); c.Value == nil || c.Value.Cmp(big.NewInt(w.acceptable)) != 0 {
		t.Errorf("%s: acceptable %v, want %d", name, c.Value, w.acceptable)
	}
	if c, _ := m.ParetoFrontier(o, 10); c.Value == nil || c.Value.Cmp(big.NewInt(w.pareto)) != 0 {
		t.Errorf("%s: pareto %v, want %d", name, c.Value, w.pareto)
	}
	for concept, want := range map[string]float64{"nash": w.nash, "common": w.common, "utilitarian": w.util} {
		sol, err := m.Solve(concept, o)
		switch {
		case err != nil || (sol == nil) != w.nosolve:
			t.Errorf("%s: %s solution %+v, err %v", name, concept, sol, err)
		case sol != nil && !math.IsNaN(want) && !relEq(sol.Value, want):
			t.Errorf("%s: %s value %v, want %v", name, concept, sol.Value, want)
		}
	}
	for id, want := range w.evals {
		pr, _ := s.Proposal(id)
		var got []string
		for _, v := range m.Evaluate(pr).Parties {
			got = append(got, fmt.Sprintf("%s:%g:%v:%s", v.Party, v.Utility, v.Accepts, strings.Join(v.RedLines, ",")))
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s: proposal %s evaluates to %q, want %q", name, id, strings.Join(got, " "), want)
		}
	}
	for id, want := range w.bridges {
		pr, _ := s.Proposal(id)
		got := "nil"
		if b := m.BridgeProposal(pr, o); b != nil {
			got = fmt.Sprintf("%d:%g", b.Changes, b.Nash)
		}
		if got != want {
			t.Errorf("%s: bridge of %s is %s, want %s", name, id, got, want)
		}
	}
	if w.acceptable == 0 {
		c := m.Conflicts(o)
		var sets []string
		for _, set := range c.Sets {
			var ls []string
			for _, l := range set {
				ls = append(ls, l.Party+"/"+l.Issue+"/"+l.Option)
			}
			sets = append(sets, strings.Join(ls, ","))
		}
		if c.Reservation != w.reservation || strings.Join(sets, ";") != w.conflicts {
			t.Errorf("%s: conflicts %+v, want reservation %v sets %q", name, c, w.reservation, w.conflicts)
		}
	}
}

func TestHandNoVeto(t *testing.T) {
	// Nobody has a veto: A is all 2·3 = 6 packages, no one dominates, the
	// Nash product is the empty product 1 and the utilitarian sum is 0.
	s := hand([]accord.Issue{issue("i", "a", "b"), issue("j", "x", "y", "z")},
		accord.Party{ID: "p"}, accord.Party{ID: "q"})
	s.Positions["p"] = &accord.Position{BATNA: 90, Issues: map[string]accord.IssuePosition{"i": ip(1, U{"a": 100}, "b")}}
	s.Proposals = []accord.Proposal{{ID: "x", Choices: map[string]string{"i": "b", "j": "z"}}}
	// p scores (b, z) 0 and crosses its red line; q has no position.
	checkHand(t, "no veto", s, handWant{acceptable: 6, pareto: 6, nash: 1, common: math.NaN(), util: 0,
		evals: map[string]string{"x": "p:0:false:i"}, bridges: map[string]string{"x": "0:1"}})
	// No issue at all: one (empty) package.
	checkHand(t, "no issue", hand(nil, accord.Party{ID: "p"}), handWant{acceptable: 1, pareto: 1, nash: 1, common: math.NaN()})
	// A veto party without position, no issue: U = 0 ≥ batna 0, so A = 1,
	// g = 1 (M = batna), Nash 0·… = 0.
	checkHand(t, "no issue, veto", hand(nil, accord.Party{ID: "v", Veto: true}), handWant{acceptable: 1, pareto: 1, nash: 0, common: 1, util: 0})
	// The same with batna 5: nothing meets it even without red lines.
	s = hand(nil, accord.Party{ID: "v", Veto: true})
	s.Positions["v"] = &accord.Position{BATNA: 5}
	checkHand(t, "no issue, batna", s, handWant{nosolve: true, nash: math.NaN(), common: math.NaN(), util: math.NaN(), reservation: true})
}

func TestHandNoPositionAndZeroWeights(t *testing.T) {
	// ghost (veto, no position) has U = 0 = batna and accepts everything.
	// a: U = u_i on i∈{x: 100, y: 50}, batna 60, so A = {x}.
	// Nash (100−60)·(0−0) = 0; utilitarian 100 + 0; common: M_a = 100 gives
	// g_a = 1 and M_ghost = batna gives g = 1.
	s := hand([]accord.Issue{issue("i", "x", "y")}, accord.Party{ID: "a", Veto: true}, accord.Party{ID: "ghost", Veto: true})
	s.Positions["a"] = &accord.Position{BATNA: 60, Issues: map[string]accord.IssuePosition{"i": ip(1, U{"x": 100, "y": 50})}}
	s.Proposals = []accord.Proposal{{ID: "y", Choices: map[string]string{"i": "y"}}}
	checkHand(t, "no position", s, handWant{acceptable: 1, pareto: 1, nash: 0, common: 1, util: 100,
		evals: map[string]string{"y": "a:50:false:"}, bridges: map[string]string{"y": "1:0"}})

	// z has weights all zero, batna 0 and bonus −10 when i = x: it accepts
	// exactly i ≠ x. a: U = (u_i + u_j)/2, batna 50:
	//   (x,m) 50 (x,n) 100 (y,m) 20 (y,n) 70 (w,m) 35 (w,n) 85.
	// A = {(y,n), (w,n)}; z is 0 on both, so (w,n) dominates: pareto 1.
	// Nash 35·0 = 0, utilitarian 85, common min(1, 1) = 1.
	s = hand([]accord.Issue{issue("i", "x", "y", "w"), issue("j", "m", "n")}, accord.Party{ID: "a", Veto: true}, accord.Party{ID: "z", Veto: true})
	s.Positions["a"] = &accord.Position{BATNA: 50, Issues: map[string]accord.IssuePosition{
		"i": ip(2, U{"x": 100, "y": 40, "w": 70}), "j": ip(2, U{"m": 0, "n": 100})}}
	s.Positions["z"] = &accord.Position{Issues: map[string]accord.IssuePosition{"i": ip(0, U{"x": 100}), "j": ip(0, U{"n": 100})},
		Interactions: []accord.Interaction{{When: map[string]string{"i": "x"}, Bonus: -10}}}
	s.Proposals = []accord.Proposal{
		{ID: "jn", Choices: map[string]string{"j": "n"}}, // partial: a scores 100 on j alone; z's bonus needs i
		{ID: "ix", Choices: map[string]string{"i": "x"}}, // partial: a 100, z −10
		{ID: "xm", Choices: map[string]string{"i": "x", "j": "m"}},
	}
	checkHand(t, "zero weights", s, handWant{acceptable: 2, pareto: 1, nash: 0, common: 1, util: 85,
		evals:   map[string]string{"jn": "a:100:true: z:0:true:", "ix": "a:100:true: z:-10:false:", "xm": "a:50:true: z:-10:false:"},
		bridges: map[string]string{"xm": "2:0", "jn": "nil"}})
}

func TestHandRedLineInteraction(t *testing.T) {
	// r: u{x: 0, y: 40}, red line x, bonus +100 when i = x.
	// batna 30: x is out (red line, though worth 100), y = 40: A = {y},
	// Nash 10. The proposal x scores 100 yet is refused for its red line.
	mk := func(b float64) *accord.Scenario {
		s := hand([]accord.Issue{issue("i", "x", "y")}, accord.Party{ID: "r", Veto: true})
		s.Positions["r"] = &accord.Position{BATNA: b, Issues: map[string]accord.IssuePosition{"i": ip(1, U{"x": 0, "y": 40}, "x")},
			Interactions: []accord.Interaction{{When: map[string]string{"i": "x"}, Bonus: 100}}}
		s.Proposals = []accord.Proposal{{ID: "px", Choices: map[string]string{"i": "x"}}}
		return s
	}
	checkHand(t, "red bonus", mk(30), handWant{acceptable: 1, pareto: 1, nash: 10, common: 1, util: 40,
		evals: map[string]string{"px": "r:100:false:i"}, bridges: map[string]string{"px": "1:10"}})
	// batna 40: y meets it exactly (tolerance), Nash 0; common g = 1 (M = batna).
	checkHand(t, "red bonus, exact batna", mk(40), handWant{acceptable: 1, pareto: 1, nash: 0, common: 1, util: 40,
		evals: map[string]string{"px": "r:100:false:i"}, bridges: map[string]string{"px": "1:0"}})
	// batna 50: y = 40 fails, x is a red line: A is empty; lifting r's red
	// line x lets x (100) in, a conflict of size 1.
	checkHand(t, "red bonus, conflict", mk(50), handWant{nosolve: true, nash: math.NaN(), common: math.NaN(), util: math.NaN(),
		evals: map[string]string{"px": "r:100:false:i"}, bridges: map[string]string{"px": "nil"}, conflicts: "r/i/x"})
	// batna 150: nothing reaches it even without red lines: reservation.
	checkHand(t, "red bonus, reservation", mk(150), handWant{nosolve: true, nash: math.NaN(), common: math.NaN(), util: math.NaN(),
		reservation: true})
}

func TestHandSequencing(t *testing.T) {
	// p: a→a (self-loop), a→b, b→c, b→a; q: b→a, c→a, c→b, a→c.
	// Cycles by track set: {a} (a→a), {a,b}, {a,c}, {b,c}, and {a,b,c} once
	// although both a→b→c→a and a→c→b→a close it.
	s := &accord.Scenario{Tracks: []accord.Track{{ID: "a"}, {ID: "b"}, {ID: "c"}},
		Parties:   []accord.Party{{ID: "p"}, {ID: "q"}, {ID: "r"}},
		Positions: map[string]*accord.Position{}}
	d := func(f, t string) accord.SequencingDemand { return accord.SequencingDemand{First: f, Then: t} }
	s.Positions["p"] = &accord.Position{Sequencing: []accord.SequencingDemand{d("a", "a"), d("a", "b"), d("b", "c"), d("b", "a")}}
	s.Positions["q"] = &accord.Position{Sequencing: []accord.SequencingDemand{d("b", "a"), d("c", "a"), d("c", "b"), d("a", "c")}}
	var got []string
	for _, c := range negotiate.SequencingCycles(s) {
		var es []string
		for _, e := range c.Edges {
			es = append(es, e.First+">"+e.Then+"("+strings.Join(e.Parties, ",")+")")
		}
		got = append(got, strings.Join(c.Tracks, ",")+": "+strings.Join(es, " "))
	}
	want := []string{"a: a>a(p)", "a,b: a>b(p) b>a(p,q)", "a,b,c", "a,c: a>c(q) c>a(q)", "b,c: b>c(p) c>b(q)"}
	if len(got) != len(want) {
		t.Fatalf("cycles %q, want %q", got, want)
	}
	for i := range want {
		if i != 2 && got[i] != want[i] || i == 2 && !strings.HasPrefix(got[i], "a,b,c: ") {
			t.Errorf("cycle %d: %q, want %q", i, got[i], want[i])
		}
	}
	if bad := compare(s); len(bad) > 0 {
		t.Errorf("engine vs oracle: %v", bad)
	}
}
