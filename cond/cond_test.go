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
	for _, s := range []string{"violations(party=ru, severity>=major, within=30d) == 0", "since(signature) >= 30d and phase(ceasefire-30) == open", "not (provision(withdrawal) == done) or true"} {
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
		if Check(e, names) == nil {
			// A checked condition evaluates without panicking, and its
			// formatted form parses to the same form.
			Eval(e, &record{now: time.Unix(0, 0), events: map[string]time.Time{}})
			again, err := Parse(Format(e.Root))
			if err != nil || Format(again.Root) != Format(e.Root) {
				t.Fatalf("format %q does not parse back: %v", Format(e.Root), err)
			}
		}
	})
}
