package cond

import (
	"strings"
	"testing"
	"time"
)

var names = Names{
	Parties:    []string{"ru", "ua"},
	Provisions: []string{"prisoner-exchange", "withdrawal"},
	Phases:     []string{"ceasefire-30", "permanent", "reconstruction"},
	Events:     []string{"snapback"},
	Rules:      []string{"band:artillery-100mm", "band:mlrs", "crossing", "zone:dmz"},
}

func TestParseAndCheckErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"", "column 1: empty condition"},
		{"violations(party=ru) == ", "column 25: want a value, a call or '(', got the end of the condition"},
		{"violations(party=ru) = 0", "column 22: write == to compare"},
		{"violations(party=ru, severity>=major", "column 37: want ',' or ')', got the end of the condition"},
		{"breaches(party=ru) == 0", `column 1: unknown function "breaches"`},
		{"violations(party=us) == 0", `column 18: no party "us" (want one of ru, ua)`},
		{"violations(severity>=huge) == 0", `column 22: no severity "huge"`},
		{"violations(colour=red) == 0", `column 12: violations has no filter "colour"`},
		{"violations(within=30) == 0", "column 12: write within=DURATION"},
		{"violations(rule=band:tanks) == 0", `column 17: no rule "band:tanks"`},
		{"provision(amnesty) == done", `column 11: no provision "amnesty"`},
		{"provision(withdrawal) == finished", `column 26: "finished" is not a status of provision`},
		{"phase(ceasefire-30) == done", `column 24: "done" is not a status of phase`},
		{"since(armistice) >= 30d", `column 7: no event "armistice"`},
		{"since(signature) >= 30", "column 18: cannot compare since(signature) (a duration) with 30 (a count)"},
		{"violations(party=ru)", "is a count, not a condition"},
		{"violations(party=ru) == 0 & since(signature) > 1d", "column 27: '&': write && (or and)"},
		{"phase(permanent) < open", "column 18: < compares numbers and durations"},
		{"violations(party=ru) == 0 since(signature) > 1d", `column 27: unexpected "since"`},
		{"12x == 3", `column 1: "12x"`},
		{"violations(party=ru, party=ua) == 0", "column 22: party given twice"},
		{"violations(within=213504d) == 0", `column 19: "213504d": at most a century (36500d)`},
		{"since(signature) >= 876001h", `column 21: "876001h": at most a century`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e, err := Parse(tt.src)
			if err == nil {
				err = Check(e, names)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\nwant %q", err, tt.want)
			}
		})
	}
}

// record is an in-memory Record for the tests.
type record struct {
	now        time.Time
	violations []Item
	findings   []Item
	events     map[string]time.Time
	provisions map[string]string
	phases     map[string]string
}

func (r *record) Now() time.Time     { return r.now }
func (r *record) Violations() []Item { return r.violations }
func (r *record) Findings() []Item   { return r.findings }
func (r *record) EventTime(e string) (time.Time, bool) {
	t, ok := r.events[e]
	return t, ok
}
func (r *record) ProvisionStatus(id string) string { return r.provisions[id] }
func (r *record) PhaseStatus(id string) string     { return r.phases[id] }

func TestEval(t *testing.T) {
	t0 := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	r := &record{
		now: t0.Add(40 * day),
		violations: []Item{
			{At: t0.Add(2 * day), Party: "ru", Rule: "band:mlrs", Severity: "major"},
			{At: t0.Add(35 * day), Party: "ua", Rule: "zone:dmz", Severity: "minor"},
			{At: t0.Add(39 * day), Party: "ru", Rule: "crossing", Severity: "grave"},
		},
		findings:   []Item{{At: t0.Add(20 * day), Party: "ru", Outcome: "upheld"}},
		events:     map[string]time.Time{"signature": t0, "phase:ceasefire-30": t0},
		provisions: map[string]string{"prisoner-exchange": "done", "withdrawal": "overdue"},
		phases:     map[string]string{"ceasefire-30": "open", "permanent": "pending"},
	}
	tests := []struct {
		src  string
		want bool
	}{
		{"violations(party=ru) == 2", true},
		{"violations(party=ru, within=30d) == 1", true},
		{"violations(party!=ru) == 1", true},
		{"violations(severity>=major) == 2", true},
		{"violations(severity=minor, party=ua) == 1", true},
		{"violations(rule=band:*) == 1", true},
		{"violations(rule!=crossing, within=10d) == 1", true},
		{"findings(outcome=upheld, party=ru) > 0", true},
		{"findings(outcome=dismissed) > 0", false},
		{"since(signature) >= 30d", true},
		{"since(signature) >= 41d", false},
		{"since(phase:permanent) >= 0d", false},   // never happened: false
		{"not since(phase:permanent) < 1d", true}, // ... and so is its negation's operand
		{"provision(prisoner-exchange) == done and phase(ceasefire-30) == open", true},
		{"provision(withdrawal) == done or phase(permanent) != pending", false},
		{"not (violations(party=ru) == 0) && true", true},
		{"(since(signature) > 1d || false) and violations() == 3", true},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e, err := Parse(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if err := Check(e, names); err != nil {
				t.Fatal(err)
			}
			if got := Eval(e, r); got != tt.want {
				t.Errorf("got %v, want %v (parsed %s)", got, tt.want, Format(e.Root))
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"violations(party=ru, severity>=major, within=30d) == 0", "since(signature) >= 30d and phase(ceasefire-30) == open", "not (provision(withdrawal) == done) or true",
		"since(grain-corridor/signature) >= 60d and violations(agreement=grain-corridor, severity>=major, within=60d) == 0",
		"agreement(prisoner-exchange) == snapback or phase(grain-corridor/inspections) != open"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		for _, n := range []Names{names, setNames} {
			if Check(e, n) != nil {
				continue
			}
			// A checked condition evaluates without panicking, alone and in
			// a set, and its formatted form parses to the same form.
			empty := &record{now: time.Unix(0, 0), events: map[string]time.Time{}}
			Eval(e, empty)
			Eval(e, &linked{record: empty, others: map[string]*record{"grain-corridor": empty}, statuses: map[string]string{"grain-corridor": "pending"}})
			again, err := Parse(Format(e.Root))
			if err != nil || Format(again.Root) != Format(e.Root) {
				t.Fatalf("format %q does not parse back: %v", Format(e.Root), err)
			}
		}
	})
}

// setNames are the names of an agreement in a set with two others.
var setNames = func() Names {
	n := names
	n.Self = "ceasefire"
	n.Agreements = map[string]Names{
		"grain-corridor":    {Parties: []string{"ru", "ua", "tr"}, Provisions: []string{"port-access"}, Phases: []string{"inspections", "full"}, Events: []string{"snapback"}, Rules: []string{"shipping"}},
		"prisoner-exchange": {Parties: []string{"ru", "ua"}, Provisions: []string{"all-for-all"}, Phases: []string{"first"}},
	}
	return n
}()

func TestQualifiedCheckErrors(t *testing.T) {
	tests := []struct {
		src   string
		names Names
		want  string // "" valid
	}{
		{"phase(grain-corridor/inspections) == open", setNames, ""},
		{"provision(prisoner-exchange/all-for-all) == done", setNames, ""},
		{"since(grain-corridor/signature) >= 60d", setNames, ""},
		{"since(grain-corridor/phase:full) >= 1d and since(grain-corridor/snapback) > 0d", setNames, ""},
		{"violations(agreement=grain-corridor, severity>=major, within=60d) == 0", setNames, ""},
		{"violations(party=tr, agreement=grain-corridor, rule=shipping) == 0", setNames, ""},
		{"findings(agreement=prisoner-exchange, outcome=upheld) == 0", setNames, ""},
		{"agreement(grain-corridor) == in_force or agreement(prisoner-exchange) != snapback", setNames, ""},
		{"agreement(grain-corridor) == pending", setNames, ""},
		// Alone, every agreement named is unknown, with its column.
		{"phase(grain-corridor/inspections) == open", names, `column 7: unknown agreement "grain-corridor": the agreement is checked alone`},
		{"violations(agreement=grain-corridor) == 0", names, `column 22: unknown agreement "grain-corridor": the agreement is checked alone`},
		{"agreement(grain-corridor) == in_force", names, `column 11: unknown agreement "grain-corridor"`},
		// In a set: unknown agreements, names and statuses.
		{"phase(grain/inspections) == open", setNames, `column 7: unknown agreement "grain" (the set has grain-corridor, prisoner-exchange)`},
		{"phase(grain-corridor/inspection) == open", setNames, `column 22: no phase "inspection"`},
		{"provision(prisoner-exchange/amnesty) == done", setNames, `column 29: no provision "amnesty"`},
		{"since(grain-corridor/phase:none) >= 1d", setNames, `column 22: no event "phase:none"`},
		{"phase(grain-corridor/) == open", setNames, "column 22: grain-corridor/ names nothing"},
		{"phase(ceasefire/permanent) == open", setNames, `column 7: "ceasefire" is this agreement: leave the qualifier out`},
		{"agreement(grain-corridor) == open", setNames, `column 30: "open" is not a status of agreement (want pending, in_force, snapback)`},
		{"agreement(ceasefire) == in_force", setNames, `column 11: "ceasefire" is this agreement`},
		{"violations(agreement=grain-corridor, rule=band:mlrs) == 0", setNames, `column 43: no rule "band:mlrs"`},
		{"violations(agreement=prisoner-exchange, party=tr) == 0", setNames, `column 47: no party "tr"`},
		{"violations(agreement!=grain-corridor) == 0", setNames, "column 12: agreement takes =, not !="},
		{"violations(agreement=3) == 0", setNames, "column 22: agreement wants an agreement's id, got 3"},
		{"violations(agreement=grain-corridor, agreement=grain-corridor) == 0", setNames, "column 38: agreement given twice"},
		{"agreement(grain-corridor) >= 1", setNames, "cannot compare agreement(grain-corridor) (a name) with 1 (a count)"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e, err := Parse(tt.src)
			if err == nil {
				err = Check(e, tt.names)
			}
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v\nwant %q", err, tt.want)
			}
		})
	}
}

// linked is a record in a set.
type linked struct {
	*record
	others   map[string]*record
	statuses map[string]string
}

func (l *linked) Other(id string) Record {
	if o, ok := l.others[id]; ok {
		return o
	}
	return nil
}
func (l *linked) AgreementStatus(id string) string { return l.statuses[id] }

func TestEvalQualified(t *testing.T) {
	t0 := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	self := &record{now: t0.Add(70 * day), events: map[string]time.Time{"signature": t0}, phases: map[string]string{"ceasefire-30": "open"}}
	grain := &record{
		now:        t0.Add(70 * day),
		violations: []Item{{At: t0.Add(5 * day), Party: "ru", Rule: "shipping", Severity: "major"}, {At: t0.Add(50 * day), Party: "tr", Rule: "shipping", Severity: "minor"}},
		findings:   []Item{{At: t0.Add(8 * day), Party: "ru", Outcome: "upheld"}},
		events:     map[string]time.Time{"signature": t0.Add(5 * day)},
		phases:     map[string]string{"inspections": "open", "full": "pending"},
	}
	l := &linked{record: self, others: map[string]*record{"grain-corridor": grain}, statuses: map[string]string{"grain-corridor": "in_force"}}
	tests := []struct {
		src       string
		want      bool
		wantAlone bool
	}{
		{"phase(grain-corridor/inspections) == open", true, false},
		{"phase(grain-corridor/inspections) != open", false, false},
		{"not (phase(grain-corridor/inspections) == open)", false, true},
		{"since(grain-corridor/signature) >= 65d", true, false},
		{"since(grain-corridor/signature) >= 66d", false, false},
		{"since(grain-corridor/phase:full) >= 0d", false, false},
		{"violations(agreement=grain-corridor, severity>=major, within=60d) == 0", true, false},
		{"violations(agreement=grain-corridor, severity>=major) == 1", true, false},
		{"violations(agreement=grain-corridor) == 2 and violations() == 0", true, false},
		{"findings(agreement=grain-corridor, outcome=upheld) == 1", true, false},
		{"agreement(grain-corridor) == in_force", true, false},
		{"agreement(grain-corridor) != in_force", false, false},
		{"agreement(prisoner-exchange) != in_force", false, false}, // not in this record's set
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e, err := Parse(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if err := Check(e, setNames); err != nil {
				t.Fatal(err)
			}
			if got := Eval(e, l); got != tt.want {
				t.Errorf("in the set: got %v, want %v", got, tt.want)
			}
			if got := Eval(e, self); got != tt.wantAlone {
				t.Errorf("alone: got %v, want %v", got, tt.wantAlone)
			}
		})
	}
}

func TestRefs(t *testing.T) {
	e, err := Parse("phase(a/x) == open and not (violations(party=ru, agreement=b) == 0 or agreement(c) == in_force) or since(signature) > 1d")
	if err != nil {
		t.Fatal(err)
	}
	got := Refs(e)
	want := []Ref{{"a", 7}, {"b", 60}, {"c", 81}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %v, want %v", got, want)
		}
	}
}
