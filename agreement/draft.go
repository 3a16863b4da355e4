package agreement

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/accord-peace/accord"
)

// Draft compiles a negotiated package into a starting agreement: the veto
// parties sign and are obliged; each decided issue becomes a provision
// (temporary options become temporary provisions with a review, de facto
// and reservation instruments carry over); the other parties are
// guarantors; two phases (implementation, then consolidation after 90 days
// without a major violation) and the JCPOA-style consultation. The draft
// is a start for the mediators to edit, and passes Parse.
func Draft(s *accord.Scenario, scenarioPath, from string, pkg map[string]string) *Agreement {
	a := &Agreement{ID: s.ID + "-agreement", Title: "Agreement: " + s.Title, Scenario: scenarioPath,
		Package: &Package{From: from, Options: pkg}}
	for _, p := range s.Parties {
		a.Roles = append(a.Roles, Role{Actor: p.ID, Role: RoleNegotiator})
		if p.Veto {
			a.Parties = append(a.Parties, p.ID)
		}
	}
	for _, p := range s.Parties {
		if !p.Veto {
			a.Roles = append(a.Roles, Role{Actor: p.ID, Role: RoleGuarantor})
		}
	}
	for _, is := range s.Issues {
		opt, ok := pkg[is.ID]
		if !ok {
			continue
		}
		o := option(is, opt)
		p := Provision{ID: is.ID, Text: fmt.Sprintf("%s: %s", strings.TrimSuffix(is.Question, "?"), o.Label),
			Obliged: slices.Clone(a.Parties), Track: is.Track, After: "signature", Within: "90d"}
		if o.Nature == accord.NatureTemporary {
			p.Nature, p.Review = "temporary", "365d"
		}
		if slices.Contains(o.Instruments, "de-facto") {
			p.Legal = "de_facto"
		}
		if slices.Contains(o.Instruments, "reservation-clause") {
			p.Reservation = "to be written: the reservation the option provides for"
		}
		a.Provisions = append(a.Provisions, p)
	}
	a.Phases = []Phase{
		{ID: "implementation", Title: "Implementation", Entry: "true"},
		{ID: "consolidation", Title: "Consolidation after verified compliance",
			Entry: "since(phase:implementation) >= 90d and violations(severity>=major, within=90d) == 0"},
	}
	if g := len(a.Guarantors()); g > 0 {
		a.Consultation = &Consultation{ResponseDays: 3, JointDays: 15, MinistersDays: 15, AdvisoryDays: 5, Quorum: min(2, g)}
	}
	return a
}

func option(is accord.Issue, id string) accord.Option {
	for _, o := range is.Options {
		if o.ID == id {
			return o
		}
	}
	return accord.Option{ID: id, Label: id}
}

// YAML writes the agreement as YAML.
func (a *Agreement) YAML() ([]byte, error) {
	b, err := yaml.Marshal(a)
	if err != nil {
		return nil, err
	}
	head := "# Draft agreement compiled by 'accord agreement draft'. Edit it, then run\n# 'accord agreement check' on it.\n"
	return append([]byte(head), b...), nil
}
