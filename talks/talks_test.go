package talks

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/scenario"
	"github.com/accord-peace/accord/scenarios"
)

func reference(t testing.TB) *accord.Scenario {
	t.Helper()
	data, err := scenarios.FS.ReadFile(scenarios.ReferenceScenario)
	if err != nil {
		t.Fatal(err)
	}
	s, err := scenario.Parse("reference", data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// opened opens a negotiation on the public part of s and submits every
// party's position from s.
func opened(t testing.TB, s *accord.Scenario, method string) *Negotiation {
	t.Helper()
	pub := *s
	pub.Positions = nil
	n, err := Open(Event{Type: TypeOpened, Negotiation: "talks", Mediator: "mediator", Method: method, MaxRequests: 2}, &pub)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range sortedKeys(s.Positions) {
		must(t, n.Apply(Event{Type: TypePosition, Negotiation: "talks", Party: p, Version: 1,
			Commitment: Commit(NewSalt(), []byte(p)), Position: s.Positions[p]}))
	}
	return n
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// answerAll has every party with a position answer the round on the
// table as Respond does, then closes the round when it closes by itself.
func answerAll(t testing.TB, n *Negotiation, s *accord.Scenario) {
	t.Helper()
	r := n.Current()
	for _, p := range sortedKeys(s.Positions) {
		a := Respond(n.Public, p, s.Positions[p], r.Text)
		must(t, n.Apply(Event{Type: TypeAnswer, Negotiation: n.ID, Party: p, Round: r.N, Commitment: Commit(NewSalt(), []byte("a")), Answer: &a}))
	}
	evs, auto := n.Closing()
	if !auto {
		t.Fatalf("round %d does not close by itself once every veto party answered", r.N)
	}
	for _, e := range evs {
		must(t, n.Apply(e))
	}
}

// TestReferenceRounds runs the reference negotiation from the 28-point
// plan: the plan is not acceptable to all, the bridge from it is, every
// veto party accepts it, and the negotiation concludes on it.
func TestReferenceRounds(t *testing.T) {
	s := reference(t)
	n := opened(t, s, MethodBridge)
	plan, _ := s.Proposal("us-28-points")
	d, err := n.NewDraft("", MethodMediator, plan.Choices)
	must(t, err)
	must(t, n.Apply(d))
	if *d.AcceptableToAll {
		t.Fatal("the 28-point plan is acceptable to all on the reference positions; the script expects it not to be")
	}
	answerAll(t, n, s)
	if n.Concluded != nil {
		t.Fatal("concluded on a text not every veto party accepts")
	}
	// The bridge equals `accord bridge` on the joined scenario.
	p, err := n.Propose(MethodBridge, negotiate.Options{})
	must(t, err)
	want := negotiate.Compile(s).BridgeProposal(plan, negotiate.Options{})
	if !maps.Equal(p.Text, want.Package) || len(p.Changed) != want.Changes {
		t.Fatalf("bridge proposal %v (%d changes); accord bridge gives %v (%d)", p.Text, len(p.Changed), want.Package, want.Changes)
	}
	d, err = n.NewDraft("", p.Method, p.Text)
	must(t, err)
	must(t, n.Apply(d))
	if !*d.AcceptableToAll {
		t.Fatal("the bridge is not acceptable to all")
	}
	answerAll(t, n, s)
	if n.Concluded == nil || n.Concluded.Round != 2 || !maps.Equal(n.Concluded.Package, want.Package) {
		t.Fatalf("concluded = %+v, want round 2 on the bridge", n.Concluded)
	}
	if r := n.Rounds[1]; len(r.Provisional) != len(s.Tracks) {
		t.Errorf("round 2 agreed %v provisionally; want every track", r.Provisional)
	}
	// Round 1 put every track on the table: each sequencing cycle is
	// warned of.
	cycles := negotiate.SequencingCycles(s)
	if w := n.ForMediator().Rounds[0].Warnings; len(cycles) == 0 || len(w) != len(cycles) || !strings.Contains(w[0], "waits on a sequencing cycle") {
		t.Errorf("round 1 warns %q; the positions have %d sequencing cycle(s)", w, len(cycles))
	}
	// The common-security proposal equals `accord solve`'s.
	n2 := opened(t, s, MethodCommon)
	p2, err := n2.Propose("", negotiate.Options{})
	must(t, err)
	sol, err := negotiate.Compile(s).Solve(negotiate.ConceptCommon, negotiate.Options{})
	must(t, err)
	if !maps.Equal(p2.Text, sol.Package) {
		t.Fatalf("common-security proposal %v; accord solve gives %v", p2.Text, sol.Package)
	}
	// Nothing more after the conclusion.
	if _, err := n.NewDraft("", MethodMediator, nil); err == nil {
		t.Error("a draft after the conclusion was made")
	}
}

// TestPartyViewHoldsNothingOfOthers plants canaries in every position and
// checks a party's view holds none of the others'.
func TestPartyViewHoldsNothingOfOthers(t *testing.T) {
	s := reference(t)
	n := opened(t, s, MethodBridge)
	plan, _ := s.Proposal("us-28-points")
	d, err := n.NewDraft("", MethodMediator, plan.Choices)
	must(t, err)
	must(t, n.Apply(d))
	answerAll(t, n, s)
	for _, p := range sortedKeys(s.Positions) {
		b, _ := json.Marshal(n.ForParty(p))
		for _, q := range sortedKeys(s.Positions) {
			if q == p {
				continue
			}
			// Another party's verdict would carry its id as "party".
			if strings.Contains(string(b), `"party":"`+q+`"`) {
				t.Errorf("%s's view names %s as a party of a verdict: %s", p, q, b)
			}
		}
	}
	mv := n.ForMediator()
	if len(mv.Rounds) != 1 || len(mv.Rounds[0].Verdicts) != len(s.Positions) || mv.Rounds[0].Acceptable == "" {
		t.Fatalf("mediator view: %+v", mv.Rounds)
	}
}

func TestApplyRefuses(t *testing.T) {
	s := reference(t)
	yes := true
	tests := []struct {
		name string
		prep func(n *Negotiation)
		e    Event
		want string
	}{
		{"unknown party", nil, Event{Type: TypePosition, Party: "xx", Version: 2, Commitment: Commit(NewSalt(), nil)}, `"xx" is not one of its parties`},
		{"version gap", nil, Event{Type: TypePosition, Party: "ua", Version: 3, Commitment: Commit(NewSalt(), nil)}, "the next version is 2"},
		{"bad commitment", nil, Event{Type: TypePosition, Party: "ua", Version: 2, Commitment: "abc"}, "64 hex digits"},
		{"answer before draft", nil, Event{Type: TypeAnswer, Party: "ua", Round: 1, Commitment: Commit(NewSalt(), nil)}, "no draft on the table"},
		{"unknown issue", nil, Event{Type: TypeDraft, Round: 1, Method: MethodMediator, Text: map[string]string{"mars": "x"}, Basis: map[string]int{}, AcceptableToAll: &yes}, `unknown issue "mars"`},
		{"stale basis", nil, Event{Type: TypeDraft, Round: 1, Method: MethodMediator, Text: map[string]string{}, Basis: map[string]int{}, AcceptableToAll: &yes}, "the latest are"},
		{"false claim", nil, Event{Type: TypeDraft, Round: 1, Method: MethodMediator, Text: map[string]string{"crimea": "dejure-ru"}, Basis: map[string]int{"ua": 1, "ru": 1, "us": 1, "eu": 1, "cn-gs": 1}, AcceptableToAll: &yes}, "the positions say false"},
		{"closed round", func(n *Negotiation) {
			d, _ := n.NewDraft("", MethodMediator, map[string]string{"crimea": "dejure-ru"})
			must(t, n.Apply(d))
			must(t, n.Apply(Event{Type: TypeRoundClosed, Negotiation: n.ID, Round: 1}))
		}, Event{Type: TypeAnswer, Party: "ua", Round: 1, Commitment: Commit(NewSalt(), nil), Answer: &Answer{Answer: AnswerAccept}}, "round 1 is closed"},
		{"objection without issues", func(n *Negotiation) {
			d, _ := n.NewDraft("", MethodMediator, map[string]string{"crimea": "dejure-ru"})
			must(t, n.Apply(d))
		}, Event{Type: TypeAnswer, Party: "ua", Round: 1, Commitment: Commit(NewSalt(), nil), Answer: &Answer{Answer: AnswerObject}}, "names the issues"},
		{"requests over the cap", func(n *Negotiation) {
			d, _ := n.NewDraft("", MethodMediator, map[string]string{"crimea": "dejure-ru"})
			must(t, n.Apply(d))
			for range 2 {
				must(t, n.Apply(Event{Type: TypeRequest, Negotiation: n.ID, Party: "ua", Round: 1, Commitment: Commit(NewSalt(), nil), Request: &Request{Text: map[string]string{}}}))
			}
		}, Event{Type: TypeRequest, Party: "ua", Round: 1, Commitment: Commit(NewSalt(), nil), Request: &Request{Text: map[string]string{}}}, "the most the mediator allows"},
		{"scope changes another track", func(n *Negotiation) {
			d, _ := n.NewDraft("", MethodMediator, map[string]string{"crimea": "dejure-ru"})
			must(t, n.Apply(d))
			must(t, n.Apply(Event{Type: TypeRoundClosed, Negotiation: n.ID, Round: 1}))
		}, Event{Type: TypeDraft, Round: 2, Scope: "ceasefire", Method: MethodMediator, Text: map[string]string{"crimea": "defacto-reserved"}}, "changes issue crimea of track territory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := opened(t, s, MethodBridge)
			if tc.prep != nil {
				tc.prep(n)
			}
			before, _ := json.Marshal(n.ForMediator())
			tc.e.Negotiation = n.ID
			err := n.Apply(tc.e)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Apply = %v, want an error with %q", err, tc.want)
			}
			after, _ := json.Marshal(n.ForMediator())
			if string(before) != string(after) {
				t.Error("a refused event changed the state")
			}
		})
	}
}

func TestCommitOpens(t *testing.T) {
	salt := NewSalt()
	c := Commit(salt, []byte("batna: 35\n"))
	if err := Opens(c, salt, []byte("batna: 35\n")); err != nil {
		t.Fatal(err)
	}
	if err := Opens(c, salt, []byte("batna: 36\n")); err == nil {
		t.Fatal("a changed position opens the commitment")
	}
	if err := Opens(c, NewSalt(), []byte("batna: 35\n")); err == nil {
		t.Fatal("another salt opens the commitment")
	}
}

func TestLeakCountsAcceptableTexts(t *testing.T) {
	s := reference(t)
	n := opened(t, s, MethodBridge)
	plan, _ := s.Proposal("us-28-points")
	d, _ := n.NewDraft("", MethodMediator, plan.Choices)
	must(t, n.Apply(d))
	answerAll(t, n, s)
	if l := n.ForMediator().Rounds[0].Leak["ua"]; l.Options != 0 {
		t.Fatalf("a text not acceptable to all determined %d options", l.Options)
	}
	p, _ := n.Propose(MethodBridge, negotiate.Options{})
	d, _ = n.NewDraft("", MethodBridge, p.Text)
	must(t, n.Apply(d))
	l := n.ForMediator().Rounds[1].Leak["ua"]
	if l.Options != len(s.Issues) || l.RedLines != 3*len(s.Issues) {
		t.Fatalf("after an acceptable complete text ua knows %+v; want %d options, %d triples (3 other veto parties)", l, len(s.Issues), 3*len(s.Issues))
	}
	if cn := n.ForMediator().Rounds[1].Leak["cn-gs"]; cn.RedLines != 4*len(s.Issues) {
		t.Fatalf("cn-gs (no veto) knows %+v; want %d triples of the 4 veto parties", cn, 4*len(s.Issues))
	}
}

// TestMediatorFiguresPerBasis: the acceptable set's size and the
// concessions are the same whether computed per round or once per basis,
// and a count beyond the negotiation's budget is reported as bounds.
func TestMediatorFiguresPerBasis(t *testing.T) {
	s := reference(t)
	n := opened(t, s, MethodBridge)
	plan, _ := s.Proposal("us-28-points")
	d, err := n.NewDraft("", MethodMediator, plan.Choices)
	must(t, err)
	must(t, n.Apply(d))
	answerAll(t, n, s)
	p, err := n.Propose(MethodBridge, negotiate.Options{})
	must(t, err)
	d, err = n.NewDraft("", MethodBridge, p.Text)
	must(t, err)
	must(t, n.Apply(d))
	mv := n.ForMediator()
	m := negotiate.Compile(s)
	want := m.CountAcceptable(negotiate.Options{})
	if !want.Exact {
		t.Fatal("the reference's count is not exact")
	}
	for _, r := range mv.Rounds {
		if r.Acceptable != want.Value.String() {
			t.Errorf("round %d: acceptable %s, want %s", r.Round, r.Acceptable, want.Value)
		}
		for _, v := range m.Evaluate(proposal("text", r.Text)).Parties {
			best, _ := bestAlone(s, v.Party)
			if c := max(0, best-v.Utility); r.Concessions[v.Party] != c {
				t.Errorf("round %d: %s concedes %v, want %v", r.Round, v.Party, r.Concessions[v.Party], c)
			}
		}
	}
	small := opened(t, s, MethodBridge)
	small.CountBudget = 100
	d, err = small.NewDraft("", MethodMediator, plan.Choices)
	must(t, err)
	must(t, small.Apply(d))
	lo, hi, ok := strings.Cut(small.ForMediator().Rounds[0].Acceptable, "..")
	if !ok || lo == hi {
		t.Fatalf("a count over its budget: %q, want bounds", small.ForMediator().Rounds[0].Acceptable)
	}
}

// TestRequestEvaluatedOnItsVersion: a party that revised its position
// after the draft and asks about a text is told whether every veto party
// accepts it on the latest positions — its new version among them — and
// its own evaluation on that same version, not on the draft's.
func TestRequestEvaluatedOnItsVersion(t *testing.T) {
	s := reference(t)
	n := opened(t, s, MethodBridge)
	d, err := n.NewDraft("", MethodMediator, map[string]string{"crimea": "defacto-reserved"})
	must(t, err)
	must(t, n.Apply(d))
	// ua drops its red line on crimea.
	v2 := *s.Positions["ua"]
	v2.Issues = maps.Clone(v2.Issues)
	crimea := v2.Issues["crimea"]
	crimea.RedLines = nil
	v2.Issues["crimea"] = crimea
	must(t, n.Apply(Event{Type: TypePosition, Negotiation: n.ID, Party: "ua", Version: 2, Commitment: Commit(NewSalt(), nil), Position: &v2}))
	must(t, n.Apply(Event{Type: TypeRequest, Negotiation: n.ID, Party: "ua", Round: 1, Commitment: Commit(NewSalt(), nil),
		Request: &Request{Text: map[string]string{"crimea": "dejure-ru"}}}))
	q := n.ForParty("ua").Requests[0]
	if q.Evaluation == nil || len(q.Evaluation.RedLines) != 0 {
		t.Fatalf("ua's request is evaluated on its version 1 (red lines %v), not on version 2, which the mediator's answer used", q.Evaluation)
	}
}
