package robust

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/scenario"
)

// decided is a scenario where one issue's range decides everything: the
// proposal is accepted exactly when a's utility for x=yes, uniform in
// [0, 100], reaches a's batna of 50. Every other range is either beside
// the point (b's batna and y's utilities leave b well above its batna, c
// has no veto, a's weight on y is 0) or on an option not chosen.
const decided = `id: decided
parties:
  - {id: a, veto: true}
  - {id: b, veto: true}
  - {id: c}
tracks: [{id: t}]
issues:
  - {id: x, track: t, options: [{id: yes}, {id: no}]}
  - {id: y, track: t, options: [{id: p}, {id: q}]}
positions:
  a:
    batna: 50
    issues:
      x: {weight: 1, utility: {yes: [0, 100], no: [0, 20]}}
      y: {weight: 0, utility: {p: [0, 100]}}
  b:
    batna: [0, 10]
    issues:
      y: {weight: [1, 3], utility: {p: [60, 100], q: 0}}
      x: {weight: [0, 1], utility: {yes: 100, no: 100}}
  c:
    batna: [0, 100]
    issues:
      x: {weight: 1, utility: {yes: [0, 100]}}
proposals:
  - {id: deal, choices: {x: yes, y: p}}
  - {id: half, choices: {x: yes}}
  - {id: never, choices: {x: no, y: q}}
`

func parse(t testing.TB, src string) *accord.Scenario {
	t.Helper()
	s, err := scenario.Parse("test.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestKnownAnswer(t *testing.T) {
	s := parse(t, decided)
	res, err := Run(context.Background(), s, Options{Runs: 40000, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Target{}
	for _, tg := range res.Targets {
		byID[tg.Kind+" "+tg.ID] = tg
	}
	for _, id := range []string{"proposal deal", "proposal half"} {
		tg := byID[id]
		if math.Abs(tg.Probability-0.5) > 4*tg.StdErr {
			t.Errorf("%s: p = %v ± %v, want 0.5", id, tg.Probability, tg.StdErr)
		}
		if !tg.PointAccepted {
			t.Errorf("%s: not accepted at the midpoints (50 ≥ 50)", id)
		}
		top := tg.Influence[0]
		if top.Group != (Group{Issue: "x"}) || math.Abs(top.Score-0.75) > 0.02 {
			t.Errorf("%s: top influence %+v, want x at 0.75", id, top)
		}
		if in := res.Inputs[top.Top]; in != (Input{Party: "a", Kind: KindUtility, Issue: "x", Option: "yes", Lo: 0, Hi: 100}) || top.Rho < 0.8 {
			t.Errorf("%s: top input %+v ρ %v", id, in, top.Rho)
		}
		for _, inf := range tg.Influence[1:] {
			if inf.Score > 0.002 {
				t.Errorf("%s: %v has influence %v, want about 0", id, inf.Group, inf.Score)
			}
		}
	}
	if tg := byID["proposal never"]; tg.Probability != 0 || tg.PointAccepted || tg.Influence[0].Score != 0 {
		t.Errorf("never: %+v", tg)
	}
	if tg := byID["proposal half"]; !tg.Partial || byID["proposal deal"].Partial {
		t.Errorf("partial flags wrong")
	}
	if res.Issues[0].Group != (Group{Issue: "x"}) || res.Issues[0].Mean < 0.7 {
		t.Errorf("issues ranking %+v", res.Issues)
	}
	for _, c := range negotiate.Concepts {
		if _, ok := byID["solution "+c]; !ok {
			t.Errorf("no solution %s", c)
		}
	}
}

// The same seed gives the same result, byte for byte, for any number of
// workers and any GOMAXPROCS; another seed gives another result.
func TestReproducible(t *testing.T) {
	s := parse(t, decided)
	run := func(procs, workers int, seed uint64) []byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		res, err := Run(context.Background(), s, Options{Runs: 3000, Seed: seed, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	one := run(1, 0, 42)
	for _, c := range [][2]int{{4, 0}, {4, 4}, {2, 3}, {1, 7}} {
		if got := run(c[0], c[1], 42); string(got) != string(one) {
			t.Errorf("GOMAXPROCS %d, %d workers: result differs from one thread\n%s\n%s", c[0], c[1], got, one)
		}
	}
	if string(run(4, 0, 43)) == string(one) {
		t.Errorf("seeds 42 and 43 give the same result")
	}
}

// The fast acceptance check agrees with negotiate.Evaluate on the scenario
// with the drawn values, run by run, on random scenarios with ranges,
// partial proposals, red lines and interactions.
func TestAgreesWithEvaluate(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		s := randRanged(seed)
		res, err := Run(context.Background(), s, Options{Runs: 1, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		sm := &sim{model: negotiate.Compile(s), inputs: Inputs(s)}
		for _, in := range sm.inputs {
			sm.slots = append(sm.slots, locate(s, in))
		}
		var props []*accord.Proposal
		for _, tg := range res.Targets {
			sm.targets = append(sm.targets, sm.compileTarget(tg.Package))
			props = append(props, &accord.Proposal{ID: tg.ID, Choices: tg.Package})
		}
		st := sm.newState()
		pcg := rand.NewPCG(0, 0)
		r := rand.New(pcg)
		for i := range 30 {
			pcg.Seed(seed, seedFor(i))
			st.draw(r, sm)
			st.accept(sm)
			drawn := withValues(s, sm, st)
			m := negotiate.Compile(drawn)
			for ti, p := range props {
				if want := m.Evaluate(p).AcceptedByVeto; st.ok[ti] != want {
					t.Fatalf("seed %d run %d target %s: accepted %v, Evaluate says %v", seed, i, p.ID, st.ok[ti], want)
				}
			}
		}
		// Without draws (the midpoints), the point acceptance is Evaluate's.
		m := negotiate.Compile(s)
		for ti, p := range props {
			if res.Targets[ti].PointAccepted != m.Evaluate(p).AcceptedByVeto {
				t.Errorf("seed %d %s: point acceptance differs from Evaluate", seed, p.ID)
			}
		}
	}
}

// withValues is s with the state's drawn values written into its positions.
func withValues(s *accord.Scenario, sm *sim, st *state) *accord.Scenario {
	c := *s
	c.Positions = map[string]*accord.Position{}
	for pid, p := range s.Positions {
		cp := *p
		cp.Issues = maps.Clone(p.Issues)
		for k, ip := range cp.Issues {
			ip.Utility = maps.Clone(ip.Utility)
			cp.Issues[k] = ip
		}
		c.Positions[pid] = &cp
	}
	for j, in := range sm.inputs {
		sl := sm.slots[j]
		p := c.Positions[in.Party]
		switch in.Kind {
		case KindBATNA:
			p.BATNA = st.batna[sl.party]
		case KindWeight:
			ip := p.Issues[in.Issue]
			ip.Weight = st.weight[sl.party][sl.issue]
			p.Issues[in.Issue] = ip
		case KindUtility:
			p.Issues[in.Issue].Utility[in.Option] = st.raw[sl.party][sl.issue][sl.option]
		}
	}
	return &c
}

// randRanged is a random scenario, written as YAML with ranges and parsed.
func randRanged(seed uint64) *accord.Scenario {
	r := rand.New(rand.NewPCG(seed, 99))
	num := func(lo, hi int) string {
		a, b := lo+r.IntN(hi-lo+1), lo+r.IntN(hi-lo+1)
		if r.IntN(2) == 0 {
			return fmt.Sprint(a)
		}
		return fmt.Sprintf("[%d, %d]", min(a, b), max(a, b))
	}
	ni, no, np := 1+r.IntN(4), 2+r.IntN(2), 2+r.IntN(3)
	src := fmt.Sprintf("id: r%d\nparties:\n", seed)
	for p := range np {
		src += fmt.Sprintf("  - {id: p%d, veto: %v}\n", p, r.IntN(4) != 0)
	}
	src += "tracks: [{id: t}]\nissues:\n"
	for i := range ni {
		src += fmt.Sprintf("  - {id: i%d, track: t, options: [", i)
		for o := range no {
			src += fmt.Sprintf("{id: o%d}, ", o)
		}
		src += "]}\n"
	}
	src += "positions:\n"
	for p := range np {
		src += fmt.Sprintf("  p%d:\n    batna: %s\n    issues:\n", p, num(0, 70))
		for i := range ni {
			src += fmt.Sprintf("      i%d: {weight: %s, utility: {", i, num(0, 5))
			for o := range no {
				src += fmt.Sprintf("o%d: %s, ", o, num(0, 100))
			}
			src += "}"
			if r.IntN(5) == 0 {
				src += fmt.Sprintf(", red_lines: [o%d]", r.IntN(no))
			}
			src += "}\n"
		}
		if r.IntN(2) == 0 {
			src += fmt.Sprintf("    interactions: [{when: {i0: o%d}, bonus: %d}]\n", r.IntN(no), r.IntN(41)-20)
		}
	}
	src += "proposals:\n"
	for j := range 4 {
		src += fmt.Sprintf("  - id: x%d\n    choices: {", j)
		for i := range ni {
			if r.IntN(4) != 0 {
				src += fmt.Sprintf("i%d: o%d, ", i, r.IntN(no))
			}
		}
		src += "}\n"
	}
	s, err := scenario.Parse("rand.yaml", []byte(src))
	if err != nil {
		panic(fmt.Sprintf("%v\n%s", err, src))
	}
	return s
}

// A scenario without ranges has no inputs: every probability is 0 or 1 and
// equals the point acceptance.
func TestNoRanges(t *testing.T) {
	s := parse(t, `id: plain
parties: [{id: a, veto: true}, {id: b, veto: true}]
tracks: [{id: t}]
issues: [{id: x, track: t, options: [{id: yes}, {id: no}]}]
positions:
  a: {batna: 50, issues: {x: {weight: 1, utility: {yes: 60}}}}
  b: {batna: 50, issues: {x: {weight: 1, utility: {yes: 40, no: 100}}}}
proposals: [{id: yes, choices: {x: yes}}, {id: no, choices: {x: no}}]
`)
	res, err := Run(context.Background(), s, Options{Runs: 100, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Inputs) != 0 || len(res.Issues) != 0 || res.Varying != 0 {
		t.Errorf("inputs %v issues %v varying %d", res.Inputs, res.Issues, res.Varying)
	}
	for _, tg := range res.Targets {
		if want := map[bool]float64{true: 1, false: 0}[tg.PointAccepted]; tg.Probability != want {
			t.Errorf("%s: p %v, point %v", tg.ID, tg.Probability, tg.PointAccepted)
		}
	}
	if !reflect.DeepEqual(res.Unsolved, negotiate.Concepts) {
		t.Errorf("unsolved %v: the acceptable set is empty", res.Unsolved)
	}
}

func TestOptions(t *testing.T) {
	s := parse(t, decided)
	if _, err := Run(context.Background(), s, Options{Runs: 0}); err == nil {
		t.Error("0 runs: no error")
	}
	var calls []int
	if _, err := Run(context.Background(), s, Options{Runs: 1000, Progress: func(done, total int) {
		if total != 1000 {
			t.Errorf("total %d", total)
		}
		calls = append(calls, done)
	}}); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 4 || calls[len(calls)-1] != 1000 {
		t.Errorf("progress calls %v", calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, s, Options{Runs: 100000}); err == nil {
		t.Error("cancelled context: no error")
	}
	// Cancelled during the runs: the workers stop and Run says so.
	ctx, cancel = context.WithCancel(context.Background())
	if _, err := Run(ctx, s, Options{Runs: 1_000_000, Progress: func(int, int) { cancel() }}); err != context.Canceled {
		t.Errorf("cancelled during the runs: %v", err)
	}
}
