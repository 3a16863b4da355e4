package agreement_test

import (
	"strings"
	"testing"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/scenario"
)

func TestDraftParses(t *testing.T) {
	s, err := scenario.Load("../scenarios/ukraine-2025")
	if err != nil {
		t.Fatal(err)
	}
	sol, err := negotiate.Compile(s).Solve(negotiate.ConceptNash, negotiate.Options{})
	if err != nil || sol == nil {
		t.Fatal(sol, err)
	}
	a := agreement.Draft(s, "scenario.yaml", "nash", sol.Package)
	data, err := a.YAML()
	if err != nil {
		t.Fatal(err)
	}
	back, err := agreement.Parse("draft.yaml", data)
	if err != nil {
		t.Fatalf("the draft does not parse: %v\n%s", err, data)
	}
	if len(back.Provisions) != len(s.Issues) || len(back.Phases) != 2 || back.Package.From != "nash" || len(back.Guarantors()) == 0 {
		t.Errorf("draft: %d provisions, %d phases, package %+v, guarantors %v", len(back.Provisions), len(back.Phases), back.Package, back.Guarantors())
	}
	if !strings.Contains(string(data), "legal: de_facto") {
		t.Errorf("no de facto provision carried over from the package's instruments:\n%s", data)
	}
}
